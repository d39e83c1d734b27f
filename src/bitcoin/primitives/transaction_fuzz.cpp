// libFuzzer target: transaction decoding must never crash, and whatever decodes must
// re-encode to exactly the input (decoding accepts only canonical encodings).
#include <cstdint>
#include <cstdlib>

#include "bitcoin/primitives/transaction.h"

using namespace tonari::bitcoin::primitives;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const tonari::util::ByteSpan input(data, size);
    auto tx = DecodeTx(input);
    if (!tx) return 0;
    const tonari::util::Bytes again = SerializeTx(*tx);
    if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
    if (SerializedSize(*tx) != size) std::abort();
    (void)ComputeTxid(*tx);
    (void)ComputeWtxid(*tx);
    // weight = 3 * base + total, and total >= base, so weight >= 4 * base
    if (TxWeight(*tx) < static_cast<int64_t>(SerializedSize(*tx, false)) * 4) std::abort();
    return 0;
}
