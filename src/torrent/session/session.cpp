// Session wiring: strand, network events, ticker, recheck.
#include "torrent/session/session.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "crypto/random.h"
#include "torrent/storage/piece_check.h"
#include "torrent/storage/piece_store.h"
#include "torrent/storage/resume_data.h"
#include "storage/whole_file.h"
#include "torrent/peer/ban_key.h"
#include "torrent/session/dht_discovery.h"
#include "torrent/session/lsd_discovery.h"
#include "torrent/session/strand_events.h"
#include "torrent/session/stream_encryption.h"
#include "torrent/tracker/announcer.h"
#include "util/hex.h"
#include "util/serial_executor.h"
#include "util/worker_pool.h"

namespace tonari::torrent::session {

namespace {

constexpr auto TICK = std::chrono::milliseconds(50);
// Each recheck task reads consecutive pieces, so a few open files suffice; with one store per
// task, more would multiply by the task count and could exhaust descriptors.
constexpr size_t RECHECK_OPEN_FILES = 4;
// Resume data is rewritten this often while pieces keep arriving (and on every stop).
constexpr auto RESUME_SAVE_INTERVAL = std::chrono::seconds(30);

}  // namespace

// Azureus-style: "-TN0010-" then 12 random bytes.
wire::Hash20 NewPeerId() {
    wire::Hash20 id{};
    const std::string prefix = "-TN0010-";
    std::copy(prefix.begin(), prefix.end(), id.begin());
    crypto::RandomBytes(std::span<uint8_t>(id.data() + prefix.size(), id.size() - prefix.size()));
    return id;
}


class Session::Impl {
public:
    Impl(tonari::storage::Env& env, const metainfo::Metainfo& meta, const std::filesystem::path& dir, peer::SwarmOptions options,
         peer::LogFn log)
        : m_meta(meta), m_dir(dir), m_log(log), m_store(env, meta, dir), m_swarm(meta, m_store, std::move(options), std::move(log)),
          m_events(m_strand, m_swarm) {}  // m_strand is bound by reference before it is built

    // Every piece read back and checked, on every core: each task reads a run of consecutive
    // pieces through its own PieceStore (a store has one owner), so reads stay sequential.
    void Recheck(tonari::storage::Env& env, const metainfo::Metainfo& meta, const std::filesystem::path& dir,
                 const RecheckProgress& progress) {
        const uint64_t pieces = meta.PieceCount();
        std::vector<uint8_t> good(pieces, 0);
        std::atomic<uint64_t> done{0};
        util::WorkerPool pool;
        const size_t tasks = std::min<uint64_t>(pieces, pool.ThreadCount() * 8);
        pool.ParallelFor(tasks, [&](size_t task) {
            storage::PieceStore store(env, meta, dir, RECHECK_OPEN_FILES);
            std::vector<uint8_t> buffer;
            for (uint64_t p = pieces * task / tasks; p < pieces * (task + 1) / tasks; ++p) {
                buffer.resize(meta.PieceSize(p));
                // A piece none of whose bytes are on disk (a new download) is not worth hashing.
                bool from_disk = false;
                good[p] = store.Read(p, 0, buffer, &from_disk) && from_disk &&
                          storage::CheckPiece(meta, p, buffer) == storage::PieceCheck::Good;
                const uint64_t n = done.fetch_add(1) + 1;
                if (progress) progress(n, pieces);
            }
        });
        for (uint64_t p = 0; p < pieces; ++p) {
            if (good[p]) m_swarm.MarkHave(p);
        }
    }

