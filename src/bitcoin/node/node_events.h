// NodeEvents: what the Bitcoin node reports on the event bus (events/event_bus.h) for the web
// dashboard — the story of a peer-to-peer ledger as it happens:
//   peer_connected {peer, address, local, direction, type, transport}   peer_disconnected {peer, address, reason}
//   header_seen {hash, height, peer, address}           (not during the initial block download)
//   tx_seen {txid, vsize, fee, from, peer?, address?}    tx_removed {txid, reason}
//   block_connected {hash, height, txs, from, peer?, address?}
//   block_disconnected {hash, height}                    tip_changed {hash, height}
//   reorg {depth, fork_height, old_tip, new_tip}         mempool {size, vsize}
//   peer_bytes {peers: [{peer, in, out}]}                 bytes each peer moved in the last second
//                                                         (published by the app's sampler, only while a page watches)
//   wallets {wallets: [{name, balance, pending, immature, payments}]}   (the sampler too, when
//                                                         they changed and a page watches)
// `from` is "peer", "local" (RPC, wallet, mining), "reorg" (back from a disconnected block),
// "orphan" (a peer's transaction accepted once its parent came) or "disk" (mempool.dat).
//
// It listens in NodeStorage's Dashboard slots and the P2P layer's PeerWatch; everything runs on
// the validation strand, and publishing is a copy into the bus's ring. Built only when a
// dashboard is asked for: a node without one pays nothing.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <vector>
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
// At most one `mempool` event per this many milliseconds while transactions come and go: 100
// tx/s must not become 200 events/s. A change held back is published by FlushMempool (the
// app's once-a-second sampler) or when the chain settles; no event when nothing changed.
inline constexpr int64_t MEMPOOL_EVENT_INTERVAL_MS = 1000;

class NodeEvents final : public chain::ChainObserver {
public:
    // `now_ms`: a steady clock in milliseconds, for spacing `mempool` events.
    NodeEvents(events::EventBus& bus, std::function<int64_t()> now_ms);

    // On the strand: listen to the chain and the mempool, and forget them.
    void Attach(NodeStorage& storage);
    void Detach(NodeStorage& storage);
    // For P2pServiceOptions::watch; its calls come on the strand.
    p2p::PeerWatch Watch();

    // The ids of the peers connected now (any thread), for the byte sampler.
    std::vector<uint64_t> ConnectedPeers() const;
    // True (any thread) while a `mempool` event is held back; FlushMempool (on the strand)
    // publishes it.
    bool MempoolPending() const { return m_mempool_pending; }
    void FlushMempool() { PublishMempool(true); }

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
    mutable std::mutex m_peers_mutex;                   // guards m_peer_addresses for ConnectedPeers
    std::map<uint64_t, std::string> m_peer_addresses;  // connected peers: id -> address
    std::deque<std::pair<primitives::BlockHash, uint64_t>> m_block_origins;  // block -> peer id
    primitives::BlockHash m_tip;
    int m_tip_height = -1;
    // Blocks disconnected and connected since the chain last settled: a reorg when both.
    int m_disconnected = 0;
    int m_connected = 0;
    int m_fork_height = 0;
    primitives::BlockHash m_old_tip;
    int64_t m_last_mempool_ms = 0;
    std::pair<uint64_t, int64_t> m_last_mempool{UINT64_MAX, 0};  // size and vsize last published
    std::atomic<bool> m_mempool_pending{false};
};

}  // namespace tonari::bitcoin::node
