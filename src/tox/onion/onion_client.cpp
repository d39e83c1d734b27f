// Announcing ourselves, searching for friends, and onion data both ways.
#include "tox/onion/onion_client.h"

#include <algorithm>
#include <chrono>

#include "crypto/random.h"
#include "netcore/address_scope.h"
#include "tox/dht/client_list.h"
#include "tox/wire/dht_packet.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::tox::onion {
namespace {

using PublicKey = crypto::BoxPublicKey;

bool TimedOut(int64_t last_answer_us, int64_t now_us) { return now_us - last_answer_us >= NODE_TIMEOUT_US; }

}  // namespace

OnionClient::OnionClient(dht::DhtNode& node, crypto::BoxKeyPair long_term, uint64_t seed)
    : m_node(node), m_long_term(long_term), m_data_keys(crypto::BoxGenerateKeyPair()), m_rng(seed) {
    node.SetHandler(wire::PacketKind::ANNOUNCE_RESPONSE,
                    [this](const netcore::PeerEndpoint&, util::ByteSpan d, int64_t now) { OnAnnounceResponse(d, now); });
    node.SetHandler(wire::PacketKind::ONION_DATA_RESPONSE,
                    [this](const netcore::PeerEndpoint&, util::ByteSpan d, int64_t now) { OnDataResponse(d, now); });
    node.SetDhtRequestHandler([this](const netcore::PeerEndpoint&, const PublicKey& sender, util::ByteSpan plain,
                                     int64_t now) { OnDhtRequest(sender, plain, now); });
}

void OnionClient::AddFriend(const PublicKey& friend_key) {
    if (m_friends.size() >= MAX_ONION_FRIENDS || friend_key == m_long_term.public_key) return;
    if (m_friends.count(friend_key) != 0) return;
    Friend f;
    f.search_keys = crypto::BoxGenerateKeyPair();
    m_friends.emplace(friend_key, std::move(f));
}

void OnionClient::RemoveFriend(const PublicKey& friend_key) { m_friends.erase(friend_key); }

void OnionClient::SetFriendConnected(const PublicKey& friend_key, bool connected) {
    auto it = m_friends.find(friend_key);
    if (it == m_friends.end()) return;
    it->second.connected = connected;
    // Gone offline: its next DHT key packet may come from a restarted client, counting afresh.
    if (!connected) it->second.last_no_replay = 0;
}

size_t OnionClient::FriendNodes(const PublicKey& friend_key, int64_t now_us) const {
    auto it = m_friends.find(friend_key);
    if (it == m_friends.end()) return 0;
    return static_cast<size_t>(std::count_if(it->second.nodes.begin(), it->second.nodes.end(), [&](const Node& n) {
        return n.is_stored == 1 && !TimedOut(n.last_answer_us, now_us);
    }));
}

bool OnionClient::Announced(int64_t now_us) const {
    return std::any_of(m_announce_nodes.begin(), m_announce_nodes.end(), [&](const Node& n) {
        return n.is_stored == 2 && !TimedOut(n.last_answer_us, now_us);
    });
}

std::vector<OnionClient::Node>& OnionClient::ListFor(const std::optional<PublicKey>& friend_key) {
    return friend_key ? m_friends.at(*friend_key).nodes : m_announce_nodes;
}

std::optional<uint64_t> OnionClient::PickPath(bool self, std::optional<uint64_t> preferred, int64_t now_us) {
    auto& paths = self ? m_self_paths : m_friend_paths;
    std::erase_if(paths, [&](const auto& e) {
        return now_us - e.second.born_us >= PATH_LIFETIME_US || e.second.unanswered >= PATH_MAX_UNANSWERED;
    });
    if (preferred && paths.count(*preferred) != 0) return preferred;
    if (paths.size() < PATHS_PER_KIND) {
        // Three random good DHT nodes (repeats allowed, as c-toxcore does on a small network);
        // without UDP the relay is the first and the path nodes the others.
        std::vector<wire::NodeInfo> pool = m_tcp_onion ? m_path_nodes : m_node.ClosestNodes(m_node.SelfKey(), 64, true);
        PublicKey random_key;
        crypto::RandomBytes(random_key.mutable_span());
        for (auto& n : m_tcp_onion ? std::vector<wire::NodeInfo>{} : m_node.ClosestNodes(random_key, 16, true)) {
            if (std::none_of(pool.begin(), pool.end(), [&](const auto& p) { return p.public_key == n.public_key; })) {
                pool.push_back(std::move(n));
            }
        }
        if (!pool.empty()) {
            std::uniform_int_distribution<size_t> pick(0, pool.size() - 1);
            auto path = MakeOnionPath(m_node.Keys(), {pool[pick(m_rng)], pool[pick(m_rng)], pool[pick(m_rng)]});
            if (path) {
                const uint64_t id = m_next_path_id++;
                paths.emplace(id, Path{std::move(*path), now_us, 0});
                return id;
            }
        }
    }
    if (paths.empty()) return std::nullopt;
    auto it = paths.begin();
    std::advance(it, std::uniform_int_distribution<size_t>(0, paths.size() - 1)(m_rng));
    return it->first;
}

