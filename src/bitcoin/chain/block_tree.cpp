// The block tree: insertion, best header, tip candidates, invalidity and loading.
#include "bitcoin/chain/block_tree.h"

#include <algorithm>
#include <cassert>
#include <deque>

#include "bitcoin/consensus/pow.h"
#include "crypto/random.h"
#include "crypto/siphash.h"

namespace tonari::bitcoin::chain {

size_t BlockTree::SaltedHasher::operator()(const primitives::BlockHash& hash) const {
    return static_cast<size_t>(crypto::SipHash24Uint256(k0, k1, hash.get()));
}

BlockTree::BlockTree(const consensus::ConsensusParams& params)
    : m_params(params), m_entries(0, SaltedHasher{crypto::RandomU64(), crypto::RandomU64()}) {
    const primitives::BlockHeader& header = params.genesis.header;
    m_genesis = &Insert(header, header.ComputeHash(), nullptr);
    m_best_header = m_genesis;
}

BlockIndex* BlockTree::Lookup(const primitives::BlockHash& hash) {
    const auto it = m_entries.find(hash);
    return it == m_entries.end() ? nullptr : it->second.get();
}

const BlockIndex* BlockTree::Lookup(const primitives::BlockHash& hash) const {
    const auto it = m_entries.find(hash);
    return it == m_entries.end() ? nullptr : it->second.get();
}

BlockIndex& BlockTree::Insert(const primitives::BlockHeader& header, const primitives::BlockHash& hash,
                              BlockIndex* prev) {
    auto entry = std::make_unique<BlockIndex>();
    BlockIndex& e = *entry;
    e.hash = hash;
    e.version = header.version;
    e.merkle_root = header.merkle_root;
    e.time = header.time;
    e.bits = header.bits;
    e.nonce = header.nonce;
    e.prev = prev;
    e.height = prev != nullptr ? prev->height + 1 : 0;
    e.chain_work = (prev != nullptr ? prev->chain_work : consensus::ArithUint256()) +
                   consensus::GetBlockProof(header.bits);
    e.sequence_id = m_next_sequence++;
    e.status = BLOCK_HEADER_VALID;
    if (prev != nullptr && prev->IsFailed()) e.status |= BLOCK_FAILED_CHILD;
    BuildSkip(e);
    m_entries.emplace(hash, std::move(entry));
    return e;
}

BlockIndex* BlockTree::AddHeader(const primitives::BlockHeader& header) {
    const primitives::BlockHash hash = header.ComputeHash();
    if (BlockIndex* known = Lookup(hash)) return known;
    BlockIndex* prev = Lookup(header.prev_block);
    if (prev == nullptr) return nullptr;
    BlockIndex& e = Insert(header, hash, prev);
    m_dirty.insert(&e);
    // A newer entry wins only with strictly more work: its sequence id is the highest.
    if (!e.IsFailed() && BetterChain(e, *m_best_header)) m_best_header = &e;
    return &e;
}

void BlockTree::RecomputeBestHeader() {
    m_best_header = m_genesis;
    for (const auto& [hash, entry] : m_entries) {
        if (!entry->IsFailed() && BetterChain(*entry, *m_best_header)) m_best_header = entry.get();
    }
}

void BlockTree::MarkFailed(BlockIndex& index, const std::optional<consensus::BlockValidationError>& reason) {
    assert(index.prev != nullptr);  // the genesis is valid by definition
    index.status |= BLOCK_FAILED;
    if (reason) {
        m_failure_reasons[&index] = *reason;
    } else {
        m_failure_reasons.erase(&index);
    }
    m_dirty.insert(&index);
    m_candidates.erase(&index);
    for (auto& [hash, entry] : m_entries) {
        BlockIndex& e = *entry;
        if (e.height <= index.height || (e.status & BLOCK_FAILED_CHILD) != 0) continue;
        if (e.GetAncestor(index.height) != &index) continue;
        e.status |= BLOCK_FAILED_CHILD;
        m_dirty.insert(&e);
        m_candidates.erase(&e);
    }
    // The parent may have been dropped from the candidates in favour of the failed branch.
    BlockIndex* parent = index.prev;
    if (parent->HaveChainData() && !parent->IsFailed()) m_candidates.insert(parent);
    if (m_best_header->IsFailed()) RecomputeBestHeader();
}

void BlockTree::ClearFailure(BlockIndex& index) {
    auto clear = [this](BlockIndex& e) {
        if ((e.status & BLOCK_FAILED_MASK) != 0) {
            e.status &= ~BLOCK_FAILED_MASK;
            m_dirty.insert(&e);
        }
        m_failure_reasons.erase(&e);
        if (e.HaveChainData()) m_candidates.insert(&e);
    };
    for (auto& [hash, entry] : m_entries) {
        BlockIndex& e = *entry;
        if (e.height >= index.height && e.GetAncestor(index.height) == &index) clear(e);
    }
    for (BlockIndex* p = index.prev; p != nullptr; p = p->prev) clear(*p);
    RecomputeBestHeader();
}

std::optional<consensus::BlockValidationError> BlockTree::FailureReason(const BlockIndex& index) const {
    const auto it = m_failure_reasons.find(&index);
    if (it == m_failure_reasons.end()) return std::nullopt;
    return it->second;
}

void BlockTree::ReceivedBlockData(BlockIndex& index, uint32_t tx_count, DiskPos pos) {
    assert(tx_count > 0);
    index.data_pos = pos;
    m_dirty.insert(&index);
    if (index.HaveData()) return;
    index.status |= BLOCK_HAVE_DATA;
    if (index.tx_count != 0 && index.HaveChainData()) {
        // Pruned once and fetched again: its chain is still complete, so it is a candidate
        // again (its sequence id stays, it was first seen long ago).
        if (!index.IsFailed()) m_candidates.insert(&index);
        return;
    }
    index.tx_count = tx_count;
    // Not a candidate yet (it had no data), so re-stamping cannot disturb the candidate order.
    index.sequence_id = m_next_sequence++;
    if (index.prev == nullptr || index.prev->HaveChainData()) {
        LinkChainData(index);
    } else {
        m_unlinked.emplace(index.prev, &index);
    }
}

void BlockTree::LinkChainData(BlockIndex& first) {
    std::deque<BlockIndex*> queue{&first};
    while (!queue.empty()) {
        BlockIndex& e = *queue.front();
        queue.pop_front();
        e.chain_tx_count = (e.prev != nullptr ? e.prev->chain_tx_count : 0) + e.tx_count;
        if (!e.IsFailed()) {
            m_candidates.insert(&e);
            // The parent cannot beat its own child (the child has more work), so it leaves
            // the set; only the leaves of the data-complete tree stay candidates.
            if (e.prev != nullptr && BetterChain(e, *e.prev)) m_candidates.erase(e.prev);
        }
        auto [begin, end] = m_unlinked.equal_range(&e);
        for (auto it = begin; it != end; ++it) queue.push_back(it->second);
        m_unlinked.erase(begin, end);
    }
}

void BlockTree::SetUndoPos(BlockIndex& index, DiskPos pos) {
    index.undo_pos = pos;
    index.status |= BLOCK_HAVE_UNDO;
    m_dirty.insert(&index);
}

void BlockTree::PrunedBlockData(BlockIndex& index) {
    if (!index.HaveData()) return;
    index.status &= ~BLOCK_HAVE_DATA;
    index.data_pos = DiskPos{};
    m_dirty.insert(&index);
    m_candidates.erase(&index);
    auto [begin, end] = m_unlinked.equal_range(index.prev);
    for (auto it = begin; it != end; ++it) {
        if (it->second == &index) {
            m_unlinked.erase(it);
            break;
        }
    }
}

void BlockTree::PrunedUndoData(BlockIndex& index) {
    if (!index.HasStatus(BLOCK_HAVE_UNDO)) return;
    index.status &= ~BLOCK_HAVE_UNDO;
    index.undo_pos = DiskPos{};
    m_dirty.insert(&index);
}

void BlockTree::RaiseStatus(BlockIndex& index, uint32_t bits) {
    assert((bits & BLOCK_FAILED_MASK) == 0);  // failures go through MarkFailed
    if ((index.status | bits) == index.status) return;
    index.status |= bits;
    m_dirty.insert(&index);
}

BlockIndex* BlockTree::BestChainCandidate() {
    // Failed entries are removed eagerly by MarkFailed; this guards against any left behind.
    while (!m_candidates.empty()) {
        BlockIndex* best = *m_candidates.begin();
        if (!best->IsFailed()) return best;
        m_candidates.erase(m_candidates.begin());
    }
    return nullptr;
}

std::vector<const BlockIndex*> BlockTree::TakeDirty() {
    std::vector<const BlockIndex*> out(m_dirty.begin(), m_dirty.end());
    m_dirty.clear();
    return out;
}

std::vector<const BlockIndex*> BlockTree::AllEntries() const {
    std::vector<const BlockIndex*> out;
    out.reserve(m_entries.size());
    for (const auto& [hash, entry] : m_entries) out.push_back(entry.get());
    return out;
}

util::Result<void, TreeLoadError> BlockTree::Load(std::span<const DiskBlockIndex> records) {
    if (m_entries.size() != 1 || m_genesis->HaveData()) return util::Fail(TreeLoadError::NotFresh);

    // Parents before children: sort by height (stable, so record order breaks ties).
    std::vector<const DiskBlockIndex*> order;
    order.reserve(records.size());
    for (const auto& r : records) order.push_back(&r);
    std::stable_sort(order.begin(), order.end(),
                     [](const DiskBlockIndex* a, const DiskBlockIndex* b) { return a->height < b->height; });

    m_next_sequence = 1;  // the genesis keeps 0
    bool genesis_seen = false;
    std::vector<BlockIndex*> loaded;
    loaded.reserve(order.size());
    for (const DiskBlockIndex* r : order) {
        const primitives::BlockHash hash = r->header.ComputeHash();
        BlockIndex* e = nullptr;
        if (r->height == 0) {
            if (hash != m_genesis->hash) return util::Fail(TreeLoadError::GenesisMismatch);
            if (genesis_seen) return util::Fail(TreeLoadError::Duplicate);
            genesis_seen = true;
            e = m_genesis;
        } else {
            if (Lookup(hash) != nullptr) return util::Fail(TreeLoadError::Duplicate);
            BlockIndex* prev = Lookup(r->header.prev_block);
            if (prev == nullptr) return util::Fail(TreeLoadError::MissingParent);
            if (prev->height + 1 != r->height) return util::Fail(TreeLoadError::HeightMismatch);
            e = &Insert(r->header, hash, prev);
        }
        e->status = r->status | BLOCK_HEADER_VALID;
        if (e->prev != nullptr && e->prev->IsFailed()) e->status |= BLOCK_FAILED_CHILD;
        e->tx_count = r->tx_count;
        e->data_pos = r->data_pos;
        e->undo_pos = r->undo_pos;
        loaded.push_back(e);
    }

    // In height order, so every parent's chain_tx_count is final before its children's.
    // A block whose data was received once counts (tx_count is kept when pruning deletes the
    // data), so a pruned node's chain stays complete below its tip.
    for (BlockIndex* e : loaded) {
        const bool chain_has_data = e->tx_count > 0 && (e->prev == nullptr || e->prev->HaveChainData());
        if (chain_has_data) {
            e->chain_tx_count = (e->prev != nullptr ? e->prev->chain_tx_count : 0) + e->tx_count;
            if (!e->IsFailed() && e->HaveData()) {
                m_candidates.insert(e);
                if (e->prev != nullptr && BetterChain(*e, *e->prev)) m_candidates.erase(e->prev);
            }
        } else if (e->HaveData() && e->tx_count > 0) {
            m_unlinked.emplace(e->prev, e);
        }
    }
    RecomputeBestHeader();
    m_dirty.clear();
    return {};
}

}  // namespace tonari::bitcoin::chain
