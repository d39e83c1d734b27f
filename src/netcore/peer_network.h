// PeerNetwork: the generic peer-connection runtime. It listens, dials, and moves
// length-prefixed frames over TCP for any protocol (Bitcoin now, BitTorrent and Tox later):
// the protocol says how long a header is and how to read the payload length from it
// (FrameFormat); netcore knows nothing else about the bytes.
// Ownership: Start returns the only owner; events are delivered to a PeerNetworkEvents that
// must outlive the network. Every connection is owned by the network and closed by Stop.
// Threading: one io thread owns every socket and delivers every event. Connect, Send,
// FrameDone, Disconnect, Stats and NetworkStats are thread-safe (also callable from an event).
// Stop must not be called from an event (it joins the io thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "netcore/stream_handshake.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::netcore {

using ConnectionId = uint64_t;

struct PeerEndpoint {
    std::string address;  // IP literal, or a host name for Connect
    uint16_t port = 0;
    // "1.2.3.4:5", "[::1]:5"
    std::string ToString() const;
    // The reverse, also for host names: "1.2.3.4:5", "[::1]:5", "host:5"; none without a port
    // in 1..65535.
    static std::optional<PeerEndpoint> Parse(std::string_view text);
    bool operator==(const PeerEndpoint&) const = default;
};

struct FrameFormat {
    size_t header_size = 0;  // must be > 0
    // Reads the payload length from a complete header, or an error text (bad magic, oversized
    // length…) after which the connection is closed BEFORE any payload buffer is allocated:
    // this is where a protocol caps the allocation a header can ask for.
    std::function<util::Result<size_t, std::string>(util::ByteSpan header)> payload_length;
};

