// PeerManager, transactions and inventory: `inv` and `getdata` dispatch, transaction
// download and acceptance, orphans waiting for parents, trickled announcements.
#include <algorithm>
#include <cmath>

#include "bitcoin/p2p/peer_manager.h"
#include "bitcoin/wire/inventory.h"
#include "bitcoin/wire/protocol.h"
#include "bitcoin/wire/tx_msg.h"

namespace tonari::bitcoin::p2p {

bool PeerManager::AlreadyHaveTx(const util::Uint256& hash, bool is_wtxid) const {
    if (m_recent_rejects.Contains(hash)) return true;
    if (is_wtxid) {
        return m_deps.pool.GetByWtxid(primitives::Wtxid(hash)) != nullptr || m_orphans.Contains(primitives::Wtxid(hash));
    }
    return m_deps.pool.Get(primitives::Txid(hash)) != nullptr;
}

void PeerManager::OnInv(Peer& peer, util::ByteSpan payload) {
    auto msg = wire::InvMsg::Decode(payload);
    if (!msg) return Misbehaving(peer, std::string("malformed inv: ") + wire::ToString(msg.error()));
    wire::GetDataMsg getdata;
    const int64_t now = Now();
    const bool ibd = IsInitialBlockDownload();
    for (const auto& inv : msg->items) {
        const uint32_t base = inv.type & ~wire::MSG_WITNESS_FLAG;
        if (base == wire::MSG_BLOCK) {
            OnBlockInv(peer, primitives::BlockHash(inv.hash));
            continue;
        }
        if (base != wire::MSG_TX && base != wire::MSG_WTX) continue;
        const bool is_wtxid = base == wire::MSG_WTX;
        peer.known_txs.Insert(inv.hash);
        // Transactions are of no use while catching up, and a block-relay-only or
        // blocks-only link should carry none.
        if (ibd || !m_options.relay_txs || peer.type == ConnectionType::BlockRelayOnly) continue;
        // A wtxid-relay peer announces by wtxid only (BIP339); anything else is ignored.
        if (peer.wtxid_relay != is_wtxid) continue;
        if (AlreadyHaveTx(inv.hash, is_wtxid)) continue;
        if (const auto req = m_tx_requests.find(inv.hash); req != m_tx_requests.end()) {
            if (req->second == peer.id) continue;
            auto& alternates = m_tx_alternates[inv.hash];
            if (alternates.size() < MAX_TX_ALTERNATES &&
                std::find(alternates.begin(), alternates.end(), peer.id) == alternates.end()) {
                alternates.push_back(peer.id);
            }
            continue;
        }
        if (peer.txs_requested.size() >= MAX_PEER_TX_REQUESTS) continue;
        peer.txs_requested[inv.hash] = now;
        m_tx_requests[inv.hash] = peer.id;
        getdata.items.push_back({is_wtxid ? wire::MSG_WTX : wire::MSG_WITNESS_TX, inv.hash});
    }
    if (!getdata.items.empty()) Send(peer, getdata);
}

void PeerManager::OnGetData(Peer& peer, util::ByteSpan payload) {
    auto msg = wire::GetDataMsg::Decode(payload);
    if (!msg) return Misbehaving(peer, std::string("malformed getdata: ") + wire::ToString(msg.error()));
    std::vector<wire::Inv> not_found;
    for (const auto& inv : msg->items) {
        if (peer.disconnecting) return;
        const uint32_t base = inv.type & ~wire::MSG_WITNESS_FLAG;
        const bool witness = (inv.type & wire::MSG_WITNESS_FLAG) != 0;
        if (base == wire::MSG_BLOCK) {
            ServeBlock(peer, primitives::BlockHash(inv.hash), witness, not_found);
        } else if (base == wire::MSG_CMPCT_BLOCK) {
            ServeCompactBlock(peer, primitives::BlockHash(inv.hash), not_found);
        } else if (base == wire::MSG_TX || base == wire::MSG_WTX) {
            ServeTx(peer, inv, not_found);
        } else {
            not_found.push_back(inv);
        }
    }
    if (!not_found.empty()) {
        wire::NotFoundMsg nf;
        nf.items = std::move(not_found);
        Send(peer, nf);
    }
}

void PeerManager::ServeTx(Peer& peer, const wire::Inv& inv, std::vector<wire::Inv>& not_found) {
    const uint32_t base = inv.type & ~wire::MSG_WITNESS_FLAG;
    const mempool::MempoolEntry* entry = base == wire::MSG_WTX ? m_deps.pool.GetByWtxid(primitives::Wtxid(inv.hash))
                                                               : m_deps.pool.Get(primitives::Txid(inv.hash));
    if (entry == nullptr) {
        not_found.push_back(inv);
        return;
    }
    const bool witness = base == wire::MSG_WTX || (inv.type & wire::MSG_WITNESS_FLAG) != 0;
    const util::Bytes bytes = primitives::SerializeTx(*entry->tx, witness);
    SendRaw(peer, wire::TxMsg::COMMAND, bytes);
    // A peer asked for it: our own transaction has left this node (Core's unbroadcast set).
    m_unbroadcast.erase(entry->txid);
}

void PeerManager::AnnounceUnbroadcast(Peer* only) {
    for (auto it = m_unbroadcast.begin(); it != m_unbroadcast.end();) {
        const mempool::MempoolEntry* entry = m_deps.pool.Get(*it);
        if (entry == nullptr) {
            it = m_unbroadcast.erase(it);  // mined, replaced or evicted: nothing left to send
            continue;
        }
        if (only == nullptr) {
            QueueAnnouncement(*entry);
        } else if (only->RelaysTxs()) {
            const util::Uint256& hash = only->wtxid_relay ? entry->wtxid.get() : entry->txid.get();
            if (!only->known_txs.Contains(hash)) only->tx_to_announce.insert(hash);
        }
        ++it;
    }
}

void PeerManager::OnTx(Peer& peer, util::ByteSpan payload) {
    auto msg = wire::TxMsg::Decode(payload);
    if (!msg) return Misbehaving(peer, std::string("malformed tx: ") + wire::ToString(msg.error()));
    if (!m_options.relay_txs || peer.type == ConnectionType::BlockRelayOnly) return;
    const primitives::Tx& tx = msg->tx;
    const primitives::Txid txid = primitives::ComputeTxid(tx);
    const primitives::Wtxid wtxid = primitives::ComputeWtxid(tx);
    for (const util::Uint256& h : {txid.get(), wtxid.get()}) {
        peer.known_txs.Insert(h);
        EndTxRequest(peer, h);
        m_tx_alternates.erase(h);
    }
    if (AlreadyHaveTx(wtxid.get(), true)) return;
    const int64_t now = NowSeconds();
    mempool::AcceptOptions from_peer;
    from_peer.origin = peer.id;
    auto accepted = m_deps.accept.Accept(tx, now, from_peer);
    if (accepted) {
        Log("accepted tx " + txid.ToHex() + " from peer=" + std::to_string(peer.id));
        peer.last_tx_us = Now();
        ProcessOrphans(tx);
        return;
    }
    const mempool::Rejection& r = accepted.error();
    switch (r.kind) {
        case mempool::Rejection::Kind::MissingInputs: {
            // Parents rejected before: the child can never enter.
            bool parent_rejected = false;
            for (const auto& in : tx.inputs) parent_rejected |= m_recent_rejects.Contains(in.prevout.txid.get());
            if (parent_rejected) {
                m_recent_rejects.Insert(wtxid.get());
                return;
            }
            if (!m_orphans.Add(tx, static_cast<mempool::PeerId>(peer.id), now)) return;
            wire::GetDataMsg parents;
            for (const auto& in : tx.inputs) {
                const util::Uint256& parent = in.prevout.txid.get();
                if (AlreadyHaveTx(parent, false) || m_tx_requests.count(parent) != 0) continue;
                if (peer.txs_requested.size() >= MAX_PEER_TX_REQUESTS) break;
                peer.txs_requested[parent] = Now();
                m_tx_requests[parent] = peer.id;
                parents.items.push_back({wire::MSG_WITNESS_TX, parent});
            }
            if (!parents.items.empty()) Send(peer, parents);
            return;
        }
        case mempool::Rejection::Kind::AlreadyInPool:
        case mempool::Rejection::Kind::AlreadyInChain:
            return;
        case mempool::Rejection::Kind::Io:
            Log("error checking tx " + txid.ToHex() + ": " + r.ToString());
            return;
        case mempool::Rejection::Kind::Consensus:
        case mempool::Rejection::Kind::Policy:
            // Not punished: a transaction valid when relayed can be invalid here after a
            // block, and policy differs between honest nodes.
            m_recent_rejects.Insert(wtxid.get());
            Log("rejected tx " + txid.ToHex() + " from peer=" + std::to_string(peer.id) + ": " + r.ToString());
            return;
    }
}

void PeerManager::ProcessOrphans(const primitives::Tx& parent) {
    std::vector<primitives::Tx> work{parent};
    const int64_t now = NowSeconds();
    while (!work.empty()) {
        const primitives::Tx current = std::move(work.back());
        work.pop_back();
        for (const auto& child : m_orphans.ChildrenOf(current)) {
            const primitives::Wtxid wtxid = primitives::ComputeWtxid(*child);
            mempool::AcceptOptions orphan;
            orphan.origin = mempool::TX_ORIGIN_ORPHAN;
            auto accepted = m_deps.accept.Accept(*child, now, orphan);
            if (accepted) {
                m_orphans.Erase(wtxid);
                work.push_back(*child);
            } else if (accepted.error().kind != mempool::Rejection::Kind::MissingInputs) {
                m_orphans.Erase(wtxid);
                if (accepted.error().kind != mempool::Rejection::Kind::Io) m_recent_rejects.Insert(wtxid.get());
            }
        }
    }
}

void PeerManager::TxAdded(const mempool::MempoolEntry& entry) {
    if (entry.origin == mempool::TX_ORIGIN_LOCAL) m_unbroadcast.insert(entry.txid);
    QueueAnnouncement(entry);
}

void PeerManager::Rebroadcast(const mempool::MempoolEntry& entry) {
    m_unbroadcast.insert(entry.txid);
    QueueAnnouncement(entry);
}

void PeerManager::QueueAnnouncement(const mempool::MempoolEntry& entry) {
    for (auto& [id, p] : m_peers) {
        if (!p->HandshakeDone() || !p->RelaysTxs()) continue;
        const util::Uint256& hash = p->wtxid_relay ? entry.wtxid.get() : entry.txid.get();
        if (!p->known_txs.Contains(hash)) p->tx_to_announce.insert(hash);
    }
}

void PeerManager::ScheduleTrickle(Peer& peer, int64_t now) {
    // Exponentially distributed gaps (a Poisson process), as Core: the timing of our
    // announcements says nothing about when we received each transaction.
    const double mean = static_cast<double>(peer.IsInbound() ? INBOUND_INVENTORY_INTERVAL_US
                                                              : OUTBOUND_INVENTORY_INTERVAL_US);
    const double u = (static_cast<double>(Random64() >> 11) + 0.5) / 9007199254740992.0;
    peer.next_trickle_us = now + static_cast<int64_t>(-std::log(u) * mean);
}

void PeerManager::TrickleTxs(Peer& peer, int64_t now) {
    if (now < peer.next_trickle_us) return;
    ScheduleTrickle(peer, now);
    if (peer.tx_to_announce.empty()) return;

    // Oldest first, so parents are announced before their children.
    std::vector<const mempool::MempoolEntry*> entries;
    for (const auto& hash : peer.tx_to_announce) {
        const mempool::MempoolEntry* e = peer.wtxid_relay ? m_deps.pool.GetByWtxid(primitives::Wtxid(hash))
                                                          : m_deps.pool.Get(primitives::Txid(hash));
        if (e == nullptr) continue;  // left the pool meanwhile
        if (e->Rate().SatPerKvB() < peer.fee_filter) continue;
        entries.push_back(e);
    }
    std::sort(entries.begin(), entries.end(),
              [](const mempool::MempoolEntry* a, const mempool::MempoolEntry* b) { return a->sequence < b->sequence; });
    wire::InvMsg inv;
    std::set<util::Uint256> deferred;  // over this trickle's cap: next time
    for (const auto* e : entries) {
        const util::Uint256& hash = peer.wtxid_relay ? e->wtxid.get() : e->txid.get();
        if (inv.items.size() >= INVENTORY_BROADCAST_MAX) {
            deferred.insert(hash);
            continue;
        }
        inv.items.push_back({peer.wtxid_relay ? wire::MSG_WTX : wire::MSG_TX, hash});
        peer.known_txs.Insert(hash);
    }
    // Sent, gone from the pool, or below the peer's filter: done with.
    peer.tx_to_announce = std::move(deferred);
    if (!inv.items.empty()) Send(peer, inv);
}

void PeerManager::ExpireTxRequests(Peer& peer, int64_t now) {
    std::vector<util::Uint256> expired;
    for (const auto& [hash, when] : peer.txs_requested) {
        if (now - when > TX_REQUEST_TIMEOUT_US) expired.push_back(hash);
    }
    for (const auto& hash : expired) {
        EndTxRequest(peer, hash);
        RequestFromAlternate(hash);
    }
}

void PeerManager::EndTxRequest(Peer& peer, const util::Uint256& hash) {
    peer.txs_requested.erase(hash);
    const auto req = m_tx_requests.find(hash);
    if (req != m_tx_requests.end() && req->second == peer.id) m_tx_requests.erase(req);
}

void PeerManager::RequestFromAlternate(const util::Uint256& hash) {
    const auto it = m_tx_alternates.find(hash);
    if (it == m_tx_alternates.end()) return;
    if (m_tx_requests.count(hash) != 0) return;  // someone else is already being asked
    std::vector<PeerId>& queue = it->second;
    while (!queue.empty()) {
        Peer* next = Find(queue.front());
        queue.erase(queue.begin());
        if (next == nullptr || !next->HandshakeDone() || next->txs_requested.size() >= MAX_PEER_TX_REQUESTS) continue;
        if (AlreadyHaveTx(hash, next->wtxid_relay)) break;
        next->txs_requested[hash] = Now();
        m_tx_requests[hash] = next->id;
        wire::GetDataMsg getdata;
        getdata.items.push_back({next->wtxid_relay ? wire::MSG_WTX : wire::MSG_WITNESS_TX, hash});
        Send(*next, getdata);
        if (queue.empty()) m_tx_alternates.erase(it);
        return;
    }
    m_tx_alternates.erase(it);
}

}  // namespace tonari::bitcoin::p2p
