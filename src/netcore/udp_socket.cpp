// UdpSocket over Asio: a receive loop on a dedicated io thread, sends posted onto it.
#include "netcore/udp_socket.h"

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/multicast.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <mutex>
#include <thread>

namespace tonari::netcore {
namespace {

namespace asio = boost::asio;
using asio::ip::udp;

std::string AddressText(const asio::ip::address& address) {
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
    }
    return address.to_string();
}

class UdpSocketImpl final : public UdpSocket {
public:
    UdpSocketImpl(UdpPacketHandler handler) : m_socket(m_io), m_handler(std::move(handler)) {}
    ~UdpSocketImpl() override { Stop(); }

    util::Result<void, std::string> Bind(const PeerEndpoint& local, bool broadcast = false) {
        boost::system::error_code ec;
        const auto address = asio::ip::make_address(local.address, ec);
        if (ec) return util::Fail(local.address + " is not an IP address");
        const udp::endpoint endpoint(address, local.port);
        m_socket.open(endpoint.protocol(), ec);
        if (!ec && address.is_v6()) m_socket.set_option(asio::ip::v6_only(false), ec);
        if (!ec && broadcast) m_socket.set_option(asio::socket_base::broadcast(true), ec);
        if (!ec) m_socket.bind(endpoint, ec);
        if (ec) return util::Fail("cannot bind UDP " + local.ToString() + ": " + ec.message());
        // Room for bursts: a session sending a file can land thousands of datagrams between two
        // reads (the kernel caps this at net.core.rmem_max / wmem_max).
        m_socket.set_option(udp::socket::receive_buffer_size(UDP_SOCKET_BUFFER_BYTES), ec);
        m_socket.set_option(udp::socket::send_buffer_size(UDP_SOCKET_BUFFER_BYTES), ec);
        ec.clear();
        m_v6 = address.is_v6();
        const auto bound = m_socket.local_endpoint(ec);
        m_local = PeerEndpoint{AddressText(bound.address()), bound.port()};
        Receive();
        m_thread = std::thread([this] { m_io.run(); });
        return {};
    }

    util::Result<void, std::string> Join(const PeerEndpoint& group, const std::string& interface_address, int ttl) {
        boost::system::error_code ec;
        const auto group_address = asio::ip::make_address(group.address, ec);
        if (ec || !group_address.is_v4() || !group_address.is_multicast()) {
            return util::Fail(group.address + " is not an IPv4 multicast group");
        }
        const auto local = asio::ip::make_address_v4(interface_address, ec);
        if (ec) return util::Fail(interface_address + " is not an IPv4 address");
        const udp::endpoint endpoint(asio::ip::address_v4::any(), group.port);
        m_socket.open(endpoint.protocol(), ec);
        if (!ec) m_socket.set_option(udp::socket::reuse_address(true), ec);
        if (!ec) m_socket.bind(endpoint, ec);
        if (!ec) m_socket.set_option(asio::ip::multicast::join_group(group_address.to_v4(), local), ec);
        if (!ec) m_socket.set_option(asio::ip::multicast::enable_loopback(true), ec);
        if (!ec) m_socket.set_option(asio::ip::multicast::hops(ttl), ec);
        if (!ec && !local.is_unspecified()) m_socket.set_option(asio::ip::multicast::outbound_interface(local), ec);
        if (ec) return util::Fail("cannot join multicast group " + group.ToString() + " on " + interface_address + ": " + ec.message());
        m_local = PeerEndpoint{interface_address, group.port};
        Receive();
        m_thread = std::thread([this] { m_io.run(); });
        return {};
    }

    PeerEndpoint LocalEndpoint() const override { return m_local; }

    bool SendTo(const PeerEndpoint& to, util::Bytes data) override {
        boost::system::error_code ec;
        auto address = asio::ip::make_address(to.address, ec);
        if (ec) return false;
        if (m_v6 && address.is_v4()) address = asio::ip::make_address_v6(asio::ip::v4_mapped, address.to_v4());
        if (!m_v6 && address.is_v6()) return false;
        std::lock_guard lock(m_mutex);
        if (m_stopped) return false;
        asio::post(m_io, [this, target = udp::endpoint(address, to.port), data = std::move(data)]() mutable {
            auto owned = std::make_shared<util::Bytes>(std::move(data));
            m_socket.async_send_to(asio::buffer(*owned), target, [owned](const boost::system::error_code&, size_t) {});
        });
        return true;
    }

    void Stop() override {
        {
            std::lock_guard lock(m_mutex);
            if (m_stopped) return;
            m_stopped = true;
        }
        asio::post(m_io, [this] {
            boost::system::error_code ignored;
            m_socket.close(ignored);
        });
        if (m_thread.joinable()) m_thread.join();
    }

private:
    void Receive() {
        m_socket.async_receive_from(asio::buffer(m_buffer), m_from, [this](const boost::system::error_code& ec, size_t n) {
            if (ec == asio::error::operation_aborted || !m_socket.is_open()) return;
            // A datagram filling the buffer was probably cut short: not worth reading.
            if (!ec && n < m_buffer.size()) {
                m_handler(PeerEndpoint{AddressText(m_from.address()), m_from.port()}, util::ByteSpan(m_buffer.data(), n));
            }
            Receive();
        });
    }

    asio::io_context m_io;
    udp::socket m_socket;
    UdpPacketHandler m_handler;
    std::array<uint8_t, MAX_UDP_PACKET + 1> m_buffer{};
    udp::endpoint m_from;
    PeerEndpoint m_local;
    bool m_v6 = false;
    std::mutex m_mutex;
    bool m_stopped = false;
    std::thread m_thread;
};

}  // namespace

util::Result<std::unique_ptr<UdpSocket>, std::string> UdpSocket::Open(const PeerEndpoint& local, UdpPacketHandler on_packet,
                                                                   bool broadcast) {
    auto socket = std::make_unique<UdpSocketImpl>(std::move(on_packet));
    if (auto bound = socket->Bind(local, broadcast); !bound) return util::Fail(bound.error());
    return std::unique_ptr<UdpSocket>(std::move(socket));
}

util::Result<std::unique_ptr<UdpSocket>, std::string> UdpSocket::OpenMulticast(const PeerEndpoint& group,
                                                                               const std::string& interface_address,
                                                                               int ttl, UdpPacketHandler on_packet) {
    auto socket = std::make_unique<UdpSocketImpl>(std::move(on_packet));
    if (auto joined = socket->Join(group, interface_address, ttl); !joined) return util::Fail(joined.error());
    return std::unique_ptr<UdpSocket>(std::move(socket));
}

util::Result<std::vector<std::string>, std::string> ResolveHost(const std::string& host, std::chrono::milliseconds timeout) {
    boost::system::error_code ec;
    const auto literal = asio::ip::make_address(host, ec);
    if (!ec) return std::vector<std::string>{AddressText(literal)};
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    std::vector<std::string> out;
    bool done = false;
    resolver.async_resolve(host, "0", [&](const boost::system::error_code& e, asio::ip::tcp::resolver::results_type r) {
        ec = e;
        for (const auto& entry : r) out.push_back(AddressText(entry.endpoint().address()));
        done = true;
    });
    io.run_for(timeout);
    if (!done) return util::Fail("timed out resolving " + host);
    if (ec) return util::Fail("cannot resolve " + host + ": " + ec.message());
    if (out.empty()) return util::Fail(host + " has no addresses");
    return out;
}

}  // namespace tonari::netcore
