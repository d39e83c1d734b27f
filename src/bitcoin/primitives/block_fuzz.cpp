// libFuzzer target: block decoding must never crash; a decoded block re-encodes to the input
// and its merkle computations run without fault.
#include <cstdint>
#include <cstdlib>

#include "bitcoin/primitives/block.h"
#include "bitcoin/primitives/merkle.h"

using namespace tonari::bitcoin::primitives;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto block = DecodeBlock(tonari::util::ByteSpan(data, size));
    if (!block) return 0;
    const tonari::util::Bytes again = SerializeBlock(*block);
    if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
    (void)block->header.ComputeHash();
    (void)BlockMerkleRoot(*block);
    (void)BlockWitnessMerkleRoot(*block);
    (void)BlockWeight(*block);
    return 0;
}
