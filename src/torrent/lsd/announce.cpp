// BEP 14 announce datagrams.
#include "torrent/lsd/announce.h"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "util/hex.h"

namespace tonari::torrent::lsd {
namespace {

std::string Lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view Trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::string EncodeAnnounce(const Announce& a, const std::string& host) {
    std::string out = "BT-SEARCH * HTTP/1.1\r\nHost: " + host + "\r\nPort: " + std::to_string(a.port) + "\r\n";
    const size_t n = std::min(a.info_hashes.size(), MAX_HASHES_PER_ANNOUNCE);
    for (size_t i = 0; i < n; ++i) out += "Infohash: " + util::HexEncode(a.info_hashes[i]) + "\r\n";
    if (!a.cookie.empty()) out += "cookie: " + a.cookie + "\r\n";
    out += "\r\n\r\n";
    return out;
}

util::Result<Announce, std::string> ParseAnnounce(util::ByteSpan datagram) {
    if (datagram.size() > MAX_ANNOUNCE_BYTES) return util::Fail(std::string("announce over 1,400 bytes"));
    const std::string_view text(reinterpret_cast<const char*>(datagram.data()), datagram.size());
    size_t pos = text.find('\n');
    if (pos == std::string_view::npos) return util::Fail(std::string("no request line"));
    const std::string request = Lower(Trim(text.substr(0, pos)));
    if (request.rfind("bt-search ", 0) != 0) return util::Fail(std::string("not a BT-SEARCH announce"));
    Announce a;
    bool have_port = false;
    while (pos + 1 < text.size()) {
        const size_t end = text.find('\n', pos + 1);
        const std::string_view line = Trim(text.substr(pos + 1, end == std::string_view::npos ? std::string_view::npos : end - pos - 1));
        pos = end == std::string_view::npos ? text.size() : end;
        if (line.empty()) break;  // end of the headers
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        const std::string name = Lower(Trim(line.substr(0, colon)));
        const std::string_view value = Trim(line.substr(colon + 1));
        if (name == "port") {
            if (value.empty() || value.size() > 5 || !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
                return util::Fail("bad Port header: " + std::string(value.substr(0, 16)));
            }
            const unsigned long port = std::stoul(std::string(value));
            if (port == 0 || port > 65535) return util::Fail("Port out of range: " + std::string(value));
            a.port = static_cast<uint16_t>(port);
            have_port = true;
        } else if (name == "infohash") {
            if (a.info_hashes.size() >= MAX_HASHES_PER_ANNOUNCE) continue;
            auto bytes = value.size() == 40 ? util::HexDecode(value) : std::nullopt;
            if (!bytes || bytes->size() != 20) continue;
            InfoHash h{};
            std::copy(bytes->begin(), bytes->end(), h.begin());
            if (std::all_of(h.begin(), h.end(), [](uint8_t b) { return b == 0; })) continue;
            a.info_hashes.push_back(h);
        } else if (name == "cookie") {
            a.cookie = std::string(value.substr(0, 64));
        }
    }
    if (!have_port) return util::Fail(std::string("no Port header"));
    if (a.info_hashes.empty()) return util::Fail(std::string("no valid Infohash header"));
    return a;
}

}  // namespace tonari::torrent::lsd
