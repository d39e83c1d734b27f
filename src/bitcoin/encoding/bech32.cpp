// Bech32 / Bech32m (see bech32.h). The checksum is a BCH code over GF(32): Polymod computes
// the remainder of the symbol sequence (expanded HRP, data, checksum) modulo the BIP173
// generator; a valid string leaves 1 (Bech32) or 0x2bc830a3 (Bech32m).
#include "bitcoin/encoding/bech32.h"

#include <array>

namespace tonari::bitcoin::encoding::bech32 {
namespace {

constexpr std::string_view CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr uint32_t BECH32_CONST = 1;
constexpr uint32_t BECH32M_CONST = 0x2bc830a3;
constexpr size_t MAX_HRP_LENGTH = 83;

uint32_t EncodingConst(Encoding e) {
    return e == Encoding::Bech32 ? BECH32_CONST : BECH32M_CONST;
}

// Feeds one 5-bit symbol into the checksum state. XOR-linear in (c, v), which is what lets
// LocateSingleError below predict the effect of a substitution without recomputing.
uint32_t Step(uint32_t c, uint8_t v) {
    static constexpr uint32_t GEN[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    const uint32_t top = c >> 25;
    c = ((c & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; ++i) {
        if ((top >> i) & 1) c ^= GEN[i];
    }
    return c;
}

// Checksum state after the expanded HRP: high bits of each char, a zero, then low bits.
uint32_t HrpState(std::string_view hrp) {
    uint32_t c = 1;
    for (char ch : hrp) c = Step(c, static_cast<uint8_t>(static_cast<uint8_t>(ch) >> 5));
    c = Step(c, 0);
    for (char ch : hrp) c = Step(c, static_cast<uint8_t>(ch & 31));
    return c;
}

int8_t CharValue(char c) {
    static const std::array<int8_t, 256> table = [] {
        std::array<int8_t, 256> t{};
        t.fill(-1);
        for (size_t i = 0; i < CHARSET.size(); ++i) {
            const char lower = CHARSET[i];
            t[static_cast<uint8_t>(lower)] = static_cast<int8_t>(i);
            if (lower >= 'a' && lower <= 'z') {
                t[static_cast<uint8_t>(lower - 'a' + 'A')] = static_cast<int8_t>(i);
            }
        }
        return t;
    }();
    return table[static_cast<uint8_t>(c)];
}

char ToLower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Looks for one symbol of `values` whose replacement would make `residue` (the Polymod of the
// whole string) equal to an encoding's constant. Changing symbol j by XOR d changes the
// residue by the linear image of d pushed through the (n-1-j) later steps, so we carry the
// images of the five unit vectors backwards from the last symbol.
DecodeError LocateSingleError(uint32_t residue, size_t n, size_t data_start) {
    std::optional<size_t> found[2];
    std::array<uint32_t, 5> basis{1, 2, 4, 8, 16};  // images at distance 0 from the end
    for (size_t k = 0; k < n; ++k) {
        const size_t j = n - 1 - k;
        for (uint32_t d = 1; d < 32; ++d) {
            uint32_t delta = 0;
            for (int b = 0; b < 5; ++b) {
                if ((d >> b) & 1) delta ^= basis[b];
            }
            const uint32_t r = residue ^ delta;
            if (r == BECH32_CONST && !found[0]) found[0] = j;
            if (r == BECH32M_CONST && !found[1]) found[1] = j;
        }
        for (auto& v : basis) v = Step(v, 0);
    }
    if (found[0]) return {Error::InvalidBech32Checksum, data_start + *found[0]};
    if (found[1]) return {Error::InvalidBech32mChecksum, data_start + *found[1]};
    return {Error::InvalidChecksum, std::nullopt};
}

}  // namespace

std::string_view ErrorName(Error e) {
    switch (e) {
        case Error::TooLong:
            return "string too long";
        case Error::InvalidCharacter:
            return "character out of range";
        case Error::MixedCase:
            return "mixed case";
        case Error::MissingSeparator:
            return "missing separator";
        case Error::EmptyHrp:
            return "empty HRP";
        case Error::ChecksumTooShort:
            return "checksum too short";
        case Error::InvalidDataCharacter:
            return "invalid data character";
        case Error::InvalidChecksum:
            return "invalid checksum";
        case Error::InvalidBech32Checksum:
            return "invalid checksum (one substitution from Bech32)";
        case Error::InvalidBech32mChecksum:
            return "invalid checksum (one substitution from Bech32m)";
    }
    return "unknown";
}

std::string_view ErrorMessage(Error e) {
    switch (e) {
        case Error::TooLong:
            return "Bech32 string too long";
        case Error::InvalidCharacter:
        case Error::MixedCase:
            return "Invalid character or mixed case";
        case Error::MissingSeparator:
            return "Missing separator";
        case Error::EmptyHrp:
        case Error::ChecksumTooShort:
            return "Invalid separator position";
        case Error::InvalidDataCharacter:
            return "Invalid Base 32 character";
        case Error::InvalidChecksum:
            return "Invalid checksum";
        case Error::InvalidBech32Checksum:
            return "Invalid Bech32 checksum";
        case Error::InvalidBech32mChecksum:
            return "Invalid Bech32m checksum";
    }
    return "unknown";
}

std::string Encode(Encoding encoding, std::string_view hrp, util::ByteSpan values) {
    uint32_t c = HrpState(hrp);
    std::string out;
    out.reserve(hrp.size() + 1 + values.size() + CHECKSUM_SIZE);
    out.append(hrp);
    out.push_back('1');
    for (uint8_t v : values) {
        c = Step(c, v & 31);
        out.push_back(CHARSET[v & 31]);
    }
    for (size_t i = 0; i < CHECKSUM_SIZE; ++i) c = Step(c, 0);
    c ^= EncodingConst(encoding);
    for (size_t i = 0; i < CHECKSUM_SIZE; ++i) {
        out.push_back(CHARSET[(c >> (5 * (CHECKSUM_SIZE - 1 - i))) & 31]);
    }
    return out;
}

util::Result<Decoded, DecodeError> Decode(std::string_view str, size_t max_length) {
    if (str.size() > max_length) return util::Fail(DecodeError{Error::TooLong, max_length});
    bool lower = false;
    bool upper = false;
    for (size_t i = 0; i < str.size(); ++i) {
        const auto c = static_cast<uint8_t>(str[i]);
        if (c < 33 || c > 126) return util::Fail(DecodeError{Error::InvalidCharacter, i});
        if (c >= 'a' && c <= 'z') lower = true;
        if (c >= 'A' && c <= 'Z') upper = true;
        if (lower && upper) return util::Fail(DecodeError{Error::MixedCase, i});
    }
    const size_t sep = str.rfind('1');
    if (sep == std::string_view::npos) {
        return util::Fail(DecodeError{Error::MissingSeparator, std::nullopt});
    }
    if (sep == 0) return util::Fail(DecodeError{Error::EmptyHrp, sep});
    if (str.size() - sep - 1 < CHECKSUM_SIZE) {
        return util::Fail(DecodeError{Error::ChecksumTooShort, sep});
    }
    if (sep > MAX_HRP_LENGTH) return util::Fail(DecodeError{Error::TooLong, MAX_HRP_LENGTH});

    Decoded out;
    out.hrp.reserve(sep);
    for (size_t i = 0; i < sep; ++i) out.hrp.push_back(ToLower(str[i]));
    const size_t n = str.size() - sep - 1;
    out.data.reserve(n);
    uint32_t c = HrpState(out.hrp);
    for (size_t i = sep + 1; i < str.size(); ++i) {
        const int8_t v = CharValue(str[i]);
        if (v < 0) return util::Fail(DecodeError{Error::InvalidDataCharacter, i});
        out.data.push_back(static_cast<uint8_t>(v));
        c = Step(c, static_cast<uint8_t>(v));
    }
    if (c == BECH32_CONST) {
        out.encoding = Encoding::Bech32;
    } else if (c == BECH32M_CONST) {
        out.encoding = Encoding::Bech32m;
    } else {
        return util::Fail(LocateSingleError(c, n, sep + 1));
    }
    out.data.resize(n - CHECKSUM_SIZE);
    return out;
}

std::optional<util::Bytes> ConvertBits(util::ByteSpan in, int from_bits, int to_bits, bool pad) {
    if (from_bits < 1 || from_bits > 8 || to_bits < 1 || to_bits > 8) return std::nullopt;
    const uint32_t max_out = (1u << to_bits) - 1;
    uint32_t acc = 0;
    int bits = 0;
    util::Bytes out;
    out.reserve((in.size() * static_cast<size_t>(from_bits) + to_bits - 1) / to_bits);
    for (uint8_t v : in) {
        if ((v >> from_bits) != 0) return std::nullopt;
        acc = ((acc << from_bits) | v) & 0xffff;  // never needs more than 15 bits
        bits += from_bits;
        while (bits >= to_bits) {
            bits -= to_bits;
            out.push_back(static_cast<uint8_t>((acc >> bits) & max_out));
        }
    }
    if (pad) {
        if (bits > 0) out.push_back(static_cast<uint8_t>((acc << (to_bits - bits)) & max_out));
    } else if (bits >= from_bits || ((acc << (to_bits - bits)) & max_out) != 0) {
        return std::nullopt;
    }
    return out;
}

}  // namespace tonari::bitcoin::encoding::bech32
