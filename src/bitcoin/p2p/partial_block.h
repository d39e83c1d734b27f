// Compact blocks (BIP152, version 2) on the protocol side: building the `cmpctblock` we send
// for a block, and rebuilding a block from one we receive — the transactions we already hold
// (the mempool) fill most slots, the prefilled ones come with the message, and the rest are
// asked for by index with `getblocktxn`.
//
// A PartialBlock is bounded by the message that created it (at most 65535 slots, checked by
// the wire decoder), holds shared pointers to mempool transactions rather than copies, and
// checks the merkle root before handing a block out: a short-id collision or a lying peer
// yields Failed (fetch the full block), never a wrong block. Plain value; single thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "bitcoin/primitives/block.h"
#include "bitcoin/primitives/ids.h"
#include "bitcoin/primitives/transaction.h"
#include "bitcoin/wire/compact_block.h"
#include "util/result.h"

namespace tonari::bitcoin::p2p {

// The compact form of `block` under `nonce`: the coinbase prefilled (the receiver can never
// have it), every other transaction as the short id of its wtxid.
wire::CmpctBlockMsg BuildCompactBlock(const primitives::Block& block, uint64_t nonce);

// Short ids are the sender's choice: an unsalted table would let it put all 65535 in one
// bucket and make PartialBlock::Init quadratic (hash flooding). The salt is secret, per block.
struct ShortIdHasher {
    uint64_t k0 = 0;
    uint64_t k1 = 0;
    size_t operator()(uint64_t short_id) const;
};

class PartialBlock {
public:
    enum class Status {
        Ok,
        Invalid,  // the message contradicts itself: the sender broke the protocol
        Failed,   // cannot be completed this way (short-id collision): fetch the full block
    };

    // Lays out the slots. Invalid: no transactions, a prefilled index past the end or
    // repeated, a null prefilled transaction. Failed: two short ids equal (they are salted per
    // block, so an honest sender hits this by accident about once in 2^32 blocks).
    Status Init(const wire::CmpctBlockMsg& msg);

    // Offers a transaction we hold; it fills the slot with its short id, if any. Two different
    // offered transactions matching one slot empty it again (collision: ask the peer instead).
    void Offer(const primitives::Wtxid& wtxid, const std::shared_ptr<const primitives::Tx>& tx);

    std::vector<uint32_t> MissingIndexes() const;
    bool IsComplete() const { return m_missing == 0; }

    // Fills the missing slots, in index order, with `missing` and assembles the block.
    // Invalid: not exactly as many transactions as slots were missing. Failed: the merkle
    // root does not match the header (a collision, or a peer sending other transactions).
    util::Result<primitives::Block, Status> Finish(std::vector<primitives::Tx> missing) const;

    const primitives::BlockHeader& Header() const { return m_header; }
    const primitives::BlockHash& Hash() const { return m_hash; }
    size_t TxCount() const { return m_slots.size(); }
    size_t PrefilledCount() const { return m_prefilled; }
    size_t FromMempoolCount() const { return m_from_pool; }

private:
    primitives::BlockHeader m_header;
    primitives::BlockHash m_hash;
    wire::ShortIdKeys m_keys;
    std::vector<std::shared_ptr<const primitives::Tx>> m_slots;
    std::vector<uint8_t> m_collided;                 // a second candidate matched this slot
    std::unordered_map<uint64_t, uint32_t, ShortIdHasher> m_by_short_id;  // short id -> slot (not prefilled)
    size_t m_missing = 0;
    size_t m_prefilled = 0;
    size_t m_from_pool = 0;
};

}  // namespace tonari::bitcoin::p2p
