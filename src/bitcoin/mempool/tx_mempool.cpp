// TxMempool: entries, links, package totals, removal, eviction and the rolling minimum fee.
#include "bitcoin/mempool/tx_mempool.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <deque>

#include "crypto/random.h"
#include "crypto/siphash.h"

namespace tonari::bitcoin::mempool {
namespace {

// Bitcoin Core's half-life of the rolling minimum fee.
constexpr int64_t ROLLING_FEE_HALFLIFE = 60 * 60 * 12;

// A fee rate as a fraction, compared exactly.
struct Fraction {
    int64_t num = 0;
    int64_t den = 1;
};

bool Less(const Fraction& a, const Fraction& b) {
    return static_cast<__int128>(a.num) * b.den < static_cast<__int128>(b.num) * a.den;
}

Fraction EvictionScore(const MempoolEntry& e) {
    const Fraction own{e.fee, std::max<int64_t>(e.vsize, 1)};
    const Fraction package{e.descendants.fees, std::max<int64_t>(e.descendants.vsize, 1)};
    return Less(own, package) ? package : own;
}

void AddTo(PackageTotals& totals, const MempoolEntry& e) {
    ++totals.count;
    totals.vsize += e.vsize;
    totals.fees += e.fee;
    totals.sigop_cost += e.sigop_cost;
}

}  // namespace

SaltedIdHasher::SaltedIdHasher() : m_k0(crypto::RandomU64()), m_k1(crypto::RandomU64()) {}

size_t SaltedIdHasher::operator()(const primitives::Txid& id) const noexcept {
    return static_cast<size_t>(crypto::SipHash24Uint256(m_k0, m_k1, id.get()));
}

size_t SaltedIdHasher::operator()(const primitives::Wtxid& id) const noexcept {
    return static_cast<size_t>(crypto::SipHash24Uint256(m_k0, m_k1, id.get()));
}

std::string_view RemovalReasonName(RemovalReason reason) {
    switch (reason) {
        case RemovalReason::Block: return "block";
        case RemovalReason::Conflict: return "conflict";
        case RemovalReason::Replaced: return "replaced";
        case RemovalReason::SizeLimit: return "sizelimit";
        case RemovalReason::Expiry: return "expiry";
        case RemovalReason::Reorg: return "reorg";
    }
    return "unknown";
}

size_t EstimateEntryMemory(const primitives::Tx& tx) {
    using chain::MallocUsage;
    size_t bytes = MallocUsage(sizeof(primitives::Tx)) + 2 * MallocUsage(sizeof(void*) * 2);  // shared_ptr block
    bytes += MallocUsage(tx.inputs.capacity() * sizeof(primitives::TxIn));
    for (const auto& in : tx.inputs) {
        bytes += MallocUsage(in.script_sig.capacity());
        bytes += MallocUsage(in.witness.capacity() * sizeof(util::Bytes));
        for (const auto& item : in.witness) bytes += MallocUsage(item.capacity());
        // The spender index: one hash node per input.
        bytes += MallocUsage(sizeof(primitives::OutPoint) + 2 * sizeof(void*)) + sizeof(void*);
    }
    bytes += MallocUsage(tx.outputs.capacity() * sizeof(primitives::TxOut));
    for (const auto& out : tx.outputs) bytes += MallocUsage(out.script_pubkey.capacity());
    // The entry's own hash nodes (by txid, by wtxid), the eviction index node and link sets.
    bytes += MallocUsage(sizeof(MempoolEntry) + sizeof(primitives::Txid) + 2 * sizeof(void*)) + sizeof(void*);
    bytes += MallocUsage(sizeof(primitives::Wtxid) + 3 * sizeof(void*)) + sizeof(void*);
    bytes += MallocUsage(4 * sizeof(void*));
    return bytes;
}

bool TxMempool::EvictionOrder::operator()(const MempoolEntry* a, const MempoolEntry* b) const {
    const Fraction sa = EvictionScore(*a);
    const Fraction sb = EvictionScore(*b);
    if (Less(sa, sb)) return true;
    if (Less(sb, sa)) return false;
    return a->sequence > b->sequence;  // sequences are unique
}

const MempoolEntry* TxMempool::Get(const primitives::Txid& txid) const {
    const auto it = m_entries.find(txid);
    return it == m_entries.end() ? nullptr : &it->second;
}

const MempoolEntry* TxMempool::GetByWtxid(const primitives::Wtxid& wtxid) const {
    const auto it = m_by_wtxid.find(wtxid);
    return it == m_by_wtxid.end() ? nullptr : it->second;
}

const MempoolEntry* TxMempool::Spender(const primitives::OutPoint& outpoint) const {
    const auto it = m_spenders.find(outpoint);
    return it == m_spenders.end() ? nullptr : it->second;
}

const primitives::TxOut* TxMempool::Output(const primitives::OutPoint& outpoint) const {
    const MempoolEntry* e = Get(outpoint.txid);
    if (e == nullptr || outpoint.index >= e->tx->outputs.size()) return nullptr;
    return &e->tx->outputs[outpoint.index];
}

std::vector<const MempoolEntry*> TxMempool::Entries() const {
    std::vector<const MempoolEntry*> out;
    out.reserve(m_entries.size());
    for (const auto& [txid, e] : m_entries) out.push_back(&e);
    std::sort(out.begin(), out.end(), [](const MempoolEntry* a, const MempoolEntry* b) { return a->sequence < b->sequence; });
    return out;
}

std::vector<MempoolEntry*> TxMempool::AncestorsOf(std::span<const primitives::TxIn> inputs) const {
    std::vector<MempoolEntry*> out;
    std::set<const MempoolEntry*> seen;
    std::deque<MempoolEntry*> queue;
    for (const auto& in : inputs) {
        const auto it = m_entries.find(in.prevout.txid);
        if (it == m_entries.end()) continue;
        auto* parent = const_cast<MempoolEntry*>(&it->second);
        if (seen.insert(parent).second) queue.push_back(parent);
    }
    while (!queue.empty()) {
        MempoolEntry* e = queue.front();
        queue.pop_front();
        out.push_back(e);
        for (MempoolEntry* p : e->parents) {
            if (seen.insert(p).second) queue.push_back(p);
        }
    }
    return out;
}

std::vector<const MempoolEntry*> TxMempool::WithDescendants(std::span<const MempoolEntry* const> roots) const {
    std::set<const MempoolEntry*> seen;
    std::deque<const MempoolEntry*> queue;
    for (const MempoolEntry* r : roots) {
        if (seen.insert(r).second) queue.push_back(r);
    }
    std::vector<const MempoolEntry*> out;
    while (!queue.empty()) {
        const MempoolEntry* e = queue.front();
        queue.pop_front();
        out.push_back(e);
        for (const MempoolEntry* c : e->children) {
            if (seen.insert(c).second) queue.push_back(c);
        }
    }
    // Arrival order puts parents before children except after a reorg re-add; sort by
    // ancestor count, which is always larger for a child.
    std::stable_sort(out.begin(), out.end(), [](const MempoolEntry* a, const MempoolEntry* b) {
        return a->ancestors.count < b->ancestors.count;
    });
    return out;
}

PackageTotals TxMempool::SumAncestors(const MempoolEntry& e) const {
    PackageTotals totals;
    AddTo(totals, e);
    std::set<const MempoolEntry*> seen{&e};
    std::deque<const MempoolEntry*> queue{&e};
    while (!queue.empty()) {
        const MempoolEntry* x = queue.front();
        queue.pop_front();
        for (const MempoolEntry* p : x->parents) {
            if (!seen.insert(p).second) continue;
            AddTo(totals, *p);
            queue.push_back(p);
        }
    }
    return totals;
}

PackageTotals TxMempool::SumDescendants(const MempoolEntry& e) const {
    PackageTotals totals;
    AddTo(totals, e);
    std::set<const MempoolEntry*> seen{&e};
    std::deque<const MempoolEntry*> queue{&e};
    while (!queue.empty()) {
        const MempoolEntry* x = queue.front();
        queue.pop_front();
        for (const MempoolEntry* c : x->children) {
            if (!seen.insert(c).second) continue;
            AddTo(totals, *c);
            queue.push_back(c);
        }
    }
    return totals;
}

void TxMempool::Recompute(const std::set<MempoolEntry*>& entries) {
    for (MempoolEntry* e : entries) {
        m_eviction.erase(e);
        e->ancestors = SumAncestors(*e);
        e->descendants = SumDescendants(*e);
        m_eviction.insert(e);
    }
}

const MempoolEntry& TxMempool::Add(MempoolEntry entry) {
    entry.txid = primitives::ComputeTxid(*entry.tx);
    entry.wtxid = primitives::ComputeWtxid(*entry.tx);
    entry.memory = EstimateEntryMemory(*entry.tx);
    entry.sequence = m_next_sequence++;
    entry.parents.clear();
    entry.children.clear();
    auto [it, inserted] = m_entries.emplace(entry.txid, std::move(entry));
    assert(inserted);
    MempoolEntry& e = it->second;
    m_by_wtxid.emplace(e.wtxid, &e);
    m_by_time.insert(&e);

    for (const auto& in : e.tx->inputs) {
        const bool fresh = m_spenders.emplace(in.prevout, &e).second;
        assert(fresh);
        (void)fresh;
        const auto parent = m_entries.find(in.prevout.txid);
        if (parent != m_entries.end()) {
            e.parents.insert(&parent->second);
            parent->second.children.insert(&e);
        }
    }
    // After a reorg, entries already in the pool may spend this transaction's outputs.
    for (uint32_t i = 0; i < e.tx->outputs.size(); ++i) {
        const auto child = m_spenders.find(primitives::OutPoint{e.txid, i});
        if (child == m_spenders.end()) continue;
        e.children.insert(child->second);
        child->second->parents.insert(&e);
    }

    // Totals change for the entry, its ancestors (descendant totals) and its descendants
    // (ancestor totals).
    std::set<MempoolEntry*> affected{&e};
    for (MempoolEntry* a : AncestorsOf(e.tx->inputs)) affected.insert(a);
    const MempoolEntry* root = &e;
    for (const MempoolEntry* d : WithDescendants(std::span(&root, 1))) affected.insert(const_cast<MempoolEntry*>(d));
    Recompute(affected);

    m_total_vsize += e.vsize;
    m_total_fees += e.fee;
    m_memory += e.memory;
    if (m_on_added) m_on_added(e);
    return e;
}

void TxMempool::RemoveSet(const std::vector<const MempoolEntry*>& victims, RemovalReason reason) {
    if (victims.empty()) return;
    std::set<const MempoolEntry*> removing(victims.begin(), victims.end());
    // Entries that stay but whose totals change: ancestors and descendants of the victims.
    std::set<MempoolEntry*> affected;
    for (const MempoolEntry* v : victims) {
        for (MempoolEntry* a : AncestorsOf(v->tx->inputs)) {
            if (!removing.contains(a)) affected.insert(a);
        }
        for (const MempoolEntry* d : WithDescendants(std::span(&v, 1))) {
            if (!removing.contains(d)) affected.insert(const_cast<MempoolEntry*>(d));
        }
    }
    for (const MempoolEntry* cv : victims) {
        auto* v = const_cast<MempoolEntry*>(cv);
        // Core counts every removal in the mempool sequence, whatever the reason.
        m_removal_sequence = m_next_sequence++;
        if (m_on_removed) m_on_removed(*v, reason);
        m_eviction.erase(v);
        m_by_time.erase(v);
        for (MempoolEntry* p : v->parents) p->children.erase(v);
        for (MempoolEntry* c : v->children) c->parents.erase(v);
        for (const auto& in : v->tx->inputs) m_spenders.erase(in.prevout);
        m_by_wtxid.erase(v->wtxid);
        m_total_vsize -= v->vsize;
        m_total_fees -= v->fee;
        m_memory -= v->memory;
        m_entries.erase(v->txid);  // destroys *v
    }
    Recompute(affected);
}

void TxMempool::RemoveWithDescendants(std::span<const primitives::Txid> txids, RemovalReason reason) {
    std::vector<const MempoolEntry*> roots;
    for (const auto& txid : txids) {
        if (const MempoolEntry* e = Get(txid)) roots.push_back(e);
    }
    auto victims = WithDescendants(roots);
    // Children first, so a listener never sees a parent leave before its child.
    std::reverse(victims.begin(), victims.end());
    RemoveSet(victims, reason);
}

void TxMempool::RemoveForBlock(std::span<const primitives::Tx> txs) {
    std::vector<const MempoolEntry*> mined;
    std::vector<primitives::Txid> conflicts;
    for (const auto& tx : txs) {
        const primitives::Txid txid = primitives::ComputeTxid(tx);
        const MempoolEntry* e = Get(txid);
        if (e != nullptr) {
            mined.push_back(e);
            continue;
        }
        if (tx.IsCoinbase()) continue;
        for (const auto& in : tx.inputs) {
            const MempoolEntry* spender = Spender(in.prevout);
            if (spender != nullptr && spender->txid != txid) conflicts.push_back(spender->txid);
        }
    }
    // Mined entries leave alone: parents first is how a block orders them, and the mined
    // set is closed under ancestors (a block cannot hold a child without its parent unless
    // the parent was already confirmed).
    RemoveSet(mined, RemovalReason::Block);
    RemoveWithDescendants(conflicts, RemovalReason::Conflict);
    NoteBlock();
}

size_t TxMempool::Expire(int64_t cutoff) {
    std::vector<primitives::Txid> old;
    for (auto it = m_by_time.begin(); it != m_by_time.end() && (*it)->time < cutoff; ++it) old.push_back((*it)->txid);
    const size_t before = m_entries.size();
    RemoveWithDescendants(old, RemovalReason::Expiry);
    return before - m_entries.size();
}

std::vector<primitives::Txid> TxMempool::TrimToSize(size_t max_bytes, policy::FeeRate incremental) {
    std::vector<primitives::Txid> evicted;
    while (!m_eviction.empty() && m_memory > max_bytes) {
        const MempoolEntry* worst = *m_eviction.begin();
        // What the evicted package paid, plus the increment: newcomers must beat it.
        const policy::FeeRate removed_rate =
            policy::FeeRate::FromFee(worst->descendants.fees, std::max<int64_t>(worst->descendants.vsize, 1));
        const double floor = static_cast<double>(removed_rate.SatPerKvB() + incremental.SatPerKvB());
        if (floor > m_rolling_min_fee) {
            m_rolling_min_fee = floor;
            m_block_since_bump = false;
        }
        auto victims = WithDescendants(std::span(&worst, 1));
        for (const MempoolEntry* v : victims) evicted.push_back(v->txid);
        std::reverse(victims.begin(), victims.end());
        RemoveSet(victims, RemovalReason::SizeLimit);
    }
    return evicted;
}

policy::FeeRate TxMempool::GetMinFee(int64_t now, size_t max_bytes, policy::FeeRate incremental) {
    if (!m_block_since_bump || m_rolling_min_fee == 0) {
        m_last_rolling_update = now;
        return policy::FeeRate(static_cast<primitives::Amount>(m_rolling_min_fee));
    }
    if (now > m_last_rolling_update + 10) {
        double halflife = ROLLING_FEE_HALFLIFE;
        if (m_memory < max_bytes / 4) {
            halflife /= 4;
        } else if (m_memory < max_bytes / 2) {
            halflife /= 2;
        }
        m_rolling_min_fee /= std::pow(2.0, static_cast<double>(now - m_last_rolling_update) / halflife);
        m_last_rolling_update = now;
        if (m_rolling_min_fee < static_cast<double>(incremental.SatPerKvB()) / 2) {
            m_rolling_min_fee = 0;
            return policy::FeeRate(0);
        }
    }
    return std::max(policy::FeeRate(static_cast<primitives::Amount>(m_rolling_min_fee)), incremental);
}

bool TxMempool::SanityCheck() const {
    int64_t vsize = 0;
    primitives::Amount fees = 0;
    size_t memory = 0;
    size_t inputs = 0;
    for (const auto& [txid, e] : m_entries) {
        vsize += e.vsize;
        fees += e.fee;
        memory += e.memory;
        inputs += e.tx->inputs.size();
        std::set<MempoolEntry*> parents;
        for (const auto& in : e.tx->inputs) {
            const auto s = m_spenders.find(in.prevout);
            if (s == m_spenders.end() || s->second != &e) return false;
            const auto p = m_entries.find(in.prevout.txid);
            if (p != m_entries.end()) parents.insert(const_cast<MempoolEntry*>(&p->second));
        }
        if (parents != e.parents) return false;
        for (const MempoolEntry* p : e.parents) {
            if (!p->children.contains(const_cast<MempoolEntry*>(&e))) return false;
        }
        const PackageTotals a = SumAncestors(e);
        const PackageTotals d = SumDescendants(e);
        if (a.count != e.ancestors.count || a.vsize != e.ancestors.vsize || a.fees != e.ancestors.fees ||
            a.sigop_cost != e.ancestors.sigop_cost) {
            return false;
        }
        if (d.count != e.descendants.count || d.vsize != e.descendants.vsize || d.fees != e.descendants.fees) {
            return false;
        }
        const auto w = m_by_wtxid.find(e.wtxid);
        if (w == m_by_wtxid.end() || w->second != &e) return false;
    }
    return vsize == m_total_vsize && fees == m_total_fees && memory == m_memory && inputs == m_spenders.size() &&
           m_eviction.size() == m_entries.size() && m_by_time.size() == m_entries.size() &&
           m_by_wtxid.size() == m_entries.size();
}

}  // namespace tonari::bitcoin::mempool
