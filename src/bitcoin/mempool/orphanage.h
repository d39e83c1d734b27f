// Orphanage: transactions whose parents this node has not seen yet, held briefly so they
// can enter the pool once a parent arrives (a peer relays a child before its parent, or the
// parent is still on its way). Everything here came from peers and proves nothing — orphans
// cannot be validated — so the orphanage is strictly bounded in count, in per-transaction
// size and in time, and evicts at random when full so no peer can choose what stays.
//
// Thread-safety: none. Owned by the validation strand.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "bitcoin/primitives/block.h"
#include "bitcoin/primitives/ids.h"
#include "bitcoin/primitives/transaction.h"

namespace tonari::bitcoin::mempool {

// Most orphans held: each costs memory and a lookup on every new transaction, and a peer
// can invent unlimited orphans for free (they spend outputs that do not exist).
inline constexpr size_t DEFAULT_MAX_ORPHANS = 100;
// Largest orphan kept (a standard transaction's maximum weight): bounds the orphanage at
// 100 x 400,000 WU however a flood is shaped.
inline constexpr int64_t MAX_ORPHAN_WEIGHT = 400'000;
// How long an orphan waits for its parents before it is dropped.
inline constexpr int64_t ORPHAN_EXPIRY_SECONDS = 20 * 60;

// Who sent an orphan (a peer id of the network layer; 0 for local submissions).
using PeerId = int64_t;

class Orphanage {
public:
    explicit Orphanage(size_t max_orphans = DEFAULT_MAX_ORPHANS, uint64_t seed = 0);

    // Keeps `tx` from `peer`. False when it is already held or too large. May evict a
    // random orphan to stay within the count limit, and expires old ones first.
    bool Add(const primitives::Tx& tx, PeerId peer, int64_t now);
    bool Contains(const primitives::Wtxid& wtxid) const;
    size_t Size() const { return m_orphans.size(); }

    // Orphans spending an output of `parent`, oldest first: to retry once it is accepted.
    std::vector<std::shared_ptr<const primitives::Tx>> ChildrenOf(const primitives::Tx& parent) const;

    void Erase(const primitives::Wtxid& wtxid);
    // A peer disconnected: its orphans go (nobody will ask it for their parents).
    size_t EraseForPeer(PeerId peer);
    // A block arrived: orphans it mined or that conflict with it can never enter.
    size_t EraseForBlock(const primitives::Block& block);
    // Drops orphans older than ORPHAN_EXPIRY_SECONDS. Returns how many.
    size_t Expire(int64_t now);

private:
    struct Orphan {
        std::shared_ptr<const primitives::Tx> tx;
        PeerId peer = 0;
        int64_t expires = 0;
        uint64_t sequence = 0;
    };

    void EraseIt(std::map<primitives::Wtxid, Orphan>::iterator it);
    uint64_t NextRandom();

    size_t m_max;
    uint64_t m_rng_state;
    uint64_t m_next_sequence = 0;
    std::map<primitives::Wtxid, Orphan> m_orphans;
    // Which orphans spend each outpoint, to find children and block conflicts.
    std::map<primitives::OutPoint, std::set<primitives::Wtxid>> m_by_prevout;
};

}  // namespace tonari::bitcoin::mempool