bool OnionClient::SendAnnounce(const std::optional<PublicKey>& friend_key, const wire::NodeInfo& to,
                               const std::array<uint8_t, PING_ID_SIZE>& ping_id, std::optional<uint64_t> path_id,
                               int64_t now_us) {
    if (m_pending.size() >= MAX_PENDING_ANNOUNCES) return false;
    const bool self = !friend_key;
    const auto path = PickPath(self, path_id, now_us);
    if (!path) return false;
    uint64_t sendback = 0;
    do {
        sendback = m_rng();
    } while (sendback == 0 || m_pending.count(sendback) != 0);
    std::optional<util::Bytes> inner;
    if (self) {
        inner = MakeAnnounceRequest(m_long_term, to.public_key,
                                    {ping_id, m_long_term.public_key, m_data_keys.public_key, sendback});
    } else {
        inner = MakeAnnounceRequest(m_friends.at(*friend_key).search_keys, to.public_key,
                                    {{}, *friend_key, PublicKey{}, sendback});
    }
    if (!inner) return false;
    Path& chosen = (self ? m_self_paths : m_friend_paths).at(*path);
    if (!SendRequest(chosen.path, to.endpoint, *inner)) return false;
    ++chosen.unanswered;
    m_pending.emplace(sendback, Pending{friend_key, to, *path, self, now_us});
    ++m_stats.requests_sent;
    return true;
}

bool OnionClient::SendRequest(const OnionPath& path, const netcore::PeerEndpoint& to, util::ByteSpan inner) {
    if (m_tcp_onion) {
        auto packet = MakeTcpOnionRequest(path, to, inner);
        return packet && m_tcp_onion(*packet);
    }
    auto packet = MakeOnionRequest(path, to, inner);
    if (!packet) return false;
    m_node.Send(path.nodes[0].endpoint, std::move(*packet));
    return true;
}

void OnionClient::AddPathNode(const wire::NodeInfo& node, bool pinned) {
    if (node.tcp || node.public_key == m_node.SelfKey()) return;
    // A known key keeps its address: a response cannot move a node somewhere else.
    for (const auto& n : m_path_nodes) {
        if (n.public_key == node.public_key) return;
    }
    if (pinned) {
        m_path_nodes.insert(m_path_nodes.begin() + static_cast<std::ptrdiff_t>(m_pinned_path_nodes), node);
        ++m_pinned_path_nodes;
        return;
    }
    // Full: the oldest learned node goes; nodes answers name cannot push the bootstrap nodes out.
    if (m_path_nodes.size() >= MAX_PATH_NODES) {
        if (m_pinned_path_nodes >= m_path_nodes.size()) return;
        m_path_nodes.erase(m_path_nodes.begin() + static_cast<std::ptrdiff_t>(m_pinned_path_nodes));
    }
    m_path_nodes.push_back(node);
}

void OnionClient::OnTcpResponse(util::ByteSpan response, int64_t now_us) {
    if (response.empty()) return;
    if (response[0] == static_cast<uint8_t>(wire::PacketKind::ANNOUNCE_RESPONSE)) {
        OnAnnounceResponse(response, now_us);
    } else if (response[0] == static_cast<uint8_t>(wire::PacketKind::ONION_DATA_RESPONSE)) {
        OnDataResponse(response, now_us);
    } else {
        ++m_stats.dropped;
    }
}

