// MetadataFetcher: the first step of a magnet-link download (BEP 9) — find peers of an
// info-hash, ask those that speak ut_metadata for the info dictionary in 16 KiB pieces, and
// accept it only once its SHA-1 (v1 and hybrid links) or SHA-256 (v2 links) equals the
// info-hash. For a v2 torrent the piece layers follow, by BEP 52 hash requests to the same
// peers (PieceLayerFetch), so that the .torrent it hands back checks every piece. Logic over
// netcore's PeerNetwork and an injected clock, like the Swarm (which serves the metadata and
// the layers once a torrent is running).
//
// Defences (named constants here and in ut_metadata.h): a metadata size over
// MAX_METADATA_SIZE ends the connection before anything is allocated; a peer whose size
// disagrees with the one being fetched is dropped; data nobody asked for, or of the wrong
// length, ends the connection; metadata that fails its hash drops every peer that sent a piece
// of it and starts again; hashes that do not prove against their file's root ban the sender;
// handshake and request deadlines; bounded candidates.
//
// Threading: not thread-safe; one strand, as the Swarm.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "netcore/peer_network.h"
#include "torrent/metainfo/info_hash.h"
#include "torrent/peer/piece_layer_fetch.h"
#include "torrent/wire/message.h"

namespace tonari::torrent::peer {

// Metadata pieces asked of one peer at once.
inline constexpr size_t METADATA_PIPELINE = 4;
// A metadata piece not delivered in this time is asked of someone else.
inline constexpr int64_t METADATA_REQUEST_TIMEOUT_US = 10'000'000;
// Attack: a peer that connects and says nothing, holding a slot.
inline constexpr int64_t FETCH_HANDSHAKE_TIMEOUT_US = 10'000'000;
// Attack: endless addresses from trackers or a magnet link.
inline constexpr size_t MAX_FETCH_CANDIDATES = 500;
inline constexpr int64_t FETCH_RETRY_US = 5'000'000;

struct FetcherOptions {
    // What the metadata must hash to: the v1 hash when the link has one, else the v2 hash (its
    // first 20 bytes are what handshakes, trackers and the DHT carry).
    metainfo::InfoHashes info_hashes;
    wire::Hash20 peer_id{};
    size_t max_outbound = 16;
};

class MetadataFetcher {
public:
    using LogFn = std::function<void(const std::string&)>;
    MetadataFetcher(FetcherOptions options, LogFn log);
    ~MetadataFetcher();

    void SetNetwork(netcore::PeerNetwork* net) { m_net = net; }
    // Peers to try: `keep` ones (a magnet's x.pe, --connect) are tried until the end.
    void AddCandidates(const std::vector<netcore::PeerEndpoint>& peers, bool keep = false);

    void OnConnected(const netcore::ConnectionInfo& info, uint64_t tag, int64_t now_us);
    void OnConnectFailed(const netcore::PeerEndpoint& remote, uint64_t tag, const std::string& reason);
    void OnFrame(netcore::ConnectionId id, util::ByteSpan header, util::ByteSpan payload, int64_t now_us);
    void OnDisconnected(netcore::ConnectionId id, const std::string& reason);
    void Tick(int64_t now_us);

    // The info dictionary, once every piece arrived and its hash matched.
    const std::optional<std::string>& Metadata() const { return m_metadata; }
    // The whole .torrent (the info dictionary as received, and for a v2 torrent its proven
    // piece layers): the fetch is over.
    const std::optional<std::string>& TorrentFile() const { return m_torrent_file; }
    uint64_t MetadataSize() const { return m_size; }
    uint32_t PiecesHave() const;
    size_t PeersWithMetadata() const;
    // Peers caught lying (alone behind a copy that failed its hash, or hashes that did not
    // prove), by ban_key.h's AddressKey: the download that follows keeps them out too.
    const std::set<std::string>& Banned() const { return m_banned; }
    // Runs of piece-layer hashes had and wanted (0 of 0 unless a v2 torrent is past its metadata).
    size_t LayerRunsHave() const { return m_layers ? m_layers->RunsHave() : 0; }
    size_t LayerRunsTotal() const { return m_layers ? m_layers->RunsTotal() : 0; }

private:
    struct Conn;
    struct Candidate {
        netcore::PeerEndpoint endpoint;
        bool keep = false;
        int failures = 0;
        int64_t next_try_us = 0;
        uint64_t tag = 0;  // nonzero while dialled or connected
    };

    void Drop(Conn& c, const std::string& reason);
    util::Bytes OurHandshake() const;
    void OnHandshake(Conn& c, util::ByteSpan frame);
    void OnExtensionHandshake(Conn& c, util::ByteSpan payload);
    void OnMetadata(Conn& c, util::ByteSpan payload);
    void RequestMore(Conn& c);
    void RequestHashes(Conn& c);
    void OnHashMessage(Conn& c, const wire::Message& m);
    void Verify();
    void Finish();
    void Dial(int64_t now_us);
    Conn* Find(netcore::ConnectionId id);

    FetcherOptions m_options;
    LogFn m_log;
    netcore::PeerNetwork* m_net = nullptr;
    std::map<netcore::ConnectionId, std::unique_ptr<Conn>> m_conns;
    std::map<std::string, Candidate> m_candidates;
    std::map<uint64_t, std::string> m_tags;
    uint64_t m_next_tag = 1;
    int64_t m_now_us = 0;
    uint64_t m_size = 0;                       // 0: not known yet
    std::string m_buffer;
    std::vector<bool> m_have;
    std::vector<netcore::ConnectionId> m_sender;  // who sent each piece
    std::map<uint32_t, int64_t> m_asked_at;       // piece -> when last asked
    std::optional<std::string> m_metadata;
    std::unique_ptr<PieceLayerFetch> m_layers;  // a v2 torrent's piece layers, after its metadata
    std::optional<std::string> m_torrent_file;
    bool m_single_source = false;   // after a failed copy: one sender at a time
    std::set<std::string> m_banned; // addresses alone responsible for a failed copy
};

}  // namespace tonari::torrent::peer
