// Info-hash computation and text forms.
#include "torrent/metainfo/info_hash.h"

#include <algorithm>

#include "crypto/hmac.h"
#include "crypto/sha256.h"
#include "util/hex.h"

namespace tonari::torrent::metainfo {

InfoHashes InfoHashes::Of(util::ByteSpan info_bytes, bool v1, bool v2) {
    InfoHashes h;
    if (v1) h.v1 = crypto::Sha1(info_bytes);
    if (v2) h.v2 = crypto::Sha256Hash(info_bytes);
    return h;
}

Sha1Hash InfoHashes::HandshakeHash() const {
    if (v1) return *v1;
    Sha1Hash out{};
    if (v2) std::copy_n(v2->begin(), out.size(), out.begin());
    return out;
}

std::string ToHex(util::ByteSpan hash) { return util::HexEncode(hash); }

std::optional<Sha1Hash> ParseV1Hash(std::string_view text) {
    Sha1Hash out{};
    if (text.size() == 40) {
        auto bytes = util::HexDecode(text);
        if (!bytes || bytes->size() != 20) return std::nullopt;
        std::copy(bytes->begin(), bytes->end(), out.begin());
        return out;
    }
    if (text.size() != 32) return std::nullopt;
    // Base32 (RFC 4648): 32 characters of 5 bits = 160 bits, no padding.
    uint64_t acc = 0;
    int bits = 0;
    size_t n = 0;
    for (char c : text) {
        int v;
        if (c >= 'A' && c <= 'Z') v = c - 'A';
        else if (c >= 'a' && c <= 'z') v = c - 'a';
        else if (c >= '2' && c <= '7') v = c - '2' + 26;
        else return std::nullopt;
        acc = (acc << 5) | static_cast<uint64_t>(v);
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = static_cast<uint8_t>(acc >> bits);
        }
    }
    return out;
}

}  // namespace tonari::torrent::metainfo
