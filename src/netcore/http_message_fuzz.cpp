// libFuzzer target: the HTTP request parser, fed the input whole and in random splits, must
// never crash, must agree with itself however the bytes arrive, and must stay in its bounds.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "netcore/http_message.h"

using namespace tonari::netcore;

namespace {

constexpr size_t MAX_BODY = 4096;

struct Outcome {
    HttpRequestParser::State state;
    size_t used;
    std::string body;
    int status;
};

Outcome Parse(std::string_view input, size_t step) {
    HttpRequestParser p(MAX_BODY);
    size_t used = 0;
    while (used < input.size() && p.GetState() == HttpRequestParser::State::NeedMore) {
        const size_t n = p.Feed(input.substr(used, step));
        if (n == 0 && p.GetState() == HttpRequestParser::State::NeedMore) std::abort();  // no progress
        used += n;
    }
    if (p.Request().body.size() > MAX_BODY) std::abort();
    return {p.GetState(), used, p.Request().body, p.ErrorStatus()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const Outcome whole = Parse(input, input.size() + 1);
    const size_t step = size > 0 ? 1 + data[0] % 7 : 1;
    const Outcome split = Parse(input, step);
    if (whole.state != split.state || whole.body != split.body || whole.status != split.status) std::abort();
    if (whole.state == HttpRequestParser::State::Done && whole.used != split.used) std::abort();
    return 0;
}
