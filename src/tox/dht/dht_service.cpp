// DhtService: the node under a mutex, fed by the UDP socket and a ticker thread.
#include "tox/dht/dht_service.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "crypto/random.h"
#include "netcore/local_interfaces.h"
#include "netcore/udp_socket.h"
#include "util/hex.h"
#include "util/parse.h"
#include "util/steady_clock.h"

namespace tonari::tox::dht {
namespace {

constexpr auto TICK = std::chrono::milliseconds(50);
constexpr auto RESOLVE_TIMEOUT = std::chrono::seconds(5);

}  // namespace

std::vector<uint16_t> LanDiscoveryPorts(uint16_t& next) {
    if (next <= TOX_PORT_RANGE_FIRST || next >= TOX_PORT_RANGE_LAST) next = TOX_PORT_RANGE_FIRST + 1;
    std::vector<uint16_t> ports{TOX_PORT_RANGE_FIRST};
    const uint16_t last = static_cast<uint16_t>(std::min<int>(next + LAN_DISCOVERY_PORTS_PER_ROUND, TOX_PORT_RANGE_LAST));
    for (uint16_t p = next; p < last; ++p) ports.push_back(p);
    next = last;
    return ports;
}

util::Result<BootstrapNode, std::string> ParseBootstrapNode(const std::string& text) {
    const auto key_colon = text.rfind(':');
    if (key_colon == std::string::npos) return util::Fail("'" + text + "' is not HOST:PORT:KEY");
    const std::string key_hex = text.substr(key_colon + 1);
    const auto port_colon = text.rfind(':', key_colon == 0 ? 0 : key_colon - 1);
    if (port_colon == std::string::npos || port_colon == 0) return util::Fail("'" + text + "' is not HOST:PORT:KEY");
    BootstrapNode node;
    node.host = text.substr(0, port_colon);
    if (node.host.size() > 2 && node.host.front() == '[' && node.host.back() == ']') {
        node.host = node.host.substr(1, node.host.size() - 2);
    }
    const std::string port = text.substr(port_colon + 1, key_colon - port_colon - 1);
    const auto port_value = util::ToIntegral<uint16_t>(port);
    if (!port_value || *port_value == 0) return util::Fail("bad port '" + port + "' in '" + text + "'");
    node.port = *port_value;
    const auto key = util::HexDecode(key_hex);
    if (!key || key->size() != crypto::BOX_KEY_SIZE) {
        return util::Fail("the key in '" + text + "' is not 64 hex digits");
    }
    node.public_key = *PublicKey::FromBytes(*key);
    return node;
}

util::Result<std::vector<BootstrapNode>, std::string> ParseBootstrapNodes(const std::vector<std::string>& texts) {
    std::vector<BootstrapNode> nodes;
    for (const auto& t : texts) {
        auto node = ParseBootstrapNode(t);
        if (!node) return util::Fail(node.error());
        nodes.push_back(std::move(*node));
    }
    return nodes;
}

class DhtService::Impl {
public:
    explicit Impl(DhtServiceOptions options) : m_options(std::move(options)) {
        if (!m_options.log) m_options.log = [](const std::string&) {};
        m_node = std::make_unique<DhtNode>(
            m_options.keys, [this](const netcore::PeerEndpoint& to, util::Bytes d) { SendLocked(to, std::move(d)); },
            crypto::RandomU64(), m_options.log);
        if (m_options.serve_bootstrap_info) m_node->SetBootstrapInfo(m_options.info_version, m_options.motd);
        m_node->SetLanDiscovery(m_options.lan_discovery);
        for (const auto& make : m_options.extensions) m_extensions.push_back(make(*m_node));
    }

    util::Result<void, std::string> Open() {
        if (!m_options.udp) {
            m_ticker = std::thread([this] { Run(); });
            return {};
        }
        auto socket = netcore::UdpSocket::Open(m_options.bind, [this](const netcore::PeerEndpoint& from, util::ByteSpan data) {
            std::lock_guard lock(m_mutex);
            if (!m_stopping && m_socket) m_node->OnPacket(from, data, util::SteadyNowUs());
        }, m_options.lan_discovery);
        if (!socket) return util::Fail("Tox DHT: cannot open UDP " + m_options.bind.ToString() + ": " + socket.error());
        {
            std::lock_guard lock(m_mutex);
            m_socket = std::move(*socket);
        }
        m_ticker = std::thread([this] { Run(); });
        return {};
    }

    void SendLocked(const netcore::PeerEndpoint& to, util::Bytes datagram) {
        if (m_socket) m_socket->SendTo(to, std::move(datagram));
    }

