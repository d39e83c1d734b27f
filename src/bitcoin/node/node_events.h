// NodeEvents: what the Bitcoin node reports on the event bus (events/event_bus.h) for the web
// dashboard — the story of a peer-to-peer ledger as it happens:
//   peer_connected {peer, address, direction, type}     peer_disconnected {peer, address, reason}
//   tx_seen {txid, vsize, fee, from, peer?, address?}    tx_removed {txid, reason}
//   block_connected {hash, height, txs, from, peer?, address?}
//   block_disconnected {hash, height}                    tip_changed {hash, height}
//   reorg {depth, fork_height, old_tip, new_tip}         mempool {size, vsize}
// `from` is "peer", "local" (RPC, wallet, mining), "reorg" (back from a disconnected block) or
// "orphan" (a peer's transaction accepted once its parent came).
//
// It listens in NodeStorage's Dashboard slots and the P2P layer's PeerWatch; everything runs on
// the validation strand, and publishing is a copy into the bus's ring. Built only when a
// dashboard is asked for: a node without one pays nothing.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include "bitcoin/chain/chain_observer.h"
#include "bitcoin/node/node_storage.h"
#include "bitcoin/p2p/peer_manager.h"
#include "events/event_bus.h"

namespace tonari::bitcoin::node {

// Blocks whose sending peer is remembered until they connect (a peer may send blocks ahead of
// their parents; older entries are forgotten first).
inline constexpr size_t MAX_BLOCK_ORIGINS = 256;
// At most one `mempool` event per this many milliseconds while transactions come and go (and
// one whenever the chain settles): 100 tx/s must not become 200 events/s.
inline constexpr int64_t MEMPOOL_EVENT_INTERVAL_MS = 1000;

class NodeEvents final : public chain::ChainObserver {
public:
    // `now_ms`: the node's clock, for spacing `mempool` events.
    NodeEvents(events::EventBus& bus, std::function<int64_t()> now_ms);

    // On the strand: listen to the chain and the mempool, and forget them.
    void Attach(NodeStorage& storage);
    void Detach(NodeStorage& storage);
    // For P2pServiceOptions::watch; its calls come on the strand.
    p2p::PeerWatch Watch();

    void BlockConnected(const primitives::Block& block, const chain::BlockIndex& index) override;
    void BlockDisconnected(const primitives::Block& block, const chain::BlockIndex& index) override;

private:
    void TxAdded(const mempool::MempoolEntry& e);
    void TxRemoved(const mempool::MempoolEntry& e, mempool::RemovalReason reason);
    void Settled();
    void PublishMempool(bool force);

    events::EventBus& m_bus;
    std::function<int64_t()> m_now_ms;
    NodeStorage* m_storage = nullptr;
    std::map<uint64_t, std::string> m_peer_addresses;  // connected peers: id -> address
    std::deque<std::pair<primitives::BlockHash, uint64_t>> m_block_origins;  // block -> peer id
    primitives::BlockHash m_tip;
    int m_tip_height = -1;
    // Blocks disconnected since the chain last settled: a reorg when followed by connections.
    int m_disconnected = 0;
    int m_fork_height = 0;
    primitives::BlockHash m_old_tip;
    int64_t m_last_mempool_ms = 0;
};

}  // namespace tonari::bitcoin::node
