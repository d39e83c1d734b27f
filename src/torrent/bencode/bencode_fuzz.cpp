// libFuzzer target: the bencode decoder on arbitrary bytes. Must never crash or exceed its
// limits; whatever it accepts must re-encode to a value that decodes to the same encoding
// (canonical form is a fixed point) of exactly the input's length.
#include <cstdint>
#include <cstdlib>

#include "torrent/bencode/bencode.h"

using namespace tonari::torrent::bencode;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Limits limits;
    limits.max_items = 100'000;
    const auto v = Decode(tonari::util::ByteSpan(data, size), limits);
    if (!v) {
        if (v.error().position > size) std::abort();
        return 0;
    }
    if (v->begin() != 0 || v->end() != size) std::abort();
    const std::string once = Encode(*v);
    const auto again = Decode(once, limits);
    if (!again || Encode(*again) != once) std::abort();
    // The grammar is strict (no leading zeros, no "-0"), so only key order can differ between
    // accepted input and its canonical encoding: the lengths are always equal.
    if (once.size() != size) std::abort();
    return 0;
}
