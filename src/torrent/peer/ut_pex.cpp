// ut_pex message encoding and bounded decoding, reusing the compact peer form of the trackers'
// answers (6 or 18 bytes: address then port, big-endian).
#include "torrent/peer/ut_pex.h"

#include <arpa/inet.h>

#include <array>

#include "torrent/bencode/bencode.h"

namespace tonari::torrent::peer {
namespace {

bool IsV6(const netcore::PeerEndpoint& e) { return e.address.find(':') != std::string::npos; }

std::string Compact(const std::vector<netcore::PeerEndpoint>& peers, bool v6) {
    std::string out;
    size_t n = 0;
    for (const auto& p : peers) {
        if (IsV6(p) != v6 || n == MAX_PEX_PEERS) continue;
        std::array<uint8_t, 16> address{};
        if (inet_pton(v6 ? AF_INET6 : AF_INET, p.address.c_str(), address.data()) != 1) continue;
        out.append(reinterpret_cast<const char*>(address.data()), v6 ? 16 : 4);
        out += static_cast<char>(p.port >> 8);
        out += static_cast<char>(p.port & 0xff);
        ++n;
    }
    return out;
}

void Expand(const bencode::Value* list, bool v6, std::vector<netcore::PeerEndpoint>& out) {
    if (list == nullptr || !list->IsString()) return;
    const std::string& bytes = list->AsString();
    const size_t width = v6 ? 18 : 6;
    size_t taken = 0;
    for (size_t at = 0; at + width <= bytes.size() && taken < MAX_PEX_PEERS; at += width) {
        char text[INET6_ADDRSTRLEN] = {};
        if (!inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data() + at, text, sizeof(text))) continue;
        const auto port = static_cast<uint16_t>(static_cast<uint8_t>(bytes[at + width - 2]) << 8 |
                                                static_cast<uint8_t>(bytes[at + width - 1]));
        if (port == 0) continue;
        out.push_back(netcore::PeerEndpoint{text, port});
        ++taken;
    }
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
