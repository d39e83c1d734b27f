// Peer: everything the protocol logic remembers about one connection — the handshake, what
// the peer has told us it prefers (headers announcements, wtxid relay, fee filter, compact
// blocks), what it knows (so nothing is announced twice), what we asked it for and when, and
// ping latency. A plain struct owned by the PeerManager, touched only on the validation strand.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "bitcoin/chain/block_index.h"
#include "bitcoin/p2p/headers_presync.h"
#include "bitcoin/p2p/known_set.h"
#include "bitcoin/p2p/partial_block.h"
#include "bitcoin/primitives/ids.h"
#include "bitcoin/wire/net_address.h"
#include "netcore/peer_network.h"
#include "netcore/token_bucket.h"

namespace tonari::bitcoin::p2p {

using PeerId = netcore::ConnectionId;

enum class ConnectionType {
    Inbound,
    OutboundFullRelay,  // from the address manager: blocks, transactions and addresses
    BlockRelayOnly,     // from the address manager: blocks only (harder to map the network)
    Manual,             // -connect / -addnode / addnode RPC
};
const char* ToString(ConnectionType type);

struct Peer {
    PeerId id = 0;
    ConnectionType type = ConnectionType::Inbound;
    netcore::PeerEndpoint remote;
    netcore::PeerEndpoint local;
    std::optional<wire::NetAddress> address;  // remote as a protocol address, when it parses
    int64_t connected_at = 0;                  // unix seconds
    int64_t connected_us = 0;
    uint64_t keyed_netgroup = 0;               // eviction: NetGroup under our secret key
    int64_t last_block_us = 0;                 // eviction: last new valid block it gave us
    int64_t last_tx_us = 0;                    // eviction: last transaction of its we accepted
    bool v2 = false;                           // BIP324 encrypted transport
    util::Bytes session_id;                    // BIP324's session id; empty in v1

    // ---- handshake ----
    bool version_received = false;
    bool verack_received = false;
    bool disconnecting = false;
    int unknown_messages = 0;        // messages ignored (unknown or out of order)
    int32_t version = 0;
    uint64_t services = 0;
    std::string user_agent;
    int32_t start_height = 0;
    bool relay_txs = false;          // version's relay flag (and not block-relay-only)
    bool wtxid_relay = false;        // sent wtxidrelay before verack
    bool wants_addrv2 = false;       // sent sendaddrv2 before verack
    bool prefers_headers = false;    // sent sendheaders
    bool compact_high_bandwidth = false;  // it sent sendcmpct(1, 2): we push cmpctblock unasked
    bool supports_compact = false;        // sendcmpct version 2 seen
    bool compact_hb_to = false;           // we sent it sendcmpct(1, 2): it pushes to us
    int64_t fee_filter = 0;          // sat/kvB; inventory below it is not announced

    // ---- ping ----
    uint64_t ping_nonce = 0;         // 0: none outstanding
    int64_t ping_sent_us = 0;
    int64_t next_ping_us = 0;
    std::optional<int64_t> last_ping_us;
    std::optional<int64_t> min_ping_us;

    // ---- headers and blocks ----
    const chain::BlockIndex* best_known = nullptr;     // best block we know the peer has
    const chain::BlockIndex* last_common = nullptr;    // last block we share (download cursor)
    std::optional<primitives::BlockHash> last_unknown;  // announced but header not yet known
    bool sync_started = false;        // initial getheaders sent
    int64_t headers_requested_us = 0;  // 0: no getheaders outstanding
    int unconnecting_headers = 0;
    std::unique_ptr<HeadersPresync> presync;  // its low-work headers being proven before storing
    std::map<primitives::BlockHash, int64_t> blocks_in_flight;  // hash -> requested at (us)
    int64_t stalling_since_us = 0;     // 0: not blocking the download window
    const chain::BlockIndex* best_announced = nullptr;  // our blocks it has heard of from us
    // Outbound eviction (PeerManager::ConsiderEviction): when it must have caught up with
    // chain_sync_work (0: not behind), whether the last-chance getheaders went, and whether it
    // is one of the few outbound peers kept whatever their chain.
    int64_t chain_sync_timeout_us = 0;
    const chain::BlockIndex* chain_sync_work = nullptr;
    bool chain_sync_sent_getheaders = false;
    bool chain_sync_protected = false;
    // The compact block from this peer waiting for its blocktxn; one at a time, so a peer
    // cannot make us hold many half-built blocks.
    std::unique_ptr<PartialBlock> partial_block;

    // ---- transactions ----
    KnownSet known_txs{MAX_KNOWN_TX_PER_PEER};         // wtxids (or txids) it has or we sent
    std::set<util::Uint256> tx_to_announce;            // pending, sent at the next trickle
    int64_t next_trickle_us = 0;
    std::map<util::Uint256, int64_t> txs_requested;    // hash -> requested at (us)

    // ---- traffic, per message type (getpeerinfo); unknown commands share one key ----
    std::map<std::string, uint64_t, std::less<>> bytes_sent_per_msg;
    std::map<std::string, uint64_t, std::less<>> bytes_recv_per_msg;

    // ---- addresses ----
    KnownSet known_addrs{MAX_KNOWN_ADDR_PER_PEER};
    std::vector<wire::AddrEntry> addr_to_send;
    netcore::TokenBucket addr_tokens{0.1, 1000};  // Core: 1 address per 10 s, burst 1000
    bool getaddr_answered = false;
    bool getaddr_sent = false;
    int64_t next_addr_send_us = 0;

    // Bounded memory per peer: sets of hashes we remember it knows.
    static constexpr size_t MAX_KNOWN_TX_PER_PEER = 50'000;
    static constexpr size_t MAX_KNOWN_ADDR_PER_PEER = 5'000;

    bool HandshakeDone() const { return version_received && verack_received && !disconnecting; }
    bool IsInbound() const { return type == ConnectionType::Inbound; }
    bool RelaysTxs() const { return relay_txs && type != ConnectionType::BlockRelayOnly; }
};

}  // namespace tonari::bitcoin::p2p
