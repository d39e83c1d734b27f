// libFuzzer target: the HTTP response reader must never crash, never loop, and never return
// a body over its bound, whatever a server sends, whole or cut anywhere.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "netcore/http_response_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace tonari::netcore;
    constexpr size_t MAX_BODY = 4096;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    for (const bool eof : {false, true}) {
        const auto r = ParseHttpResponse(input, eof, MAX_BODY);
        if (r.state == HttpParseState::Done && r.response.body.size() > MAX_BODY) std::abort();
        if (size > 0) (void)ParseHttpResponse(input.substr(0, data[0] % size), eof, MAX_BODY);
    }
    return 0;
}
