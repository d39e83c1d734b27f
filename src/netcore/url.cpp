// URL splitting, percent-encoding and query strings.
#include "netcore/url.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "util/percent.h"

namespace tonari::netcore {

util::Result<Url, std::string> ParseUrl(std::string_view text) {
    if (text.size() > MAX_URL_BYTES) return util::Fail(std::string("URL too long"));
    // Spaces and control bytes would end up in a request line or a header (request splitting).
    for (const char c : text) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return util::Fail(std::string("URL with a space or control byte"));
    }
    const size_t sep = text.find("://");
    if (sep == std::string_view::npos || sep == 0) return util::Fail(std::string("URL without a scheme: ") + std::string(text));
    Url url;
    url.scheme = std::string(text.substr(0, sep));
    std::transform(url.scheme.begin(), url.scheme.end(), url.scheme.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!std::all_of(url.scheme.begin(), url.scheme.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.'; })) {
        return util::Fail(std::string("malformed URL scheme"));
    }
    std::string_view rest = text.substr(sep + 3);
    const size_t path_at = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, path_at);
    std::string_view target = path_at == std::string_view::npos ? std::string_view() : rest.substr(path_at);
    target = target.substr(0, target.find('#'));
    if (const size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
    std::string_view port_text;
    if (!authority.empty() && authority.front() == '[') {
        const size_t close = authority.find(']');
        if (close == std::string_view::npos) return util::Fail(std::string("unclosed '[' in URL host"));
        url.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return util::Fail(std::string("junk after URL host"));
            port_text = after.substr(1);
        }
    } else {
        const size_t colon = authority.rfind(':');
        url.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    }
    if (url.host.empty()) return util::Fail(std::string("URL without a host"));
    if (!port_text.empty()) {
        unsigned port = 0;
        const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
            return util::Fail(std::string("bad port in URL"));
        }
        url.port = static_cast<uint16_t>(port);
    } else if (url.scheme == "http") {
        url.port = 80;
    } else if (url.scheme == "https") {
        url.port = 443;
    }
    url.target = target.empty() ? std::string("/") : std::string(target);
    if (url.target.front() == '?') url.target.insert(url.target.begin(), '/');
    return url;
}

util::Result<std::vector<std::pair<std::string, std::string>>, std::string> ParseQuery(std::string_view query,
                                                                                      size_t max_pairs) {
    std::vector<std::pair<std::string, std::string>> pairs;
    while (!query.empty()) {
        const size_t amp = query.find('&');
        const std::string_view item = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (item.empty()) continue;
        if (pairs.size() == max_pairs) return util::Fail(std::string("too many query parameters"));
        const size_t eq = item.find('=');
        std::string key;
        std::string value;
        if (!util::PercentDecode(item.substr(0, eq), key) ||
            !util::PercentDecode(eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1), value)) {
            return util::Fail(std::string("malformed percent-escape in query"));
        }
        pairs.emplace_back(std::move(key), std::move(value));
    }
    return pairs;
}

}  // namespace tonari::netcore
