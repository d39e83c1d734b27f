// ut_pex message encoding and bounded decoding, reusing the compact peer form of the trackers'
// answers (6 or 18 bytes: address then port, big-endian).
#include "torrent/peer/ut_pex.h"

#include "netcore/compact_endpoint.h"
#include "torrent/bencode/bencode.h"

namespace tonari::torrent::peer {
namespace {

std::string Compact(const std::vector<netcore::PeerEndpoint>& peers, bool v6) {
    std::string out;
    size_t n = 0;
    for (const auto& p : peers) {
        if (netcore::IsIpv6Literal(p.address) != v6 || n == MAX_PEX_PEERS) continue;
        const std::string entry = netcore::EncodeCompactEndpoint(p, v6);
        if (entry.empty()) continue;
        out += entry;
        ++n;
    }
    return out;
}

void Expand(const bencode::Value* list, bool v6, std::vector<netcore::PeerEndpoint>& out) {
    if (list == nullptr || !list->IsString()) return;
    for (auto& p : netcore::DecodeCompactEndpoints(list->AsBytes(), v6, MAX_PEX_PEERS)) out.push_back(std::move(p));
}

}  // namespace

util::Bytes EncodePex(const PexMessage& m) {
    bencode::Value v = bencode::Value::Dict();
    const std::string added = Compact(m.added, false);
    v.Set("added", bencode::Value::Str(added));
    v.Set("added.f", bencode::Value::Str(std::string(added.size() / 6, '\0')));
    const std::string added6 = Compact(m.added, true);
    v.Set("added6", bencode::Value::Str(added6));
    v.Set("added6.f", bencode::Value::Str(std::string(added6.size() / 18, '\0')));
    v.Set("dropped", bencode::Value::Str(Compact(m.dropped, false)));
    v.Set("dropped6", bencode::Value::Str(Compact(m.dropped, true)));
    const std::string text = bencode::Encode(v);
    return util::Bytes(text.begin(), text.end());
}

util::Result<PexMessage, std::string> DecodePex(util::ByteSpan payload) {
    if (payload.size() > MAX_PEX_MESSAGE) return util::Fail(std::string("ut_pex message too large"));
    bencode::Limits limits;
    limits.max_depth = 2;
    limits.max_items = 32;
    auto v = bencode::Decode(payload, limits);
    if (!v || !v->IsDict()) return util::Fail(std::string("malformed ut_pex message"));
    PexMessage m;
    Expand(v->Find("added"), false, m.added);
    Expand(v->Find("added6"), true, m.added);
    Expand(v->Find("dropped"), false, m.dropped);
    Expand(v->Find("dropped6"), true, m.dropped);
    return m;
}

}  // namespace tonari::torrent::peer
