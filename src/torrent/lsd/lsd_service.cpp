// LsdService: the multicast socket, the ticker, and LocalDiscovery under one lock.
#include "torrent/lsd/lsd_service.h"

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "crypto/random.h"
#include "netcore/udp_socket.h"
#include "util/steady_clock.h"

namespace tonari::torrent::lsd {
namespace {

std::string NewCookie() {
    static const char* const digits = "0123456789abcdef";
    uint64_t r = crypto::RandomU64();
    std::string cookie;
    for (int i = 0; i < 8; ++i, r >>= 4) cookie += digits[r & 0xf];
    return cookie;
}

constexpr auto TICK = std::chrono::milliseconds(250);

}  // namespace

class LsdService::Impl {
public:
    explicit Impl(LsdServiceOptions options) : m_options(std::move(options)), m_logic(m_options.listen_port, NewCookie()) {}

    void OnDatagram(const netcore::PeerEndpoint& from, util::ByteSpan data) {
        std::optional<LocalDiscovery::Heard> heard;
        std::vector<PeersFn> callbacks;
        {
            std::lock_guard lock(m_mutex);
            if (m_stop) return;
            heard = m_logic.OnDatagram(from, data, util::SteadyNowUs());
            if (!heard) return;
            // One datagram may name several of our torrents (a hybrid's two hashes): one call each.
            for (const auto& hash : heard->info_hashes) {
                if (auto it = m_callbacks.find(hash); it != m_callbacks.end()) callbacks.push_back(it->second);
            }
        }
        if (m_options.log) m_options.log("lsd: " + heard->peer.ToString() + " announced itself on the local network");
        for (const auto& callback : callbacks) callback({heard->peer});
    }

    void Run() {
        std::unique_lock lock(m_mutex);
        while (!m_stop) {
            if (auto datagram = m_logic.Tick(util::SteadyNowUs()); datagram && m_socket) {
                m_socket->SendTo({LSD_GROUP, LSD_PORT}, util::Bytes(datagram->begin(), datagram->end()));
            }
            m_wake.wait_for(lock, TICK);
        }
    }

    LsdServiceOptions m_options;
    std::mutex m_stopping;  // held through Stop, so a second caller returns only once it is done
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    LocalDiscovery m_logic;
    std::map<InfoHash, PeersFn> m_callbacks;
    std::unique_ptr<netcore::UdpSocket> m_socket;
    std::thread m_ticker;
};

util::Result<std::unique_ptr<LsdService>, std::string> LsdService::Start(LsdServiceOptions options) {
    auto impl = std::make_unique<Impl>(std::move(options));
    Impl* raw = impl.get();
    auto socket = netcore::UdpSocket::OpenMulticast(
        {LSD_GROUP, LSD_PORT}, raw->m_options.interface_address, raw->m_options.ttl,
        [raw](const netcore::PeerEndpoint& from, util::ByteSpan data) { raw->OnDatagram(from, data); });
    if (!socket) return util::Fail("local discovery: " + socket.error());
    raw->m_socket = std::move(*socket);
    raw->m_ticker = std::thread([raw] { raw->Run(); });
    return std::unique_ptr<LsdService>(new LsdService(std::move(impl)));
}

LsdService::LsdService(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

LsdService::~LsdService() { Stop(); }

void LsdService::Track(const InfoHash& info_hash, PeersFn on_peers) {
    {
        std::lock_guard lock(m_impl->m_mutex);
        m_impl->m_logic.Track(info_hash);
        m_impl->m_callbacks[info_hash] = std::move(on_peers);
    }
    m_impl->m_wake.notify_all();  // announce now, not at the next tick
}

DiscoveryStats LsdService::Stats() const {
    std::lock_guard lock(m_impl->m_mutex);
    return m_impl->m_logic.Stats();
}

void LsdService::Stop() {
    std::lock_guard stopping(m_impl->m_stopping);
    {
        std::lock_guard lock(m_impl->m_mutex);
        m_impl->m_stop = true;
    }
    m_impl->m_wake.notify_all();
    if (m_impl->m_ticker.joinable()) m_impl->m_ticker.join();
    // Outside the lock: the socket's thread may be waiting for it in OnDatagram. Idempotent.
    if (m_impl->m_socket) m_impl->m_socket->Stop();
}

}  // namespace tonari::torrent::lsd
