// Cache of signatures already verified, so a transaction checked when it entered the mempool
// is not checked again when it arrives in a block. An entry is a salted SHA-256 of
// (sighash, public key, signature): the salt is random per cache, so a peer cannot craft
// entries that collide in our table.
//
// Thread-safe: any number of script-check threads may look up and insert at once.
#pragma once

#include <cstddef>
#include <memory>

#include "util/blob.h"
#include "util/bytes.h"

namespace tonari::bitcoin::script {

class SignatureCache {
public:
    // Entries kept before older ones are evicted: bounds the memory a flood of valid but
    // never-mined transactions can pin (each entry is 32 bytes plus table overhead).
    static constexpr size_t DEFAULT_MAX_ENTRIES = 1u << 20;

    explicit SignatureCache(size_t max_entries = DEFAULT_MAX_ENTRIES);
    ~SignatureCache();
    SignatureCache(const SignatureCache&) = delete;
    SignatureCache& operator=(const SignatureCache&) = delete;

    // `kind` separates ECDSA ('E') from Schnorr ('S') entries.
    bool Contains(char kind, const util::Uint256& sighash, util::ByteSpan pubkey, util::ByteSpan sig) const;
    void Insert(char kind, const util::Uint256& sighash, util::ByteSpan pubkey, util::ByteSpan sig);
    size_t Size() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace tonari::bitcoin::script
