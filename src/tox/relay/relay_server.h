// RelayServer: a Tox TCP relay (spec "TCP server"), what `tonari chat bootstrap --tcp-relay-port`
// runs, so that people whose UDP is blocked still reach their friends. Clients prove their key
// in the handshake and confirm it with their first sealed packet; two clients are linked only
// when each has asked for the other (nobody can probe who is connected); OOB packets go to a
// key blind; onion requests enter the onion as its first hop and their responses come back.
// A client that stops reading has relayed data dropped, not queued (net_crypto resends), and
// is cut off if even its control packets pile up. Thread-safe; callbacks run on the network's
// thread without the server's lock held.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tox/relay/relay_protocol.h"
#include "util/result.h"

namespace tonari::tox::relay {

// Confirmed clients at once (each can hold 240 links): a flood of connections cannot take
// more descriptors and memory than this.
inline constexpr size_t MAX_RELAY_CLIENTS = 512;
// A client that has not sent its first sealed packet this long after connecting is dropped
// (a handshake-and-vanish flood holding slots).
inline constexpr int64_t CONFIRM_TIMEOUT_US = 10'000'000;
// Relayed data and OOB packets for a client whose unsent queue is past this are dropped: a
// client that never reads cannot make the relay buffer its friends' traffic.
inline constexpr size_t RELAY_SOFT_QUEUE_BYTES = 256 * 1024;
// …and a client whose queue passes this (its own pings answered, notifications) is cut off:
// 512 clients that never read hold 512 MiB at most.
inline constexpr size_t RELAY_HARD_QUEUE_BYTES = 1024 * 1024;

struct RelayServerOptions {
    std::vector<netcore::PeerEndpoint> listen;
    crypto::BoxKeyPair keys;  // the node's DHT keys: clients know the relay by them
    // An onion request from client `client` (the packet after its kind byte: nonce, plain
    // first layer). Empty: onion requests are ignored.
    std::function<void(uint64_t client, util::ByteSpan request)> on_onion;
    std::function<void(const std::string&)> log;
};

struct RelayServerStats {
    size_t clients = 0;  // confirmed
    size_t links = 0;    // linked both ways (counted once per side)
    uint64_t relayed = 0;
    uint64_t oob_relayed = 0;
    uint64_t onion_requests = 0;
    uint64_t dropped = 0;      // relayed packets dropped at a full queue, or with no link
    uint64_t disconnected = 0;  // clients cut off: a protocol violation, a timeout, never reading
};

class RelayServer {
public:
    static util::Result<std::unique_ptr<RelayServer>, std::string> Start(RelayServerOptions options);
    ~RelayServer();

    std::vector<netcore::PeerEndpoint> ListenEndpoints() const;
    // An onion response for a client (a packet starting 0x84 or 0x86): sent as ONION_RESPONSE.
    void SendOnionResponse(uint64_t client, util::ByteSpan response);
    RelayServerStats Stats() const;
    // Closes every connection and joins the threads. Idempotent; the destructor calls it.
    void Stop();

    class Impl;

private:
    explicit RelayServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace tonari::tox::relay