    void Run() {
        // Names are resolved outside the lock: a slow resolver must not stall the packets.
        std::vector<NodeInfo> bootstrap = m_options.saved_nodes;
        for (const auto& b : m_options.bootstrap) {
            auto addresses = netcore::ResolveHost(b.host, RESOLVE_TIMEOUT);
            if (!addresses) {
                m_options.log("tox dht: cannot resolve bootstrap node " + b.host + ": " + addresses.error());
                continue;
            }
            for (const auto& a : *addresses) {
                // The socket speaks one family; an address of the other is unreachable from it.
                const bool v6_socket = m_options.bind.address.find(':') != std::string::npos;
                if (!v6_socket && a.find(':') != std::string::npos) continue;
                bootstrap.push_back({.tcp = false, .endpoint = {a, b.port}, .public_key = b.public_key});
            }
        }
        std::unique_lock lock(m_mutex);
        for (const auto& b : bootstrap) m_node->Bootstrap(b, util::SteadyNowUs());
        int64_t last_discovery_us = 0;
        uint16_t next_lan_port = 0;
        while (!m_stopping) {
            const int64_t now_us = util::SteadyNowUs();
            m_node->Tick(now_us);
            if (m_options.lan_discovery && m_socket &&
                (last_discovery_us == 0 || now_us - last_discovery_us >= LAN_DISCOVERY_INTERVAL_US)) {
                last_discovery_us = now_us;
                SendLanDiscoveryLocked(next_lan_port);
            }
            m_wake.wait_for(lock, TICK, [this] { return m_stopping; });
        }
    }

    // To every interface's broadcast address, the limited broadcast address, and the loopback
    // network's (clients on this machine find each other with no network at all); from an IPv6
    // socket also to every node on the link (ff02::1), as c-toxcore does.
    void SendLanDiscoveryLocked(uint16_t& next_port) {
        std::vector<std::string> targets = netcore::InterfaceBroadcastAddresses();
        for (const char* a : {"255.255.255.255", "127.255.255.255"}) {
            if (std::find(targets.begin(), targets.end(), a) == targets.end()) targets.emplace_back(a);
        }
        if (m_options.bind.address.find(':') != std::string::npos) targets.emplace_back("ff02::1");
        const util::Bytes packet = m_node->LanDiscoveryPacket();
        for (uint16_t port : LanDiscoveryPorts(next_port)) {
            for (const auto& address : targets) m_socket->SendTo({address, port}, packet);
        }
    }

    void Stop() {
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping) return;
            m_stopping = true;
        }
        m_wake.notify_all();
        if (m_ticker.joinable()) m_ticker.join();
        std::unique_ptr<netcore::UdpSocket> socket;
        {
            std::lock_guard lock(m_mutex);
            socket = std::move(m_socket);
        }
        if (socket) socket->Stop();
    }

    DhtServiceOptions m_options;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::unique_ptr<DhtNode> m_node;
    std::vector<std::shared_ptr<void>> m_extensions;  // after m_node: destroyed before it
    std::unique_ptr<netcore::UdpSocket> m_socket;
    std::thread m_ticker;
    bool m_stopping = false;
};

util::Result<std::unique_ptr<DhtService>, std::string> DhtService::Start(DhtServiceOptions options) {
    auto impl = std::make_unique<Impl>(std::move(options));
    if (auto opened = impl->Open(); !opened) return util::Fail(opened.error());
    return std::unique_ptr<DhtService>(new DhtService(std::move(impl)));
}

DhtService::DhtService(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
DhtService::~DhtService() { Stop(); }

netcore::PeerEndpoint DhtService::LocalEndpoint() const {
    std::lock_guard lock(m_impl->m_mutex);
    return m_impl->m_socket ? m_impl->m_socket->LocalEndpoint() : netcore::PeerEndpoint{};
}

PublicKey DhtService::SelfKey() const { return m_impl->m_options.keys.public_key; }

DhtStats DhtService::Stats() const {
    std::lock_guard lock(m_impl->m_mutex);
    return m_impl->m_node->Stats();
}

std::vector<NodeInfo> DhtService::KnownNodes() const {
    std::lock_guard lock(m_impl->m_mutex);
    return m_impl->m_node->KnownNodes();
}

void DhtService::WithNode(const std::function<void(DhtNode&, int64_t)>& f) {
    std::lock_guard lock(m_impl->m_mutex);
    f(*m_impl->m_node, util::SteadyNowUs());
}

void DhtService::Stop() { m_impl->Stop(); }

}  // namespace tonari::tox::dht
