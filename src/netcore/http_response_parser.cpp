// The HTTP response reader: status line, headers, then a body by length, chunks or close.
#include "netcore/http_response_parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "netcore/http_text.h"

#include "netcore/http_message.h"

namespace tonari::netcore {
namespace {

// A chunk-size line with its extensions; anything longer is padding.
constexpr size_t MAX_CHUNK_LINE = 256;


HttpResponseParse Error(std::string why) {
    HttpResponseParse out;
    out.state = HttpParseState::Error;
    out.error = std::move(why);
    return out;
}

// Decodes a chunked body. Returns nullopt while incomplete; sets `error` when malformed.
std::optional<std::string> Dechunk(std::string_view data, size_t max_body, std::string& error) {
    std::string body;
    while (true) {
        const size_t line_end = data.find("\r\n");
        if ((line_end == std::string_view::npos && data.size() > MAX_CHUNK_LINE) ||
            (line_end != std::string_view::npos && line_end > MAX_CHUNK_LINE)) {
            error = "chunk size line too long";  // extensions padding a body out without end
            return std::nullopt;
        }
        if (line_end == std::string_view::npos) return std::nullopt;
        std::string_view size_text = data.substr(0, line_end);
        size_text = size_text.substr(0, size_text.find(';'));  // chunk extensions are ignored
        size_text = TrimBlanks(size_text);
        size_t size = 0;
        const auto [end, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
        if (ec != std::errc() || end != size_text.data() + size_text.size() || size_text.empty()) {
            error = "malformed chunk size";
            return std::nullopt;
        }
        if (size > max_body - body.size()) {
            error = "response body too large";
            return std::nullopt;
        }
        data.remove_prefix(line_end + 2);
        if (size == 0) return body;  // trailers, if any, are not needed
        if (data.size() < size + 2) return std::nullopt;
        if (data.substr(size, 2) != "\r\n") {
            error = "chunk not followed by CRLF";
            return std::nullopt;
        }
        body.append(data.substr(0, size));
        data.remove_prefix(size + 2);
    }
}

}  // namespace

std::optional<std::string_view> HttpClientResponse::Header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
        if (n == name) return std::string_view(v);
    }
    return std::nullopt;
}

HttpResponseParse ParseHttpResponse(std::string_view received, bool eof, size_t max_body) {
    const size_t head_end = received.find("\r\n\r\n");
    if (head_end == std::string_view::npos) {
        if (received.size() > MAX_HEADER_BYTES) return Error("response head too large");
        if (eof) return Error("connection closed before the response head ended");
        return {};
    }
    if (head_end > MAX_HEADER_BYTES) return Error("response head too large");
    std::string_view head = received.substr(0, head_end);
    std::string_view rest = received.substr(head_end + 4);

    HttpResponseParse out;
    size_t line_end = head.find("\r\n");
    const std::string_view status_line = head.substr(0, line_end);
    // "HTTP/1.1 200 OK": the reason phrase may be empty or absent.
    if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." || status_line[8] != ' ') {
        return Error("malformed status line");
    }
    const std::string_view code = status_line.substr(9, 3);
    if (!std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        (status_line.size() > 12 && status_line[12] != ' ')) {
        return Error("malformed status code");
    }
    out.response.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');

    size_t count = 0;
    while (line_end != std::string_view::npos) {
        head.remove_prefix(line_end + 2);
        line_end = head.find("\r\n");
        const std::string_view line = head.substr(0, line_end);
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) return Error("malformed header line");
        if (++count > MAX_HEADER_COUNT) return Error("too many headers");
        out.response.headers.emplace_back(AsciiLower(line.substr(0, colon)), std::string(TrimBlanks(line.substr(colon + 1))));
    }

    const auto encoding = out.response.Header("transfer-encoding");
    const auto length = out.response.Header("content-length");
    if (encoding && AsciiLower(*encoding).find("chunked") != std::string::npos) {
        std::string error;
        auto body = Dechunk(rest, max_body, error);
        if (!error.empty()) return Error(error);
        if (!body) return eof ? Error("connection closed inside a chunked body") : HttpResponseParse{};
        out.response.body = std::move(*body);
    } else if (length) {
        size_t n = 0;
        const std::string_view text = *length;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return Error("malformed Content-Length");
        if (n > max_body) return Error("response body too large");
        if (rest.size() < n) return eof ? Error("connection closed before the body ended") : HttpResponseParse{};
        out.response.body = std::string(rest.substr(0, n));
    } else {
        if (rest.size() > max_body) return Error("response body too large");
        if (!eof) return {};
        out.response.body = std::string(rest);
    }
    out.state = HttpParseState::Done;
    return out;
}

}  // namespace tonari::netcore