std::vector<wire::NodeInfo> OnionClient::StartNodes(const PublicKey& base, size_t count) const {
    if (!m_tcp_onion) return m_node.ClosestNodes(base, count, true);
    std::vector<wire::NodeInfo> nodes = m_path_nodes;
    std::sort(nodes.begin(), nodes.end(),
              [&](const wire::NodeInfo& a, const wire::NodeInfo& b) { return dht::Closer(base, a.public_key, b.public_key); });
    if (nodes.size() > count) nodes.resize(count);
    return nodes;
}

void OnionClient::AddNode(std::vector<Node>& list, const PublicKey& base, size_t cap, Node node) {
    for (auto& n : list) {
        if (n.info.public_key == node.info.public_key) {
            const int64_t sent = n.last_sent_us;
            n = std::move(node);
            n.last_sent_us = sent;
            return;
        }
    }
    if (list.size() < cap) {
        list.push_back(std::move(node));
        return;
    }
    // Full: the newcomer replaces a silent node, or the furthest if it is closer.
    auto victim = std::find_if(list.begin(), list.end(), [&](const Node& n) { return TimedOut(n.last_answer_us, node.last_answer_us); });
    if (victim == list.end()) {
        victim = std::max_element(list.begin(), list.end(), [&](const Node& a, const Node& b) {
            return dht::Closer(base, a.info.public_key, b.info.public_key);
        });
        if (!dht::Closer(base, node.info.public_key, victim->info.public_key)) return;
    }
    *victim = std::move(node);
}

bool OnionClient::WorthAsking(const std::vector<Node>& list, const PublicKey& base, size_t cap, const PublicKey& key,
                              std::map<PublicKey, int64_t>& pinged, int64_t now_us) {
    if (std::any_of(list.begin(), list.end(), [&](const Node& n) { return n.info.public_key == key; })) return false;
    const bool would_fit = list.size() < cap || std::any_of(list.begin(), list.end(), [&](const Node& n) {
                               return TimedOut(n.last_answer_us, now_us) || dht::Closer(base, key, n.info.public_key);
                           });
    if (!would_fit) return false;
    std::erase_if(pinged, [&](const auto& e) { return now_us - e.second >= MIN_NODE_PING_US; });
    if (pinged.count(key) != 0 || pinged.size() >= 4 * cap) return false;
    pinged[key] = now_us;
    return true;
}

void OnionClient::OnAnnounceResponse(util::ByteSpan datagram, int64_t now_us) {
    const auto sendback = AnnounceResponseSendback(datagram);
    auto it = sendback ? m_pending.find(*sendback) : m_pending.end();
    if (it == m_pending.end() || now_us - it->second.sent_us > ANNOUNCE_ANSWER_TIMEOUT_US) {
        ++m_stats.dropped;
        return;
    }
    const Pending pending = it->second;
    m_pending.erase(it);
    if (pending.friend_key && m_friends.count(*pending.friend_key) == 0) return;
    const auto& keys = pending.friend_key ? m_friends.at(*pending.friend_key).search_keys : m_long_term;
    const auto shared = crypto::BoxSharedKeyOf(keys.secret_key, pending.to.public_key);
    auto response = shared ? OpenAnnounceResponse(datagram, *shared) : util::Fail(std::string("bad key"));
    if (!response) {
        ++m_stats.dropped;
        return;
    }
    ++m_stats.answers;
    auto& paths = pending.self_path ? m_self_paths : m_friend_paths;
    if (auto p = paths.find(pending.path); p != paths.end()) p->second.unanswered = 0;

    const PublicKey base = pending.friend_key ? *pending.friend_key : m_long_term.public_key;
    uint8_t is_stored = response->is_stored;
    // A friend's list never says "announced"; our own says "stored" only for our data key.
    if (pending.friend_key && is_stored == 2) is_stored = 0;
    if (!pending.friend_key && is_stored == 1 &&
        !std::equal(response->ping_id_or_key.begin(), response->ping_id_or_key.end(), m_data_keys.public_key.begin())) {
        is_stored = 0;
    }
    Node node;
    node.info = pending.to;
    node.is_stored = is_stored;
    node.last_answer_us = now_us;
    node.path = pending.path;
    if (is_stored == 1) {
        node.data_key = *PublicKey::FromBytes(response->ping_id_or_key);
    } else {
        node.ping_id = response->ping_id_or_key;
    }
    auto& list = ListFor(pending.friend_key);
    const size_t cap = pending.friend_key ? MAX_FRIEND_NODES : MAX_ANNOUNCE_NODES;
    // A first ping id from a node we are not announced at: announce with it at once, by the
    // same path (it is tied to the path's last hop), instead of at the next retry.
    const bool announce_now = !pending.friend_key && is_stored == 0 &&
                              std::none_of(list.begin(), list.end(), [&](const Node& n) {
                                  return n.info.public_key == pending.to.public_key;
                              });
    const auto ping_id = node.ping_id;
    AddNode(list, base, cap, std::move(node));
    if (announce_now) {
        for (auto& n : list) {
            if (n.info.public_key == pending.to.public_key) n.last_sent_us = now_us;
        }
        SendAnnounce(std::nullopt, pending.to, ping_id, pending.path, now_us);
    }

    auto& pinged = pending.friend_key ? m_friends.at(*pending.friend_key).pinged : m_self_pinged;
    const bool local_ok = netcore::IsLocalAddress(pending.to.endpoint.address);
    for (const auto& n : response->nodes) {
        if (n.tcp || (!local_ok && netcore::IsLocalAddress(n.endpoint.address))) continue;
        if (m_tcp_onion) AddPathNode(n);
        if (WorthAsking(list, base, cap, n.public_key, pinged, now_us)) {
            SendAnnounce(pending.friend_key, n, {}, std::nullopt, now_us);
        }
    }
}

