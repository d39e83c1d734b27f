// The metadata phase of a magnet download: network, announcer and fetcher on one strand.
#include "torrent/session/metadata_fetch.h"

#include <chrono>
#include <future>
#include <thread>

#include "torrent/peer/ut_metadata.h"
#include "torrent/session/dht_discovery.h"
#include "torrent/session/lsd_discovery.h"
#include "torrent/session/strand_events.h"
#include "torrent/session/stream_encryption.h"
#include "torrent/tracker/announcer.h"
#include "util/serial_executor.h"

namespace tonari::torrent::session {
namespace {

constexpr auto TICK = std::chrono::milliseconds(50);

}  // namespace

util::Result<FetchedTorrent, std::string> FetchMetadata(const metainfo::InfoHashes& info_hashes, const SessionOptions& options,
                                                     peer::LogFn log, const std::function<bool()>& stop,
                                                     const std::function<void(const FetchProgress&)>& progress) {
    peer::FetcherOptions fo;
    fo.info_hashes = info_hashes;
    // What handshakes, trackers, the DHT and MSE carry: the v1 hash, else the truncated v2 one.
    const wire::Hash20 info_hash = info_hashes.HandshakeHash();
    fo.peer_id = NewPeerId();
    fo.max_outbound = std::max<size_t>(options.max_peers / 2, 8);
    peer::MetadataFetcher fetcher(fo, log);
    fetcher.AddCandidates(options.connect, true);

    // The events (references only) outlive the executor and any task it still runs.
    struct Wiring {
        explicit Wiring(peer::MetadataFetcher& f) : events(strand, f) {}  // strand bound, built next
        StrandEvents<peer::MetadataFetcher> events;
        util::SerialExecutor strand;
    } wiring(fetcher);
    util::SerialExecutor& strand = wiring.strand;
    StrandEvents<peer::MetadataFetcher>& events = wiring.events;
    netcore::PeerNetworkOptions net;
    net.listen = options.listen;
    net.max_inbound = options.max_peers;
    net.max_outbound = options.connect.size() + fo.max_outbound;
    InstallStreamEncryption(net, options.encryption, {info_hash});
    net.format.header_size = wire::FRAME_HEADER_SIZE;
    net.format.payload_length = [](util::ByteSpan header) -> util::Result<size_t, std::string> {
        auto n = wire::FrameLength(header);
        if (!n) return util::Fail(n.error().message);
        return *n;
    };
    // As in Session::Start: events queue behind the task that hands the fetcher its network.
    std::promise<netcore::PeerNetwork*> ready;
    strand.Post([&fetcher, &events, started = ready.get_future().share()] {
        events.network = started.get();
        fetcher.SetNetwork(events.network);
    });
    auto network = netcore::PeerNetwork::Start(std::move(net), events);
    if (!network) {
        ready.set_value(nullptr);
        strand.Run([] {});
        return util::Fail("cannot listen: " + network.error());
    }
    ready.set_value(network->get());

    std::unique_ptr<tracker::Announcer> announcer;
    if (!options.trackers.empty()) {
        tracker::AnnouncerOptions a;
        a.tiers = options.trackers;
        a.info_hashes = {info_hash};
        a.peer_id = fo.peer_id;
        const auto endpoints = (*network)->ListenEndpoints();
        a.port = endpoints.empty() ? 0 : endpoints.front().port;
        a.seed = options.seed;
        announcer = std::make_unique<tracker::Announcer>(
            std::move(a),
            // The size is unknown: "left" must not be 0, or trackers would take us for a seed.
            [] { return tracker::TransferTotals{0, 0, 1}; },
            [&strand, &fetcher](std::vector<netcore::PeerEndpoint> peers) {
                strand.Post([&fetcher, peers = std::move(peers)] { fetcher.AddCandidates(peers); });
            },
            log);
    }

    std::unique_ptr<dht::DhtService> dht;
    std::unique_ptr<lsd::LsdService> lsd;
    if (const auto endpoints = (*network)->ListenEndpoints(); !endpoints.empty()) {
        auto to_fetcher = [&strand, &fetcher](const std::vector<netcore::PeerEndpoint>& peers) {
            strand.Post([&fetcher, peers] { fetcher.AddCandidates(peers); });
        };
        dht = StartDht(options, endpoints.front(), {info_hash}, log, to_fetcher);
        lsd = StartLsd(options, endpoints.front(), {info_hash}, log, to_fetcher);
    }

    std::optional<std::string> result;
    std::string why;
    while (true) {
        std::this_thread::sleep_for(TICK);
        if (stop && stop()) {
            why = "stopped";
            break;
        }
        const auto state = strand.Run([&fetcher] {
            fetcher.Tick(SteadyNowUs());
            FetchProgress p;
            p.metadata_size = fetcher.MetadataSize();
            p.pieces_have = fetcher.PiecesHave();
            p.pieces_total = peer::MetadataPieceCount(p.metadata_size);
            p.peers = fetcher.PeersWithMetadata();
            p.layer_runs_have = fetcher.LayerRunsHave();
            p.layer_runs_total = fetcher.LayerRunsTotal();
            return std::make_pair(p, fetcher.TorrentFile());
        });
        if (progress) progress(state.first);
        if (state.second) {
            result = state.second;
            break;
        }
    }
    if (announcer) announcer->Stop();
    if (dht) dht->Stop();  // before the session that follows takes the UDP port
    if (lsd) lsd->Stop();
    (*network)->Stop();
    strand.Run([&fetcher, &events] {
        fetcher.SetNetwork(nullptr);
        events.network = nullptr;
    });
    if (!result) return util::Fail(why);
    FetchedTorrent fetched;
    fetched.torrent_file = std::move(*result);
    fetched.banned = strand.Run([&fetcher] { return fetcher.Banned(); });
    return fetched;
}

}  // namespace tonari::torrent::session
