// The announcer's thread: tiers on their schedules, HTTP and UDP exchanges, events.
#include "torrent/tracker/announcer.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <random>

#include "crypto/random.h"
#include "netcore/http_client.h"
#include "netcore/udp_socket.h"
#include "netcore/url.h"
#include "torrent/tracker/udp_protocol.h"

namespace tonari::torrent::tracker {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int64_t FIRST_RETRY_S = 60;

// Waits for a UDP reply with the given transaction id, or until the deadline or a cancel.
class UdpMailbox {
public:
    void Put(util::ByteSpan data) {
        std::lock_guard lock(m_mutex);
        if (m_packets.size() >= MAX_QUEUED) return;  // a flood of junk from the tracker's address
        m_packets.emplace_back(data.begin(), data.end());
        m_cv.notify_all();
    }
    std::optional<udp::Reply> Await(uint32_t transaction, bool ipv6, Clock::time_point deadline, const std::atomic<bool>* cancel) {
        std::unique_lock lock(m_mutex);
        while (true) {
            for (auto it = m_packets.begin(); it != m_packets.end(); it = m_packets.erase(it)) {
                auto reply = udp::DecodeReply(*it, ipv6);
                if (!reply) continue;
                const uint32_t id = std::visit([](const auto& r) { return r.transaction; }, *reply);
                if (id == transaction) {
                    m_packets.erase(it);
                    return reply;
                }
            }
            if (cancel && cancel->load()) return std::nullopt;
            if (Clock::now() >= deadline) return std::nullopt;
            m_cv.wait_until(lock, std::min(deadline, Clock::now() + std::chrono::milliseconds(50)));
        }
    }

private:
    static constexpr size_t MAX_QUEUED = 16;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::vector<util::Bytes> m_packets;
};

}  // namespace

struct Announcer::Tier {
    std::vector<std::string> urls;
    Clock::time_point next{};
    int failures = 0;
    bool started = false;            // a tracker of this tier has heard "started"
    bool completed_pending = false;  // the download finished; this tier has not heard so yet
    bool working = false;            // its last announce was answered
};

Announcer::Announcer(AnnouncerOptions options, TotalsFn totals, PeersFn peers, LogFn log)
    : m_options(std::move(options)), m_totals(std::move(totals)), m_peers(std::move(peers)), m_log(std::move(log)) {
    if (m_options.seed == 0) m_options.seed = crypto::RandomU64();
    m_key = static_cast<uint32_t>(m_options.seed >> 7);
    for (const auto& tier : m_options.tiers) {
        for (const auto& url : tier) {
            TrackerStatus status;
            status.url = url;
            m_status.push_back(std::move(status));
        }
    }
    m_thread = std::thread([this] { Run(); });
}

Announcer::~Announcer() { Stop(); }

void Announcer::Completed() {
    std::lock_guard lock(m_mutex);
    m_completed_pending = true;
    m_wake.notify_all();
}

void Announcer::Stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        m_wake.notify_all();
    }
    if (m_thread.joinable()) m_thread.join();
}

std::vector<TrackerStatus> Announcer::Status() const {
    std::lock_guard lock(m_mutex);
    return m_status;
}

void Announcer::Record(const std::string& url, const util::Result<AnnounceResponse, std::string>& result) {
    const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    std::lock_guard lock(m_mutex);
    for (auto& s : m_status) {
        if (s.url != url) continue;
        s.working = result.has_value();
        s.last_announce_unix = now;
        if (result) {
            s.last_error.clear();
            s.peers_received += result->peers.size();
            s.last_peer_count = result->peers.size();
            s.seeders = result->complete.value_or(-1);
            s.leechers = result->incomplete.value_or(-1);
        } else {
            s.last_error = result.error();
        }
    }
}

void Announcer::NoteTier(const Tier& tier) {
    const auto in = std::chrono::duration_cast<std::chrono::seconds>(tier.next - Clock::now()).count();
    const int64_t next = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count() + std::max<int64_t>(in, 0);
    std::lock_guard lock(m_mutex);
    for (auto& s : m_status) {
        const auto at = std::find(tier.urls.begin(), tier.urls.end(), s.url);
        if (at == tier.urls.end()) continue;
        s.next_announce_unix = next;
        s.backup = at != tier.urls.begin();
    }
}

