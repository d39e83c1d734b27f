// RelayClients: our side of Tox TCP relays (spec "TCP client", "TCP connections"). It keeps
// connections to a few relays (the ones the user named, and the ones friends said they use),
// asks each for a link to every peer we want, and carries packets to a peer over a linked relay,
// or blind as OOB while no link is up (net_crypto's set-up fits). What arrives for us — linked
// data, OOB packets, onion responses — goes to callbacks. Dropped relays are dialled again with
// back-off. Thread-safe; callbacks run on the network's thread without the lock held.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tox/relay/relay_protocol.h"
#include "tox/wire/node_info.h"
#include "util/result.h"

namespace tonari::tox::relay {

// Relays we keep at once: a friend naming many relays cannot make us dial them all.
inline constexpr size_t MAX_RELAYS = 8;
// Peers we ask relays to link us to (c-toxcore allows 240 per relay): bounded by our friends.
inline constexpr size_t MAX_WANTED_PEERS = MAX_LINKS;
// A relay a friend named that failed this many dials in a row may be replaced by another.
inline constexpr int MAX_RELAY_FAILURES = 3;
// A lost relay is dialled again after 1 s, doubling to at most a minute.
inline constexpr int64_t RECONNECT_MIN_US = 1'000'000;
inline constexpr int64_t RECONNECT_MAX_US = 60'000'000;
// Our packets to a relay whose queue is past this are dropped (net_crypto resends).
inline constexpr size_t CLIENT_SOFT_QUEUE_BYTES = 256 * 1024;

struct RelayClientsOptions {
    crypto::BoxKeyPair keys;  // our DHT keys: relays and peers know us by them
    // A packet from a peer (by its DHT key), linked or OOB.
    std::function<void(const PublicKey& peer, util::ByteSpan packet)> on_packet;
    // An onion response that came back through a relay (a packet starting 0x84 or 0x86).
    std::function<void(util::ByteSpan response)> on_onion;
    std::function<void(const std::string&)> log;
};

struct RelayInfo {
    wire::NodeInfo node;
    bool connected = false;
    size_t linked = 0;  // peers linked through it now
};

class RelayClients {
public:
    static util::Result<std::unique_ptr<RelayClients>, std::string> Start(RelayClientsOptions options);
    ~RelayClients();

    // A relay to keep a connection to; `permanent` ones (the user's) are never given up.
    // Ignored beyond MAX_RELAYS or when known already.
    void AddRelay(const wire::NodeInfo& relay, bool permanent);
    // Ask every relay for a link to this peer (a friend's DHT key), or stop asking.
    void Want(const PublicKey& peer);
    void Forget(const PublicKey& peer);
    // A packet to a peer: over a linked relay, else OOB through every connected relay when it
    // fits. False when no relay took it.
    bool Send(const PublicKey& peer, util::ByteSpan packet);
    // An onion request through a connected relay, which acts as the path's first hop
    // ([nonce][first layer in plain]). False when none is connected.
    bool SendOnion(util::ByteSpan request);
    bool Linked(const PublicKey& peer) const;
    // Whether any relay is connected (cheap: asked every tick).
    bool AnyConnected() const;
    // Relays connected now, as the nodes to tell friends about (TCP entries).
    std::vector<wire::NodeInfo> ConnectedRelays() const;
    std::vector<RelayInfo> Relays() const;
    void Stop();

    class Impl;

private:
    explicit RelayClients(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace tonari::tox::relay
