// libFuzzer target for AddrMan::Deserialize, the parser of a peers file that may be corrupt
// or planted. Any input must fail cleanly or load; a loaded table must write itself back to
// bytes that load again to the same sizes and the same bytes, and survive use.
//
// Each input is tried twice: as a whole file, and as a body with its checksum appended, so
// the fuzzer reaches the entry parser instead of stopping at the SHA256d check.
#include <cstdint>
#include <cstdlib>

#include "bitcoin/addrman/addrman.h"
#include "crypto/sha256.h"

using namespace tonari;
using bitcoin::addrman::AddrMan;
using bitcoin::addrman::AddrManOptions;

namespace {

// The seeds in fuzz/corpus/addrman_fuzz/ were written under this key.
constexpr AddrManOptions OPTIONS{0x0123456789abcdefULL, 0xfedcba9876543210ULL, 7};
constexpr int64_t NOW = 1'700'000'000;

void CheckCounts(const AddrMan& man) {
    if (man.NewCount() + man.TriedCount() != man.Size()) std::abort();
}

void Check(util::ByteSpan in) {
    auto loaded = AddrMan::Deserialize(in, OPTIONS);
    if (!loaded) return;
    CheckCounts(*loaded);

    const util::Bytes out = loaded->Serialize();
    auto again = AddrMan::Deserialize(out, OPTIONS);
    if (!again) std::abort();
    if (again->Size() != loaded->Size() || again->NewCount() != loaded->NewCount() ||
        again->TriedCount() != loaded->TriedCount()) {
        std::abort();
    }
    if (again->Serialize() != out) std::abort();

    // The loaded state must be usable: selection terminates, promotion keeps counts straight.
    (void)loaded->Select(false, NOW);
    (void)loaded->Select(true, NOW);
    const auto sample = loaded->GetAddr(16, 0, NOW);
    for (const auto& e : sample) {
        loaded->Attempt(e.address, true, NOW);
        loaded->Good(e.address, NOW);
    }
    CheckCounts(*loaded);
    if (loaded->Size() > again->Size()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const util::ByteSpan in(data, size);
    Check(in);

    util::Bytes with_sum(in.begin(), in.end());
    const util::Uint256 sum = crypto::Sha256d(in);
    with_sum.insert(with_sum.end(), sum.begin(), sum.end());
    Check(with_sum);
    return 0;
}