void OnionClient::OnDataResponse(util::ByteSpan datagram, int64_t now_us) {
    // [0x86][nonce][temporary key][sealed to our data key: [sender's long-term key][sealed]]
    constexpr size_t header = 1 + crypto::BOX_NONCE_SIZE + crypto::BOX_KEY_SIZE;
    if (datagram.size() <= header + crypto::BOX_MAC_SIZE + crypto::BOX_KEY_SIZE + crypto::BOX_MAC_SIZE) {
        ++m_stats.dropped;
        return;
    }
    const auto nonce = *crypto::BoxNonce::FromBytes(datagram.subspan(1, crypto::BOX_NONCE_SIZE));
    const auto temporary = *PublicKey::FromBytes(datagram.subspan(1 + crypto::BOX_NONCE_SIZE, crypto::BOX_KEY_SIZE));
    const auto outer_key = crypto::BoxSharedKeyOf(m_data_keys.secret_key, temporary);
    const auto outer = outer_key ? crypto::BoxOpen(*outer_key, nonce, datagram.subspan(header)) : std::nullopt;
    if (!outer || outer->size() <= crypto::BOX_KEY_SIZE + crypto::BOX_MAC_SIZE) {
        ++m_stats.dropped;
        return;
    }
    const auto sender = *PublicKey::FromBytes(util::ByteSpan(*outer).first(crypto::BOX_KEY_SIZE));
    const auto inner_key = crypto::BoxSharedKeyOf(m_long_term.secret_key, sender);
    const auto inner = inner_key ? crypto::BoxOpen(*inner_key, nonce, util::ByteSpan(*outer).subspan(crypto::BOX_KEY_SIZE))
                                 : std::nullopt;
    if (!inner || inner->empty()) {
        ++m_stats.dropped;
        return;
    }
    ++m_stats.data_received;
    HandleData(sender, *inner, now_us);
}

