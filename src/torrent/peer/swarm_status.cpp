// The swarm's status as JSON, under a byte budget.
#include "torrent/peer/swarm_status.h"

#include <algorithm>

#include "torrent/peer/piece_map.h"
#include "util/utf8.h"

namespace tonari::torrent::peer {
namespace {

util::Json PeerJson(const PeerView& p) {
    util::Json j = util::Json::MakeObject();
    j.Set("peer_id", p.peer_id_hex);
    j.Set("address", p.address);
    j.Set("client", util::PrintableText(p.client));
    j.Set("inbound", p.inbound);
    j.Set("encrypted", p.encrypted);
    j.Set("pieces", p.pieces);
    j.Set("uploaded", p.uploaded);
    j.Set("downloaded", p.downloaded);
    j.Set("up_rate", static_cast<uint64_t>(p.up_rate));
    j.Set("down_rate", static_cast<uint64_t>(p.down_rate));
    return j;
}

util::Json TradedJson(const PeerTotals& t) {
    util::Json j = util::Json::MakeObject();
    j.Set("peer_id", t.peer_id_hex);
    j.Set("address", t.address);
    j.Set("uploaded", t.uploaded);
    j.Set("downloaded", t.downloaded);
    return j;
}

util::Json Build(const SwarmSnapshot& s, const std::vector<PeerView>& peers, size_t listed) {
    const auto& stats = s.stats;
    util::Json status = util::Json::MakeObject();
    status.Set("pieces_have", stats.pieces_have);
    status.Set("bytes_have", stats.bytes_have);
    status.Set("map", PieceMapCells(s.have));
    status.Set("uploaded", stats.uploaded);
    status.Set("downloaded", stats.downloaded);
    status.Set("up_rate", static_cast<uint64_t>(stats.upload_rate));
    status.Set("down_rate", static_cast<uint64_t>(stats.download_rate));
    status.Set("peer_count", static_cast<uint64_t>(peers.size()));
    status.Set("hash_failures", stats.hash_failures);
    status.Set("peers_banned", stats.peers_banned);
    util::Json list = util::Json::MakeArray();
    for (size_t i = 0; i < peers.size() && i < listed; ++i) list.PushBack(PeerJson(peers[i]));
    status.Set("peers", std::move(list));
    util::Json traded = util::Json::MakeArray();
    for (size_t i = 0; i < s.totals.size() && i < listed; ++i) traded.PushBack(TradedJson(s.totals[i]));
    status.Set("traded", std::move(traded));
    return status;
}

}  // namespace

util::Json SwarmStatusJson(const SwarmSnapshot& snapshot, size_t max_bytes) {
    // The busiest connections first, so a cut keeps the ones that matter to the picture
    // (the totals come busiest first already).
    std::vector<PeerView> peers = snapshot.peers;
    std::stable_sort(peers.begin(), peers.end(), [](const PeerView& a, const PeerView& b) {
        return a.uploaded + a.downloaded > b.uploaded + b.downloaded;
    });
    size_t listed = MAX_STATUS_PEERS;
    while (true) {
        util::Json status = Build(snapshot, peers, listed);
        if (listed == 0 || status.Dump().size() <= max_bytes) return status;
        listed /= 2;
    }
}

}  // namespace tonari::torrent::peer
