// PeerManager: Bitcoin's P2P protocol over netcore connections (Bitcoin Core's
// net_processing). It performs the version handshake, keeps peers alive with pings, syncs
// headers first and then downloads blocks from several peers in parallel within a moving
// window, announces new blocks (by `headers` or `inv`) and new transactions (by trickled
// `inv`), answers `getheaders`/`getdata`/`getaddr`, gossips addresses, keeps the outbound
// connection slots filled, and disconnects (and, for non-local peers, discourages) peers that
// send invalid data.
//
// Threading: every method runs on the validation strand, the same thread that owns the
// chainstate and the mempool, so protocol code reads chain state without locks. The network
// callbacks (PeerNetworkEvents, called on netcore's io thread) only post work to the strand.
// Lifetime: stop the PeerNetwork first (no more callbacks), drain the strand, then destroy
// this object.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "bitcoin/addrman/addrman.h"
#include "bitcoin/chain/block_store.h"
#include "bitcoin/chain/chainstate.h"
#include "bitcoin/mempool/accept.h"
#include "bitcoin/mempool/orphanage.h"
#include "bitcoin/mempool/tx_mempool.h"
#include "bitcoin/p2p/ban_list.h"
#include "bitcoin/p2p/peer.h"
#include "bitcoin/p2p/seeds.h"
#include "bitcoin/wire/frame.h"
#include "bitcoin/wire/inventory.h"
#include "bitcoin/wire/protocol.h"
#include "netcore/peer_network.h"

