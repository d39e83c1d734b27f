// PeerManager plumbing: connections coming and going, message dispatch, the version
// handshake, pings, timeouts, discipline, and keeping the outbound slots filled.
#include "bitcoin/p2p/peer_manager.h"

#include <algorithm>

#include "bitcoin/p2p/eviction.h"
#include "bitcoin/wire/addr.h"
#include "bitcoin/wire/block_msg.h"
#include "bitcoin/wire/compact_block.h"
#include "bitcoin/wire/empty_messages.h"
#include "bitcoin/wire/feefilter.h"
#include "bitcoin/wire/headers.h"
#include "bitcoin/wire/locator.h"
#include "bitcoin/wire/ping.h"
#include "bitcoin/wire/protocol.h"
#include "bitcoin/wire/sendcmpct.h"
#include "bitcoin/wire/tx_msg.h"
#include "bitcoin/wire/version.h"
#include "crypto/siphash.h"

namespace tonari::bitcoin::p2p {
namespace {

// A peer sending this many messages we do not understand is flooding us, not speaking a
// newer protocol (every real extension is a handful of messages per connection).
constexpr int MAX_UNKNOWN_MESSAGES = 1'000;

// Commands counted under their own name in the per-message traffic totals; anything else a
// peer sends is counted as "*other*", so a peer inventing commands cannot grow the map.
constexpr std::string_view COUNTED_COMMANDS[] = {
    "version", "verack", "ping", "pong", "addr", "addrv2", "sendaddrv2", "getaddr", "inv",
    "getdata", "notfound", "tx", "block", "headers", "getheaders", "sendheaders", "feefilter",
    "sendcmpct", "cmpctblock", "getblocktxn", "blocktxn", "wtxidrelay", "mempool",
};
constexpr std::string_view OTHER_COMMAND = "*other*";

std::string_view CountedCommand(std::string_view command) {
    for (std::string_view c : COUNTED_COMMANDS) {
        if (c == command) return c;
    }
    return OTHER_COMMAND;
}

void AddTraffic(std::map<std::string, uint64_t, std::less<>>& totals, std::string_view command, uint64_t bytes) {
    const auto it = totals.find(command);
    if (it != totals.end()) {
        it->second += bytes;
    } else {
        totals.emplace(std::string(command), bytes);
    }
}

// DNS seeds in a random order, so that the first few asked are not always the same operators.
NetworkSeeds ShuffledSeeds(NetworkSeeds seeds, std::mt19937_64& rng) {
    std::shuffle(seeds.dns.begin(), seeds.dns.end(), rng);
    return seeds;
}

}  // namespace

const char* ToString(ConnectionType type) {
    switch (type) {
        case ConnectionType::Inbound: return "inbound";
        case ConnectionType::OutboundFullRelay: return "outbound-full-relay";
        case ConnectionType::BlockRelayOnly: return "block-relay-only";
        case ConnectionType::Manual: return "manual";
    }
    return "unknown";
}

PeerManager::PeerManager(PeerManagerDeps deps, PeerManagerOptions options)
    : m_deps(std::move(deps)), m_options(std::move(options)),
      m_rng(m_options.rng_seed ? *m_options.rng_seed : SecureRandom64()),
      m_orphans(mempool::DEFAULT_MAX_ORPHANS, m_options.rng_seed ? m_rng() : std::random_device{}()),
      m_seeder(ShuffledSeeds(m_options.network_seeds, m_rng), m_options.dns_seed, m_options.fixed_seeds,
               m_options.automatic_outbound, !m_options.manual.empty() || !m_options.seeds.empty(), m_deps.now_us()) {
    m_local_nonce = Random64();
    m_netgroup_k0 = KeyRandom64();
    m_netgroup_k1 = KeyRandom64();
    for (const auto& ep : m_options.manual) m_manual.push_back({ep, std::nullopt, false, 0, 0, false, m_options.v2transport});
    m_seeds_left = m_options.seeds;
    m_last_announced_tip = m_deps.chain.Tip();
    // Our own transactions already in the mempool (a wallet resubmits its pending ones when it
    // loads, before the network starts) wait for their first peer.
    for (const auto* e : m_deps.pool.Entries()) {
        if (e->origin == mempool::TX_ORIGIN_LOCAL) m_unbroadcast.insert(e->txid);
    }
    m_next_unbroadcast_us = m_deps.now_us() + UNBROADCAST_INTERVAL_US;
}

PeerManager::~PeerManager() = default;

uint64_t PeerManager::SecureRandom64() {
    std::random_device os;  // /dev/urandom (getrandom) on Linux
    return (uint64_t{os()} << 32) | os();
}

void PeerManager::Log(const std::string& line) const {
    if (m_deps.log) m_deps.log(line);
}

Peer* PeerManager::Find(PeerId id) {
    const auto it = m_peers.find(id);
    return it == m_peers.end() ? nullptr : it->second.get();
}

void PeerManager::SendRaw(Peer& peer, std::string_view command, util::ByteSpan payload) {
    if (peer.disconnecting || m_net == nullptr) return;
    // A v2 connection re-frames the message in a BIP324 packet: no checksum to compute.
    util::Bytes frame = wire::FrameMessage(m_options.params->message_start, command, payload, !peer.v2);
    m_bytes_sent += frame.size();
    AddTraffic(peer.bytes_sent_per_msg, CountedCommand(command), frame.size());
    if (!m_net->Send(peer.id, std::move(frame))) peer.disconnecting = true;
}

void PeerManager::Disconnect(Peer& peer, const std::string& reason) {
    if (peer.disconnecting) return;
    Log("disconnecting peer=" + std::to_string(peer.id) + " (" + peer.remote.ToString() + "): " + reason);
    peer.disconnecting = true;
    if (m_net != nullptr) m_net->Disconnect(peer.id, reason);
}

void PeerManager::Misbehaving(Peer& peer, const std::string& reason) {
    // Local peers are disconnected but not discouraged: on one machine they share an address
    // with honest peers (Core does the same).
    const bool local = peer.address && peer.address->IsLocal();
    if (!local && peer.type != ConnectionType::Manual) m_deps.bans.Discourage(peer.remote.address);
    Disconnect(peer, "misbehaving: " + reason);
}

// ---- connections ----

void PeerManager::OnConnected(const netcore::ConnectionInfo& info, uint64_t tag) {
    auto peer = std::make_unique<Peer>();
    peer->id = info.id;
    peer->remote = info.remote;
    peer->local = info.local;
    peer->address = wire::NetAddress::Parse(info.remote.ToString(), info.remote.port);
    peer->connected_at = NowSeconds();
    peer->connected_us = Now();
    peer->v2 = info.transport == "v2";
    peer->session_id = info.session_id;
    const std::vector<uint8_t> group = NetGroup(info.remote.address);
    peer->keyed_netgroup = crypto::SipHash24(m_netgroup_k0, m_netgroup_k1, group);
    peer->type = ConnectionType::Inbound;
    if (!info.inbound) {
        const auto it = m_pending_connects.find(tag);
        peer->type = it == m_pending_connects.end() ? ConnectionType::Manual : it->second;
        if (it != m_pending_connects.end()) m_pending_connects.erase(it);
        for (auto& m : m_manual) {
            if (m.connecting && m.tag == tag) {
                m.connecting = false;
                m.peer = info.id;
            }
        }
        m_connecting_addrs.erase(info.remote.ToString());
    }
    const int64_t now = Now();
    peer->next_ping_us = now;
    Peer& p = *peer;
    m_peers.emplace(info.id, std::move(peer));
    if (m_deps.watch.connected) m_deps.watch.connected(p);
    if (p.IsInbound() && static_cast<int>(InboundCount()) > m_options.max_inbound) {
        // Discouraged peers get a slot only while slots are free.
        if (m_deps.bans.IsDiscouraged(p.remote.address)) {
            Disconnect(p, "discouraged and the inbound slots are full");
            return;
        }
        if (!EvictInbound(p.id)) {
            Disconnect(p, "inbound slots are full and every inbound peer is protected");
            return;
        }
    }
    Log("connected peer=" + std::to_string(p.id) + " " + p.remote.ToString() + " (" + ToString(p.type) + ")");
    // The initiator speaks first.
    if (!p.IsInbound()) SendVersion(p);
}

void PeerManager::OnConnectFailed(const netcore::PeerEndpoint& remote, uint64_t tag, const std::string& reason) {
    m_pending_connects.erase(tag);
    m_connecting_addrs.erase(remote.ToString());
    for (auto& m : m_manual) {
        if (m.connecting && m.tag == tag) {
            m.connecting = false;
            m.next_attempt_us = Now() + 2'000'000;
        }
    }
    m_manual.erase(std::remove_if(m_manual.begin(), m_manual.end(),
                                  [](const ManualEntry& m) { return m.once && !m.connecting && !m.peer; }),
                   m_manual.end());
    if (auto addr = wire::NetAddress::Parse(remote.ToString(), remote.port)) {
        m_deps.addrman.Attempt(*addr, true, NowSeconds());
    }
    Log("connection to " + remote.ToString() + " failed: " + reason);
}

void PeerManager::OnDisconnected(PeerId id, const std::string& reason) {
    const auto it = m_peers.find(id);
    if (it == m_peers.end()) return;
    Peer& peer = *it->second;
    Log("peer=" + std::to_string(id) + " disconnected: " + reason);
    // Its block requests go back into the pool for others to serve.
    for (const auto& [hash, when] : peer.blocks_in_flight) m_block_requests.erase(hash);
    std::vector<util::Uint256> unanswered;
    for (const auto& [hash, when] : peer.txs_requested) {
        const auto req = m_tx_requests.find(hash);
        if (req != m_tx_requests.end() && req->second == id) {
            m_tx_requests.erase(req);
            unanswered.push_back(hash);
        }
    }
    m_orphans.EraseForPeer(static_cast<mempool::PeerId>(id));
    if (m_headers_sync_peer == id) m_headers_sync_peer = 0;
    if (peer.chain_sync_protected) --m_outbound_protected;
    std::erase(m_hb_peers, id);
    for (auto& m : m_manual) {
        if (m.peer == id) {
            m.peer.reset();
            m.next_attempt_us = Now() + 1'000'000;
        }
    }
    m_manual.erase(std::remove_if(m_manual.begin(), m_manual.end(),
                                  [](const ManualEntry& m) { return m.once && !m.connecting && !m.peer; }),
                   m_manual.end());
    const bool had_blocks = !peer.blocks_in_flight.empty();
    if (m_deps.watch.disconnected) m_deps.watch.disconnected(peer, reason);
    m_peers.erase(it);
    if (had_blocks) RequestBlocksFromAll();
    for (const auto& hash : unanswered) RequestFromAlternate(hash);
}

size_t PeerManager::InboundCount() const {
    return static_cast<size_t>(std::count_if(m_peers.begin(), m_peers.end(), [](const auto& kv) {
        return kv.second->IsInbound() && !kv.second->disconnecting;
    }));
}

bool PeerManager::EvictInbound(PeerId newcomer) {
    std::vector<EvictionCandidate> candidates;
    for (const auto& [id, p] : m_peers) {
        if (!p->IsInbound() || p->disconnecting || id == newcomer) continue;
        EvictionCandidate c;
        c.id = id;
        c.connected_us = p->connected_us;
        c.min_ping_us = p->min_ping_us.value_or(INT64_MAX);
        c.last_block_us = p->last_block_us;
        c.last_tx_us = p->last_tx_us;
        c.relays_txs = p->relay_txs;
        c.relevant_services = (p->services & (wire::NODE_NETWORK | wire::NODE_WITNESS)) ==
                              (wire::NODE_NETWORK | wire::NODE_WITNESS);
        c.is_local = p->address && p->address->IsLocal();
        c.keyed_netgroup = p->keyed_netgroup;
        c.prefer_evict = m_deps.bans.IsDiscouraged(p->remote.address);
        candidates.push_back(c);
    }
    const auto victim = SelectPeerToEvict(std::move(candidates));
    if (!victim) return false;
    Disconnect(*Find(*victim), "evicted to make room for an inbound connection");
    return true;
}

int PeerManager::CountOutbound(ConnectionType type) const {
    int n = 0;
    for (const auto& [id, p] : m_peers) n += p->type == type ? 1 : 0;
    for (const auto& [tag, t] : m_pending_connects) n += t == type ? 1 : 0;
    return n;
}

// ---- messages ----

void PeerManager::OnFrame(PeerId id, const util::Bytes& header, const util::Bytes& payload) {
    Peer* peer = Find(id);
    m_bytes_received += header.size() + payload.size();
    if (peer == nullptr || peer->disconnecting) return;
    auto decoded = wire::DecodeFrameHeader(header, m_options.params->message_start);
    if (!decoded) {
        Misbehaving(*peer, std::string("bad message header: ") + wire::ToString(decoded.error()));
        return;
    }
    // v2 frames come out of an authenticated packet and carry no checksum.
    if (!peer->v2 && !wire::ChecksumMatches(*decoded, payload)) {
        Disconnect(*peer, "bad checksum on " + decoded->command + " message");
        return;
    }
    AddTraffic(peer->bytes_recv_per_msg, CountedCommand(decoded->command), header.size() + payload.size());
    Dispatch(*peer, decoded->command, payload);
}

void PeerManager::Dispatch(Peer& peer, const std::string& command, util::ByteSpan payload) {
    if (command == wire::VersionMsg::COMMAND) return OnVersion(peer, payload);
    if (!peer.version_received) {
        // Nothing counts before the version message (Core ignores such messages too).
        if (++peer.unknown_messages > MAX_UNKNOWN_MESSAGES) Disconnect(peer, "too many messages before version");
        return;
    }
    if (command == wire::VerackMsg::COMMAND) return OnVerack(peer);
    if (!peer.verack_received) {
        // Feature negotiation happens between version and verack.
        if (command == wire::WtxidRelayMsg::COMMAND) {
            if (peer.version >= wire::WTXID_RELAY_VERSION) peer.wtxid_relay = true;
        } else if (command == wire::SendAddrV2Msg::COMMAND) {
            peer.wants_addrv2 = true;
        } else if (++peer.unknown_messages > MAX_UNKNOWN_MESSAGES) {
            Disconnect(peer, "too many messages before verack");
        }
        return;
    }
    if (command == wire::PingMsg::COMMAND) {
        auto ping = wire::PingMsg::Decode(payload);
        if (!ping) return Misbehaving(peer, "malformed ping");
        Send(peer, wire::PongMsg{ping->nonce});
        return;
    }
    if (command == wire::PongMsg::COMMAND) {
        auto pong = wire::PongMsg::Decode(payload);
        if (!pong) return Misbehaving(peer, "malformed pong");
        if (peer.ping_nonce != 0 && pong->nonce == peer.ping_nonce) {
            const int64_t rtt = std::max<int64_t>(0, Now() - peer.ping_sent_us);
            peer.last_ping_us = rtt;
            peer.min_ping_us = peer.min_ping_us ? std::min(*peer.min_ping_us, rtt) : rtt;
            peer.ping_nonce = 0;
        }
        return;
    }
    if (command == wire::HeadersMsg::COMMAND) return OnHeaders(peer, payload);
    if (command == wire::GetHeadersMsg::COMMAND) return OnGetHeaders(peer, payload);
    if (command == wire::BlockMsg::COMMAND) return OnBlock(peer, payload);
    if (command == wire::InvMsg::COMMAND) return OnInv(peer, payload);
    if (command == wire::GetDataMsg::COMMAND) return OnGetData(peer, payload);
    if (command == wire::TxMsg::COMMAND) return OnTx(peer, payload);
    if (command == wire::NotFoundMsg::COMMAND) {
        auto nf = wire::NotFoundMsg::Decode(payload);
        if (!nf) return Misbehaving(peer, "malformed notfound");
        for (const auto& inv : nf->items) {
            if (peer.txs_requested.count(inv.hash) == 0) continue;
            EndTxRequest(peer, inv.hash);
            RequestFromAlternate(inv.hash);
        }
        return;
    }
    if (command == wire::AddrMsg::COMMAND) return OnAddr(peer, payload, false);
    if (command == wire::AddrV2Msg::COMMAND) return OnAddr(peer, payload, true);
    if (command == wire::GetAddrMsg::COMMAND) return OnGetAddr(peer);
    if (command == wire::SendHeadersMsg::COMMAND) {
        peer.prefers_headers = true;
        return;
    }
    if (command == wire::FeeFilterMsg::COMMAND) {
        auto ff = wire::FeeFilterMsg::Decode(payload);
        if (!ff) return Misbehaving(peer, "malformed feefilter");
        if (ff->fee_rate >= 0 && ff->fee_rate <= 21'000'000LL * 100'000'000LL) peer.fee_filter = ff->fee_rate;
        return;
    }
    if (command == wire::SendCmpctMsg::COMMAND) return OnSendCmpct(peer, payload);
    if (command == wire::CmpctBlockMsg::COMMAND) return OnCmpctBlock(peer, payload);
    if (command == wire::GetBlockTxnMsg::COMMAND) return OnGetBlockTxn(peer, payload);
    if (command == wire::BlockTxnMsg::COMMAND) return OnBlockTxn(peer, payload);
    if (command == wire::MempoolMsg::COMMAND) return;  // BIP35 is off, as in Core by default
    if (++peer.unknown_messages > MAX_UNKNOWN_MESSAGES) Disconnect(peer, "too many unknown messages");
}

// ---- handshake ----

void PeerManager::SendVersion(Peer& peer) {
    wire::VersionMsg v;
    v.version = m_options.protocol_version;
    v.services = m_options.local_services;
    v.timestamp = NowSeconds();
    if (peer.address) v.addr_recv = *peer.address;
    v.addr_from = wire::NetAddress{wire::NetId::IPv4, util::Bytes(4, 0), 0};
    v.addr_recv_services = 0;
    v.nonce = m_local_nonce;
    v.user_agent = m_options.user_agent;
    v.start_height = m_deps.chain.Chain().Height();
    v.relay = m_options.relay_txs && peer.type != ConnectionType::BlockRelayOnly;
    Send(peer, v);
}

void PeerManager::OnVersion(Peer& peer, util::ByteSpan payload) {
    if (peer.version_received) return;  // a second version is ignored, as in Core
    auto v = wire::VersionMsg::Decode(payload);
    if (!v) return Misbehaving(peer, "malformed version");
    if (v->version < wire::MIN_PEER_PROTO_VERSION) {
        return Disconnect(peer, "obsolete protocol version " + std::to_string(v->version));
    }
    if (peer.IsInbound() && v->nonce == m_local_nonce) return Disconnect(peer, "connected to self");
    const uint64_t desirable = wire::NODE_NETWORK | wire::NODE_WITNESS;
    if ((peer.type == ConnectionType::OutboundFullRelay || peer.type == ConnectionType::BlockRelayOnly) &&
        (v->services & desirable) != desirable) {
        return Disconnect(peer, "does not offer the services we need");
    }
    peer.version_received = true;
    peer.version = std::min(v->version, wire::PROTOCOL_VERSION);
    peer.services = v->services;
    if (!peer.IsInbound() && !peer.v2 && (v->services & wire::NODE_P2P_V2) == 0) {
        RememberV1Only(peer.remote);
        // A manual peer given by host name is looked up by that name when dialled again.
        for (const auto& m : m_manual) {
            if (m.peer == peer.id) RememberV1Only(m.endpoint);
        }
    }
    peer.user_agent = v->user_agent.substr(0, 256);
    peer.start_height = v->start_height;
    peer.relay_txs = v->relay && peer.type != ConnectionType::BlockRelayOnly && m_options.relay_txs;
    if (peer.IsInbound()) SendVersion(peer);
    if (peer.version >= wire::WTXID_RELAY_VERSION) {
        Send(peer, wire::WtxidRelayMsg{});
        Send(peer, wire::SendAddrV2Msg{});
    }
    Send(peer, wire::VerackMsg{});
}

void PeerManager::OnVerack(Peer& peer) {
    if (peer.verack_received) return;
    peer.verack_received = true;
    HandshakeCompleted(peer);
}

void PeerManager::HandshakeCompleted(Peer& peer) {
    Log("handshake with peer=" + std::to_string(peer.id) + " " + peer.remote.ToString() + " version " +
        std::to_string(peer.version) + " " + peer.user_agent + " height " + std::to_string(peer.start_height));
    if (peer.version >= wire::SENDHEADERS_VERSION) Send(peer, wire::SendHeadersMsg{});
    // We understand compact blocks (version 2) but want them pushed only by the peers that
    // prove fast at delivering new blocks (MaybeSetHighBandwidth).
    if (peer.version >= wire::SHORT_IDS_BLOCKS_VERSION) Send(peer, wire::SendCmpctMsg{false, 2});
    if (m_options.relay_txs && peer.RelaysTxs() && peer.version >= wire::FEEFILTER_VERSION) {
        const int64_t floor = m_deps.accept.MinFeeRate(NowSeconds()).SatPerKvB();
        Send(peer, wire::FeeFilterMsg{floor});
    }
    if (!peer.IsInbound() && peer.address) {
        m_deps.addrman.Good(*peer.address, NowSeconds());
        m_deps.addrman.SetServices(*peer.address, peer.services);
    }
    if (!peer.IsInbound() && peer.type != ConnectionType::BlockRelayOnly) {
        Send(peer, wire::GetAddrMsg{});
        peer.getaddr_sent = true;
    }
    peer.best_announced = nullptr;
    // Our transactions no peer has asked for yet: a node that made one while it had no peers
    // (just restarted, say) hands it to the first ones that come.
    AnnounceUnbroadcast(&peer);
    ScheduleTrickle(peer, Now());
    StartHeadersSync(peer);
}

// ---- timers ----

void PeerManager::MaintainPings(Peer& peer, int64_t now) {
    if (peer.ping_nonce != 0) {
        if (now - peer.ping_sent_us > PING_TIMEOUT_US) Disconnect(peer, "ping timeout");
        return;
    }
    if (now < peer.next_ping_us) return;
    uint64_t nonce = 0;
    while (nonce == 0) nonce = Random64();
    peer.ping_nonce = nonce;
    peer.ping_sent_us = now;
    peer.next_ping_us = now + PING_INTERVAL_US;
    Send(peer, wire::PingMsg{nonce});
}

void PeerManager::CheckTimeouts(Peer& peer, int64_t now) {
    if (!peer.HandshakeDone() && now - peer.connected_at * 1'000'000 > HANDSHAKE_TIMEOUT_US) {
        Disconnect(peer, "version handshake timeout");
        return;
    }
    // The initial headers sync and a presync each wait on one peer: one that stops answering
    // must not hold them forever.
    const bool holds_sync = m_headers_sync_peer == peer.id || peer.presync != nullptr;
    if (peer.headers_requested_us != 0 && now - peer.headers_requested_us > HEADERS_RESPONSE_TIMEOUT_US && holds_sync) {
        Disconnect(peer, "headers sync timeout");
    }
}

void PeerManager::Tick() {
    const int64_t now = Now();
    if (now >= m_next_unbroadcast_us) {
        // Core's ReattemptInitialBroadcast: every 10 to 15 minutes.
        m_next_unbroadcast_us = now + UNBROADCAST_INTERVAL_US + static_cast<int64_t>(Random64() % UNBROADCAST_JITTER_US);
        AnnounceUnbroadcast(nullptr);
    }
    std::vector<Peer*> peers;
    for (auto& [id, p] : m_peers) peers.push_back(p.get());
    for (Peer* p : peers) {
        if (p->disconnecting) continue;
        CheckTimeouts(*p, now);
        if (!p->HandshakeDone()) continue;
        MaintainPings(*p, now);
        CheckStalls(*p, now);
        ConsiderEviction(*p, now);
        if (p->disconnecting) continue;
        ExpireTxRequests(*p, now);
        TrickleTxs(*p, now);
        TrickleAddrs(*p, now);
    }
    if (now - m_last_orphan_expiry_us > 60'000'000) {
        m_orphans.Expire(NowSeconds());
        m_last_orphan_expiry_us = now;
    }
    if (now >= m_next_open_us) {
        m_next_open_us = now + OPEN_CONNECTIONS_INTERVAL_US;
        RunSeeder(now);
        OpenConnections(now);
    }
}

// ---- outbound connections ----

void PeerManager::OpenConnections(int64_t now) {
    if (m_net == nullptr) return;
    for (auto& m : m_manual) {
        if (m.peer || m.connecting || now < m.next_attempt_us) continue;
        m.connecting = true;
        const uint64_t tag = m_next_tag++ | (TryV2(m.endpoint, m.v2) ? TAG_TRY_V2 : 0);
        m_pending_connects[tag] = ConnectionType::Manual;
        m.tag = tag;
        m_net->Connect(m.endpoint, tag);
    }
    if (!m_options.automatic_outbound) return;
    if (m_peers.empty() && !m_seeds_left.empty()) {
        for (const auto& seed : m_seeds_left) {
            const uint64_t tag = m_next_tag++ | (TryV2(seed, true) ? TAG_TRY_V2 : 0);
            m_pending_connects[tag] = ConnectionType::OutboundFullRelay;
            m_net->Connect(seed, tag);
        }
        m_seeds_left.clear();
    }
    const int64_t now_s = now / 1'000'000;
    // Core's rule against eclipse attacks: one automatic outbound peer per network group (/16
    // of IPv4, /32 of IPv6), so that whoever floods our table with addresses from a few ranges
    // gets at most one slot per range. Local addresses are exempt where they are allowed
    // (regtest networks on one machine all share loopback).
    std::set<std::vector<uint8_t>> outbound_groups;
    for (const auto& [id, p] : m_peers) {
        if (p->type == ConnectionType::OutboundFullRelay || p->type == ConnectionType::BlockRelayOnly) {
            outbound_groups.insert(NetGroup(p->remote.address));
        }
    }
    for (const std::string& text : m_connecting_addrs) outbound_groups.insert(NetGroup(text));
    for (const auto type : {ConnectionType::OutboundFullRelay, ConnectionType::BlockRelayOnly}) {
        const int target = type == ConnectionType::OutboundFullRelay ? m_options.max_outbound_full_relay
                                                                     : m_options.max_block_relay_only;
        if (CountOutbound(type) >= target) continue;
        // A few tries per round: the table may hold addresses we are already connected to.
        for (int attempt = 0; attempt < 10; ++attempt) {
            auto entry = m_deps.addrman.Select(false, now_s);
            if (!entry) break;
            const std::string text = entry->address.ToString();
            const bool busy = m_connecting_addrs.count(text) != 0 ||
                              std::any_of(m_peers.begin(), m_peers.end(), [&](const auto& kv) {
                                  return kv.second->remote.ToString() == text;
                              });
            if (busy || m_deps.bans.IsBanned(text.substr(0, text.rfind(':')), now_s)) continue;
            const bool exempt = m_options.allow_local_addresses && entry->address.IsLocal();
            std::vector<uint8_t> group = NetGroup(text);
            if (!exempt && outbound_groups.count(group) != 0) continue;
            auto ep = netcore::PeerEndpoint{};
            ep.port = entry->address.port;
            ep.address = text.substr(0, text.rfind(':'));
            if (!ep.address.empty() && ep.address.front() == '[') ep.address = ep.address.substr(1, ep.address.size() - 2);
            m_deps.addrman.Attempt(entry->address, false, now_s);
            // Automatic peers get v2 only when they said they speak it (Core's policy): a v1
            // peer would cost a failed attempt and a second dial.
            const bool v2 = TryV2(ep, (entry->services & wire::NODE_P2P_V2) != 0);
            const uint64_t tag = m_next_tag++ | (v2 ? TAG_TRY_V2 : 0);
            m_pending_connects[tag] = type;
            m_connecting_addrs.insert(text);
            if (!exempt) outbound_groups.insert(std::move(group));
            m_net->Connect(ep, tag);
            break;
        }
    }
}

// ---- seeds ----

void PeerManager::RunSeeder(int64_t now) {
    const int outbound = CountOutbound(ConnectionType::OutboundFullRelay) + CountOutbound(ConnectionType::BlockRelayOnly);
    Seeder::Step step = m_seeder.Next(now, m_deps.addrman.Size(), outbound);
    switch (step.action) {
        case Seeder::Action::None: return;
        case Seeder::Action::QueryDns:
            if (!m_deps.resolve_seed) return;
            for (std::string_view host : step.hosts) {
                Log("querying DNS seed " + std::string(host));
                m_deps.resolve_seed(std::string(host), m_options.params->default_port);
            }
            return;
        case Seeder::Action::AddFixed: {
            Log("address table still empty: adding " + std::to_string(m_seeder.Seeds().fixed.size()) +
                " fixed seed addresses");
            const auto& fixed = m_seeder.Seeds().fixed;
            AddSeedAddresses({fixed.begin(), fixed.end()}, "fixedseeds");
            return;
        }
    }
}

void PeerManager::OnSeedResolved(const std::string& host, const std::vector<std::string>& addresses,
                                 const std::string& error) {
    if (!error.empty()) return Log("DNS seed " + host + " failed: " + error);
    const size_t used = std::min(addresses.size(), MAX_ADDRESSES_PER_DNS_SEED);
    Log("DNS seed " + host + " gave " + std::to_string(addresses.size()) + " addresses");
    AddSeedAddresses({addresses.begin(), addresses.begin() + static_cast<std::ptrdiff_t>(used)}, host);
    m_next_open_us = 0;
}

void PeerManager::AddSeedAddresses(const std::vector<std::string>& addresses, const std::string& source) {
    // Seed answers are a few days old on average; Core backdates them 3-7 days so that
    // addresses gossiped by live peers win.
    constexpr int64_t DAY = 24 * 60 * 60;
    const int64_t now = NowSeconds();
    std::vector<wire::AddrEntry> entries;
    for (const std::string& text : addresses) {
        auto parsed = wire::NetAddress::Parse(text, m_options.params->default_port);
        if (!parsed) continue;
        const int64_t age = 3 * DAY + static_cast<int64_t>(Random64() % static_cast<uint64_t>(4 * DAY));
        entries.push_back({static_cast<uint32_t>(std::max<int64_t>(0, now - age)),
                           wire::NODE_NETWORK | wire::NODE_WITNESS, std::move(*parsed)});
    }
    // The source is a stand-in IPv6 address made from a hash of the seed's name (Core uses
    // "internal" addresses for this). The address manager groups sources by their first 32
    // bits, so the hash goes there: each seed's answers fill their own buckets, and one
    // hostile seed cannot crowd out the others.
    util::Bytes src;
    const util::ByteSpan name(reinterpret_cast<const uint8_t*>(source.data()), source.size());
    for (uint64_t key : {uint64_t{1}, uint64_t{2}}) {
        const uint64_t h = crypto::SipHash24(key, 0, name);
        for (int i = 0; i < 8; ++i) src.push_back(static_cast<uint8_t>(h >> (8 * i)));
    }
    const size_t added = m_deps.addrman.Add(entries, wire::NetAddress{wire::NetId::IPv6, src, 0}, 0, now);
    Log("added " + std::to_string(added) + " new addresses from " + source);
}

// ---- BIP324 ----

void PeerManager::RememberV1Only(const netcore::PeerEndpoint& endpoint) {
    if (m_v1_only.size() >= MAX_V1_ONLY_REMEMBERED) m_v1_only.clear();
    m_v1_only.insert(endpoint.ToString());
}

bool PeerManager::TryV2(const netcore::PeerEndpoint& endpoint, bool wanted) const {
    return wanted && m_options.v2transport && m_v1_only.count(endpoint.ToString()) == 0;
}

// ---- RPC helpers ----

bool PeerManager::AddManual(const netcore::PeerEndpoint& endpoint, bool v2) {
    const std::string text = endpoint.ToString();
    for (const auto& m : m_manual) {
        if (!m.once && m.endpoint.ToString() == text) return false;
    }
    m_manual.push_back({endpoint, std::nullopt, false, 0, 0, false, v2});
    m_next_open_us = 0;
    return true;
}

bool PeerManager::RemoveManual(const netcore::PeerEndpoint& endpoint) {
    const std::string text = endpoint.ToString();
    const auto it = std::find_if(m_manual.begin(), m_manual.end(),
                                 [&](const ManualEntry& m) { return !m.once && m.endpoint.ToString() == text; });
    if (it == m_manual.end()) return false;
    m_manual.erase(it);
    return true;
}

void PeerManager::ConnectOnce(const netcore::PeerEndpoint& endpoint, bool v2) {
    m_manual.push_back({endpoint, std::nullopt, false, 0, 0, true, v2});
    m_next_open_us = 0;
}

std::vector<std::pair<netcore::PeerEndpoint, std::optional<PeerId>>> PeerManager::ManualPeers() const {
    std::vector<std::pair<netcore::PeerEndpoint, std::optional<PeerId>>> out;
    for (const auto& m : m_manual) {
        if (!m.once) out.emplace_back(m.endpoint, m.peer);
    }
    return out;
}

bool PeerManager::DisconnectByAddress(const std::string& address) {
    bool found = false;
    for (auto& [id, p] : m_peers) {
        if (p->remote.ToString() == address && !p->disconnecting) {
            Disconnect(*p, "disconnectnode");
            found = true;
        }
    }
    return found;
}

bool PeerManager::DisconnectById(PeerId id) {
    Peer* p = Find(id);
    if (p == nullptr || p->disconnecting) return false;
    Disconnect(*p, "disconnectnode");
    return true;
}

void PeerManager::DisconnectBanned() {
    const int64_t now = NowSeconds();
    for (auto& [id, p] : m_peers) {
        if (m_deps.bans.IsBanned(p->remote.address, now)) Disconnect(*p, "banned");
    }
}

std::vector<PeerStats> PeerManager::GetPeerStats() const {
    std::vector<PeerStats> out;
    const int64_t now = m_deps.now_us();
    for (const auto& [id, pp] : m_peers) {
        const Peer& p = *pp;
        PeerStats s;
        s.id = p.id;
        s.addr = p.remote.ToString();
        s.addr_local = p.local.ToString();
        s.type = p.type;
        s.services = p.services;
        s.relay_txs = p.relay_txs;
        s.conn_time = p.connected_at;
        s.version = p.version;
        s.subver = p.user_agent;
        s.start_height = p.start_height;
        s.synced_headers = p.best_known ? p.best_known->height : -1;
        s.synced_blocks = p.last_common ? p.last_common->height : -1;
        for (const auto& [hash, when] : p.blocks_in_flight) {
            if (const auto* index = m_deps.chain.Tree().Lookup(hash)) s.inflight.push_back(index->height);
        }
        std::sort(s.inflight.begin(), s.inflight.end());
        if (p.last_ping_us) s.ping_time = *p.last_ping_us / 1e6;
        if (p.min_ping_us) s.min_ping = *p.min_ping_us / 1e6;
        if (p.ping_nonce != 0) s.ping_wait = (now - p.ping_sent_us) / 1e6;
        s.fee_filter = p.fee_filter;
        s.wtxid_relay = p.wtxid_relay;
        s.bip152_hb_to = p.compact_hb_to;            // we chose it to push blocks to us
        s.bip152_hb_from = p.compact_high_bandwidth;  // it chose us
        s.bytes_sent_per_msg = p.bytes_sent_per_msg;
        s.bytes_recv_per_msg = p.bytes_recv_per_msg;
        s.addrv2 = p.wants_addrv2;
        s.v2 = p.v2;
        s.session_id = p.session_id;
        s.handshake_done = p.HandshakeDone();
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace tonari::bitcoin::p2p
