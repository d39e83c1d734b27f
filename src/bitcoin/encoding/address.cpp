// Address decoding and encoding (see address.h). The decision order and the error texts follow
// Bitcoin Core's DecodeDestination so that validateaddress answers match Core's.
#include "bitcoin/encoding/address.h"

#include <algorithm>
#include <array>

#include "bitcoin/encoding/address_params.h"
#include "bitcoin/encoding/base58.h"
#include "bitcoin/encoding/bech32.h"

namespace tonari::bitcoin::encoding {
namespace {

constexpr uint8_t OP_0 = 0x00;
constexpr uint8_t OP_1 = 0x51;
constexpr uint8_t OP_16 = 0x60;
constexpr uint8_t OP_DUP = 0x76;
constexpr uint8_t OP_HASH160 = 0xa9;
constexpr uint8_t OP_EQUAL = 0x87;
constexpr uint8_t OP_EQUALVERIFY = 0x88;
constexpr uint8_t OP_CHECKSIG = 0xac;
constexpr size_t HASH160_SIZE = 20;
constexpr size_t P2PKH_SIZE = 25;
constexpr size_t P2SH_SIZE = 23;
// Base58 payload of P2PKH/P2SH: one version byte and a HASH160.
constexpr size_t BASE58_ADDRESS_PAYLOAD = 1 + HASH160_SIZE;
// Longer Base58 strings are not worth decoding just to choose an error message (Core's bound).
constexpr size_t BASE58_DIAGNOSTIC_MAX = 100;
// BIP341 taproot output key size, and Core's pay-to-anchor program.
constexpr size_t TAPROOT_PROGRAM_SIZE = 32;
constexpr std::array<uint8_t, 2> ANCHOR_PROGRAM = {0x4e, 0x73};

AddressError Error(AddressErrorCode code, std::string message,
                   std::optional<size_t> position = std::nullopt) {
    return AddressError{code, std::move(message), position};
}

std::string ByteCount(size_t n) {
    return std::to_string(n) + (n == 1 ? " byte" : " bytes");
}

util::Bytes P2pkhScript(util::ByteSpan hash) {
    util::Bytes s{OP_DUP, OP_HASH160, static_cast<uint8_t>(HASH160_SIZE)};
    util::Append(s, hash);
    s.push_back(OP_EQUALVERIFY);
    s.push_back(OP_CHECKSIG);
    return s;
}

util::Bytes P2shScript(util::ByteSpan hash) {
    util::Bytes s{OP_HASH160, static_cast<uint8_t>(HASH160_SIZE)};
    util::Append(s, hash);
    s.push_back(OP_EQUAL);
    return s;
}

util::Bytes WitnessScript(int version, util::ByteSpan program) {
    util::Bytes s{version == 0 ? OP_0 : static_cast<uint8_t>(OP_1 + version - 1),
                  static_cast<uint8_t>(program.size())};
    util::Append(s, program);
    return s;
}

bool IsP2pkh(util::ByteSpan s) {
    return s.size() == P2PKH_SIZE && s[0] == OP_DUP && s[1] == OP_HASH160 && s[2] == HASH160_SIZE &&
           s[23] == OP_EQUALVERIFY && s[24] == OP_CHECKSIG;
}

bool IsP2sh(util::ByteSpan s) {
    return s.size() == P2SH_SIZE && s[0] == OP_HASH160 && s[1] == HASH160_SIZE && s[22] == OP_EQUAL;
}

// BIP141: a version opcode (OP_0, OP_1..OP_16) followed by one direct push of 2..40 bytes and
// nothing else.
struct WitnessProgram {
    int version;
    util::ByteSpan program;
};

std::optional<WitnessProgram> ParseWitnessProgram(util::ByteSpan s) {
    if (s.size() < 2 + MIN_WITNESS_PROGRAM_SIZE || s.size() > 2 + MAX_WITNESS_PROGRAM_SIZE) {
        return std::nullopt;
    }
    if (s[0] != OP_0 && (s[0] < OP_1 || s[0] > OP_16)) return std::nullopt;
    if (static_cast<size_t>(s[1]) + 2 != s.size()) return std::nullopt;
    const int version = s[0] == OP_0 ? 0 : s[0] - OP_1 + 1;
    return WitnessProgram{version, s.subspan(2)};
}

util::Result<util::Bytes, AddressError> DecodeBase58Address(std::string_view str,
                                                            const AddressParams& params) {
    auto payload = DecodeBase58Check(str, BASE58_ADDRESS_PAYLOAD);
    if (!payload) {
        // Tell "not Base58 at all" from "Base58 with a bad checksum or length", as Core does.
        if (!DecodeBase58(str, BASE58_DIAGNOSTIC_MAX)) {
            return util::Fail(Error(AddressErrorCode::InvalidEncoding,
                                    "Invalid or unsupported Segwit (Bech32) or Base58 encoding."));
        }
        return util::Fail(Error(AddressErrorCode::Base58ChecksumOrLength,
                                "Invalid checksum or length of Base58 address (P2PKH or P2SH)"));
    }
    const util::Bytes& data = *payload;
    const bool known_prefix =
        !data.empty() && (data[0] == params.pubkey_prefix || data[0] == params.script_prefix);
    if (!known_prefix) {
        return util::Fail(
            Error(AddressErrorCode::Base58Prefix, "Invalid or unsupported Base58-encoded address."));
    }
    if (data.size() != BASE58_ADDRESS_PAYLOAD) {
        return util::Fail(
            Error(AddressErrorCode::Base58Length, "Invalid length for Base58 address (P2PKH or P2SH)"));
    }
    const util::ByteSpan hash = util::ByteSpan(data).subspan(1);
    return data[0] == params.pubkey_prefix ? P2pkhScript(hash) : P2shScript(hash);
}

util::Result<util::Bytes, AddressError> DecodeSegwitAddress(std::string_view str,
                                                            const AddressParams& params) {
    auto dec = bech32::Decode(str);
    if (!dec) {
        const bech32::DecodeError& e = dec.error();
        return util::Fail(
            Error(AddressErrorCode::Bech32Format, std::string(bech32::ErrorMessage(e.error)), e.position));
    }
    if (dec->data.empty()) {
        return util::Fail(Error(AddressErrorCode::Bech32EmptyData, "Empty Bech32 data section"));
    }
    if (dec->hrp != params.hrp) {
        return util::Fail(Error(AddressErrorCode::Bech32Hrp,
                                "Invalid or unsupported prefix for Segwit (Bech32) address (expected " +
                                    std::string(params.hrp) + ", got " + dec->hrp + ")."));
    }
    const int version = dec->data[0];
    if (version == 0 && dec->encoding != bech32::Encoding::Bech32) {
        return util::Fail(Error(AddressErrorCode::Bech32V0NeedsBech32,
                                "Version 0 witness address must use Bech32 checksum"));
    }
    if (version != 0 && dec->encoding != bech32::Encoding::Bech32m) {
        return util::Fail(Error(AddressErrorCode::Bech32V1NeedsBech32m,
                                "Version 1+ witness address must use Bech32m checksum"));
    }
    auto program = bech32::ConvertBits(util::ByteSpan(dec->data).subspan(1), 5, 8, /*pad=*/false);
    if (!program) {
        return util::Fail(Error(AddressErrorCode::Bech32Padding, "Invalid padding in Bech32 data section"));
    }
    const size_t size = program->size();
    if (version == 0) {
        if (size != 20 && size != 32) {
            return util::Fail(
                Error(AddressErrorCode::WitnessV0ProgramSize,
                      "Invalid Bech32 v0 address program size (" + ByteCount(size) + "), per BIP141"));
        }
        return WitnessScript(0, *program);
    }
    if (version > 16) {
        return util::Fail(Error(AddressErrorCode::WitnessVersion, "Invalid Bech32 address witness version"));
    }
    if (size < MIN_WITNESS_PROGRAM_SIZE || size > MAX_WITNESS_PROGRAM_SIZE) {
        return util::Fail(Error(AddressErrorCode::WitnessProgramSize,
                                "Invalid Bech32 address program size (" + ByteCount(size) + ")"));
    }
    return WitnessScript(version, *program);
}

bool StartsWithHrp(std::string_view str, std::string_view hrp) {
    if (str.size() < hrp.size()) return false;
    for (size_t i = 0; i < hrp.size(); ++i) {
        char c = str[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != hrp[i]) return false;
    }
    return true;
}

}  // namespace

util::Result<util::Bytes, AddressError> DecodeAddress(std::string_view str, Network network) {
    const AddressParams& params = GetAddressParams(network);
    // Like Core, decide by prefix alone: a string that starts with this network's HRP is only
    // ever tried as bech32, so its error message talks about bech32.
    if (StartsWithHrp(str, params.hrp)) return DecodeSegwitAddress(str, params);
    return DecodeBase58Address(str, params);
}

std::optional<std::string> EncodeAddress(util::ByteSpan script_pub_key, Network network) {
    const AddressParams& params = GetAddressParams(network);
    if (IsP2pkh(script_pub_key) || IsP2sh(script_pub_key)) {
        const bool pkh = IsP2pkh(script_pub_key);
        util::Bytes payload{pkh ? params.pubkey_prefix : params.script_prefix};
        util::Append(payload, script_pub_key.subspan(pkh ? 3 : 2, HASH160_SIZE));
        return EncodeBase58Check(payload);
    }
    const auto wp = ParseWitnessProgram(script_pub_key);
    if (!wp) return std::nullopt;
    if (wp->version == 0 && wp->program.size() != 20 && wp->program.size() != 32) {
        return std::nullopt;
    }
    util::Bytes values{static_cast<uint8_t>(wp->version)};
    const auto converted = bech32::ConvertBits(wp->program, 8, 5, /*pad=*/true);
    util::Append(values, *converted);  // 8 -> 5 with padding cannot fail
    const auto encoding = wp->version == 0 ? bech32::Encoding::Bech32 : bech32::Encoding::Bech32m;
    return bech32::Encode(encoding, params.hrp, values);
}

AddressInfo DescribeScript(util::ByteSpan spk) {
    AddressInfo info;
    if (IsP2pkh(spk)) {
        info.type = AddressType::P2PKH;
        return info;
    }
    if (IsP2sh(spk)) {
        info.type = AddressType::P2SH;
        info.is_script = true;
        return info;
    }
    const auto wp = ParseWitnessProgram(spk);
    if (!wp) return info;
    const size_t size = wp->program.size();
    if (wp->version == 0) {
        if (size == 20) {
            info.type = AddressType::P2WPKH;
        } else if (size == 32) {
            info.type = AddressType::P2WSH;
            info.is_script = true;
        } else {
            return info;  // consensus-invalid to spend; no address
        }
    } else if (wp->version == 1 && size == TAPROOT_PROGRAM_SIZE) {
        info.type = AddressType::P2TR;
        info.is_script = true;
    } else if (wp->version == 1 && std::equal(wp->program.begin(), wp->program.end(), ANCHOR_PROGRAM.begin(),
                                              ANCHOR_PROGRAM.end())) {
        info.type = AddressType::P2A;
        info.is_script = true;
    } else {
        info.type = AddressType::WitnessUnknown;
    }
    info.is_witness = true;
    info.witness_version = wp->version;
    info.witness_program.assign(wp->program.begin(), wp->program.end());
    return info;
}

}  // namespace tonari::bitcoin::encoding
