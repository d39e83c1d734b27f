// DhtService: the node under a mutex, fed by the UDP socket and a ticker thread.
#include "torrent/dht/dht_service.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <sstream>
#include <thread>

#include "crypto/random.h"
#include "netcore/udp_socket.h"
#include "storage/whole_file.h"
#include "util/steady_clock.h"

namespace tonari::torrent::dht {
namespace {

constexpr auto TICK = std::chrono::milliseconds(100);
constexpr auto RESOLVE_TIMEOUT = std::chrono::seconds(5);
// A saved-nodes file is a few kilobytes; anything larger is not ours.
constexpr std::uintmax_t MAX_NODES_FILE = 64 * 1024;

}  // namespace

std::vector<netcore::PeerEndpoint> DefaultRouters() {
    return {{"router.bittorrent.com", 6881}, {"dht.transmissionbt.com", 6881}, {"router.utorrent.com", 6881}};
}

class DhtService::Impl {
public:
    explicit Impl(DhtServiceOptions options) : m_options(std::move(options)) {
        if (!m_options.log) m_options.log = [](const std::string&) {};
        NodeId id{};
        crypto::RandomBytes(id);
        m_node = std::make_unique<DhtNode>(
            id, [this](const netcore::PeerEndpoint& to, std::string datagram) { SendLocked(to, std::move(datagram)); },
            [](std::span<uint8_t> out) { crypto::RandomBytes(out); }, m_options.log);
    }

    util::Result<void, std::string> Open() {
        // Packets may arrive before Open returns: they wait for the socket to be in place.
        auto socket = netcore::UdpSocket::Open(m_options.bind, [this](const netcore::PeerEndpoint& from, util::ByteSpan data) {
            std::lock_guard lock(m_mutex);
            if (!m_stopping && m_socket) m_node->OnPacket(from, data, util::SteadyNowUs());
        });
        if (!socket) return util::Fail("DHT: cannot open UDP " + m_options.bind.ToString() + ": " + socket.error());
        {
            std::lock_guard lock(m_mutex);
            m_socket = std::move(*socket);
            m_node->SetIpv6(m_options.bind.address.find(':') != std::string::npos);
        }
        m_ticker = std::thread([this] { Run(); });
        return {};
    }

    void SendLocked(const netcore::PeerEndpoint& to, std::string datagram) {
        if (m_socket) m_socket->SendTo(to, util::Bytes(datagram.begin(), datagram.end()));
    }

    // Router names resolved outside the lock (blocking lookups); false if none resolved.
    bool ResolveRouters() {
        std::vector<netcore::PeerEndpoint> routers;
        for (const auto& r : m_options.routers) {
            if (Stopping()) return false;
            auto addresses = netcore::ResolveHost(r.address, RESOLVE_TIMEOUT);
            if (!addresses) {
                m_options.log("dht: cannot resolve router " + r.address + ": " + addresses.error());
                continue;
            }
            for (const auto& a : *addresses) routers.push_back({a, r.port});
        }
        std::lock_guard lock(m_mutex);
        for (const auto& r : routers) m_node->AddRouter(r);
        return !routers.empty();
    }

    void Run() {
        bool resolved = ResolveRouters();
        {
            std::lock_guard lock(m_mutex);
            for (const auto& n : LoadNodes()) m_node->AddNode(n, util::SteadyNowUs());
        }
        int64_t last_resolve = util::SteadyNowUs();
        std::unique_lock lock(m_mutex);
        while (!m_stopping) {
            const int64_t now = util::SteadyNowUs();
            m_node->Tick(now);
            Schedule(now);
            // Names that did not resolve at start (offline, booting) are tried again while the
            // table is empty, or the DHT would stay dead for the whole run.
            if (!resolved && !m_options.routers.empty() && m_node->Stats().nodes == 0 &&
                now - last_resolve >= BOOTSTRAP_RETRY_US) {
                last_resolve = now;
                lock.unlock();
                resolved = ResolveRouters();
                lock.lock();
                continue;
            }
            m_wake.wait_for(lock, TICK, [this] { return m_stopping; });
        }
    }

    bool Stopping() {
        std::lock_guard lock(m_mutex);
        return m_stopping;
    }

    struct Tracked {
        NodeId info_hash{};
        uint16_t port = 0;
        PeersFn on_peers;
        int64_t next_us = 0;
        int64_t retry_us = FIRST_RETRY_US;
        bool running = false;
    };