namespace tonari::bitcoin::p2p {

// ---- limits and timings (Bitcoin Core's values unless said otherwise) ----
// Outbound connections kept open: 8 full-relay and 2 block-relay-only.
inline constexpr int MAX_OUTBOUND_FULL_RELAY = 8;
inline constexpr int MAX_BLOCK_RELAY_ONLY = 2;
// A peer that has not finished the version handshake by then is dropped: idle sockets would
// otherwise hold connection slots forever (slot exhaustion).
inline constexpr int64_t HANDSHAKE_TIMEOUT_US = 60'000'000;
inline constexpr int64_t PING_INTERVAL_US = 120'000'000;
// A ping unanswered this long means a dead or hostile peer holding a slot.
inline constexpr int64_t PING_TIMEOUT_US = 20 * 60 * 1'000'000LL;
// Blocks requested from one peer at a time: one slow peer cannot hold the whole download.
inline constexpr size_t MAX_BLOCKS_IN_TRANSIT_PER_PEER = 16;
// Blocks are fetched at most this far past the tip, so out-of-order blocks waiting for a
// missing parent stay bounded on disk and in memory.
inline constexpr int BLOCK_DOWNLOAD_WINDOW = 1024;
// A peer holding the block the window waits on this long, while the window is full and
// another peer could fetch nothing but what lies past it, is a staller and is disconnected
// (Core's rule: a peer slowly sending the one block everyone wants is not a staller). As in
// Core, each stall disconnect doubles the timeout (up to the maximum) and each block
// delivered on request shrinks it by 15% again: when our own side is slow (a busy machine, a
// thin link), peers are not dropped one after another for it.
inline constexpr int64_t BLOCK_STALLING_TIMEOUT_US = 2'000'000;
inline constexpr int64_t BLOCK_STALLING_TIMEOUT_MAX_US = 64'000'000;
// A peer that has not delivered a requested block within this is disconnected, and the block
// is asked of others.
inline constexpr int64_t BLOCK_DOWNLOAD_TIMEOUT_US = 60'000'000;
// A getheaders unanswered this long: the sync peer is replaced.
inline constexpr int64_t HEADERS_RESPONSE_TIMEOUT_US = 120'000'000;
// Core's outbound eviction (ConsiderEviction): an automatic outbound peer whose best known
// chain has less work than our tip this long is sent a getheaders, and dropped if it still has
// not caught up HEADERS_RESPONSE_TIMEOUT_US later. A peer that feeds us nothing (an eclipse
// attacker's node, or one stuck on an old chain) cannot hold an outbound slot for good.
inline constexpr int64_t CHAIN_SYNC_TIMEOUT_US = 20 * 60 * 1'000'000LL;
// Up to this many full-relay outbound peers that have had a chain as good as ours are never
// dropped for it, so a sudden run of blocks from one peer cannot make us drop all the others.
inline constexpr int MAX_OUTBOUND_PEERS_TO_PROTECT = 4;
// Headers messages that do not connect to anything we know, tolerated before the peer is
// treated as misbehaving (they are how reorgs are announced, and also a cheap spam vector).
inline constexpr int MAX_UNCONNECTING_HEADERS = 10;
// New blocks announced with `headers` rather than `inv` only when there are at most this many.
inline constexpr size_t MAX_BLOCKS_TO_ANNOUNCE = 8;
// Average trickle intervals for transaction announcements: random delays hide which peer a
// transaction came from first (spy nodes map origins by timing).
inline constexpr int64_t INBOUND_INVENTORY_INTERVAL_US = 5'000'000;
inline constexpr int64_t OUTBOUND_INVENTORY_INTERVAL_US = 2'000'000;
// Transaction announcements sent per trickle, at most.
inline constexpr size_t INVENTORY_BROADCAST_MAX = 1'000;
// Transactions requested from one peer and not yet delivered: an announcer that never
// delivers cannot make us track unbounded requests.
inline constexpr size_t MAX_PEER_TX_REQUESTS = 5'000;
inline constexpr int64_t TX_REQUEST_TIMEOUT_US = 60'000'000;
// Other peers remembered per transaction being fetched, to ask next if the first announcer
// does not deliver (it may be slow, gone, or lying to delay the transaction); bounded so a
// crowd of announcers cannot grow the table (the entries live only while a request is out).
inline constexpr size_t MAX_TX_ALTERNATES = 8;
// Recently rejected transactions remembered, so a flood of one bad transaction is not
// validated again and again (CPU exhaustion).
inline constexpr size_t RECENT_REJECTS_SIZE = 120'000;
// Addresses in one getaddr answer (Core: 1000, and at most 23% of the table).
inline constexpr size_t MAX_ADDR_TO_SEND = 1'000;
inline constexpr size_t MAX_PCT_ADDR_TO_SEND = 23;
inline constexpr int64_t ADDR_TRICKLE_INTERVAL_US = 30'000'000;
// Compact blocks (BIP152): peers asked to push new blocks to us unasked (high-bandwidth mode).
inline constexpr size_t MAX_HIGH_BANDWIDTH_PEERS = 3;
// getdata for a compact block deeper than this below the tip is answered with the full
// block: nobody reconstructs an old block from a mempool.
inline constexpr int MAX_CMPCTBLOCK_DEPTH = 5;
// getblocktxn is served only this close to the tip; deeper requests get the full block, so a
// peer cannot make us index into arbitrary old blocks transaction by transaction.
inline constexpr int MAX_BLOCKTXN_DEPTH = 10;
// BIP159: a NODE_NETWORK_LIMITED node serves at least the last 288 blocks; Core hangs up on
// a peer asking for older ones (plus two blocks of slack for a tip that just moved), so a
// peer cannot treat a pruned node as an archive.
inline constexpr int NODE_NETWORK_LIMITED_MIN_BLOCKS = 288;
inline constexpr int NODE_NETWORK_LIMITED_RACE_BLOCKS = 2;
// Inbound connections netcore accepts past the inbound limit, so the protocol layer can
// choose an existing peer to evict rather than always turning the newcomer away; beyond it
// netcore closes at accept, so a connection flood cannot pile up sockets.
inline constexpr int INBOUND_EVICTION_HEADROOM = 8;
// Interval between attempts to fill outbound slots.
inline constexpr int64_t OPEN_CONNECTIONS_INTERVAL_US = 500'000;
// Our own transactions that no peer has fetched yet are announced again this often (plus up
// to the jitter), as Core's ReattemptInitialBroadcast, and to every peer that connects.
inline constexpr int64_t UNBROADCAST_INTERVAL_US = 10 * 60 * 1'000'000LL;
inline constexpr int64_t UNBROADCAST_JITTER_US = 5 * 60 * 1'000'000LL;
// Addresses remembered as v1-only (see RememberV1Only). Only our own outbound peers enter it,
// but a node with churning addnode/seed lists must not grow it without end: full, it starts
// over (forgetting costs one v2 attempt with a fallback, nothing more).
inline constexpr size_t MAX_V1_ONLY_REMEMBERED = 1'000;

struct PeerManagerOptions {
    const consensus::ConsensusParams* params = nullptr;
    uint64_t local_services = 0;   // wire::NODE_NETWORK | wire::NODE_WITNESS
    std::string user_agent = "/Tonari:0.1.0/";
    bool relay_txs = true;          // -blocksonly=0
    int max_connections = 125;      // -maxconnections
    int max_inbound = 115;          // inbound peers kept; one more evicts somebody
    int max_outbound_full_relay = MAX_OUTBOUND_FULL_RELAY;
    int max_block_relay_only = MAX_BLOCK_RELAY_ONLY;
    bool automatic_outbound = true;       // false with -connect: only the given peers
    std::vector<netcore::PeerEndpoint> manual;  // -connect / -addnode: kept connected
    std::vector<netcore::PeerEndpoint> seeds;   // -seednode: connect once for addresses
    bool allow_local_addresses = false;   // regtest: loopback addresses are fine to gossip
    NetworkSeeds network_seeds;           // this network's DNS and fixed seeds (none on regtest)
    bool dns_seed = true;                 // -dnsseed
    bool fixed_seeds = true;              // -fixedseeds
    // -v2transport: outbound BIP324 to manual peers and to addresses advertising NODE_P2P_V2
    // (local_services should then include NODE_P2P_V2 too; the stream handshake itself is
    // the network's, chosen by the tag's TAG_TRY_V2 bit).
    bool v2transport = false;
    // Seed of every choice the manager makes at random (nonces, trickle delays, keys of its
    // eviction netgroups): set only by the simulator, whose runs must repeat exactly; unset,
    // the operating system's randomness, which a peer cannot predict.
    std::optional<uint64_t> rng_seed{};
    // The protocol version we advertise. Only the simulator lowers it, to model the network of
    // 2014 (70002: no sendheaders, compact blocks or feefilter, so blocks go by inv and getdata).
    int32_t protocol_version = wire::PROTOCOL_VERSION;
};

// Set in the PeerNetwork tag of an outbound dial that should try BIP324 first. The stream
// handshake is chosen on netcore's io thread from the tag alone, without a round trip to the
// validation strand.
inline constexpr uint64_t TAG_TRY_V2 = uint64_t{1} << 63;

// One row of getpeerinfo.
struct PeerStats {
    PeerId id = 0;
    std::string addr;
    std::string addr_local;
    ConnectionType type = ConnectionType::Inbound;
    uint64_t services = 0;
    bool relay_txs = false;
    int64_t conn_time = 0;
    int32_t version = 0;
    std::string subver;
    int32_t start_height = 0;
    int synced_headers = -1;
    int synced_blocks = -1;
    std::vector<int> inflight;
    std::optional<double> ping_time;
    std::optional<double> min_ping;
    std::optional<double> ping_wait;
    int64_t fee_filter = 0;
    bool wtxid_relay = false;
    bool bip152_hb_to = false;
    bool bip152_hb_from = false;
    bool addrv2 = false;
    bool v2 = false;            // transport_protocol_type "v2"
    util::Bytes session_id;     // BIP324's; empty in v1
    std::map<std::string, uint64_t, std::less<>> bytes_sent_per_msg;
    std::map<std::string, uint64_t, std::less<>> bytes_recv_per_msg;
    bool handshake_done = false;
};

// What the manager needs from the node, handed in rather than reached for.
// What the peer manager tells a watcher (the node's event publisher for the dashboard), on the
// validation strand; each may be empty. A peer reported connected is always reported gone.
struct PeerWatch {
    std::function<void(const Peer& peer)> connected;
    std::function<void(const Peer& peer, const std::string& reason)> disconnected;
    // A block new to us, from `peer`, just before it is processed.
    std::function<void(const primitives::BlockHash& hash, const Peer& peer)> block_from;
    // A header new to us, from `peer` (in headers or a compact block), once stored. Not during
    // the initial block download, whose thousands of headers a second would flood watchers.
    std::function<void(const chain::BlockIndex& index, const Peer& peer)> header_from;
};

struct PeerManagerDeps {
    chain::Chainstate& chain;
    const chain::BlockStore& blocks;
    mempool::MempoolAccept& accept;
    mempool::TxMempool& pool;
    addrman::AddrMan& addrman;
    BanList& bans;
    // Call after the chain may have moved (NodeStorage::ChainSettled): the mempool catches up.
    std::function<void(int64_t now)> chain_settled;
    // Current time in microseconds since the epoch (injected so tests control it).
    std::function<int64_t()> now_us;
    // Log lines (category "net"); may be empty.
    std::function<void(const std::string&)> log;
    // Starts a DNS lookup of a seed; the answer comes back through PeerManager::OnSeedResolved
    // on the validation strand. May be empty (no DNS seeding).
    std::function<void(const std::string& host, uint16_t port)> resolve_seed;
    PeerWatch watch;
};

class PeerManager {
public:
    PeerManager(PeerManagerDeps deps, PeerManagerOptions options);
    ~PeerManager();
    PeerManager(const PeerManager&) = delete;
    PeerManager& operator=(const PeerManager&) = delete;