    void StartAnnouncer(const metainfo::Metainfo& meta, const SessionOptions& options, const wire::Hash20& peer_id) {
        tracker::AnnouncerOptions a;
        a.tiers = options.trackers;
        // A hybrid is announced under both hashes, so v1-only and v2 clients both find it.
        if (meta.HasV1()) a.info_hashes.push_back(meta.info_hashes.HandshakeHash());
        if (meta.HasV2()) {
            tracker::Hash20 v2{};
            std::copy_n(meta.info_hashes.v2->begin(), 20, v2.begin());
            if (a.info_hashes.empty() || a.info_hashes.front() != v2) a.info_hashes.push_back(v2);
        }
        a.peer_id = peer_id;
        const auto endpoints = m_network->ListenEndpoints();
        a.port = endpoints.empty() ? 0 : endpoints.front().port;
        a.numwant = options.numwant;
        a.seed = options.seed;
        const uint64_t content = meta.ContentSize();
        m_announcer = std::make_unique<tracker::Announcer>(
            std::move(a),
            [this, content] {
                const auto s = m_strand.Run([this] { return m_swarm.Stats(); });
                return tracker::TransferTotals{s.uploaded, s.downloaded, content - std::min(content, s.bytes_have)};
            },
            [this](std::vector<netcore::PeerEndpoint> peers) {
                m_strand.Post([this, peers = std::move(peers)] { m_swarm.AddCandidates(peers); });
            },
            m_log);
    }

    // The DHT and local discovery: BEP 27 keeps a private torrent to its trackers.
    void StartDiscovery(const metainfo::Metainfo& meta, const SessionOptions& options) {
        const auto endpoints = m_network->ListenEndpoints();
        if (meta.is_private || endpoints.empty()) return;
        std::vector<wire::Hash20> hashes{meta.info_hashes.HandshakeHash()};
        if (meta.HasV1() && meta.HasV2()) {
            wire::Hash20 v2{};
            std::copy_n(meta.info_hashes.v2->begin(), v2.size(), v2.begin());
            hashes.push_back(v2);
        }
        auto to_swarm = [this](const std::vector<netcore::PeerEndpoint>& peers) {
            m_strand.Post([this, peers] { m_swarm.AddCandidates(peers); });
        };
        m_dht = StartDht(options, endpoints.front(), hashes, m_log, to_swarm);
        if (m_dht) m_dht->SetSeed(m_was_complete);
        m_lsd = StartLsd(options, endpoints.front(), hashes, m_log, to_swarm);
    }

    // Pieces from resume data when every file is as it recorded; false means a recheck is due.
    bool LoadResume(const metainfo::Metainfo& meta, const std::filesystem::path& dir) {
        const auto path = storage::ResumePath(dir, meta);
        const auto bytes = tonari::storage::ReadSmallFile(path, storage::MAX_RESUME_FILE_BYTES);
        if (!bytes) return false;
        auto data = storage::DecodeResumeData(meta, *bytes);
        if (!data) {
            m_log("resume data " + path.string() + " unusable (" + data.error() + "): checking every piece");
            return false;
        }
        if (data->files != storage::StampFiles(meta, dir)) {
            m_log("files changed since the resume data was written: checking every piece");
            return false;
        }
        uint64_t n = 0;
        for (uint64_t p = 0; p < data->have.size(); ++p) {
            if (!data->have[p]) continue;
            m_swarm.MarkHave(p);
            ++n;
        }
        m_log("resume data: " + std::to_string(n) + " of " + std::to_string(meta.PieceCount()) +
              " pieces verified before and the files unchanged, so no recheck");
        m_saved_pieces = n;
        return true;
    }

    // Writes the resume data if pieces were verified since the last time. The bitfield and the
    // file stamps are taken together on the strand, where every disk write happens, after the
    // writes so far were synced; the file is then replaced atomically off the strand.
    void SaveResume() {
        auto snapshot = m_strand.Run([this]() -> std::optional<storage::ResumeData> {
            if (m_swarm.Stats().pieces_have == m_saved_pieces) return std::nullopt;
            if (!m_store.Sync()) return std::nullopt;  // not durable: say nothing rather than too much
            storage::ResumeData data;
            data.have.resize(m_meta.PieceCount());
            uint64_t n = 0;
            for (uint64_t p = 0; p < data.have.size(); ++p) n += (data.have[p] = m_swarm.Have(p)) ? 1 : 0;
            data.files = storage::StampFiles(m_meta, m_dir);
            m_saved_pieces = n;
            return data;
        });
        if (!snapshot) return;
        const auto path = storage::ResumePath(m_dir, m_meta);
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
        const std::string error = tonari::storage::ReplaceFile(path, storage::EncodeResumeData(m_meta, *snapshot));
        if (!error.empty()) m_log("cannot save resume data: " + error);
    }

