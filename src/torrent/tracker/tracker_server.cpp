// The tracker's swarms, and its HTTP and UDP front doors.
#include "torrent/tracker/tracker_server.h"

#include <algorithm>
#include <charconv>

#include "crypto/hmac.h"
#include "crypto/random.h"
#include "netcore/url.h"
#include "torrent/bencode/bencode.h"
#include "torrent/tracker/udp_protocol.h"

namespace tonari::torrent::tracker {
namespace {

// A peer that has not announced for this many intervals has left without saying so.
constexpr int64_t EXPIRY_INTERVALS = 2;
// How often every swarm is swept for expired peers (each announce also sweeps its own swarm).
constexpr int64_t EXPIRY_SWEEP_S = 60;

netcore::HttpResponse Bencoded(const bencode::Value& v) {
    netcore::HttpResponse r;
    r.content_type = "text/plain";
    r.body = bencode::Encode(v);
    return r;
}

// BEP 3: errors travel as a 200 answer whose dictionary holds "failure reason".
netcore::HttpResponse Failure(const std::string& why) {
    bencode::Value v = bencode::Value::Dict();
    v.Set("failure reason", bencode::Value::Str(why));
    return Bencoded(v);
}

bool ReadUnsigned(const std::string& text, uint64_t& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

bool ToHash(const std::string& bytes, Hash20& out) {
    if (bytes.size() != 20) return false;
    std::copy(bytes.begin(), bytes.end(), out.begin());
    return true;
}

bool IsIpv6(const std::string& address) { return address.find(':') != std::string::npos; }

}  // namespace

Tracker::Tracker(TrackerOptions options) : m_options(options) {
    if (m_options.seed == 0) m_options.seed = crypto::RandomU64();
    m_rng.seed(m_options.seed);
    crypto::RandomBytes(m_secret);
}

uint64_t Tracker::ConnectionId(const netcore::PeerEndpoint& from, int64_t window) const {
    // The address alone: what BEP 15 protects is that the sender can receive at it.
    const std::string message = from.address + "/" + std::to_string(window);
    const auto mac = crypto::HmacSha256(m_secret, util::AsBytes(message));
    uint64_t id = 0;
    for (int i = 0; i < 8; ++i) id = id << 8 | mac[i];
    return id;
}

void Tracker::ExpireLocked(Swarm& swarm, int64_t now_s) {
    const int64_t limit = EXPIRY_INTERVALS * m_options.interval_s + 60;
    m_peer_count -= std::erase_if(swarm.peers, [&](const auto& e) { return now_s - e.second.last_seen_s > limit; });
}

void Tracker::ExpireAllLocked(int64_t now_s) {
    if (now_s < m_next_expiry_s) return;
    m_next_expiry_s = now_s + EXPIRY_SWEEP_S;
    for (auto it = m_swarms.begin(); it != m_swarms.end();) {
        ExpireLocked(it->second, now_s);
        // An empty swarm goes, its completion count with it: kept, fake "completed" announces
        // could fill the table for good.
        it = it->second.peers.empty() ? m_swarms.erase(it) : std::next(it);
    }
}

Tracker::AnnounceResult Tracker::Announce(const AnnounceRequest& request, const std::string& address, size_t numwant,
                                          int64_t now_s) {
    AnnounceResult result;
    if (request.port == 0) {
        result.error = "port 0 cannot be reached";
        return result;
    }
    std::lock_guard lock(m_mutex);
    ++m_announces;
    ExpireAllLocked(now_s);
    auto it = m_swarms.find(request.info_hash);
    if (it == m_swarms.end()) {
        if (request.event == AnnounceEvent::Stopped) return result;
        if (m_swarms.size() >= MAX_TRACKED_TORRENTS) {
            result.error = "tracker is full";
            return result;
        }
        it = m_swarms.emplace(request.info_hash, Swarm{}).first;
    }
    Swarm& swarm = it->second;
    ExpireLocked(swarm, now_s);
    const auto key = std::make_pair(request.peer_id, address);
    if (request.event == AnnounceEvent::Stopped) {
        m_peer_count -= swarm.peers.erase(key);
    } else {
        auto peer = swarm.peers.find(key);
        if (peer == swarm.peers.end()) {
            if (swarm.peers.size() >= MAX_PEERS_PER_TORRENT || m_peer_count >= MAX_TRACKED_PEERS) {
                result.error = "swarm is full";
                return result;
            }
            peer = swarm.peers.emplace(key, PeerEntry{}).first;
            ++m_peer_count;
        }
        // Counted once per peer that was downloading: a repeated "completed" is not a download.
        const bool was_new_or_leeching = peer->second.last_seen_s == 0 || peer->second.left != 0;
        if (request.event == AnnounceEvent::Completed && was_new_or_leeching) ++swarm.completed;
        peer->second.endpoint = netcore::PeerEndpoint{address, request.port};
        peer->second.left = request.left;
        peer->second.last_seen_s = now_s;
    }
    // Everyone else, at random; a seed hears of those still downloading first and of other
    // seeds only to fill the answer (a client fetching a magnet link's metadata announces
    // left=0 — aria2 does — and would otherwise be told of nobody who has the torrent).
    std::vector<const PeerEntry*> first;
    std::vector<const PeerEntry*> then;
    for (const auto& [id, p] : swarm.peers) {
        (p.left == 0 ? result.seeders : result.leechers)++;
        if (id == key) continue;
        (request.left == 0 && p.left == 0 ? then : first).push_back(&p);
    }
    if (request.event != AnnounceEvent::Stopped) {
        for (auto* group : {&first, &then}) {
            auto& candidates = *group;
            for (size_t i = 0; i < candidates.size() && result.peers.size() < numwant; ++i) {
                std::uniform_int_distribution<size_t> pick(i, candidates.size() - 1);
                std::swap(candidates[i], candidates[pick(m_rng)]);
                result.peers.push_back(candidates[i]->endpoint);
            }
        }
    }
    return result;
}

ScrapeEntry Tracker::ScrapeOne(const Hash20& info_hash) const {
    ScrapeEntry e;
    const auto it = m_swarms.find(info_hash);
    if (it == m_swarms.end()) return e;
    for (const auto& [id, p] : it->second.peers) (p.left == 0 ? e.complete : e.incomplete)++;
    e.downloaded = static_cast<int64_t>(it->second.completed);
    return e;
}

netcore::HttpResponse Tracker::Http(const netcore::HttpRequest& request, const std::string& client, int64_t now_s) {
    if (request.method != "GET") {
        netcore::HttpResponse r;
        r.status = 405;
        r.content_type = "text/plain";
        r.body = "trackers answer GET\n";
        return r;
    }
    const size_t q = request.target.find('?');
    const std::string path = request.target.substr(0, q);
    auto query = netcore::ParseQuery(q == std::string::npos ? std::string_view() : std::string_view(request.target).substr(q + 1),
                                     udp::MAX_SCRAPE_HASHES + 16);
    if (!query) return Failure(query.error());
    auto get = [&](std::string_view key) -> const std::string* {
        for (const auto& [k, v] : *query) {
            if (k == key) return &v;
        }
        return nullptr;
    };

    if (path == "/announce") {
        AnnounceRequest a;
        const std::string* info_hash = get("info_hash");
        const std::string* peer_id = get("peer_id");
        const std::string* port = get("port");
        if (!info_hash || !ToHash(*info_hash, a.info_hash)) return Failure("missing or malformed info_hash");
        if (!peer_id || !ToHash(*peer_id, a.peer_id)) return Failure("missing or malformed peer_id");
        uint64_t number = 0;
        if (!port || !ReadUnsigned(*port, number) || number == 0 || number > 65535) return Failure("missing or malformed port");
        a.port = static_cast<uint16_t>(number);
        if (const auto* left = get("left"); left && ReadUnsigned(*left, number)) a.left = number;
        if (const auto* up = get("uploaded"); up && ReadUnsigned(*up, number)) a.uploaded = number;
        if (const auto* down = get("downloaded"); down && ReadUnsigned(*down, number)) a.downloaded = number;
        if (const auto* event = get("event")) {
            if (*event == "started") a.event = AnnounceEvent::Started;
            else if (*event == "completed") a.event = AnnounceEvent::Completed;
            else if (*event == "stopped") a.event = AnnounceEvent::Stopped;
        }
        size_t numwant = DEFAULT_NUMWANT;
        if (const auto* want = get("numwant"); want && ReadUnsigned(*want, number)) numwant = std::min<uint64_t>(number, MAX_NUMWANT);
        const std::string* compact_flag = get("compact");
        const bool compact = !compact_flag || *compact_flag != "0";

        AnnounceResult result = Announce(a, client, numwant, now_s);
        if (!result.error.empty()) return Failure(result.error);
        bencode::Value v = bencode::Value::Dict();
        v.Set("complete", bencode::Value::Int(static_cast<int64_t>(result.seeders)));
        v.Set("incomplete", bencode::Value::Int(static_cast<int64_t>(result.leechers)));
        v.Set("interval", bencode::Value::Int(m_options.interval_s));
        v.Set("min interval", bencode::Value::Int(std::min<int64_t>(m_options.interval_s, 60)));
        if (compact) {
            std::string v4;
            std::string v6;
            for (const auto& p : result.peers) {
                if (IsIpv6(p.address)) v6 += netcore::EncodeCompactEndpoint(p, true);
                else v4 += netcore::EncodeCompactEndpoint(p, false);
            }
            v.Set("peers", bencode::Value::Str(v4));
            if (!v6.empty()) v.Set("peers6", bencode::Value::Str(v6));
        } else {
            bencode::Value list = bencode::Value::List();
            for (const auto& p : result.peers) {
                bencode::Value d = bencode::Value::Dict();
                d.Set("ip", bencode::Value::Str(p.address));
                d.Set("port", bencode::Value::Int(p.port));
                list.Push(std::move(d));
            }
            v.Set("peers", std::move(list));
        }
        return Bencoded(v);
    }
    if (path == "/scrape") {
        std::vector<Hash20> hashes;
        for (const auto& [k, val] : *query) {
            Hash20 h{};
            if (k == "info_hash" && ToHash(val, h)) hashes.push_back(h);
        }
        if (hashes.empty()) return Failure("full scrape is not offered; name info_hash");
        if (hashes.size() > udp::MAX_SCRAPE_HASHES) return Failure("too many info_hash values");
        bencode::Value files = bencode::Value::Dict();
        {
            std::lock_guard lock(m_mutex);
            ++m_scrapes;
            for (const auto& h : hashes) {
                const ScrapeEntry e = ScrapeOne(h);
                bencode::Value d = bencode::Value::Dict();
                d.Set("complete", bencode::Value::Int(e.complete));
                d.Set("downloaded", bencode::Value::Int(e.downloaded));
                d.Set("incomplete", bencode::Value::Int(e.incomplete));
                files.Set(std::string(h.begin(), h.end()), std::move(d));
            }
        }
        bencode::Value v = bencode::Value::Dict();
        v.Set("files", std::move(files));
        return Bencoded(v);
    }
    netcore::HttpResponse r;
    r.content_type = "text/plain";
    if (path != "/") r.status = 404;
    const TrackerStats s = Stats();
    r.body = "tonari tracker: " + std::to_string(s.torrents) + " torrents, " + std::to_string(s.seeders) + " seeders, " +
             std::to_string(s.leechers) + " leechers\n";
    return r;
}

std::optional<util::Bytes> Tracker::Udp(util::ByteSpan packet, const netcore::PeerEndpoint& from, int64_t now_s) {
    const auto request = udp::DecodeRequest(packet);
    if (!request) return std::nullopt;
    const bool ipv6 = IsIpv6(from.address);
    const int64_t window = now_s / udp::CONNECTION_ID_LIFETIME_S;
    if (const auto* c = std::get_if<udp::ConnectRequest>(&*request)) {
        return udp::Encode(udp::Reply(udp::ConnectResponse{c->transaction, ConnectionId(from, window)}), ipv6);
    }
    auto valid = [&](uint64_t id) { return id == ConnectionId(from, window) || id == ConnectionId(from, window - 1); };
    if (const auto* a = std::get_if<udp::AnnouncePacket>(&*request)) {
        // An unproven source gets nothing back: no reflection of bigger answers onto a victim.
        if (!valid(a->connection_id)) return std::nullopt;
        const size_t fit = (MAX_UDP_REPLY_BYTES - 20) / (ipv6 ? 18 : 6);
        const size_t numwant = std::min(a->request.numwant < 0 ? DEFAULT_NUMWANT : std::min<size_t>(a->request.numwant, MAX_NUMWANT), fit);
        AnnounceResult result = Announce(a->request, from.address, numwant, now_s);
        if (!result.error.empty()) return udp::Encode(udp::Reply(udp::ErrorReply{a->transaction, result.error}), ipv6);
        udp::AnnounceReply reply;
        reply.transaction = a->transaction;
        reply.interval = static_cast<uint32_t>(m_options.interval_s);
        reply.leechers = static_cast<uint32_t>(result.leechers);
        reply.seeders = static_cast<uint32_t>(result.seeders);
        for (auto& p : result.peers) {
            if (IsIpv6(p.address) == ipv6) reply.peers.push_back(std::move(p));
        }
        return udp::Encode(udp::Reply(std::move(reply)), ipv6);
    }
    const auto& s = std::get<udp::ScrapePacket>(*request);
    if (!valid(s.connection_id)) return std::nullopt;
    udp::ScrapeReply reply;
    reply.transaction = s.transaction;
    std::lock_guard lock(m_mutex);
    ++m_scrapes;
    for (const auto& h : s.info_hashes) reply.entries.push_back(ScrapeOne(h));
    return udp::Encode(udp::Reply(std::move(reply)), ipv6);
}

TrackerStats Tracker::Stats() const {
    std::lock_guard lock(m_mutex);
    TrackerStats s;
    s.torrents = m_swarms.size();
    s.announces = m_announces;
    s.scrapes = m_scrapes;
    for (const auto& [h, swarm] : m_swarms) {
        for (const auto& [id, p] : swarm.peers) (p.left == 0 ? s.seeders : s.leechers)++;
    }
    return s;
}

}  // namespace tonari::torrent::tracker
