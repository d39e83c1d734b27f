// The Bitcoin node's events for the dashboard.
#include "bitcoin/node/node_events.h"

#include <algorithm>

#include "util/json.h"

namespace tonari::bitcoin::node {
namespace {

// "from" for a transaction origin, with the peer's id and address when a peer sent it.
void SetOrigin(util::Json& o, int64_t origin, const std::map<uint64_t, std::string>& addresses) {
    if (origin >= 0) {
        o.Set("from", "peer");
        o.Set("peer", origin);
        const auto it = addresses.find(static_cast<uint64_t>(origin));
        if (it != addresses.end()) o.Set("address", it->second);
        return;
    }
    o.Set("from", origin == mempool::TX_ORIGIN_REORG ? "reorg" : origin == mempool::TX_ORIGIN_ORPHAN ? "orphan"
                  : origin == mempool::TX_ORIGIN_DISK ? "disk" : "local");
}

}  // namespace

NodeEvents::NodeEvents(events::EventBus& bus, std::function<int64_t()> now_ms) : m_bus(bus), m_now_ms(std::move(now_ms)) {}

void NodeEvents::Attach(NodeStorage& storage) {
    m_storage = &storage;
    if (const auto* tip = storage.Chain().Tip()) {
        m_tip = tip->hash;
        m_tip_height = tip->height;
    }
    using Slot = NodeStorage::ListenerSlot;
    storage.SetChainListener(Slot::Dashboard, this);
    storage.SetSettledListener(Slot::Dashboard, [this] { Settled(); });
    storage.SetTxAddedListener(Slot::Dashboard, [this](const mempool::MempoolEntry& e) { TxAdded(e); });
    storage.SetTxRemovedListener(Slot::Dashboard, [this](const mempool::MempoolEntry& e, mempool::RemovalReason r) { TxRemoved(e, r); });
}

void NodeEvents::Detach(NodeStorage& storage) {
    using Slot = NodeStorage::ListenerSlot;
    storage.SetChainListener(Slot::Dashboard, nullptr);
    storage.SetSettledListener(Slot::Dashboard, {});
    storage.SetTxAddedListener(Slot::Dashboard, {});
    storage.SetTxRemovedListener(Slot::Dashboard, {});
    m_storage = nullptr;
}

p2p::PeerWatch NodeEvents::Watch() {
    p2p::PeerWatch w;
    w.connected = [this](const p2p::Peer& peer) {
        const std::string address = peer.remote.ToString();
        {
            std::lock_guard lock(m_peers_mutex);
            m_peer_addresses[peer.id] = address;
        }
        util::Json o = util::Json::MakeObject();
        o.Set("peer", static_cast<uint64_t>(peer.id));
        o.Set("address", address);
        o.Set("local", peer.local.ToString());  // with `address`, lets a page match both ends of a link
        o.Set("direction", peer.IsInbound() ? "inbound" : "outbound");
        o.Set("type", p2p::ToString(peer.type));
        o.Set("transport", peer.v2 ? "v2" : "v1");  // BIP324 encrypted or not
        m_bus.Publish("peer_connected", o.Dump());
    };
    w.disconnected = [this](const p2p::Peer& peer, const std::string& reason) {
        util::Json o = util::Json::MakeObject();
        o.Set("peer", static_cast<uint64_t>(peer.id));
        o.Set("address", peer.remote.ToString());
        o.Set("reason", reason);
        {
            std::lock_guard lock(m_peers_mutex);
            m_peer_addresses.erase(peer.id);
        }
        m_bus.Publish("peer_disconnected", o.Dump());
    };
    w.header_from = [this](const chain::BlockIndex& index, const p2p::Peer& peer) {
        util::Json o = util::Json::MakeObject();
        o.Set("hash", index.hash.ToHex());
        o.Set("height", index.height);
        o.Set("peer", static_cast<uint64_t>(peer.id));
        o.Set("address", peer.remote.ToString());
        m_bus.Publish("header_seen", o.Dump());
    };
    w.block_from = [this](const primitives::BlockHash& hash, const p2p::Peer& peer) {
        m_block_origins.emplace_back(hash, peer.id);
        if (m_block_origins.size() > MAX_BLOCK_ORIGINS) m_block_origins.pop_front();
    };
    return w;
}

std::vector<uint64_t> NodeEvents::ConnectedPeers() const {
    std::lock_guard lock(m_peers_mutex);
    std::vector<uint64_t> ids;
    for (const auto& [id, address] : m_peer_addresses) ids.push_back(id);
    return ids;
}

void NodeEvents::TxAdded(const mempool::MempoolEntry& e) {
    util::Json o = util::Json::MakeObject();
    o.Set("txid", e.txid.ToHex());
    o.Set("vsize", e.vsize);
    o.Set("fee", e.fee);
    SetOrigin(o, e.origin, m_peer_addresses);
    m_bus.Publish("tx_seen", o.Dump());
    PublishMempool(false);
}

void NodeEvents::TxRemoved(const mempool::MempoolEntry& e, mempool::RemovalReason reason) {
    util::Json o = util::Json::MakeObject();
    o.Set("txid", e.txid.ToHex());
    o.Set("reason", std::string(mempool::RemovalReasonName(reason)));
    m_bus.Publish("tx_removed", o.Dump());
    PublishMempool(false);
}

void NodeEvents::BlockConnected(const primitives::Block& block, const chain::BlockIndex& index) {
    ++m_connected;
    util::Json o = util::Json::MakeObject();
    o.Set("hash", index.hash.ToHex());
    o.Set("height", index.height);
    o.Set("txs", static_cast<uint64_t>(block.txs.size()));
    const auto origin = std::find_if(m_block_origins.begin(), m_block_origins.end(),
                                     [&index](const auto& e) { return e.first == index.hash; });
    if (origin != m_block_origins.end()) {
        o.Set("from", "peer");
        o.Set("peer", origin->second);
        if (const auto it = m_peer_addresses.find(origin->second); it != m_peer_addresses.end()) o.Set("address", it->second);
        m_block_origins.erase(origin);
    } else {
        o.Set("from", "local");
    }
    m_bus.Publish("block_connected", o.Dump());
}

void NodeEvents::BlockDisconnected(const primitives::Block&, const chain::BlockIndex& index) {
    if (m_disconnected++ == 0) m_old_tip = index.hash;
    m_fork_height = index.height - 1;
    util::Json o = util::Json::MakeObject();
    o.Set("hash", index.hash.ToHex());
    o.Set("height", index.height);
    m_bus.Publish("block_disconnected", o.Dump());
}

void NodeEvents::Settled() {
    if (m_storage == nullptr) return;
    const auto* tip = m_storage->Chain().Tip();
    if (tip != nullptr && (tip->hash != m_tip || tip->height != m_tip_height)) {
        if (m_disconnected > 0 && m_connected > 0) {
            util::Json r = util::Json::MakeObject();
            r.Set("depth", m_disconnected);
            r.Set("fork_height", m_fork_height);
            r.Set("old_tip", m_old_tip.ToHex());
            r.Set("new_tip", tip->hash.ToHex());
            m_bus.Publish("reorg", r.Dump());
        }
        m_tip = tip->hash;
        m_tip_height = tip->height;
        util::Json o = util::Json::MakeObject();
        o.Set("hash", tip->hash.ToHex());
        o.Set("height", tip->height);
        m_bus.Publish("tip_changed", o.Dump());
    }
    m_disconnected = 0;
    m_connected = 0;
    PublishMempool(true);
}

void NodeEvents::PublishMempool(bool force) {
    if (m_storage == nullptr) return;
    const std::pair<uint64_t, int64_t> current{m_storage->Mempool().Size(), m_storage->Mempool().TotalVsize()};
    if (current == m_last_mempool) {
        m_mempool_pending = false;
        return;
    }
    const int64_t now = m_now_ms ? m_now_ms() : 0;
    if (!force && now - m_last_mempool_ms < MEMPOOL_EVENT_INTERVAL_MS) {
        m_mempool_pending = true;  // the trailing change goes out with the next flush
        return;
    }
    m_last_mempool_ms = now;
    m_last_mempool = current;
    m_mempool_pending = false;
    util::Json o = util::Json::MakeObject();
    o.Set("size", current.first);
    o.Set("vsize", current.second);
    m_bus.Publish("mempool", o.Dump());
}

}  // namespace tonari::bitcoin::node
