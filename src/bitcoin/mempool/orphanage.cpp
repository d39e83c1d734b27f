// Orphanage: bounded store of transactions waiting for their parents.
#include "bitcoin/mempool/orphanage.h"

#include <algorithm>
#include <iterator>

#include "crypto/random.h"

namespace tonari::bitcoin::mempool {

Orphanage::Orphanage(size_t max_orphans, uint64_t seed)
    : m_max(max_orphans), m_rng_state(seed != 0 ? seed : crypto::RandomU64() | 1) {}

uint64_t Orphanage::NextRandom() {
    // splitmix64: the choice only needs to be unpredictable to peers (seeded from the CSPRNG).
    uint64_t z = (m_rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

bool Orphanage::Add(const primitives::Tx& tx, PeerId peer, int64_t now) {
    const primitives::Wtxid wtxid = primitives::ComputeWtxid(tx);
    if (m_orphans.contains(wtxid)) return false;
    if (primitives::TxWeight(tx) > MAX_ORPHAN_WEIGHT) return false;
    Expire(now);
    while (m_orphans.size() >= m_max && !m_orphans.empty()) {
        auto victim = m_orphans.begin();
        std::advance(victim, static_cast<long>(NextRandom() % m_orphans.size()));
        EraseIt(victim);
    }
    Orphan o{std::make_shared<const primitives::Tx>(tx), peer, now + ORPHAN_EXPIRY_SECONDS, m_next_sequence++};
    for (const auto& in : tx.inputs) m_by_prevout[in.prevout].insert(wtxid);
    m_orphans.emplace(wtxid, std::move(o));
    return true;
}

bool Orphanage::Contains(const primitives::Wtxid& wtxid) const { return m_orphans.contains(wtxid); }

std::vector<std::shared_ptr<const primitives::Tx>> Orphanage::ChildrenOf(const primitives::Tx& parent) const {
    const primitives::Txid txid = primitives::ComputeTxid(parent);
    std::set<primitives::Wtxid> found;
    for (uint32_t i = 0; i < parent.outputs.size(); ++i) {
        const auto it = m_by_prevout.find(primitives::OutPoint{txid, i});
        if (it != m_by_prevout.end()) found.insert(it->second.begin(), it->second.end());
    }
    std::vector<const Orphan*> children;
    for (const auto& w : found) children.push_back(&m_orphans.at(w));
    std::sort(children.begin(), children.end(), [](const Orphan* a, const Orphan* b) { return a->sequence < b->sequence; });
    std::vector<std::shared_ptr<const primitives::Tx>> out;
    for (const Orphan* o : children) out.push_back(o->tx);
    return out;
}

void Orphanage::EraseIt(std::map<primitives::Wtxid, Orphan>::iterator it) {
    for (const auto& in : it->second.tx->inputs) {
        auto p = m_by_prevout.find(in.prevout);
        if (p == m_by_prevout.end()) continue;
        p->second.erase(it->first);
        if (p->second.empty()) m_by_prevout.erase(p);
    }
    m_orphans.erase(it);
}

void Orphanage::Erase(const primitives::Wtxid& wtxid) {
    const auto it = m_orphans.find(wtxid);
    if (it != m_orphans.end()) EraseIt(it);
}

size_t Orphanage::EraseForPeer(PeerId peer) {
    size_t n = 0;
    for (auto it = m_orphans.begin(); it != m_orphans.end();) {
        auto next = std::next(it);
        if (it->second.peer == peer) {
            EraseIt(it);
            ++n;
        }
        it = next;
    }
    return n;
}

size_t Orphanage::EraseForBlock(const primitives::Block& block) {
    std::set<primitives::Wtxid> doomed;
    for (const auto& tx : block.txs) {
        for (const auto& in : tx.inputs) {
            const auto it = m_by_prevout.find(in.prevout);
            if (it != m_by_prevout.end()) doomed.insert(it->second.begin(), it->second.end());
        }
    }
    for (const auto& w : doomed) Erase(w);
    return doomed.size();
}

size_t Orphanage::Expire(int64_t now) {
    size_t n = 0;
    for (auto it = m_orphans.begin(); it != m_orphans.end();) {
        auto next = std::next(it);
        if (it->second.expires <= now) {
            EraseIt(it);
            ++n;
        }
        it = next;
    }
    return n;
}

}  // namespace tonari::bitcoin::mempool