    void StartTicker() {
        m_ticker = std::thread([this] {
            std::unique_lock lock(m_mutex);
            auto next_save = std::chrono::steady_clock::now() + RESUME_SAVE_INTERVAL;
            while (!m_stop) {
                m_wake.wait_for(lock, TICK);
                if (m_stop) break;
                if (std::chrono::steady_clock::now() >= next_save) {
                    next_save = std::chrono::steady_clock::now() + RESUME_SAVE_INTERVAL;
                    lock.unlock();
                    SaveResume();
                    lock.lock();
                    continue;
                }
                m_strand.Post([this] {
                    m_swarm.Tick(SteadyNowUs());
                    if (!m_was_complete && m_swarm.Complete()) {
                        m_was_complete = true;
                        if (m_announcer) m_announcer->Completed();
                        if (m_dht) m_dht->SetSeed(true);
                    }
                });
            }
        });
    }

    void Stop() {
        {
            std::lock_guard lock(m_mutex);
            if (m_stop) return;
            m_stop = true;
        }
        m_wake.notify_all();
        if (m_ticker.joinable()) m_ticker.join();
        if (m_announcer) m_announcer->Stop();  // says "stopped" while the strand still answers
        if (m_dht) m_dht->Stop();
        if (m_lsd) m_lsd->Stop();
        if (m_network) m_network->Stop();  // delivers the last events onto the strand
        m_strand.Run([this] {
            m_swarm.SetNetwork(nullptr);
            m_events.network = nullptr;
        });
        SaveResume();
    }

