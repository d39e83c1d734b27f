// Per-network prefixes for everything a user types or copies: Base58Check version bytes
// (P2PKH, P2SH, WIF), the bech32 human-readable part, and the BIP32 extended-key versions.
// Values are Bitcoin Core's current chainparams. The returned tables are immutable statics;
// thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "bitcoin/encoding/network.h"

namespace tonari::bitcoin::encoding {

struct AddressParams {
    uint8_t pubkey_prefix;              // Base58Check version byte of P2PKH addresses
    uint8_t script_prefix;              // ... of P2SH addresses
    uint8_t secret_prefix;              // ... of WIF private keys
    std::string_view hrp;               // bech32/bech32m human-readable part (lower case)
    std::array<uint8_t, 4> ext_public;  // BIP32 version bytes, xpub / tpub
    std::array<uint8_t, 4> ext_secret;  // BIP32 version bytes, xprv / tprv
};

// Never fails: every Network has a table.
const AddressParams& GetAddressParams(Network network);

}  // namespace tonari::bitcoin::encoding
