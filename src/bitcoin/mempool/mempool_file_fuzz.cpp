// libFuzzer target: mempool.dat decoding from any bytes (a damaged disk, a file edited by
// hand). Decoding must never crash or reserve memory for counts the bytes cannot hold, and a
// file that decodes must encode back to a file that decodes to the same contents.
#include <cstdint>
#include <cstdlib>

#include "bitcoin/mempool/mempool_file.h"

using namespace tonari::bitcoin;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto file = mempool::DecodeMempoolFile(tonari::util::ByteSpan(data, size));
    if (!file) return 0;
    auto again = mempool::DecodeMempoolFile(mempool::EncodeMempoolFile(*file));
    if (!again || again->version != file->version || again->entries.size() != file->entries.size() ||
        again->deltas != file->deltas || again->unbroadcast != file->unbroadcast ||
        (file->version == mempool::MEMPOOL_DUMP_VERSION && again->xor_key != file->xor_key)) {
        std::abort();
    }
    for (size_t i = 0; i < file->entries.size(); ++i) {
        const auto& a = again->entries[i];
        const auto& b = file->entries[i];
        if (!(*a.tx == *b.tx) || a.time != b.time || a.fee_delta != b.fee_delta) std::abort();
    }
    return 0;
}
