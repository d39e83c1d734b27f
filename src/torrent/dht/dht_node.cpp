// DhtNode: answering queries, sending our own, and driving lookups.
#include "torrent/dht/dht_node.h"

#include <algorithm>
#include <chrono>

#include "netcore/compact_endpoint.h"

namespace tonari::torrent::dht {
namespace {

netcore::TokenBucket::Clock::time_point At(int64_t now_us) {
    return netcore::TokenBucket::Clock::time_point(std::chrono::microseconds(now_us));
}

}  // namespace

DhtNode::DhtNode(const NodeId& id, SendFn send, RandomSource random, LogFn log)
    : m_send(std::move(send)),
      m_random(std::move(random)),
      m_log(log ? std::move(log) : LogFn([](const std::string&) {})),
      m_table(id),
      m_tokens(m_random) {
}

void DhtNode::AddRouter(const netcore::PeerEndpoint& router) {
    if (std::find(m_routers.begin(), m_routers.end(), router) == m_routers.end()) m_routers.push_back(router);
}

void DhtNode::AddNode(const netcore::PeerEndpoint& node, int64_t now_us) {
    Query q;
    q.method = Method::Ping;
    SendQuery(node, q, 0, now_us);
}

bool DhtNode::AllowQuery(const std::string& ip, int64_t now_us) {
    auto it = m_rate.find(ip);
    if (it == m_rate.end()) {
        if (m_rate.size() >= MAX_RATE_SOURCES) m_rate.clear();
        it = m_rate.emplace(ip, netcore::TokenBucket(QUERIES_PER_SOURCE_PER_S, QUERY_BURST_PER_SOURCE)).first;
    }
    return it->second.TryTake(1, At(now_us)) && m_answer_budget.TryTake(1, At(now_us));
}

void DhtNode::OnPacket(const netcore::PeerEndpoint& from, util::ByteSpan datagram, int64_t now_us) {
    auto message = DecodeMessage(datagram);
    if (!message) {
        ++m_stats.malformed;
        return;
    }
    if (auto* q = std::get_if<Query>(&*message)) {
        ++m_stats.queries_received;
        if (!AllowQuery(from.address, now_us)) {
            ++m_stats.rate_limited;
            return;
        }
        HandleQuery(from, *q, datagram.size(), now_us);
    } else if (auto* r = std::get_if<Response>(&*message)) {
        HandleAnswer(from, *r, now_us);
    } else if (auto* e = std::get_if<ErrorMessage>(&*message)) {
        HandleError(from, *e, now_us);
    }
}

void DhtNode::Answer(const netcore::PeerEndpoint& from, Response r, size_t query_size) {
    std::string datagram = EncodeResponse(r, from);
    if (!m_table.IsVerified(from)) {
        // No reflection: trim what a forged source could have us send elsewhere.
        const size_t limit = std::max<size_t>(AMPLIFICATION_FACTOR * query_size, 64);
        while (datagram.size() > limit && !r.values.empty()) {
            r.values.resize(r.values.size() / 2);
            datagram = EncodeResponse(r, from);
        }
        while (datagram.size() > limit && !r.nodes.empty()) {
            r.nodes.pop_back();
            datagram = EncodeResponse(r, from);
        }
        if (datagram.size() > limit) return;
    }
    ++m_stats.answers_sent;
    m_send(from, std::move(datagram));
}

void DhtNode::HandleQuery(const netcore::PeerEndpoint& from, const Query& q, size_t query_size, int64_t now_us) {
    if (!q.read_only) {
        const bool verified = m_table.IsVerified(from);
        // A node that queried us enters unverified and is passed on to nobody until it
        // answers a ping of ours (one ping per query at most: no amplification).
        if (m_table.Heard({q.id, from}, false, now_us) && !verified &&
            std::none_of(m_outstanding.begin(), m_outstanding.end(), [&](const auto& o) { return o.second.to == from; })) {
            Query ping;
            ping.method = Method::Ping;
            SendQuery(from, ping, 0, now_us);
        }
    }
    Response r;
    r.transaction = q.transaction;
    r.id = m_table.Self();
    const bool ipv6 = netcore::IsIpv6Literal(from.address);
    switch (q.method) {
        case Method::Ping:
            break;
        case Method::FindNode:
            r.nodes = m_table.Closest(*q.target, K, true);
            break;
        case Method::GetPeers:
            r.token = m_tokens.Make(from.address, now_us);
            r.values = m_store.Get(*q.info_hash, ipv6, MAX_VALUES_PER_ANSWER, m_random);
            r.nodes = m_table.Closest(*q.info_hash, K, true);
            break;
        case Method::AnnouncePeer: {
            if (!m_tokens.Check(q.token, from.address, now_us)) {
                ++m_stats.bad_tokens;
                ErrorMessage e{q.transaction, ERROR_PROTOCOL, "bad token"};
                m_send(from, EncodeError(e));
                return;
            }
            const uint16_t port = q.implied_port ? from.port : q.port;
            if (m_store.Add(*q.info_hash, {from.address, port}, q.seed, now_us)) ++m_stats.announces_stored;
            break;
        }
        case Method::Unknown:
            // As libtorrent does: an unknown query with a target is answered like find_node.
            if (q.target || q.info_hash) {
                r.nodes = m_table.Closest(q.target ? *q.target : *q.info_hash, K, true);
                break;
            }
            m_send(from, EncodeError({q.transaction, ERROR_METHOD_UNKNOWN, "method unknown"}));
            return;
    }
    // Only nodes that answered us are passed on (a query's source can be forged), and only
    // of the asker's address family.
    r.nodes.erase(std::remove_if(r.nodes.begin(), r.nodes.end(),
                                 [ipv6](const NodeInfo& n) { return netcore::IsIpv6Literal(n.endpoint.address) != ipv6; }),
                  r.nodes.end());
    Answer(from, std::move(r), query_size);
}

void DhtNode::HandleAnswer(const netcore::PeerEndpoint& from, const Response& r, int64_t now_us) {
    const auto it = m_outstanding.find(r.transaction);
    // Only from where the query went: anyone can forge a source and guess a transaction id.
    if (it == m_outstanding.end() || it->second.to != from) return;
    const Outstanding o = it->second;
    m_outstanding.erase(it);
    ++m_stats.answers_received;
    m_table.Heard({r.id, from}, true, now_us);
    if (r.external) CountExternalVote(from, *r.external, now_us);
    if (o.lookup == 0) return;
    const auto running = m_lookups.find(o.lookup);
    if (running == m_lookups.end()) return;
    Lookup& lookup = *running->second.lookup;
    lookup.OnAnswer(from, r.id, OfOurFamily(r.nodes), r.values, r.token);
    auto peers = lookup.TakeNewPeers();
    if (!peers.empty() && running->second.on_peers) running->second.on_peers(peers);
    Drive(o.lookup, now_us);
}

void DhtNode::HandleError(const netcore::PeerEndpoint& from, const ErrorMessage& e, int64_t now_us) {
    const auto it = m_outstanding.find(e.transaction);
    if (it == m_outstanding.end() || it->second.to != from) return;
    const Outstanding o = it->second;
    m_outstanding.erase(it);
    m_log("dht: " + from.ToString() + " answered " + MethodName(o.method) + " with error " + std::to_string(e.code) +
          " " + e.text);
    if (o.lookup == 0) return;
    const auto running = m_lookups.find(o.lookup);
    if (running == m_lookups.end()) return;
    running->second.lookup->OnFailure(from);
    Drive(o.lookup, now_us);
}

bool DhtNode::SendQuery(const netcore::PeerEndpoint& to, Query q, uint64_t lookup, int64_t now_us) {
    if (m_outstanding.size() >= MAX_OUTSTANDING) return false;
    if (netcore::IsIpv6Literal(to.address) != m_ipv6) return false;
    // Random, not sequential: whoever sees one of our queries must not be able to predict the
    // others' ids and answer them from a forged source.
    std::string t(2, '\0');
    do {
        m_random(std::span<uint8_t>(reinterpret_cast<uint8_t*>(t.data()), t.size()));
    } while (m_outstanding.count(t));
    q.transaction = t;
    q.id = m_table.Self();
    m_outstanding[t] = Outstanding{to, q.method, lookup, now_us};
    ++m_stats.queries_sent;
    m_send(to, EncodeQuery(q));
    return true;
}

uint64_t DhtNode::StartLookup(Lookup::Kind kind, const NodeId& target, bool with_routers) {
    if (m_lookups.size() >= MAX_LOOKUPS) return 0;
    auto lookup = std::make_unique<Lookup>(kind, target);
    for (const auto& n : m_table.Closest(target, K)) lookup->AddCandidate(n);
    if (with_routers || m_table.Size() == 0) {
        for (const auto& r : m_routers) lookup->AddCandidate({NodeId{}, r}, false);
    }
    const uint64_t id = m_next_lookup++;
    m_lookups[id] = Running{std::move(lookup), 0, false, {}, {}};
    return id;  // the caller drives it (a lookup may end at once, and the caller must know its id first)
}

void DhtNode::Drive(uint64_t id, int64_t now_us) {
    const auto it = m_lookups.find(id);
    if (it == m_lookups.end()) return;
    Running& running = it->second;
    Lookup& lookup = *running.lookup;
    for (const auto& node : lookup.Next()) {
        Query q;
        q.method = lookup.kind() == Lookup::Kind::GetPeers ? Method::GetPeers : Method::FindNode;
        if (q.method == Method::GetPeers) {
            q.info_hash = lookup.Target();
        } else {
            q.target = lookup.Target();
        }
        if (!SendQuery(node.endpoint, q, id, now_us)) lookup.OnFailure(node.endpoint);
    }
    if (!lookup.Done()) return;
    if (lookup.kind() == Lookup::Kind::GetPeers && running.announce_port != 0) {
        for (const auto& [node, token] : lookup.AnnounceTargets(K)) {
            Query q;
            q.method = Method::AnnouncePeer;
            q.info_hash = lookup.Target();
            q.port = running.announce_port;
            q.token = token;
            q.seed = running.seed;
            SendQuery(node.endpoint, q, 0, now_us);
        }
    }
    const size_t found = lookup.PeerCount();
    const size_t answered = lookup.Answered();
    DoneFn done = std::move(running.on_done);
    if (id == m_bootstrap_lookup) m_bootstrap_lookup = 0;
    m_lookups.erase(it);
    if (done) done(found, answered);
}

bool DhtNode::GetPeers(const NodeId& info_hash, uint16_t announce_port, bool seed, PeersFn on_peers, DoneFn on_done,
                       int64_t now_us) {
    const uint64_t id = StartLookup(Lookup::Kind::GetPeers, info_hash, m_table.Size() < K);
    if (id == 0) return false;
    Running& running = m_lookups[id];
    running.announce_port = announce_port;
    running.seed = seed;
    running.on_peers = std::move(on_peers);
    running.on_done = std::move(on_done);
    Drive(id, now_us);
    return true;
}

void DhtNode::Tick(int64_t now_us) {
    // Timeouts first: they free lookups to go on.
    std::vector<std::pair<std::string, Outstanding>> expired;
    for (const auto& [t, o] : m_outstanding) {
        if (now_us - o.sent_us >= QUERY_TIMEOUT_US) expired.emplace_back(t, o);
    }
    for (const auto& [t, o] : expired) {
        m_outstanding.erase(t);
        ++m_stats.timeouts;
        m_table.Failed(o.to);
        if (o.lookup == 0) continue;
        const auto running = m_lookups.find(o.lookup);
        if (running == m_lookups.end()) continue;
        running->second.lookup->OnFailure(o.to);
        Drive(o.lookup, now_us);
    }
    if (m_table.Size() < K && m_bootstrap_lookup == 0 &&
        (m_last_bootstrap_us < 0 || now_us - m_last_bootstrap_us >= BOOTSTRAP_RETRY_US) &&
        (!m_routers.empty() || m_table.Size() > 0)) {
        m_last_bootstrap_us = now_us;
        m_bootstrap_lookup = StartLookup(Lookup::Kind::FindNode, m_table.Self(), true);
        Drive(m_bootstrap_lookup, now_us);
    }
    if (m_last_maintenance_us < 0) m_last_maintenance_us = now_us;
    if (now_us - m_last_maintenance_us >= MAINTENANCE_EVERY_US) {
        m_last_maintenance_us = now_us;
        Maintain(now_us);
    }
}

void DhtNode::Maintain(int64_t now_us) {
    m_store.Expire(now_us);
    for (const auto& node : m_table.Questionable(now_us, K)) {
        Query q;
        q.method = Method::Ping;
        SendQuery(node.endpoint, q, 0, now_us);
    }
    size_t started = 0;
    for (const int bits : m_table.IdleBuckets(now_us, BUCKET_REFRESH_US)) {
        if (started++ >= 4 || m_table.Size() == 0) break;  // a few per round keep the burst small
        m_table.MarkRefreshed(bits, now_us);
        Drive(StartLookup(Lookup::Kind::FindNode, RandomIdInBucket(m_table.Self(), bits, m_random), false), now_us);
    }
}

std::vector<NodeInfo> DhtNode::OfOurFamily(std::vector<NodeInfo> nodes) const {
    nodes.erase(std::remove_if(nodes.begin(), nodes.end(),
                               [this](const NodeInfo& n) { return netcore::IsIpv6Literal(n.endpoint.address) != m_ipv6; }),
                nodes.end());
    return nodes;
}

void DhtNode::CountExternalVote(const netcore::PeerEndpoint& from, const netcore::PeerEndpoint& external, int64_t now_us) {
    if (IsLocalAddress(external.address) || !m_table.IsVerified(from)) return;
    if (NodeIdMatchesAddress(m_table.Self(), external.address)) return;
    if (m_external_votes.size() >= 16 && !m_external_votes.count(external.address)) m_external_votes.clear();
    auto& voters = m_external_votes[external.address];
    voters.insert(from.address);
    if (voters.size() < EXTERNAL_IP_VOTES) return;
    std::array<uint8_t, 1> r{};
    m_random(r);
    const NodeId id = NodeIdForAddress(external.address, r[0], m_random);
    m_log("dht: our public address is " + external.address + " (say " + std::to_string(voters.size()) +
          " nodes): taking the BEP 42 id " + ToHex(id).substr(0, 12) + "…");
    // The table is keyed by our id: rebuild it around the new one with the same nodes.
    RoutingTable fresh(id);
    for (const auto& n : m_table.All()) fresh.Heard(n, true, now_us);
    m_table = std::move(fresh);
    m_external_votes.clear();
}

DhtStats DhtNode::Stats() const {
    DhtStats s = m_stats;
    s.nodes = m_table.Size();
    s.stored_torrents = m_store.TorrentCount();
    s.stored_peers = m_store.PeerCount();
    s.lookups = m_lookups.size();
    return s;
}

}  // namespace tonari::torrent::dht