    // The network must be set before any event arrives; it must outlive this object's use.
    void SetNetwork(netcore::PeerNetwork* network) { m_net = network; }
    // Told when the chain's storage fails under a block from a peer (a full disk): the node
    // cannot go on and should stop (Core's AbortNode). Empty: only logged.
    void SetFatalHandler(std::function<void(const std::string&)> fatal) { m_fatal = std::move(fatal); }

    // ---- network events (validation strand) ----
    void OnConnected(const netcore::ConnectionInfo& info, uint64_t tag);
    void OnConnectFailed(const netcore::PeerEndpoint& remote, uint64_t tag, const std::string& reason);
    void OnFrame(PeerId id, const util::Bytes& header, const util::Bytes& payload);
    void OnDisconnected(PeerId id, const std::string& reason);
    // Timers: pings, timeouts, trickles, stalls, outbound slots. Call every ~100 ms.
    void Tick();

    // A DNS seed answered (addresses as text, at most MAX_ADDRESSES_PER_DNS_SEED are used), or
    // the lookup failed with `error`.
    void OnSeedResolved(const std::string& host, const std::vector<std::string>& addresses, const std::string& error);

    // ---- node events (validation strand) ----
    // The chain settled on a new tip (blocks mined locally or received): announce it.
    void TipChanged();
    // A transaction entered the mempool (from anyone): announce it at the next trickles. Our
    // own (origin TX_ORIGIN_LOCAL) also join the unbroadcast set until a peer fetches one.
    void TxAdded(const mempool::MempoolEntry& entry);
    // sendrawtransaction of a transaction already in the mempool: announce it again (Core).
    void Rebroadcast(const mempool::MempoolEntry& entry);
    size_t UnbroadcastCount() const {
        return static_cast<size_t>(std::count_if(m_unbroadcast.begin(), m_unbroadcast.end(),
                                                 [this](const primitives::Txid& t) { return m_deps.pool.Get(t) != nullptr; }));
    }
    bool IsUnbroadcast(const primitives::Txid& txid) const { return m_unbroadcast.count(txid) != 0; }

