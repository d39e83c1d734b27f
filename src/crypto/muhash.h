// MuHash3072: a hash of a set that can be updated one element at a time, in any order (Bitcoin
// Core's gettxoutsetinfo "muhash" and coinstatsindex). Each element is hashed to a number
// modulo the prime 2^3072 - 1103717 (SHA-256, then 384 bytes of ChaCha20 keystream keyed by
// it); the set is the product of its elements, removals multiply a separate denominator, and
// Finalize outputs SHA-256 of numerator/denominator as 384 little-endian bytes.
//
// Backed by OpenSSL's BIGNUM: the inputs are public (UTXOs), so nothing here is secret.
// A MuHash3072 is a value used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "util/blob.h"
#include "util/bytes.h"

namespace tonari::crypto {

class MuHash3072 {
public:
    static constexpr size_t BYTE_SIZE = 384;  // 3072 bits

    MuHash3072();  // the empty set
    ~MuHash3072();
    MuHash3072(const MuHash3072&) = delete;
    MuHash3072& operator=(const MuHash3072&) = delete;
    MuHash3072(MuHash3072&&) noexcept;
    MuHash3072& operator=(MuHash3072&&) noexcept;

    void Insert(util::ByteSpan element);
    void Remove(util::ByteSpan element);
    // Set union and difference.
    MuHash3072& operator*=(const MuHash3072& other);
    MuHash3072& operator/=(const MuHash3072& other);

    // SHA-256 of the reduced fraction, in digest byte order (Core prints it reversed, as a
    // uint256). Leaves the value unchanged.
    util::Uint256 Finalize() const;

    // Core's serialization: numerator then denominator, each 384 bytes little-endian, unreduced
    // fraction as held; Deserialize accepts values >= the prime (they reduce on use).
    util::Bytes Serialize() const;
    static MuHash3072 Deserialize(std::span<const uint8_t, 2 * BYTE_SIZE> bytes);

private:
    struct State;
    std::unique_ptr<State> m_state;
};

}  // namespace tonari::crypto