void OnionClient::HandleData(const PublicKey& sender, util::ByteSpan plain, int64_t now_us) {
    if (plain[0] == DATA_DHT_PUBLIC_KEY) {
        // [156][no_replay u64 BE][DHT key][up to 4 packed nodes]; from friends only, newest wins.
        auto it = m_friends.find(sender);
        if (it == m_friends.end() || plain.size() < 1 + 8 + crypto::BOX_KEY_SIZE) {
            ++m_stats.dropped;
            return;
        }
        util::ByteReader in(plain.subspan(1));
        const uint64_t no_replay = in.ReadU64BE();
        if (no_replay <= it->second.last_no_replay) {
            ++m_stats.dropped;
            return;
        }
        it->second.last_no_replay = no_replay;
        const auto dht_key = *PublicKey::FromBytes(in.ReadSpan(crypto::BOX_KEY_SIZE));
        auto nodes = wire::UnpackNodeList(plain.subspan(1 + 8 + crypto::BOX_KEY_SIZE), wire::MAX_SENT_NODES);
        std::vector<wire::NodeInfo> named = nodes ? std::move(*nodes) : std::vector<wire::NodeInfo>{};
        // One DHT search per friend: a new key (the friend restarted) replaces the old one, so a
        // friend sending fresh keys cannot use up the node's searches.
        if (it->second.dht_key != dht_key) {
            if (it->second.dht_key) m_node.RemoveSearch(*it->second.dht_key);
            it->second.dht_key = dht_key;
            m_node.AddSearch(dht_key);
            // A new key: ours goes back at the next tick, not up to 30 s later. The friend may
            // have dropped our last one (we were not its friend yet), and without UDP on one side
            // the relays it names are the only way to meet. Once per key: no ping-pong.
            it->second.last_dhtpk_us = -DHTPK_INTERVAL_US;
        }
        // The DHT nodes it named are near it: ask each once for it, to find it sooner.
        for (const auto& n : named) {
            if (!n.tcp) m_node.AskNodes(n, dht_key, now_us);
        }
        if (m_on_dht_key) m_on_dht_key(sender, dht_key, named, now_us);
        return;
    }
    if (m_on_data) m_on_data(sender, plain[0], plain.subspan(1), now_us);
}

void OnionClient::OnDhtRequest(const PublicKey& sender_dht, util::ByteSpan plain, int64_t now_us) {
    // A DHT public key packet sent through the DHT: [156][sender's long-term key][nonce][sealed].
    constexpr size_t header = 1 + crypto::BOX_KEY_SIZE + crypto::BOX_NONCE_SIZE;
    if (plain.size() <= header + crypto::BOX_MAC_SIZE || plain[0] != DATA_DHT_PUBLIC_KEY) return;
    const auto sender = *PublicKey::FromBytes(plain.subspan(1, crypto::BOX_KEY_SIZE));
    const auto nonce = *crypto::BoxNonce::FromBytes(plain.subspan(1 + crypto::BOX_KEY_SIZE, crypto::BOX_NONCE_SIZE));
    const auto key = crypto::BoxSharedKeyOf(m_long_term.secret_key, sender);
    const auto inner = key ? crypto::BoxOpen(*key, nonce, plain.subspan(header)) : std::nullopt;
    // It must name the DHT key it came from.
    if (!inner || inner->size() < 1 + 8 + crypto::BOX_KEY_SIZE || (*inner)[0] != DATA_DHT_PUBLIC_KEY ||
        !std::equal(sender_dht.begin(), sender_dht.end(), inner->begin() + 9)) {
        ++m_stats.dropped;
        return;
    }
    HandleData(sender, *inner, now_us);
}

size_t OnionClient::SendData(const PublicKey& friend_key, uint8_t type, util::ByteSpan data, int64_t now_us) {
    auto it = m_friends.find(friend_key);
    if (it == m_friends.end() || data.size() + 1 > MAX_ONION_DATA_SIZE) return 0;
    const crypto::BoxNonce nonce = crypto::BoxRandomNonce();
    const auto inner_key = crypto::BoxSharedKeyOf(m_long_term.secret_key, friend_key);
    if (!inner_key) return 0;
    util::Bytes typed{type};
    typed.insert(typed.end(), data.begin(), data.end());
    util::Bytes payload(m_long_term.public_key.begin(), m_long_term.public_key.end());
    const util::Bytes sealed = crypto::BoxSeal(*inner_key, nonce, typed);
    payload.insert(payload.end(), sealed.begin(), sealed.end());
    size_t sent = 0;
    for (const auto& n : it->second.nodes) {
        if (n.is_stored != 1 || TimedOut(n.last_answer_us, now_us)) continue;
        const auto path = PickPath(false, std::nullopt, now_us);
        if (!path) break;
        const OnionPath& chosen = m_friend_paths.at(*path).path;
        const auto request = MakeDataRequest(friend_key, n.data_key, nonce, payload);
        if (!request) continue;
        if (!SendRequest(chosen, n.info.endpoint, *request)) continue;
        m_last_data_route = {chosen.nodes[0].endpoint, chosen.nodes[1].endpoint, chosen.nodes[2].endpoint, n.info.endpoint};
        ++sent;
    }
    return sent;
}