    // ---- RPC (validation strand) ----
    std::vector<PeerStats> GetPeerStats() const;
    size_t ConnectionCount() const { return m_peers.size(); }
    size_t InboundCount() const;
    // addnode add/remove/onetry. False: nothing to remove / already added.
    // v2: try BIP324 first (with the v1 fallback); only when the node has -v2transport.
    bool AddManual(const netcore::PeerEndpoint& endpoint, bool v2);
    bool RemoveManual(const netcore::PeerEndpoint& endpoint);
    void ConnectOnce(const netcore::PeerEndpoint& endpoint, bool v2);
    std::vector<std::pair<netcore::PeerEndpoint, std::optional<PeerId>>> ManualPeers() const;
    // disconnectnode by address text or id; false when no such peer.
    bool DisconnectByAddress(const std::string& address);
    bool DisconnectById(PeerId id);
    // setban add: drops connected peers in the subnet.
    void DisconnectBanned();
    uint64_t LocalServices() const { return m_options.local_services; }
    uint64_t BytesSent() const { return m_bytes_sent; }
    uint64_t BytesReceived() const { return m_bytes_received; }

    // Block downloads waiting (for tests and getpeerinfo totals).
    size_t BlocksInFlight() const { return m_block_requests.size(); }

private:
    friend class PeerManagerTest;
    struct BlockRequest {
        PeerId peer = 0;
        int64_t requested_us = 0;
    };

