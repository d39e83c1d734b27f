// Magnet link parsing and formatting.
#include "torrent/metainfo/magnet.h"

#include "util/hex.h"
#include "util/percent.h"

namespace tonari::torrent::metainfo {

using util::PercentDecode;
using util::PercentEncode;

namespace {

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
        char a = s[i];
        if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
        if (a != prefix[i]) return false;
    }
    return true;
}

}  // namespace

util::Result<MagnetLink, std::string> ParseMagnet(std::string_view uri) {
    if (uri.size() > MAX_MAGNET_LENGTH) return util::Fail(std::string("magnet link too long"));
    if (!StartsWithNoCase(uri, "magnet:?")) return util::Fail(std::string("not a magnet link (magnet:?…)"));
    MagnetLink link;
    std::string_view rest = uri.substr(8);
    while (!rest.empty()) {
        const size_t amp = rest.find('&');
        const std::string_view param = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        const size_t eq = param.find('=');
        if (eq == std::string_view::npos) continue;
        const std::string_view key = param.substr(0, eq);
        std::string value;
        if (!PercentDecode(param.substr(eq + 1), value)) {
            return util::Fail("bad percent-encoding in '" + std::string(key) + "'");
        }
        // Numbered forms (xt.1, tr.2) mean the same as the plain ones.
        const std::string_view base = key.substr(0, key.find('.'));
        if (key == "x.pe") {
            if (link.peers.size() < MAX_MAGNET_PEERS) link.peers.push_back(value);
        } else if (base == "xt") {
            if (StartsWithNoCase(value, "urn:btih:")) {
                auto h = ParseV1Hash(std::string_view(value).substr(9));
                if (!h) return util::Fail(std::string("urn:btih: needs 40 hex or 32 base32 characters"));
                if (link.info_hashes.v1 && *link.info_hashes.v1 != *h) {
                    return util::Fail(std::string("the magnet link names two different urn:btih: hashes"));
                }
                link.info_hashes.v1 = *h;
            } else if (StartsWithNoCase(value, "urn:btmh:")) {
                // A multihash: 0x12 (sha2-256), 0x20 (32 bytes), then the digest.
                const std::string_view mh = std::string_view(value).substr(9);
                auto bytes = util::HexDecode(mh);
                if (!bytes || bytes->size() != 34 || (*bytes)[0] != 0x12 || (*bytes)[1] != 0x20) {
                    return util::Fail(std::string("urn:btmh: needs a sha2-256 multihash (1220 + 64 hex)"));
                }
                std::array<uint8_t, 32> v2{};
                std::copy(bytes->begin() + 2, bytes->end(), v2.begin());
                if (link.info_hashes.v2 && *link.info_hashes.v2 != v2) {
                    return util::Fail(std::string("the magnet link names two different urn:btmh: hashes"));
                }
                link.info_hashes.v2 = v2;
            }
        } else if (base == "dn") {
            link.display_name = value;
        } else if (base == "tr") {
            if (link.trackers.size() < MAX_MAGNET_TRACKERS) link.trackers.push_back(value);
        }
    }
    if (!link.info_hashes.v1 && !link.info_hashes.v2) {
        return util::Fail(std::string("the magnet link has no urn:btih: or urn:btmh: info-hash"));
    }
    return link;
}

std::string ToMagnet(const MagnetLink& link) {
    std::string out = "magnet:?";
    bool first = true;
    auto add = [&](std::string_view key, const std::string& value) {
        if (!first) out += '&';
        first = false;
        out += key;
        out += '=';
        out += value;
    };
    if (link.info_hashes.v1) add("xt", "urn:btih:" + ToHex(*link.info_hashes.v1));
    if (link.info_hashes.v2) add("xt", "urn:btmh:1220" + ToHex(*link.info_hashes.v2));
    if (!link.display_name.empty()) add("dn", PercentEncode(link.display_name));
    for (const auto& t : link.trackers) add("tr", PercentEncode(t));
    // Encoded like the rest: a decoded peer text must not smuggle in "&xt=…".
    for (const auto& p : link.peers) add("x.pe", PercentEncode(p));
    return out;
}

}  // namespace tonari::torrent::metainfo
