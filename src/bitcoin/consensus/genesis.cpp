// Genesis block construction.
#include "bitcoin/consensus/genesis.h"

#include <cassert>

#include "bitcoin/primitives/merkle.h"
#include "bitcoin/script/opcodes.h"
#include "bitcoin/script/script.h"
#include "util/hex.h"

namespace tonari::bitcoin::consensus {

util::Bytes GenesisOutputScript() {
    static constexpr std::string_view PUBKEY =
        "04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51"
        "ec112de5c384df7ba0b8d578a4c702b6bf11d5f";
    const auto key = util::HexDecode(PUBKEY);
    assert(key && key->size() == 65);
    return script::ScriptBuilder().Push(*key).Op(script::Opcode::OP_CHECKSIG).Take();
}

util::Bytes GenesisScriptSig(std::string_view text) {
    // 486604799 (0x1d00ffff) is pushed as the 4-byte script number ff ff 00 1d; the 4 after it
    // as one byte of data rather than OP_4, as the original code serialized it.
    return script::ScriptBuilder().PushInt(486604799).PushNumData(4).Push(util::AsBytes(text)).Take();
}

primitives::Block CreateGenesisBlock(std::string_view text, util::ByteSpan output_script, uint32_t time,
                                     uint32_t nonce, uint32_t bits, int32_t version,
                                     primitives::Amount reward) {
    primitives::Tx coinbase;
    coinbase.version = 1;
    coinbase.inputs.resize(1);  // prevout defaults to null, sequence to final
    coinbase.inputs[0].script_sig = GenesisScriptSig(text);
    coinbase.outputs.resize(1);
    coinbase.outputs[0].value = reward;
    coinbase.outputs[0].script_pubkey.assign(output_script.begin(), output_script.end());
    coinbase.locktime = 0;

    primitives::Block block;
    block.header.version = version;
    block.header.time = time;
    block.header.bits = bits;
    block.header.nonce = nonce;
    block.txs.push_back(std::move(coinbase));
    block.header.merkle_root = primitives::BlockMerkleRoot(block).root;
    return block;
}

}  // namespace tonari::bitcoin::consensus
