// Bitcoin addresses <-> scriptPubKeys: Base58Check P2PKH/P2SH and segwit bech32 (v0, BIP173)
// / bech32m (v1+, BIP350), per network (address_params.h).
//
// DecodeAddress follows Bitcoin Core's DecodeDestination decision order, so a rejected string
// gets the same error text validateaddress would give (e.g. "Invalid checksum or length of
// Base58 address (P2PKH or P2SH)", "Version 1+ witness address must use Bech32m checksum").
// Strings starting with the network's HRP (any case) are treated as bech32, all others as
// Base58. Accepted: P2PKH, P2SH, witness v0 with 20- or 32-byte programs, and witness v1..16
// with 2..40-byte programs (taproot, pay-to-anchor and future versions).
// EncodeAddress is the inverse on scriptPubKey bytes; it pattern-matches the script directly.
// Stateless free functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "bitcoin/encoding/network.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::encoding {

// BIP141: a witness program is 2..40 bytes.
inline constexpr size_t MIN_WITNESS_PROGRAM_SIZE = 2;
inline constexpr size_t MAX_WITNESS_PROGRAM_SIZE = 40;

enum class AddressErrorCode {
    InvalidEncoding,         // neither bech32 for this network nor Base58 at all
    Base58ChecksumOrLength,  // Base58 characters, but the checksum or length is wrong
    Base58Length,            // good checksum and a known prefix, wrong payload length
    Base58Prefix,            // good checksum, unknown version byte (e.g. another network)
    Bech32Format,            // bech32 syntax or checksum error (message says which)
    Bech32EmptyData,         // valid checksum but no witness version
    Bech32Hrp,               // valid bech32 with another network's HRP (e.g. bcrt on main)
    Bech32V0NeedsBech32,     // witness v0 with a Bech32m checksum
    Bech32V1NeedsBech32m,    // witness v1+ with a Bech32 checksum (BIP350)
    Bech32Padding,           // bad 5-to-8 bit padding
    WitnessV0ProgramSize,    // v0 program neither 20 nor 32 bytes (BIP141)
    WitnessVersion,          // version above 16
    WitnessProgramSize,      // v1+ program outside 2..40 bytes
};

struct AddressError {
    AddressErrorCode code;
    std::string message;             // Bitcoin Core's validateaddress wording
    std::optional<size_t> position;  // index of a located bad character, if known
};

// The scriptPubKey the address pays to, or why the string is not an address on `network`.
util::Result<util::Bytes, AddressError> DecodeAddress(std::string_view str, Network network);

// The address for a scriptPubKey, or nullopt if it has none (bare multisig, OP_RETURN, witness
// v0 programs of other sizes, ...). Bech32 output is lower case.
std::optional<std::string> EncodeAddress(util::ByteSpan script_pub_key, Network network);

enum class AddressType { None, P2PKH, P2SH, P2WPKH, P2WSH, P2TR, P2A, WitnessUnknown };

// What validateaddress reports about a scriptPubKey. is_script is true when the address
// commits to a script (P2SH, P2WSH, and, as Core reports it, P2TR and P2A); witness fields are
// set only when is_witness.
struct AddressInfo {
    AddressType type = AddressType::None;
    bool is_script = false;
    bool is_witness = false;
    int witness_version = 0;
    util::Bytes witness_program;
};

AddressInfo DescribeScript(util::ByteSpan script_pub_key);

}  // namespace tonari::bitcoin::encoding
