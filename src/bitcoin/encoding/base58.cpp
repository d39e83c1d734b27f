// Base58 / Base58Check (see base58.h). Big-number conversion between base 256 and base 58 on a
// byte vector, most significant digit first; leading zero bytes map to leading '1's.
#include "bitcoin/encoding/base58.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "bitcoin/encoding/wipe.h"
#include "crypto/sha256.h"

namespace tonari::bitcoin::encoding {
namespace {

constexpr std::string_view ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

// Character -> digit value, -1 for characters outside the alphabet.
const std::array<int8_t, 256>& DigitTable() {
    static const std::array<int8_t, 256> table = [] {
        std::array<int8_t, 256> t{};
        t.fill(-1);
        for (size_t i = 0; i < ALPHABET.size(); ++i) {
            t[static_cast<uint8_t>(ALPHABET[i])] = static_cast<int8_t>(i);
        }
        return t;
    }();
    return table;
}

bool IsSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

}  // namespace

std::string_view Base58ErrorName(Base58Error e) {
    switch (e) {
        case Base58Error::InvalidCharacter:
            return "invalid base58 character";
        case Base58Error::TooLong:
            return "decoded data too long";
        case Base58Error::TooShort:
            return "too short for a checksum";
        case Base58Error::BadChecksum:
            return "invalid checksum";
    }
    return "unknown";
}

std::string EncodeBase58(util::ByteSpan data) {
    size_t zeroes = 0;
    while (zeroes < data.size() && data[zeroes] == 0) ++zeroes;
    // log(256) / log(58) ~= 1.365, rounded up: room for every base-58 digit.
    const size_t capacity = (data.size() - zeroes) * 138 / 100 + 1;
    std::vector<uint8_t> digits(capacity, 0);  // base 58, most significant first
    size_t length = 0;                         // digits in use, counted from the end
    for (size_t k = zeroes; k < data.size(); ++k) {
        uint32_t carry = data[k];
        size_t i = 0;
        for (auto it = digits.rbegin(); (carry != 0 || i < length) && it != digits.rend(); ++it, ++i) {
            carry += 256u * *it;
            *it = static_cast<uint8_t>(carry % 58);
            carry /= 58;
        }
        length = i;
    }
    std::string out;
    out.reserve(zeroes + length);
    out.assign(zeroes, '1');
    for (size_t i = capacity - length; i < capacity; ++i) out.push_back(ALPHABET[digits[i]]);
    detail::Wipe(digits);  // the digits encode whatever was passed in, keys included
    return out;
}

util::Result<util::Bytes, Base58Error> DecodeBase58(std::string_view str, size_t max_out_len) {
    const auto& table = DigitTable();
    size_t pos = 0;
    while (pos < str.size() && IsSpace(str[pos])) ++pos;
    size_t zeroes = 0;
    while (pos < str.size() && str[pos] == '1') {
        if (++zeroes > max_out_len) return util::Fail(Base58Error::TooLong);
        ++pos;
    }
    size_t end = str.size();
    while (end > pos && IsSpace(str[end - 1])) --end;

    // Each base-58 digit adds at most one byte to the number, so max_out_len - zeroes + 1 bytes
    // always hold the intermediate value up to the point where the bound check below fires.
    // log(58) / log(256) ~= 0.733 bounds it from the input side.
    const size_t budget = max_out_len - zeroes;
    const size_t capacity = std::min((end - pos) * 733 / 1000 + 1, budget + 1);
    std::vector<uint8_t> b256(capacity, 0);  // most significant first
    size_t length = 0;
    for (; pos < end; ++pos) {
        const int digit = table[static_cast<uint8_t>(str[pos])];
        if (digit < 0) return util::Fail(Base58Error::InvalidCharacter);
        uint32_t carry = static_cast<uint32_t>(digit);
        size_t i = 0;
        for (auto it = b256.rbegin(); (carry != 0 || i < length) && it != b256.rend(); ++it, ++i) {
            carry += 58u * *it;
            *it = static_cast<uint8_t>(carry & 0xff);
            carry >>= 8;
        }
        length = i;
        if (length > budget) {
            detail::Wipe(b256);
            return util::Fail(Base58Error::TooLong);
        }
    }
    util::Bytes out;
    out.reserve(zeroes + length);
    out.assign(zeroes, 0);
    out.insert(out.end(), b256.end() - static_cast<std::ptrdiff_t>(length), b256.end());
    detail::Wipe(b256);  // may be a decoded private key
    return out;
}

std::string EncodeBase58Check(util::ByteSpan payload) {
    util::Bytes buf(payload.begin(), payload.end());
    const util::Uint256 hash = crypto::Sha256d(payload);
    buf.insert(buf.end(), hash.begin(), hash.begin() + BASE58_CHECKSUM_SIZE);
    std::string out = EncodeBase58(buf);
    detail::Wipe(buf);
    return out;
}

util::Result<util::Bytes, Base58Error> DecodeBase58Check(std::string_view str, size_t max_payload_len) {
    const size_t max_len =
        max_payload_len > SIZE_MAX - BASE58_CHECKSUM_SIZE ? SIZE_MAX : max_payload_len + BASE58_CHECKSUM_SIZE;
    auto decoded = DecodeBase58(str, max_len);
    if (!decoded) return decoded;
    util::Bytes& bytes = *decoded;
    if (bytes.size() < BASE58_CHECKSUM_SIZE) return util::Fail(Base58Error::TooShort);
    const size_t n = bytes.size() - BASE58_CHECKSUM_SIZE;
    const util::Uint256 hash = crypto::Sha256d(util::ByteSpan(bytes.data(), n));
    if (std::memcmp(hash.data(), bytes.data() + n, BASE58_CHECKSUM_SIZE) != 0) {
        detail::Wipe(bytes);
        return util::Fail(Base58Error::BadChecksum);
    }
    bytes.resize(n);
    return decoded;
}

}  // namespace tonari::bitcoin::encoding
