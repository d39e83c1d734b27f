// HTTP/1.1 request and response values, and an incremental request parser that never trusts
// its input: bounded header and body sizes, Content-Length only (no chunked bodies), strict
// request-line syntax. Pure code with no I/O, so it is unit-tested and fuzzed directly.
// Plain values; a parser belongs to one connection.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tonari::netcore {

class HttpStream;

// A client may not make us buffer more than this much request line + headers: the
// slow-header ("slowloris") and header-bomb attacks stop here. libevent's default is 8 KiB.
inline constexpr size_t MAX_HEADER_BYTES = 8 * 1024;
// Header lines beyond this count are refused (hash-flooding a header table).
inline constexpr size_t MAX_HEADER_COUNT = 100;

struct HttpRequest {
    std::string method;   // "POST"
    std::string target;   // "/wallet/x"
    int version_minor = 1;  // HTTP/1.<minor>
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
    std::string body;

    // First header of that (lower-case) name.
    std::optional<std::string_view> Header(std::string_view name) const;
    // HTTP/1.1 keeps the connection open unless "Connection: close"; HTTP/1.0 closes unless
    // "Connection: keep-alive".
    bool KeepAlive() const;
};

struct HttpResponse {
    int status = 200;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    bool close = false;  // close the connection after sending
    // A body produced over time (http_stream.h): the head goes without Content-Length, `body`
    // is ignored, and the connection closes when the stream ends.
    std::shared_ptr<HttpStream> stream;
};

std::string_view StatusText(int status);
// A response of `status` with a body of the given type (error pages, plain answers).
HttpResponse TextResponse(int status, std::string content_type, std::string body);
// The response bytes: status line, Content-Type, Content-Length, Connection, extra headers.
std::string SerializeResponse(const HttpResponse& response);

class HttpRequestParser {
public:
    enum class State { NeedMore, Done, Error };

    explicit HttpRequestParser(size_t max_body_bytes) : m_max_body(max_body_bytes) {}

    // Consumes bytes from the front of `data` (returns how many were used). Once Done, the
    // request is available and the rest of `data` belongs to the next request.
    size_t Feed(std::string_view data);
    State GetState() const { return m_state; }
    // When Error: the status to answer with (400, 411, 413, 431, 501, 505) and why.
    int ErrorStatus() const { return m_error_status; }
    const std::string& ErrorText() const { return m_error_text; }
    HttpRequest& Request() { return m_request; }
    // Ready for the next request on the same connection.
    void Reset();

private:
    bool ParseHead(std::string_view head);
    void Fail(int status, std::string why);

    size_t m_max_body;
    State m_state = State::NeedMore;
    bool m_in_body = false;
    size_t m_body_expected = 0;
    std::string m_head;
    HttpRequest m_request;
    int m_error_status = 0;
    std::string m_error_text;
};

}  // namespace tonari::netcore
