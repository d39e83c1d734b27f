// UdpSocket: one bound UDP socket with its own io thread, for the datagram protocols (the
// BitTorrent UDP tracker protocol, the DHT, and local service discovery over multicast). Packets arrive on a callback on the io
// thread; SendTo may be called from any thread. Datagrams larger than MAX_UDP_PACKET are
// truncated by the kernel and dropped here. Asio stays inside the .cpp.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "netcore/peer_network.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::netcore {

// Nothing the node speaks over UDP needs more; a larger datagram is junk.
inline constexpr size_t MAX_UDP_PACKET = 2048;
// Kernel buffers asked for each way (c-toxcore asks for 2 MiB).
inline constexpr int UDP_SOCKET_BUFFER_BYTES = 4 << 20;

using UdpPacketHandler = std::function<void(const PeerEndpoint& from, util::ByteSpan data)>;

class UdpSocket {
public:
    // Binds `local` ("0.0.0.0" or "::" with port 0 for any free port; "::" takes IPv4 too).
    // `broadcast`: SendTo may target broadcast addresses (SO_BROADCAST), for LAN discovery.
    static util::Result<std::unique_ptr<UdpSocket>, std::string> Open(const PeerEndpoint& local, UdpPacketHandler on_packet,
                                                                      bool broadcast = false);
    // A member of the IPv4 multicast `group` (address and port): bound to 0.0.0.0 at the group's
    // port and shared (SO_REUSEADDR), so every process on the host that joins hears the group;
    // joined, and sending, on the interface whose address is `interface_address` ("0.0.0.0": the
    // kernel's choice), with multicast loopback on (processes on one host hear each other) and
    // `ttl` hops. SendTo(group) multicasts.
    static util::Result<std::unique_ptr<UdpSocket>, std::string> OpenMulticast(const PeerEndpoint& group,
                                                                               const std::string& interface_address,
                                                                               int ttl, UdpPacketHandler on_packet);
    virtual ~UdpSocket() = default;

    virtual PeerEndpoint LocalEndpoint() const = 0;
    // `to.address` must be an IP literal. Best effort, as UDP is: false if it could not be queued.
    virtual bool SendTo(const PeerEndpoint& to, util::Bytes data) = 0;
    // Closes the socket and joins the io thread; no callback runs after it returns. Idempotent.
    virtual void Stop() = 0;
};

// Resolves a host name (or passes an IP literal through) to IP literals, blocking for at most
// `timeout`. An empty list with the reason when it fails.
util::Result<std::vector<std::string>, std::string> ResolveHost(const std::string& host, std::chrono::milliseconds timeout);

}  // namespace tonari::netcore
