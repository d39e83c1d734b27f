// libFuzzer target: BEP 52 hash requests and answers as a hostile peer sends them. The first
// bytes pick a file size and a request; the rest are the "hashes". Must never crash or read
// out of bounds; a tree answers only valid requests, and its own answer to a request whose
// proof reaches the root always verifies against its root.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "torrent/metainfo/merkle_proof.h"

using namespace tonari::torrent::metainfo;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 20) return 0;
    uint32_t fields[5];
    std::memcpy(fields, data, sizeof(fields));
    data += sizeof(fields);
    size -= sizeof(fields);
    const uint64_t file_length = (uint64_t{fields[0]} % (1u << 26)) + 1;  // up to 64 MiB: 4,096 blocks
    const ProofRequest request{fields[1] % 16, fields[2], fields[3], fields[4] % 16};
    const unsigned height = TreeHeight(file_length);
    std::vector<Sha256Hash> hashes(size / 32);
    for (size_t i = 0; i < hashes.size(); ++i) std::memcpy(hashes[i].data(), data + 32 * i, 32);
    Sha256Hash root{};
    if (!hashes.empty()) root = hashes.front();
    (void)VerifyProof(root, height, request, hashes);

    // A tree from the leaves the input gives (padded with zeros), asked the same request.
    const uint64_t blocks = (file_length + MERKLE_BLOCK_SIZE - 1) / MERKLE_BLOCK_SIZE;
    std::vector<Sha256Hash> leaves(hashes.begin(), hashes.begin() + static_cast<std::ptrdiff_t>(std::min<uint64_t>(blocks, hashes.size())));
    leaves.resize(blocks);
    const LayerTree tree(leaves, 0, height);
    const auto answer = tree.Answer(request);
    if (answer.has_value() != ValidProofRequest(request, height)) std::abort();
    if (!answer) return 0;
    if (answer->size() != ProofAnswerSize(request)) std::abort();
    if (request.base + request.proof_layers + 1 == height && !VerifyProof(tree.Root(), height, request, *answer)) std::abort();
    return 0;
}