    // ---- plumbing (peer_manager.cpp) ----
    Peer* Find(PeerId id);
    template <class M>
    void Send(Peer& peer, const M& message) {
        const util::Bytes payload = message.Encode();
        SendRaw(peer, M::COMMAND, payload);
    }
    void SendRaw(Peer& peer, std::string_view command, util::ByteSpan payload);
    void Disconnect(Peer& peer, const std::string& reason);
    // Disconnects a peer that broke the protocol; non-local ones are also discouraged.
    void Misbehaving(Peer& peer, const std::string& reason);
    void Log(const std::string& line) const;
    int64_t Now() const { return m_deps.now_us(); }
    int64_t NowSeconds() const { return m_deps.now_us() / 1'000'000; }
    uint64_t Random64() { return m_rng(); }
    // From the operating system's generator: for salts a peer must not predict (m_rng's
    // outputs are visible in nonces and would reveal its state).
    static uint64_t SecureRandom64();
    // SecureRandom64, or the seeded generator in a simulation (rng_seed), whose runs repeat.
    uint64_t KeyRandom64() { return m_options.rng_seed ? Random64() : SecureRandom64(); }
    void Dispatch(Peer& peer, const std::string& command, util::ByteSpan payload);
    void SendVersion(Peer& peer);
    void OnVersion(Peer& peer, util::ByteSpan payload);
    void OnVerack(Peer& peer);
    void HandshakeCompleted(Peer& peer);
    void MaintainPings(Peer& peer, int64_t now);
    void CheckTimeouts(Peer& peer, int64_t now);
    void OpenConnections(int64_t now);
    void RunSeeder(int64_t now);
    // Adds seed addresses to the address manager, with the seed itself as their source.
    void AddSeedAddresses(const std::vector<std::string>& addresses, const std::string& source);
    int CountOutbound(ConnectionType type) const;
    // Inbound slots are full and `newcomer` arrived: disconnects the peer SelectPeerToEvict
    // picks among the other inbound peers; false when every one of them is protected.
    bool EvictInbound(PeerId newcomer);

