// The DHT node logic.
#include "tox/dht/dht_node.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "netcore/address_scope.h"
#include "util/byte_writer.h"
#include "util/hex.h"

namespace tonari::tox::dht {
namespace {

std::string Short(const PublicKey& key) { return util::HexEncode(key.span()).substr(0, 8); }

netcore::TokenBucket::Clock::time_point AsTime(int64_t now_us) {
    return netcore::TokenBucket::Clock::time_point(std::chrono::microseconds(now_us));
}

bool SameEndpoint(const netcore::PeerEndpoint& a, const netcore::PeerEndpoint& b) {
    return a.address == b.address && a.port == b.port;
}

}  // namespace

DhtNode::DhtNode(crypto::BoxKeyPair keys, SendFn send, uint64_t seed, LogFn log)
    : m_keys(keys),
      m_send(std::move(send)),
      m_log(log ? std::move(log) : [](const std::string&) {}),
      m_rng(seed),
      m_close(keys.public_key, BUCKET_SIZE) {
    for (size_t i = 0; i < RANDOM_SEARCHES; ++i) {
        PublicKey key;
        for (size_t b = 0; b < PublicKey::SIZE; b += 8) {
            const uint64_t r = m_rng();
            std::memcpy(key.data() + b, &r, 8);
        }
        m_random_searches.push_back(key);
        AddSearch(key);
    }
}

void DhtNode::Bootstrap(const NodeInfo& node, int64_t now_us) {
    if (node.public_key == SelfKey()) return;
    if (std::find(m_bootstrap.begin(), m_bootstrap.end(), node) == m_bootstrap.end()) m_bootstrap.push_back(node);
    SendNodesRequest(node, SelfKey(), now_us);
}

void DhtNode::Send(const netcore::PeerEndpoint& to, util::Bytes datagram) {
    ++m_stats.packets_out;
    m_send(to, std::move(datagram));
}

bool DhtNode::Admit(const netcore::PeerEndpoint& from, int64_t now_us) {
    auto source = std::make_pair(from.address, netcore::IsLocalAddress(from.address) ? from.port : uint16_t{0});
    auto it = m_sources.find(source);
    if (it == m_sources.end()) {
        if (m_sources.size() >= MAX_TRACKED_SOURCES) {
            m_sources.erase(m_source_order.front());
            m_source_order.pop_front();
        }
        it = m_sources.emplace(source, netcore::TokenBucket(PACKETS_PER_SOURCE_PER_S, PACKETS_PER_SOURCE_BURST)).first;
        m_source_order.push_back(std::move(source));
    }
    if (it->second.TryTake(1, AsTime(now_us))) return true;
    ++m_stats.rate_limited;
    return false;
}

bool DhtNode::Known(const PublicKey& key) const {
    if (m_close.Contains(key)) return true;
    for (const auto& [target, search] : m_searches) {
        if (target == key || search.list.Contains(key)) return true;
    }
    return std::any_of(m_pending.begin(), m_pending.end(), [&](const auto& e) { return e.second.to == key; });
}

std::optional<crypto::BoxSharedKey> DhtNode::SharedKey(const PublicKey& key) {
    if (auto it = m_shared.find(key); it != m_shared.end()) {
        m_shared_lru.splice(m_shared_lru.end(), m_shared_lru, it->second);
        return it->second->second;
    }
    if (!m_new_keys.TryTake(1, AsTime(m_now_us)) && !Known(key)) {
        ++m_stats.rate_limited;
        return std::nullopt;
    }
    auto shared = crypto::BoxSharedKeyOf(m_keys.secret_key, key);
    if (!shared) return std::nullopt;
    if (m_shared.size() >= MAX_SHARED_KEYS) {
        m_shared.erase(m_shared_lru.front().first);
        m_shared_lru.pop_front();
    }
    m_shared_lru.emplace_back(key, *shared);
    m_shared.emplace(key, std::prev(m_shared_lru.end()));
    return shared;
}

std::optional<util::Bytes> DhtNode::Open(const wire::DhtPacketView& p) {
    if (p.sender == SelfKey()) {
        ++m_stats.malformed;  // our own packet reflected back at us
        return std::nullopt;
    }
    auto key = SharedKey(p.sender);
    if (!key) return std::nullopt;  // counted by the limit, or a key of small order
    auto plain = crypto::BoxOpen(*key, p.nonce, p.sealed);
    if (!plain) ++m_stats.undecryptable;
    return plain;
}

void DhtNode::OnPacket(const netcore::PeerEndpoint& from, util::ByteSpan datagram, int64_t now_us) {
    ++m_stats.packets_in;
    m_now_us = std::max(m_now_us, now_us);
    // Session data (0x1b) is exempt: it is dropped unread unless it comes from the address of
    // an established session with a friend, and a file transfer sends thousands a second.
    const bool session_data = !datagram.empty() && datagram[0] == static_cast<uint8_t>(wire::PacketKind::CRYPTO_DATA);
    if (!session_data && !Admit(from, now_us)) return;
    if (datagram.empty()) {
        ++m_stats.malformed;
        return;
    }
    const auto kind = static_cast<wire::PacketKind>(datagram[0]);
    switch (kind) {
        case wire::PacketKind::PING_REQUEST:
        case wire::PacketKind::PING_RESPONSE:
        case wire::PacketKind::NODES_REQUEST:
        case wire::PacketKind::NODES_RESPONSE: {
            auto p = wire::ParseDhtPacket(datagram);
            if (!p) {
                ++m_stats.malformed;
                return;
            }
            if (kind == wire::PacketKind::PING_REQUEST || kind == wire::PacketKind::PING_RESPONSE) {
                HandlePing(from, *p, now_us);
            }
            if (kind == wire::PacketKind::NODES_REQUEST) HandleNodesRequest(from, *p, now_us);
            if (kind == wire::PacketKind::NODES_RESPONSE) HandleNodesResponse(from, *p, now_us);
            return;
        }
        case wire::PacketKind::DHT_REQUEST:
            HandleDhtRequest(from, datagram, now_us);
            return;
        case wire::PacketKind::BOOTSTRAP_INFO:
            HandleBootstrapInfo(from, datagram);
            return;
        case wire::PacketKind::LAN_DISCOVERY:
            HandleLanDiscovery(from, datagram, now_us);
            return;
        default:
            break;
    }
    if (auto it = m_handlers.find(kind); it != m_handlers.end()) {
        it->second(from, datagram, now_us);
        return;
    }
    ++m_stats.unhandled;
}

std::optional<util::Bytes> DhtNode::OpenSized(const wire::DhtPacketView& p, size_t min_plain, size_t max_plain) {
    // c-toxcore sends exactly these sizes; anything else is not the packet it claims to be,
    // and is refused before it costs a decryption.
    const size_t plain_size = p.sealed.size() - crypto::BOX_MAC_SIZE;
    if (plain_size < min_plain || plain_size > max_plain) {
        ++m_stats.malformed;
        return std::nullopt;
    }
    return Open(p);
}

void DhtNode::HandlePing(const netcore::PeerEndpoint& from, const wire::DhtPacketView& p, int64_t now_us) {
    auto plain = OpenSized(p, wire::PING_PLAIN_SIZE, wire::PING_PLAIN_SIZE);
    if (!plain) return;
    auto ping = wire::DecodePing(*plain);
    // The type byte inside the box must match the kind outside it, or a request could be
    // bounced back to its sender as a response.
    if (!ping || ping->response != (p.kind == wire::PacketKind::PING_RESPONSE)) {
        ++m_stats.malformed;
        return;
    }
    const NodeInfo sender{.tcp = false, .endpoint = from, .public_key = p.sender};
    if (ping->response) {
        if (TakePending(ping->request_id, RequestKind::PING, p.sender, from, now_us)) AddAnswered(sender, now_us);
        return;
    }
    Send(from, wire::SealDhtPacket(wire::PacketKind::PING_RESPONSE, SelfKey(), *SharedKey(p.sender),
                                   wire::EncodePing({.response = true, .request_id = ping->request_id})));
    ConsiderPing(sender, now_us);
}

void DhtNode::HandleNodesRequest(const netcore::PeerEndpoint& from, const wire::DhtPacketView& p, int64_t now_us) {
    auto plain = OpenSized(p, wire::NODES_REQUEST_PLAIN_SIZE, wire::NODES_REQUEST_PLAIN_SIZE);
    if (!plain) return;
    auto request = wire::DecodeNodesRequest(*plain);
    if (!request) {
        ++m_stats.malformed;
        return;
    }
    wire::NodesResponsePayload reply;
    reply.request_id = request->request_id;
    // Addresses on our local networks go only to askers on them: a stranger on the internet
    // learns nothing about the LAN behind us.
    for (auto& n : ClosestNodes(request->target, wire::MAX_SENT_NODES + 1, netcore::IsLocalAddress(from.address))) {
        if (n.public_key != p.sender && reply.nodes.size() < wire::MAX_SENT_NODES) reply.nodes.push_back(std::move(n));
    }
    Send(from, wire::SealDhtPacket(wire::PacketKind::NODES_RESPONSE, SelfKey(), *SharedKey(p.sender),
                                   wire::EncodeNodesResponse(reply)));
    ConsiderPing({.tcp = false, .endpoint = from, .public_key = p.sender}, now_us);
}

void DhtNode::HandleNodesResponse(const netcore::PeerEndpoint& from, const wire::DhtPacketView& p, int64_t now_us) {
    auto plain = OpenSized(p, 1 + wire::REQUEST_ID_SIZE, wire::MAX_NODES_RESPONSE_PLAIN_SIZE);
    if (!plain) return;
    auto response = wire::DecodeNodesResponse(*plain);
    if (!response) {
        ++m_stats.malformed;
        return;
    }
    // The DHT runs over UDP only: c-toxcore refuses a response naming TCP entries outright.
    if (std::any_of(response->nodes.begin(), response->nodes.end(), [](const NodeInfo& n) { return n.tcp; })) {
        ++m_stats.malformed;
        return;
    }
    if (!TakePending(response->request_id, RequestKind::NODES, p.sender, from, now_us)) return;
    AddAnswered({.tcp = false, .endpoint = from, .public_key = p.sender}, now_us);
    NoteReturned(p.sender, response->nodes, now_us);
    // One request per node named, to the first list it would join: a reply cannot make us send
    // more than MAX_REQUESTS_PER_RESPONSE. Local addresses only from a local responder.
    const bool local_ok = netcore::IsLocalAddress(from.address);
    size_t asked = 0;
    for (const auto& n : response->nodes) {
        if (asked == MAX_REQUESTS_PER_RESPONSE) break;
        if (n.public_key == SelfKey() || (!local_ok && netcore::IsLocalAddress(n.endpoint.address))) continue;
        std::optional<PublicKey> target;
        if (!m_close.Contains(n.public_key) && m_close.Viable(n.public_key, now_us)) target = SelfKey();
        for (auto& [key, search] : m_searches) {
            if (target) break;
            if (n.public_key == key && !search.found) {
                target = key;  // the node itself, as someone saw it: ask it to prove it is there
            } else if (!search.list.Contains(n.public_key) && search.list.Viable(n.public_key, now_us, true)) {
                target = key;
            }
        }
        if (target) {
            SendNodesRequest(n, *target, now_us);
            ++asked;
        }
    }
}

void DhtNode::HandleDhtRequest(const netcore::PeerEndpoint& from, util::ByteSpan datagram, int64_t now_us) {
    // [kind][receiver key][a DHT packet body: sender key, nonce, sealed]
    constexpr size_t MIN_SIZE = 1 + crypto::BOX_KEY_SIZE + wire::DHT_HEADER_SIZE - 1 + crypto::BOX_MAC_SIZE + 1;
    if (datagram.size() < MIN_SIZE || datagram.size() > MAX_DHT_REQUEST_FORWARD) {
        ++m_stats.malformed;
        return;
    }
    const auto receiver = *PublicKey::FromBytes(datagram.subspan(1, crypto::BOX_KEY_SIZE));
    if (receiver != SelfKey()) {
        // Forwarded unaltered, only to a good member of our close list: we are no open relay.
        bool sent = false;
        m_close.ForEach([&](const Client& c) {
            if (!sent && c.node.public_key == receiver && c.Good(now_us)) {
                Send(c.node.endpoint, util::Bytes(datagram.begin(), datagram.end()));
                ++m_stats.forwarded;
                sent = true;
            }
        });
        if (!sent) ++m_stats.unhandled;
        return;
    }
    if (datagram.size() > MAX_DHT_REQUEST_LOCAL) {
        ++m_stats.malformed;
        return;
    }
    // Re-read the rest as a DHT packet: its kind byte is irrelevant here.
    util::Bytes body;
    body.reserve(datagram.size() - crypto::BOX_KEY_SIZE);
    body.push_back(datagram[0]);
    body.insert(body.end(), datagram.begin() + 1 + crypto::BOX_KEY_SIZE, datagram.end());
    auto p = wire::ParseDhtPacket(body);
    if (!p) {
        ++m_stats.malformed;
        return;
    }
    auto plain = Open(*p);
    if (!plain || plain->empty()) return;
    if ((*plain)[0] == NAT_PING_KIND) {
        if (auto ping = DecodeNatPing(*plain)) {
            HandleNatPing(p->sender, *ping, now_us);
        } else {
            ++m_stats.malformed;
        }
        return;
    }
    if (m_dht_request_handler) {
        m_dht_request_handler(from, p->sender, *plain, now_us);
    } else {
        ++m_stats.unhandled;
    }
}

util::Bytes DhtNode::DhtRequestPacket(const PublicKey& to, const crypto::BoxSharedKey& key, util::ByteSpan plain) {
    const util::Bytes inner = wire::SealDhtPacket(wire::PacketKind::DHT_REQUEST, SelfKey(), key, plain);
    util::ByteWriter out;
    out.WriteU8(static_cast<uint8_t>(wire::PacketKind::DHT_REQUEST));
    out.WriteBytes(to.span());
    out.WriteBytes(util::ByteSpan(inner).subspan(1));
    return out.Take();
}

bool DhtNode::SendDhtRequest(const PublicKey& to, util::ByteSpan plain) {
    auto key = SharedKey(to);
    if (!key) return false;
    auto it = m_searches.find(to);
    if (it == m_searches.end()) return false;
    const util::Bytes packet = DhtRequestPacket(to, *key, plain);
    size_t sent = 0;
    for (const auto& c : it->second.list.Clients()) {
        if (sent == wire::MAX_SENT_NODES) break;
        if (!c.Good(m_now_us)) continue;
        Send(c.node.endpoint, packet);
        ++sent;
    }
    return sent > 0;
}

void DhtNode::HandleBootstrapInfo(const netcore::PeerEndpoint& from, util::ByteSpan datagram) {
    if (!m_serve_info || datagram.size() != BOOTSTRAP_INFO_REQUEST_SIZE) {
        ++m_stats.malformed;
        return;
    }
    util::ByteWriter out;
    out.WriteU8(static_cast<uint8_t>(wire::PacketKind::BOOTSTRAP_INFO));
    out.WriteU32BE(m_info_version);
    out.WriteBytes(util::ByteSpan(reinterpret_cast<const uint8_t*>(m_motd.data()), m_motd.size()));
    Send(from, out.Take());
}

void DhtNode::SetBootstrapInfo(uint32_t version, std::string motd) {
    m_info_version = version;
    m_motd = std::move(motd);
    if (m_motd.size() > MAX_MOTD_SIZE) m_motd.resize(MAX_MOTD_SIZE);
    m_serve_info = true;
}

util::Bytes DhtNode::LanDiscoveryPacket() const {
    util::Bytes packet;
    packet.reserve(LAN_DISCOVERY_SIZE);
    packet.push_back(static_cast<uint8_t>(wire::PacketKind::LAN_DISCOVERY));
    packet.insert(packet.end(), SelfKey().span().begin(), SelfKey().span().end());
    return packet;
}

void DhtNode::HandleLanDiscovery(const netcore::PeerEndpoint& from, util::ByteSpan datagram, int64_t now_us) {
    // Only from a local network: on the internet it would let anyone make us send requests to
    // any address (c-toxcore refuses it there too).
    if (!m_lan_discovery || !netcore::IsLocalAddress(from.address)) {
        ++m_stats.unhandled;
        return;
    }
    if (datagram.size() != LAN_DISCOVERY_SIZE) {
        ++m_stats.malformed;
        return;
    }
    const auto key = *PublicKey::FromBytes(datagram.subspan(1));
    if (key == SelfKey()) return;  // our own broadcast, heard back
    // Nothing in the packet proves the key: the sender is asked, and found only if it answers.
    ++m_stats.lan_discovered;
    SendNodesRequest({.tcp = false, .endpoint = from, .public_key = key}, SelfKey(), now_us);
}

void DhtNode::SetHandler(wire::PacketKind kind, PacketHandler handler) { m_handlers[kind] = std::move(handler); }

bool DhtNode::TakePending(uint64_t id, RequestKind kind, const PublicKey& from_key, const netcore::PeerEndpoint& from,
                          int64_t now_us) {
    auto it = m_pending.find(id);
    if (it == m_pending.end() || it->second.kind != kind || it->second.to != from_key ||
        !SameEndpoint(it->second.endpoint, from) || now_us - it->second.sent_us > REQUEST_TIMEOUT_US) {
        ++m_stats.unsolicited;
        return false;
    }
    m_pending.erase(it);  // a second reply to the same request is unsolicited
    return true;
}

uint64_t DhtNode::NewRequest(RequestKind kind, const NodeInfo& node, int64_t now_us) {
    if (m_pending.size() >= MAX_PENDING_REQUESTS) {
        ++m_stats.requests_skipped;
        return 0;
    }
    uint64_t id = 0;
    do {
        id = m_rng();
    } while (id == 0 || m_pending.count(id) != 0);
    m_pending.emplace(id, Pending{kind, node.public_key, node.endpoint, now_us});
    return id;
}

void DhtNode::SendPing(const NodeInfo& node, int64_t now_us) {
    auto key = SharedKey(node.public_key);
    if (!key) return;
    const uint64_t id = NewRequest(RequestKind::PING, node, now_us);
    if (id == 0) return;
    Send(node.endpoint, wire::SealDhtPacket(wire::PacketKind::PING_REQUEST, SelfKey(), *key,
                                            wire::EncodePing({.response = false, .request_id = id})));
}

void DhtNode::SendNodesRequest(const NodeInfo& node, const PublicKey& target, int64_t now_us) {
    auto key = SharedKey(node.public_key);
    if (!key) return;
    const uint64_t id = NewRequest(RequestKind::NODES, node, now_us);
    if (id == 0) return;
    Send(node.endpoint, wire::SealDhtPacket(wire::PacketKind::NODES_REQUEST, SelfKey(), *key,
                                            wire::EncodeNodesRequest({.target = target, .request_id = id})));
}

void DhtNode::AddAnswered(const NodeInfo& node, int64_t now_us) {
    const bool was_known = m_close.Contains(node.public_key);
    if (m_close.Add(node, now_us) && !was_known) {
        m_log("tox dht: " + Short(node.public_key) + " at " + node.endpoint.ToString() + " joined the close list (" +
              std::to_string(m_close.Size()) + " nodes)");
    }
    m_to_ping.erase(node.public_key);
    for (auto& [key, search] : m_searches) {
        if (node.public_key == key) {
            if (!search.found) m_log("tox dht: found " + Short(key) + " at " + node.endpoint.ToString());
            search.found = node;
            search.found_us = now_us;
            continue;
        }
        search.list.Add(node, now_us, true);
    }
}

void DhtNode::ConsiderPing(const NodeInfo& node, int64_t now_us) {
    // A searched node not found yet is pinged back whatever the close list thinks: its request
    // may have come through a hole it punched, and our answer to its ping finds it.
    auto search = m_searches.find(node.public_key);
    const bool sought = search != m_searches.end() && !search->second.found;
    if (!sought && (m_close.Contains(node.public_key) || !m_close.Viable(node.public_key, now_us))) return;
    m_to_ping[node.public_key] = node;
    if (m_to_ping.size() <= MAX_TO_PING) return;
    auto furthest = m_to_ping.begin();
    for (auto it = m_to_ping.begin(); it != m_to_ping.end(); ++it) {
        if (Closer(SelfKey(), furthest->first, it->first)) furthest = it;
    }
    m_to_ping.erase(furthest);
}

void DhtNode::AskRandom(const std::vector<const Client*>& members, const PublicKey& target, int64_t now_us) {
    if (members.empty()) return;
    const Client* pick = members[std::uniform_int_distribution<size_t>(0, members.size() - 1)(m_rng)];
    SendNodesRequest(pick->node, target, now_us);
}

void DhtNode::Tick(int64_t now_us) {
    m_now_us = std::max(m_now_us, now_us);
    std::erase_if(m_pending, [&](const auto& e) { return now_us - e.second.sent_us > REQUEST_TIMEOUT_US; });

    m_close.DropDead(now_us);
    for (auto& [key, search] : m_searches) {
        search.list.DropDead(now_us);
        // A found node that stopped answering is lost again (it went offline or moved).
        if (search.found && now_us - search.found_us >= BAD_NODE_TIMEOUT_US) search.found.reset();
    }

    // Checks: every member once a minute, the bad ones too (one last chance before they go).
    m_close.ForEach([&](Client& c) {
        if (now_us - c.last_check_us >= CHECK_INTERVAL_US) {
            c.last_check_us = now_us;
            SendNodesRequest(c.node, SelfKey(), now_us);
        }
    });
    for (auto& [key, search] : m_searches) {
        for (auto& c : search.list.MutableClients()) {
            if (now_us - c.last_check_us >= CHECK_INTERVAL_US) {
                c.last_check_us = now_us;
                SendNodesRequest(c.node, key, now_us);
            }
        }
        // The found node itself too (it is no member of its own list): its answer keeps it
        // found, so a friend we reach directly is never taken for one to punch a hole to.
        if (search.found && now_us - search.found_check_us >= CHECK_INTERVAL_US) {
            search.found_check_us = now_us;
            SendNodesRequest(*search.found, key, now_us);
        }
    }

    // A random good member of each list, for closer nodes: in a burst when the list is new.
    std::vector<const Client*> good;
    m_close.ForEach([&](const Client& c) {
        if (c.Good(now_us)) good.push_back(&c);
    });
    const int64_t close_interval = m_close_burst > 0 ? BURST_SPACING_US : RANDOM_REQUEST_INTERVAL_US;
    if (!good.empty() && now_us - m_close_last_random_us >= close_interval) {
        m_close_last_random_us = now_us;
        if (m_close_burst > 0) --m_close_burst;
        AskRandom(good, SelfKey(), now_us);
    }
    for (auto& [key, search] : m_searches) {
        std::vector<const Client*> members;
        for (const auto& c : search.list.Clients()) {
            if (c.Good(now_us)) members.push_back(&c);
        }
        const int64_t interval = search.burst > 0 ? BURST_SPACING_US : RANDOM_REQUEST_INTERVAL_US;
        if (!members.empty() && now_us - search.last_random_us >= interval) {
            search.last_random_us = now_us;
            if (search.burst > 0) --search.burst;
            AskRandom(members, key, now_us);
        }
    }

    // With nobody good left, start over from the bootstrap nodes.
    if (good.empty() && !m_bootstrap.empty() && now_us - m_last_bootstrap_us >= BOOTSTRAP_INTERVAL_US) {
        m_last_bootstrap_us = now_us;
        m_close_burst = FIRST_REQUESTS_BURST;
        for (const auto& b : m_bootstrap) SendNodesRequest(b, SelfKey(), now_us);
    }

    if (m_hole_punching) DoNat(now_us);

    if (now_us - m_last_to_ping_us >= TO_PING_INTERVAL_US) {
        m_last_to_ping_us = now_us;
        for (const auto& [key, node] : m_to_ping) SendPing(node, now_us);
        m_to_ping.clear();
    }
    for (const auto& ticker : m_tickers) ticker(now_us);
}

bool DhtNode::AddSearch(const PublicKey& key) {
    if (m_searches.count(key) != 0) return true;
    if (m_searches.size() >= MAX_SEARCHES || key == SelfKey()) return false;
    Search search{.list = ClientList(key, SEARCH_LIST_SIZE), .found = std::nullopt, .punch = {}};
    search.punch.ping_id = m_rng() | 1;
    // Seeded from what we already know, so the search starts near its target.
    for (const auto& n : ClosestNodes(key, SEARCH_LIST_SIZE, true)) search.list.Add(n, m_now_us, true);
    m_searches.emplace(key, std::move(search));
    return true;
}

void DhtNode::RemoveSearch(const PublicKey& key) { m_searches.erase(key); }

std::optional<NodeInfo> DhtNode::Found(const PublicKey& key) const {
    auto it = m_searches.find(key);
    return it == m_searches.end() ? std::nullopt : it->second.found;
}

std::vector<NodeInfo> DhtNode::ClosestNodes(const PublicKey& target, size_t count, bool include_local) const {
    // Only good nodes, each once; taken from every list because a search list may hold nodes
    // closer to the target than anything in our close list.
    std::vector<NodeInfo> all;
    std::set<PublicKey> seen;
    auto consider = [&](const Client& c) {
        if (!c.Good(m_now_us)) return;
        if (!include_local && netcore::IsLocalAddress(c.node.endpoint.address)) return;
        if (seen.insert(c.node.public_key).second) all.push_back(c.node);
    };
    m_close.ForEach(consider);
    for (const auto& [key, search] : m_searches) {
        for (const auto& c : search.list.Clients()) consider(c);
    }
    std::sort(all.begin(), all.end(),
              [&](const NodeInfo& a, const NodeInfo& b) { return Closer(target, a.public_key, b.public_key); });
    if (all.size() > count) all.resize(count);
    return all;
}

std::vector<NodeInfo> DhtNode::KnownNodes() const { return ClosestNodes(SelfKey(), 4 * BUCKET_SIZE, true); }

DhtStats DhtNode::Stats() const {
    DhtStats s = m_stats;
    s.close_nodes = m_close.Size();
    m_close.ForEach([&](const Client& c) {
        if (c.Good(m_now_us)) ++s.good_close_nodes;
    });
    s.searches = m_searches.size() - m_random_searches.size();
    s.pending_requests = m_pending.size();
    return s;
}

}  // namespace tonari::tox::dht
