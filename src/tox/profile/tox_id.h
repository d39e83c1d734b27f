// The Tox ID people exchange to become friends: the long-term public key, the 4-byte nospam
// (which a friend request must carry, so a leaked key alone cannot be spammed) and a 2-byte
// checksum, the XOR of the first 36 bytes taken two at a time; written as 76 hex digits.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "crypto/nacl_box.h"
#include "util/result.h"

namespace tonari::tox::profile {

using Nospam = std::array<uint8_t, 4>;  // the bytes as they stand in the ID

inline constexpr size_t TOX_ID_SIZE = crypto::BOX_KEY_SIZE + 4 + 2;

// A key as Tox clients print them: 64 upper-case hex digits.
std::string KeyHex(const crypto::BoxPublicKey& key);

struct ToxId {
    crypto::BoxPublicKey public_key;
    Nospam nospam{};

    std::array<uint8_t, 2> Checksum() const;
    // 76 upper-case hex digits, as every Tox client prints them.
    std::string ToString() const;
    // Any case; surrounding spaces ignored. Errors name what is wrong, the checksum included.
    static util::Result<ToxId, std::string> Parse(std::string_view text);
    bool operator==(const ToxId&) const = default;
};

}  // namespace tonari::tox::profile
