// Fuzz target: the save-format reader, which sees files a user was sent or found; whatever it
// accepts re-encodes and reads back to the same profile.
#include <cstddef>
#include <algorithm>
#include <cstdint>

#include "tox/profile/state_format.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace tonari::tox::profile;
    auto p = DecodeState(tonari::util::ByteSpan(data, size));
    if (!p) return 0;
    auto again = DecodeState(EncodeState(*p));
    if (!again) __builtin_trap();
    // Sections are written in type order, so compare the kept ones in that order.
    auto by_type = [](const KeptSection& a, const KeptSection& b) { return a.type < b.type; };
    std::stable_sort(p->kept.begin(), p->kept.end(), by_type);
    if (again->Id() != p->Id() || again->kept != p->kept || again->dht_nodes != p->dht_nodes) __builtin_trap();
    return 0;
}