    void Schedule(int64_t now) {
        for (size_t i = 0; i < m_tracked.size(); ++i) {
            Tracked& t = m_tracked[i];
            if (t.running || now < t.next_us) continue;
            // Set first: a lookup with nobody to ask ends inside GetPeers, and its done
            // callback clears the flag.
            t.running = true;
            const bool started = m_node->GetPeers(
                t.info_hash, t.port, m_seed, t.on_peers,
                [this, i](size_t found, size_t answered) {
                    Tracked& done = m_tracked[i];
                    const int64_t at = util::SteadyNowUs();
                    done.running = false;
                    m_options.log("dht: lookup for " + ToHex(done.info_hash).substr(0, 12) + "…: " +
                                  std::to_string(found) + " peers from " + std::to_string(answered) + " nodes");
                    if (found > 0) {
                        done.next_us = at + ANNOUNCE_INTERVAL_US;
                        done.retry_us = FIRST_RETRY_US;
                    } else {
                        done.next_us = at + done.retry_us;
                        done.retry_us = std::min(done.retry_us * 2, ANNOUNCE_INTERVAL_US);
                    }
                },
                now);
            if (!started) {
                m_tracked[i].running = false;
                m_tracked[i].next_us = now + FIRST_RETRY_US;
            }
        }
    }

    std::vector<netcore::PeerEndpoint> LoadNodes() {
        std::vector<netcore::PeerEndpoint> out;
        if (m_options.nodes_file.empty()) return out;
        const auto text = storage::ReadSmallFile(m_options.nodes_file, MAX_NODES_FILE);
        if (!text) return out;
        std::istringstream in(*text);
        std::string address;
        unsigned port = 0;
        while (out.size() < MAX_SAVED_NODES && in >> address >> port) {
            if (port > 0 && port <= 65535) out.push_back({address, static_cast<uint16_t>(port)});
        }
        return out;
    }

    void SaveNodes(const std::vector<NodeInfo>& nodes) {
        if (m_options.nodes_file.empty() || nodes.empty()) return;
        std::string text;
        for (size_t i = 0; i < nodes.size() && i < MAX_SAVED_NODES; ++i) {
            text += nodes[i].endpoint.address + " " + std::to_string(nodes[i].endpoint.port) + "\n";
        }
        std::error_code ec;
        std::filesystem::create_directories(m_options.nodes_file.parent_path(), ec);
        const std::string error = storage::ReplaceFile(m_options.nodes_file, text);
        if (!error.empty()) m_options.log("dht: cannot save nodes: " + error);
    }

    void Stop() {
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping) return;
            m_stopping = true;
        }
        m_wake.notify_all();
        if (m_ticker.joinable()) m_ticker.join();
        if (m_socket) m_socket->Stop();
        std::vector<NodeInfo> nodes;
        {
            std::lock_guard lock(m_mutex);
            nodes = m_node->Nodes();
        }
        SaveNodes(nodes);
    }

    DhtServiceOptions m_options;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    bool m_seed = false;
    std::unique_ptr<DhtNode> m_node;
    std::vector<Tracked> m_tracked;
    std::unique_ptr<netcore::UdpSocket> m_socket;
    std::thread m_ticker;
};

util::Result<std::unique_ptr<DhtService>, std::string> DhtService::Start(DhtServiceOptions options) {
    auto impl = std::make_unique<Impl>(std::move(options));
    if (auto opened = impl->Open(); !opened) return util::Fail(opened.error());
    return std::unique_ptr<DhtService>(new DhtService(std::move(impl)));
}

DhtService::DhtService(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

DhtService::~DhtService() { Stop(); }

netcore::PeerEndpoint DhtService::LocalEndpoint() const { return m_impl->m_socket->LocalEndpoint(); }

void DhtService::Track(const NodeId& info_hash, uint16_t port, PeersFn on_peers) {
    std::lock_guard lock(m_impl->m_mutex);
    Impl::Tracked t;
    t.info_hash = info_hash;
    t.port = port;
    t.on_peers = std::move(on_peers);
    m_impl->m_tracked.push_back(std::move(t));
}

void DhtService::SetSeed(bool seed) {
    std::lock_guard lock(m_impl->m_mutex);
    m_impl->m_seed = seed;
}

DhtStats DhtService::Stats() const {
    std::lock_guard lock(m_impl->m_mutex);
    return m_impl->m_node->Stats();
}

void DhtService::Stop() {
    if (m_impl) m_impl->Stop();
}

}  // namespace tonari::torrent::dht
