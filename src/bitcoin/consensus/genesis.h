// Genesis blocks built from their definitions, the way every Bitcoin network's first block was
// made: one coinbase whose scriptSig is push(486604799) push(4) push(text), paying the reward
// to a fixed output script. Tests rebuild each network's genesis here and compare it with the
// published hash, so the parameters cannot silently drift. Pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "bitcoin/primitives/amount.h"
#include "bitcoin/primitives/block.h"
#include "util/bytes.h"

namespace tonari::bitcoin::consensus {

// The headline in the mainnet, testnet3, signet and regtest genesis coinbase.
inline constexpr std::string_view GENESIS_TIMES_HEADLINE =
    "The Times 03/Jan/2009 Chancellor on brink of second bailout for banks";

// push(pubkey) OP_CHECKSIG with the 65-byte key of the original genesis output.
util::Bytes GenesisOutputScript();

// scriptSig = push(486604799) push(4) push(text): the first push is the number 0x1d00ffff
// (the genesis nBits) and the second a one-byte push of 4, exactly as the original code
// serialized them. Texts of 76 bytes or more take OP_PUSHDATA1 (testnet4's message does).
util::Bytes GenesisScriptSig(std::string_view text);

// A version-1 transaction with that scriptSig and one output of `reward` to `output_script`,
// in a block with a null previous hash and the merkle root computed from it.
primitives::Block CreateGenesisBlock(std::string_view text, util::ByteSpan output_script, uint32_t time,
                                     uint32_t nonce, uint32_t bits, int32_t version,
                                     primitives::Amount reward);

}  // namespace tonari::bitcoin::consensus
