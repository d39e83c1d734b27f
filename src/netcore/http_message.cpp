// The bounded HTTP/1.1 request parser and response serializer.
#include "netcore/http_message.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "netcore/http_text.h"

namespace tonari::netcore {
namespace {


bool IsTokenChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsToken(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), IsTokenChar); }

bool HasToken(std::string_view list, std::string_view token) {
    const std::string lower = AsciiLower(list);
    size_t pos = 0;
    while (pos <= lower.size()) {
        size_t comma = lower.find(',', pos);
        if (comma == std::string::npos) comma = lower.size();
        if (TrimBlanks(std::string_view(lower).substr(pos, comma - pos)) == token) return true;
        pos = comma + 1;
    }
    return false;
}

}  // namespace

std::optional<std::string_view> HttpRequest::Header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
        if (n == name) return std::string_view(v);
    }
    return std::nullopt;
}

bool HttpRequest::KeepAlive() const {
    const auto connection = Header("connection");
    if (version_minor == 0) return connection && HasToken(*connection, "keep-alive");
    return !(connection && HasToken(*connection, "close"));
}

std::string_view StatusText(int status) {
    switch (status) {
        case 200: return "OK";
        case 204: return "No Content";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 408: return "Request Timeout";
        case 415: return "Unsupported Media Type";
        case 411: return "Length Required";
        case 413: return "Payload Too Large";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 502: return "Bad Gateway";
        case 503: return "Service Unavailable";
        case 505: return "HTTP Version Not Supported";
        default: return "Unknown";
    }
}

HttpResponse TextResponse(int status, std::string content_type, std::string body) {
    HttpResponse r;
    r.status = status;
    r.content_type = std::move(content_type);
    r.body = std::move(body);
    return r;
}

std::string SerializeResponse(const HttpResponse& response) {
    std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " + std::string(StatusText(response.status)) + "\r\n";
    if (!response.content_type.empty()) out += "Content-Type: " + response.content_type + "\r\n";
    if (!response.stream) out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
    out += response.close || response.stream ? "Connection: close\r\n" : "Connection: keep-alive\r\n";
    for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
    out += "\r\n";
    if (!response.stream) out += response.body;
    return out;
}

void HttpRequestParser::Reset() {
    m_state = State::NeedMore;
    m_in_body = false;
    m_body_expected = 0;
    m_head.clear();
    m_request = HttpRequest{};
    m_error_status = 0;
    m_error_text.clear();
}

void HttpRequestParser::Fail(int status, std::string why) {
    m_state = State::Error;
    m_error_status = status;
    m_error_text = std::move(why);
}

size_t HttpRequestParser::Feed(std::string_view data) {
    size_t used = 0;
    if (m_state != State::NeedMore) return 0;
    if (!m_in_body) {
        // Accumulate the head until the blank line, looking only at what is new (plus three
        // bytes of overlap for a terminator split across reads).
        const size_t old = m_head.size();
        const size_t take = std::min(data.size(), MAX_HEADER_BYTES + 4 - std::min(old, MAX_HEADER_BYTES + 4));
        m_head.append(data.substr(0, take));
        const size_t from = old >= 3 ? old - 3 : 0;
        const size_t end = m_head.find("\r\n\r\n", from);
        if (end == std::string::npos) {
            if (m_head.size() > MAX_HEADER_BYTES) Fail(431, "request head too large");
            return take;
        }
        if (end + 4 > MAX_HEADER_BYTES + 4) {
            Fail(431, "request head too large");
            return take;
        }
        used = end + 4 - old;
        m_head.resize(end);
        if (!ParseHead(m_head)) return used;
        m_in_body = true;
        data.remove_prefix(used);
    }
    const size_t want = m_body_expected - m_request.body.size();
    const size_t take = std::min(want, data.size());
    m_request.body.append(data.substr(0, take));
    used += take;
    if (m_request.body.size() == m_body_expected) m_state = State::Done;
    return used;
}

bool HttpRequestParser::ParseHead(std::string_view head) {
    size_t line_end = head.find("\r\n");
    std::string_view line = head.substr(0, line_end);
    // Request line: METHOD SP TARGET SP HTTP/1.x
    const size_t sp1 = line.find(' ');
    const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
        Fail(400, "malformed request line");
        return false;
    }
    const std::string_view method = line.substr(0, sp1);
    const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    const std::string_view version = line.substr(sp2 + 1);
    if (!IsToken(method) || target.empty() || target.front() != '/') {
        Fail(400, "malformed request line");
        return false;
    }
    if (version == "HTTP/1.1") {
        m_request.version_minor = 1;
    } else if (version == "HTTP/1.0") {
        m_request.version_minor = 0;
    } else {
        Fail(505, "only HTTP/1.0 and HTTP/1.1 are served");
        return false;
    }
    for (char c : target) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
            Fail(400, "malformed request target");
            return false;
        }
    }
    m_request.method = std::string(method);
    m_request.target = std::string(target);

    while (line_end != std::string_view::npos) {
        const size_t start = line_end + 2;
        line_end = head.find("\r\n", start);
        line = head.substr(start, line_end == std::string_view::npos ? std::string_view::npos : line_end - start);
        if (line.empty()) continue;
        if (line.front() == ' ' || line.front() == '\t') {
            Fail(400, "folded header lines are not accepted");  // obsolete, and a smuggling vector
            return false;
        }
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos || !IsToken(line.substr(0, colon))) {
            Fail(400, "malformed header line");
            return false;
        }
        if (m_request.headers.size() >= MAX_HEADER_COUNT) {
            Fail(431, "too many header lines");
            return false;
        }
        m_request.headers.emplace_back(AsciiLower(line.substr(0, colon)), std::string(TrimBlanks(line.substr(colon + 1))));
    }

    if (const auto te = m_request.Header("transfer-encoding")) {
        Fail(501, "chunked request bodies are not supported; send Content-Length");
        return false;
    }
    size_t length = 0;
    int lengths = 0;
    for (const auto& [name, value] : m_request.headers) {
        if (name != "content-length") continue;
        // Two different lengths are a request-smuggling attempt.
        size_t v = 0;
        const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
        if (ec != std::errc() || p != value.data() + value.size() || value.empty()) {
            Fail(400, "malformed Content-Length");
            return false;
        }
        if (lengths++ > 0 && v != length) {
            Fail(400, "conflicting Content-Length headers");
            return false;
        }
        length = v;
    }
    if (lengths == 0 && m_request.method == "POST") {
        Fail(411, "POST needs a Content-Length");
        return false;
    }
    if (length > m_max_body) {
        Fail(413, "request body larger than " + std::to_string(m_max_body) + " bytes");
        return false;
    }
    m_body_expected = length;
    return true;
}

}  // namespace tonari::netcore