void OnionClient::SendDhtKey(const PublicKey& friend_key, Friend& f, int64_t now_us) {
    // no_replay: Unix time in seconds, as c-toxcore sends it (a clock that survives a restart).
    util::ByteWriter data;
    data.WriteU64BE(static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count()));
    data.WriteBytes(m_node.SelfKey().span());
    size_t named = 0;
    if (m_relays) {
        for (const auto& r : m_relays()) {
            if (named < wire::MAX_SENT_NODES / 2 && wire::PackNode(r, data)) ++named;
        }
    }
    for (const auto& n : m_node.ClosestNodes(m_node.SelfKey(), wire::MAX_SENT_NODES - named, true)) wire::PackNode(n, data);
    if (SendData(friend_key, DATA_DHT_PUBLIC_KEY, data.data(), now_us) > 0) f.last_dhtpk_us = now_us;
}

void OnionClient::Tick(int64_t now_us) {
    std::erase_if(m_pending, [&](const auto& e) { return now_us - e.second.sent_us > ANNOUNCE_ANSWER_TIMEOUT_US; });
    std::erase_if(m_announce_nodes, [&](const Node& n) { return TimedOut(n.last_answer_us, now_us); });
    for (auto& [key, f] : m_friends) {
        std::erase_if(f.nodes, [&](const Node& n) { return TimedOut(n.last_answer_us, now_us); });
    }

    // Start (and restart) from DHT nodes while the lists are short.
    if (now_us - m_last_populate_us >= POPULATE_INTERVAL_US) {
        m_last_populate_us = now_us;
        if (m_announce_nodes.size() < MAX_ANNOUNCE_NODES / 2) {
            for (const auto& n : StartNodes(m_long_term.public_key, 4)) {
                if (WorthAsking(m_announce_nodes, m_long_term.public_key, MAX_ANNOUNCE_NODES, n.public_key, m_self_pinged,
                                now_us)) {
                    SendAnnounce(std::nullopt, n, {}, std::nullopt, now_us);
                }
            }
        }
        for (auto& [key, f] : m_friends) {
            if (f.connected || f.nodes.size() >= MAX_FRIEND_NODES / 2) continue;
            for (const auto& n : StartNodes(key, 4)) {
                if (WorthAsking(f.nodes, key, MAX_FRIEND_NODES, n.public_key, f.pinged, now_us)) {
                    SendAnnounce(key, n, {}, std::nullopt, now_us);
                }
            }
        }
    }

    // Keep announcing at the nodes we have: quickly until they say we are there.
    for (auto& n : m_announce_nodes) {
        const int64_t interval = n.is_stored == 2 ? NODE_PING_INTERVAL_US : ANNOUNCE_RETRY_US;
        if (now_us - n.last_sent_us >= interval) {
            n.last_sent_us = now_us;
            // The ping id is tied to the path's last hop: the same path, while it lives.
            SendAnnounce(std::nullopt, n.info, n.ping_id, n.path, now_us);
        }
    }
    for (auto& [key, f] : m_friends) {
        if (f.connected) continue;
        for (auto& n : f.nodes) {
            const int64_t interval = n.is_stored == 1 ? NODE_PING_INTERVAL_US : ANNOUNCE_RETRY_US;
            if (now_us - n.last_sent_us >= interval) {
                n.last_sent_us = now_us;
                SendAnnounce(key, n.info, {}, std::nullopt, now_us);
            }
        }
        if (now_us - f.last_dhtpk_us >= DHTPK_INTERVAL_US && FriendNodes(key, now_us) > 0) SendDhtKey(key, f, now_us);
    }
}

OnionClientStats OnionClient::Stats(int64_t now_us) const {
    OnionClientStats s = m_stats;
    s.announce_nodes = m_announce_nodes.size();
    s.announced_at = static_cast<size_t>(std::count_if(m_announce_nodes.begin(), m_announce_nodes.end(), [&](const Node& n) {
        return n.is_stored == 2 && !TimedOut(n.last_answer_us, now_us);
    }));
    s.paths = m_self_paths.size() + m_friend_paths.size();
    return s;
}

}  // namespace tonari::tox::onion
