// libFuzzer target: compact block reconstruction from hostile input. The input is a 16-bit
// little-endian length, that many bytes of `cmpctblock` payload, then a `blocktxn` payload.
// Init, offering the message's own prefilled transactions as mempool candidates (which can
// collide with short ids), MissingIndexes and Finish must never crash, and a block that
// Finish hands out must have the header's merkle root.
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <memory>

#include "bitcoin/p2p/partial_block.h"
#include "bitcoin/primitives/merkle.h"

using namespace tonari::bitcoin;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    const size_t split = 2 + std::min<size_t>(data[0] | size_t{data[1]} << 8, size - 2);
    auto cmpct = wire::CmpctBlockMsg::Decode(tonari::util::ByteSpan(data + 2, split - 2));
    if (!cmpct) return 0;
    p2p::PartialBlock partial;
    if (partial.Init(*cmpct) != p2p::PartialBlock::Status::Ok) return 0;
    for (const auto& p : cmpct->prefilled) {
        partial.Offer(primitives::ComputeWtxid(p.tx), std::make_shared<const primitives::Tx>(p.tx));
    }
    const auto missing = partial.MissingIndexes();
    if (missing.size() > partial.TxCount()) std::abort();
    std::vector<primitives::Tx> fill;
    auto txn = wire::BlockTxnMsg::Decode(tonari::util::ByteSpan(data + split, size - split));
    if (txn) fill = std::move(txn->txs);
    auto block = partial.Finish(std::move(fill));
    if (block) {
        const auto root = primitives::BlockMerkleRoot(*block);
        if (root.mutated || root.root != block->header.merkle_root) std::abort();
        if (block->txs.size() != partial.TxCount()) std::abort();
    }
    return 0;
}