// The longest PeerNetworkOptions::send_delay (a test hook): a mistyped value must not hold every
// frame, and the memory behind it, for hours.
inline constexpr std::chrono::milliseconds MAX_SEND_DELAY{10'000};

// The defaults below are Bitcoin Core's where it has one; each defends against a hostile peer.
struct PeerNetworkOptions {
    std::vector<PeerEndpoint> listen;  // IP literals; empty: no listening
    // Connection slots. Inbound beyond max_inbound is accepted then closed at once (a peer
    // cannot exhaust descriptors or memory by opening sockets); counted in the stats.
    size_t max_inbound = 115;
    // Outbound dials in progress hold a slot too.
    size_t max_outbound = 11;
    FrameFormat format;
    // Per connection: a peer that never reads cannot make us buffer without bound; a Send
    // that would take the queue past this disconnects it ("send queue full"). A frame bigger
    // than the limit is still accepted into an empty queue.
    size_t max_send_queue_bytes = 16 << 20;
    // Per connection: the reader pauses while the payload bytes handed up in OnFrame and not
    // yet released with FrameDone exceed this, so a fast peer cannot flood a slow node's
    // processing queue; TCP flow control then slows the peer.
    size_t max_unprocessed_bytes = 8 << 20;
    std::chrono::milliseconds connect_timeout{5000};  // resolve + connect
    // A single write that makes no progress this long disconnects (a peer that stops reading).
    std::chrono::milliseconds write_timeout{60000};
    // Nothing received this long disconnects (idle or dead peers holding a slot).
    std::chrono::milliseconds inactivity_timeout{20 * 60 * 1000};
    // Token bucket on received bytes; the reader waits for tokens (bandwidth exhaustion).
    // rate 0 = unlimited; burst 0 = one second's worth.
    double recv_rate_bytes_per_sec = 0;
    double recv_burst_bytes = 0;
    // Token buckets shared by every connection: what a user's download and upload limits
    // mean (--max-down, --max-up). Readers wait for receive tokens, writers for send tokens
    // before each write; 0 = unlimited; the burst is one second's worth.
    double total_recv_rate_bytes_per_sec = 0;
    double total_send_rate_bytes_per_sec = 0;
    // Ban hook, called on the io thread with an IP text ("1.2.3.4", "::1"), and for Connect
    // also with the address as given: a banned inbound peer is closed at accept, an outbound
    // dial is refused. Empty: nobody is banned.
    std::function<bool(const std::string& address)> is_banned;
    // Optional: a StreamHandshake run on each connection before framing (stream encryption).
    // Called on the io thread with (inbound, the Connect tag or 0, the remote address); a null
    // answer means plain framing from the first byte. OnConnected comes only once it is done;
    // an inbound connection holds its slot meanwhile; an outbound one that fails is dialled
    // again without it when the handshake says RetryPlain, else reported by OnConnectFailed.
    std::function<std::unique_ptr<StreamHandshake>(bool inbound, uint64_t tag, const PeerEndpoint& remote)>
        stream_handshake;
    // A stream handshake not complete this long after the connection closes it (a peer that
    // opens connections and stalls them to hold our slots and DH work).
    std::chrono::milliseconds handshake_timeout{10000};
    // Test hook: every frame handed to Send leaves this long later, in order, as if each link
    // had this one-way latency (so real processes on loopback can be set against the simulator,
    // whose links are given the same delay). Zero: frames leave at once.
    std::chrono::milliseconds send_delay{0};
};

struct ConnectionInfo {
    ConnectionId id = 0;
    bool inbound = false;
    PeerEndpoint remote;  // the IP actually connected, also for a Connect by host name
    PeerEndpoint local;
    std::string transport = "plaintext";  // what the stream handshake chose ("rc4"…)
    util::Bytes session_id{};             // the stream handshake's session id; empty: none
};

// Called on the network's io thread; must not block (post real work elsewhere) and must not
// throw (an exception is caught, counted in PeerNetworkStats::handler_errors and dropped).
class PeerNetworkEvents {
public:
    virtual ~PeerNetworkEvents() = default;
    // tag: 0 for inbound; Connect's tag for outbound. Before any OnFrame of that id.
    virtual void OnConnected(const ConnectionInfo& info, uint64_t tag) = 0;
    // Exactly one of OnConnected / OnConnectFailed per Connect made before Stop.
    virtual void OnConnectFailed(const PeerEndpoint& remote, uint64_t tag, const std::string& reason) = 0;
    // One complete frame; release it with FrameDone(id, payload.size()) once processed.
    virtual void OnFrame(ConnectionId id, util::Bytes header, util::Bytes payload) = 0;
    // Exactly once per OnConnected, last event of that id. reason: the first cause seen.
    virtual void OnDisconnected(ConnectionId id, const std::string& reason) = 0;
    // A stream handshake failed: an inbound connection (closed, never reported otherwise), or
    // an outbound one about to be dialled again in plain (RetryPlain). For the logs.
    virtual void OnStreamHandshakeFailed(const PeerEndpoint& remote, bool inbound, const std::string& reason) {
        (void)remote;
        (void)inbound;
        (void)reason;
    }
};

struct PeerNetworkStats {
    uint64_t accepted = 0;           // inbound connections given a slot
    uint64_t rejected_slots = 0;     // inbound closed at accept: no free slot
    uint64_t rejected_banned = 0;    // inbound closed at accept: is_banned
    uint64_t outbound_connected = 0;
    uint64_t connect_failed = 0;     // OnConnectFailed deliveries
    uint64_t disconnected = 0;       // OnDisconnected deliveries
    uint64_t handler_errors = 0;     // exceptions thrown by PeerNetworkEvents handlers
    uint64_t handshake_failed = 0;   // stream handshakes that failed or timed out (both ways)
    uint64_t plain_retries = 0;      // outbound dials repeated without the stream handshake
    size_t inbound = 0;              // connections now open
    size_t outbound = 0;
    size_t connecting = 0;           // outbound dials in progress (stream handshake included)
    size_t handshaking = 0;          // inbound connections in their stream handshake
};

struct ConnectionStats {
    uint64_t bytes_sent = 0;
    uint64_t bytes_received = 0;
    uint64_t frames_received = 0;
    int64_t connected_at_unix = 0;
    int64_t last_send_unix = 0;  // 0: never
    int64_t last_recv_unix = 0;
    size_t send_queue_bytes = 0;   // queued or being written
    size_t unprocessed_bytes = 0;  // handed up, not yet released with FrameDone
    bool recv_paused = false;      // reader waiting for FrameDone
};

class PeerNetwork {
public:
    // Checks the options, binds every listen endpoint (an error if any fails) and starts the
    // io thread.
    static util::Result<std::unique_ptr<PeerNetwork>, std::string> Start(PeerNetworkOptions options,
                                                                          PeerNetworkEvents& events);
    virtual ~PeerNetwork() = default;

    // The endpoints actually bound, with the ports the system chose for port 0.
    virtual std::vector<PeerEndpoint> ListenEndpoints() const = 0;
    // Asynchronous; the answer is OnConnected or OnConnectFailed (out of outbound slots,
    // banned, timeout, refused, stopping). Resolves host names. Ignored after Stop.
    virtual void Connect(const PeerEndpoint& remote, uint64_t tag) = 0;
    // Looks a host name up (A and AAAA records) on the io thread; `done` runs there with the
    // addresses as text, or with none and the error. Ignored after Stop (then `done` may never
    // run). Used for DNS seeds, whose answers are addresses of peers, not peers to dial.
    using ResolveHandler = std::function<void(std::vector<std::string> addresses, std::string error)>;
    virtual void Resolve(const std::string& host, uint16_t port, ResolveHandler done) = 0;
    // Queues one complete frame (header included). False if the id is unknown or closing, or
    // if the frame would overflow max_send_queue_bytes (the connection is then closed).
    virtual bool Send(ConnectionId id, util::Bytes frame) = 0;
    // The consumer finished with one frame whose payload had this size (flow control).
    virtual void FrameDone(ConnectionId id, size_t payload_bytes) = 0;
    // Closes the connection; frames still queued may be dropped. No-op for an unknown id.
    virtual void Disconnect(ConnectionId id, const std::string& reason) = 0;
    virtual std::optional<ConnectionStats> Stats(ConnectionId id) const = 0;
    virtual PeerNetworkStats NetworkStats() const = 0;
    // Closes listeners, dials and connections, delivers every OnConnectFailed/OnDisconnected
    // still due, and joins the io thread. Idempotent; the destructor calls it.
    virtual void Stop() = 0;
};

}  // namespace tonari::netcore