    // ---- headers and blocks (block_sync.cpp) ----
    bool IsInitialBlockDownload() const;
    void StartHeadersSync(Peer& peer);
    void SendGetHeaders(Peer& peer, const chain::BlockIndex* from);
    void SendPresyncGetHeaders(Peer& peer);  // the next headers of the peer's presync
    // The peer's headers sync ended (caught up, or its chain was refused): if it was the one
    // initial-sync peer, others may sync headers now.
    void HeadersSyncEnded(Peer& peer);
    void OnHeaders(Peer& peer, util::ByteSpan payload);
    void ProcessHeaders(Peer& peer, const std::vector<primitives::BlockHeader>& headers, bool more_may_follow);
    void OnGetHeaders(Peer& peer, util::ByteSpan payload);
    void OnBlock(Peer& peer, util::ByteSpan payload);
    // Stores and connects a block that arrived whole or was rebuilt from a compact block.
    // `via_compact`: pushed before the sender validated it, so an invalid one is not held
    // against the peer, and a mutated one is fetched again in full.
    void ProcessNewBlock(Peer& peer, std::shared_ptr<const primitives::Block> block, bool via_compact);
    void MarkBlockInFlight(Peer& peer, const primitives::BlockHash& hash);
    // Whether a header that failed AcceptHeader is the sender's fault (Core's
    // MaybePunishNodeForBlock for header failures).
    bool ShouldPunishHeader(const Peer& peer, const primitives::BlockHash& hash,
                            const consensus::BlockValidationError& error, bool via_compact) const;
    void OnBlockInv(Peer& peer, const primitives::BlockHash& hash);
    void ServeBlock(Peer& peer, const primitives::BlockHash& hash, bool witness, std::vector<wire::Inv>& not_found);
    void UpdateBestKnown(Peer& peer, const chain::BlockIndex* index);
    void RequestBlocks(Peer& peer);
    void RequestBlocksFromAll();
    void FindBlocksToDownload(Peer& peer, size_t count, std::vector<const chain::BlockIndex*>& out,
                              PeerId& staller);
    void BlockReceived(const primitives::BlockHash& hash);
    void CheckStalls(Peer& peer, int64_t now);
    // Core's ConsiderEviction for automatic outbound peers (CHAIN_SYNC_TIMEOUT_US).
    void ConsiderEviction(Peer& peer, int64_t now);
    void AnnounceBlocks(Peer& peer);
    bool PeerHasHeader(const Peer& peer, const chain::BlockIndex* index) const;

    // ---- compact blocks (compact_relay.cpp) ----
    void OnSendCmpct(Peer& peer, util::ByteSpan payload);
    void OnCmpctBlock(Peer& peer, util::ByteSpan payload);
    void OnGetBlockTxn(Peer& peer, util::ByteSpan payload);
    void OnBlockTxn(Peer& peer, util::ByteSpan payload);
    void RequestFullBlock(Peer& peer, const primitives::BlockHash& hash);
    // Sends the compact form of a stored block; false when it cannot be read.
    bool SendCompactBlock(Peer& peer, const chain::BlockIndex* index);
    void ServeCompactBlock(Peer& peer, const primitives::BlockHash& hash, std::vector<wire::Inv>& not_found);
    // The block at `index` from the one-block cache (the newest block, served to many peers)
    // or the block files; nullptr when unreadable.
    std::shared_ptr<const primitives::Block> LoadBlock(const chain::BlockIndex* index);
    // The peer gave us a new tip: ask it to push blocks to us (at most
    // MAX_HIGH_BANDWIDTH_PEERS such peers, the longest-serving one dropped first).
    void MaybeSetHighBandwidth(Peer& peer);

    // ---- transactions (tx_relay.cpp) ----
    void OnTxInv(Peer& peer, const wire::Inv& inv);
    void OnTx(Peer& peer, util::ByteSpan payload);
    void ProcessOrphans(const primitives::Tx& parent);
    void ServeTx(Peer& peer, const wire::Inv& inv, std::vector<wire::Inv>& not_found);
    void ScheduleTrickle(Peer& peer, int64_t now);
    void TrickleTxs(Peer& peer, int64_t now);
    void ExpireTxRequests(Peer& peer, int64_t now);
    // The request for `hash` ended without the transaction (timeout, notfound, disconnect):
    // ask the next peer that announced it, if any.
    void RequestFromAlternate(const util::Uint256& hash);
    // Forgets the request for `hash` made to `peer` (delivered, refused or timed out).
    void EndTxRequest(Peer& peer, const util::Uint256& hash);
    bool AlreadyHaveTx(const util::Uint256& hash, bool is_wtxid) const;