void Announcer::Run() {
    std::mt19937_64 rng(m_options.seed);
    std::vector<Tier> tiers;
    for (const auto& urls : m_options.tiers) {
        if (urls.empty()) continue;
        Tier t;
        t.urls = urls;
        std::shuffle(t.urls.begin(), t.urls.end(), rng);  // BEP 12: each tier shuffled once
        tiers.push_back(std::move(t));
    }
    while (true) {
        bool completed_now = false;
        {
            std::unique_lock lock(m_mutex);
            auto next = Clock::time_point::max();
            for (const auto& t : tiers) next = std::min(next, t.next);
            m_wake.wait_until(lock, next, [&] { return m_stop.load() || m_completed_pending || Clock::now() >= next; });
            if (m_stop) break;
            completed_now = std::exchange(m_completed_pending, false);
        }
        for (auto& tier : tiers) {
            if (m_stop) break;
            // "completed" waits in each tier until that tier has said "started" and heard back.
            if (completed_now) tier.completed_pending = true;
            AnnounceEvent event = AnnounceEvent::None;
            if (!tier.started) {
                event = AnnounceEvent::Started;
            } else if (tier.completed_pending) {
                event = AnnounceEvent::Completed;
            }
            // A new event goes at once unless the tier is backing off after failures.
            const bool due = Clock::now() >= tier.next || (event == AnnounceEvent::Completed && tier.failures == 0);
            if (!due) continue;
            if (AnnounceTier(tier, event, &m_stop)) {
                if (event == AnnounceEvent::Started) tier.started = true;
                if (event == AnnounceEvent::Completed) tier.completed_pending = false;
                tier.failures = 0;
                tier.working = true;
            } else {
                tier.working = false;
                const int64_t wait = std::min<int64_t>(FIRST_RETRY_S << std::min(tier.failures, 10), MAX_RETRY_S);
                ++tier.failures;
                tier.next = Clock::now() + std::chrono::seconds(wait);
            }
            NoteTier(tier);
        }
    }
    // Leaving: the trackers that answered us last hear so, within one overall deadline.
    const auto deadline = Clock::now() + STOPPED_TIMEOUT;
    for (auto& tier : tiers) {
        if (!tier.started || !tier.working) continue;
        for (const auto& h : m_options.info_hashes) {
            if (Clock::now() >= deadline) return;
            auto r = AnnounceOne(tier.urls.front(), h, AnnounceEvent::Stopped, nullptr,
                                 std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
            if (!r) m_log("tracker " + tier.urls.front() + ": stopped announce failed: " + r.error());
        }
    }
}

bool Announcer::AnnounceTier(Tier& tier, AnnounceEvent event, const std::atomic<bool>* cancel) {
    for (size_t i = 0; i < tier.urls.size(); ++i) {
        const std::string url = tier.urls[i];
        bool ok = true;
        int64_t interval = MAX_ANNOUNCE_INTERVAL_S;
        for (const auto& h : m_options.info_hashes) {
            auto r = AnnounceOne(url, h, event, cancel, std::nullopt);
            Record(url, r);
            if (!r) {
                if (!(cancel && cancel->load())) m_log("tracker " + url + ": " + r.error());
                ok = false;
                break;
            }
            if (!r->warning.empty()) m_log("tracker " + url + " warns: " + r->warning);
            interval = std::min(interval, std::max(r->interval, r->min_interval));
            m_log("tracker " + url + ": " + std::to_string(r->peers.size()) + " peers" +
                  (event != AnnounceEvent::None ? std::string(" (") + EventName(event) + ")" : std::string()) +
                  ", next announce in " + std::to_string(r->interval) + " s");
            if (!r->peers.empty()) m_peers(std::move(r->peers));
        }
        if (ok) {
            // BEP 12: a tracker that answered moves to the front of its tier.
            tier.urls.erase(tier.urls.begin() + static_cast<std::ptrdiff_t>(i));
            tier.urls.insert(tier.urls.begin(), url);
            tier.next = Clock::now() + std::chrono::seconds(interval);
            return true;
        }
        if (cancel && cancel->load()) return false;
    }
    return false;
}

util::Result<AnnounceResponse, std::string> Announcer::AnnounceOne(const std::string& url_text, const Hash20& info_hash,
                                                                  AnnounceEvent event, const std::atomic<bool>* cancel,
                                                                  std::optional<std::chrono::milliseconds> budget) {
    auto url = netcore::ParseUrl(url_text);
    if (!url) return util::Fail(url.error());
    const TransferTotals totals = m_totals();
    AnnounceRequest request;
    request.info_hash = info_hash;
    request.peer_id = m_options.peer_id;
    request.port = m_options.port;
    request.uploaded = totals.uploaded;
    request.downloaded = totals.downloaded;
    request.left = totals.left;
    request.event = event;
    request.key = m_key;
    request.numwant = event == AnnounceEvent::Stopped ? 0 : m_options.numwant;
    if (url->scheme == "udp") {
        if (url->port == 0) return util::Fail(std::string("UDP tracker URL without a port"));
        return AnnounceUdp(url->host, url->port, request, cancel, budget);
    }
    if (url->scheme != "http") return util::Fail("unsupported tracker scheme " + url->scheme);
    netcore::Url target = *url;
    target.target = AnnounceTarget(url->target, request);
    netcore::HttpGetOptions get;
    get.timeout = budget ? *budget : m_options.http_timeout;
    auto response = netcore::HttpGet(target, get, cancel);
    if (!response) return util::Fail(response.error());
    if (response->status != 200) return util::Fail("HTTP status " + std::to_string(response->status));
    return ParseAnnounceResponse(util::AsBytes(response->body));
}

util::Result<AnnounceResponse, std::string> Announcer::AnnounceUdp(const std::string& host, uint16_t port,
                                                                  const AnnounceRequest& request,
                                                                  const std::atomic<bool>* cancel,
                                                                  std::optional<std::chrono::milliseconds> budget) {
    const auto started = Clock::now();
    auto addresses = netcore::ResolveHost(host, budget ? *budget : std::chrono::milliseconds(10'000));
    if (!addresses) return util::Fail(addresses.error());
    const std::string address = addresses->front();
    const bool ipv6 = address.find(':') != std::string::npos;
    const netcore::PeerEndpoint tracker{address, port};
    auto mailbox = std::make_shared<UdpMailbox>();
    auto socket = netcore::UdpSocket::Open(netcore::PeerEndpoint{ipv6 ? "::" : "0.0.0.0", 0},
                                           [mailbox, tracker](const netcore::PeerEndpoint& from, util::ByteSpan data) {
                                               if (from == tracker) mailbox->Put(data);  // nobody else's packets
                                           });
    if (!socket) return util::Fail(socket.error());
    std::mt19937 rng(static_cast<uint32_t>(crypto::RandomU64()));

    // One request/reply with BEP 15's retransmission schedule.
    const int attempts = budget ? 1 : UDP_ATTEMPTS;
    auto exchange = [&](const udp::Request& packet, uint32_t transaction) -> std::optional<udp::Reply> {
        for (int n = 0; n < attempts; ++n) {
            (*socket)->SendTo(tracker, udp::Encode(packet));
            const auto until = budget ? started + *budget : Clock::now() + std::chrono::milliseconds(m_options.udp_retransmit_base_ms << n);
            if (auto reply = mailbox->Await(transaction, ipv6, until, cancel)) return reply;
            if (cancel && cancel->load()) break;
        }
        return std::nullopt;
    };

    const uint32_t connect_tx = rng();
    auto connected = exchange(udp::ConnectRequest{connect_tx}, connect_tx);
    if (!connected) return util::Fail("no answer from UDP tracker " + tracker.ToString());
    if (const auto* e = std::get_if<udp::ErrorReply>(&*connected)) return util::Fail("tracker says: " + e->message);
    const auto* c = std::get_if<udp::ConnectResponse>(&*connected);
    if (!c) return util::Fail(std::string("UDP tracker answered connect with something else"));

    const uint32_t announce_tx = rng();
    udp::AnnouncePacket packet;
    packet.connection_id = c->connection_id;
    packet.transaction = announce_tx;
    packet.request = request;
    auto answered = exchange(packet, announce_tx);
    (*socket)->Stop();
    if (!answered) return util::Fail("no announce answer from UDP tracker " + tracker.ToString());
    if (const auto* e = std::get_if<udp::ErrorReply>(&*answered)) return util::Fail("tracker says: " + e->message);
    const auto* a = std::get_if<udp::AnnounceReply>(&*answered);
    if (!a) return util::Fail(std::string("UDP tracker answered announce with something else"));
    AnnounceResponse out;
    out.interval = std::clamp<int64_t>(a->interval, MIN_ANNOUNCE_INTERVAL_S, MAX_ANNOUNCE_INTERVAL_S);
    out.complete = a->seeders;
    out.incomplete = a->leechers;
    out.peers = a->peers;
    return out;
}

}  // namespace tonari::torrent::tracker