    const metainfo::Metainfo& m_meta;
    std::filesystem::path m_dir;
    uint64_t m_saved_pieces = UINT64_MAX;  // pieces in the resume data on disk; on the strand
    peer::LogFn m_log;
    storage::PieceStore m_store;
    peer::Swarm m_swarm;
    std::unique_ptr<netcore::PeerNetwork> m_network;
    std::unique_ptr<tracker::Announcer> m_announcer;
    std::unique_ptr<dht::DhtService> m_dht;
    std::unique_ptr<lsd::LsdService> m_lsd;
    bool m_was_complete = false;  // on the strand
    std::string m_peer_id_hex;    // set before Start returns, then only read
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::thread m_ticker;
    // The events hold only references; declared before the executor, they outlive every task it
    // still runs as it is destroyed.
    StrandEvents<peer::Swarm> m_events;
    util::SerialExecutor m_strand;  // destroyed first, after Stop drained it
};

Session::Session(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

Session::~Session() { Stop(); }

util::Result<std::unique_ptr<Session>, std::string> Session::Start(tonari::storage::Env& env,
                                                                    const metainfo::Metainfo& meta,
                                                                    const std::filesystem::path& download_dir,
                                                                    SessionOptions options, peer::LogFn log,
                                                                    const RecheckProgress& recheck_progress) {
    peer::SwarmOptions swarm;
    swarm.peer_id = NewPeerId();
    const wire::Hash20 swarm_peer_id = swarm.peer_id;
    swarm.max_outbound = std::max<size_t>(options.max_peers / 2, 8);
    std::erase_if(options.connect, [&options](const netcore::PeerEndpoint& e) { return options.banned.count(peer::AddressKey(e)) > 0; });
    swarm.keep_connected = options.connect;
    swarm.banned = options.banned;
    swarm.sequential = options.sequential;
    swarm.super_seed = options.super_seed;
    swarm.seed = options.seed;
    if (swarm.seed == 0) swarm.seed = crypto::RandomU64();
    auto impl = std::make_unique<Impl>(env, meta, download_dir, std::move(swarm), std::move(log));
    impl->m_peer_id_hex = util::HexEncode(swarm_peer_id);
    if (!impl->LoadResume(meta, download_dir)) impl->Recheck(env, meta, download_dir, recheck_progress);

    netcore::PeerNetworkOptions net;
    net.listen = options.listen;
    net.max_inbound = options.max_peers;
    // Room for the peers we keep and for those the trackers give (the swarm's own limit).
    net.max_outbound = options.connect.size() + std::max<size_t>(options.max_peers / 2, 8);
    net.total_recv_rate_bytes_per_sec = options.max_download_bytes_per_sec;
    net.total_send_rate_bytes_per_sec = options.max_upload_bytes_per_sec;
    std::vector<mse::Key20> skeys{meta.info_hashes.HandshakeHash()};
    if (meta.info_hashes.v1 && meta.info_hashes.v2) {
        mse::Key20 truncated{};
        std::copy_n(meta.info_hashes.v2->begin(), truncated.size(), truncated.begin());
        skeys.push_back(truncated);
    }
    InstallStreamEncryption(net, options.encryption, std::move(skeys));
    net.format.header_size = wire::FRAME_HEADER_SIZE;
    net.format.payload_length = [](util::ByteSpan header) -> util::Result<size_t, std::string> {
        auto n = wire::FrameLength(header);
        if (!n) return util::Fail(n.error().message);
        return *n;
    };
    // Events can arrive as soon as the network starts: the strand is held until the swarm
    // knows its network, so every event queues behind that.
    Impl* raw = impl.get();
    std::promise<netcore::PeerNetwork*> ready;
    impl->m_strand.Post([raw, started = ready.get_future().share()] {
        raw->m_events.network = started.get();
        raw->m_swarm.SetNetwork(raw->m_events.network);
    });
    auto network = netcore::PeerNetwork::Start(std::move(net), impl->m_events);
    if (!network) {
        ready.set_value(nullptr);
        impl->m_strand.Run([] {});  // the start-up task has run before the session goes
        return util::Fail("cannot listen: " + network.error());
    }
    netcore::PeerNetwork* started_network = network->get();
    impl->m_strand.Post([raw, owned = std::make_shared<std::unique_ptr<netcore::PeerNetwork>>(std::move(*network))] {
        raw->m_network = std::move(*owned);
    });
    ready.set_value(started_network);
    impl->m_strand.Run([] {});  // the network is in place before Start returns
    impl->m_was_complete = impl->m_strand.Run([raw] { return raw->m_swarm.Complete(); });
    if (!options.trackers.empty()) impl->StartAnnouncer(meta, options, swarm_peer_id);
    impl->StartDiscovery(meta, options);
    impl->StartTicker();
    return std::unique_ptr<Session>(new Session(std::move(impl)));
}

peer::SwarmStats Session::Stats() {
    return m_impl->m_strand.Run([this] { return m_impl->m_swarm.Stats(); });
}

peer::SwarmSnapshot Session::Snapshot() {
    return m_impl->m_strand.Run([this] { return m_impl->m_swarm.Snapshot(); });
}

std::vector<tracker::TrackerStatus> Session::Trackers() const {
    return m_impl->m_announcer ? m_impl->m_announcer->Status() : std::vector<tracker::TrackerStatus>{};
}

const std::string& Session::PeerIdHex() const {
    return m_impl->m_peer_id_hex;
}

bool Session::Complete() {
    return m_impl->m_strand.Run([this] { return m_impl->m_swarm.Complete(); });
}

std::optional<std::string> Session::Error() {
    return m_impl->m_strand.Run([this] { return m_impl->m_swarm.Error(); });
}

std::vector<netcore::PeerEndpoint> Session::ListenEndpoints() const {
    return m_impl->m_network ? m_impl->m_network->ListenEndpoints() : std::vector<netcore::PeerEndpoint>{};
}

void Session::Stop() {
    if (m_impl) m_impl->Stop();
}

}  // namespace tonari::torrent::session