    // ---- addresses (addr_relay.cpp) ----
    void OnAddr(Peer& peer, util::ByteSpan payload, bool v2);
    void OnGetAddr(Peer& peer);
    void ProcessAddresses(Peer& peer, std::vector<wire::AddrEntry> entries);
    void TrickleAddrs(Peer& peer, int64_t now);
    void OnInv(Peer& peer, util::ByteSpan payload);
    void OnGetData(Peer& peer, util::ByteSpan payload);

    PeerManagerDeps m_deps;
    PeerManagerOptions m_options;
    netcore::PeerNetwork* m_net = nullptr;
    std::function<void(const std::string&)> m_fatal;
    std::map<PeerId, std::unique_ptr<Peer>> m_peers;
    std::mt19937_64 m_rng;
    uint64_t m_local_nonce = 0;  // our version nonce: detects connections to ourselves
    // Secret key for network groups: an attacker cannot tell which addresses we would protect.
    uint64_t m_netgroup_k0 = 0;
    uint64_t m_netgroup_k1 = 0;

    // Block download: who we asked for what.
    std::map<primitives::BlockHash, BlockRequest> m_block_requests;
    int64_t m_block_stalling_timeout_us = BLOCK_STALLING_TIMEOUT_US;
    int m_outbound_protected = 0;  // peers with chain_sync_protected (ConsiderEviction)
    PeerId m_headers_sync_peer = 0;  // 0: none (initial headers come from one peer at a time)
    const chain::BlockIndex* m_last_announced_tip = nullptr;

    // Compact blocks: peers pushing to us (oldest first), and the newest block we handled
    // with its compact encoding, built once however many peers it goes to.
    std::vector<PeerId> m_hb_peers;
    std::shared_ptr<const primitives::Block> m_recent_block;
    primitives::BlockHash m_recent_hash;
    util::Bytes m_recent_compact;

    // Transactions.
    mempool::Orphanage m_orphans;
    KnownSet m_recent_rejects{RECENT_REJECTS_SIZE};
    std::map<util::Uint256, PeerId> m_tx_requests;  // hash -> peer asked
    std::map<util::Uint256, std::vector<PeerId>> m_tx_alternates;  // hash -> other announcers, in order

    // Outbound bookkeeping: manual endpoints (with the peer when connected), pending connects.
    // Outbound peers seen to speak only v1 (a version without NODE_P2P_V2): dialled in v1
    // from then on, so a reconnecting node does not send them a v2 key and garbage again.
    void RememberV1Only(const netcore::PeerEndpoint& endpoint);
    bool TryV2(const netcore::PeerEndpoint& endpoint, bool wanted) const;
    std::set<std::string> m_v1_only;

    // Our own transactions no peer has asked for yet; bounded by the mempool (entries that
    // left it are dropped whenever the set is walked).
    void QueueAnnouncement(const mempool::MempoolEntry& entry);
    void AnnounceUnbroadcast(Peer* only);
    std::set<primitives::Txid> m_unbroadcast;
    int64_t m_next_unbroadcast_us = 0;

    struct ManualEntry {
        netcore::PeerEndpoint endpoint;
        std::optional<PeerId> peer;
        bool connecting = false;
        int64_t next_attempt_us = 0;
        uint64_t tag = 0;  // of the connection attempt in progress
        bool once = false;  // addnode onetry: forgotten after one attempt
        bool v2 = false;    // dial with BIP324 first
    };
    std::vector<ManualEntry> m_manual;
    std::map<uint64_t, ConnectionType> m_pending_connects;  // tag -> type
    std::set<std::string> m_connecting_addrs;
    uint64_t m_next_tag = 1;
    int64_t m_next_open_us = 0;
    int64_t m_last_orphan_expiry_us = 0;
    std::vector<netcore::PeerEndpoint> m_seeds_left;
    Seeder m_seeder;

    uint64_t m_bytes_sent = 0;
    uint64_t m_bytes_received = 0;
};

}  // namespace tonari::bitcoin::p2p
