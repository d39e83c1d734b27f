// Shared by the chain tests and benchmarks: regtest parameters, a clock far enough ahead that
// no test block is "from the future", and a whole chainstate held in memory.
#pragma once

#include <cstdint>
#include <memory>

#include "bitcoin/chain/chainstate.h"
#include "bitcoin/consensus/params.h"

namespace tonari::bitcoin::chain::fixture {

inline const consensus::ConsensusParams& Regtest() {
    return consensus::GetParams(encoding::Network::Regtest);
}

// 2033-05-18: later than every block the tests build, so the future-time rule never fires.
constexpr int64_t NOW = 2'000'000'000;

// A block tree, block store, coins database and chainstate, all in memory.
struct MemoryNode {
    BlockTree tree{Regtest()};
    std::unique_ptr<BlockStore> store = MakeMemoryBlockStore();
    MemoryCoinsView coins_db;
    Chainstate chain;

    explicit MemoryNode(const ChainstateOptions& options = {}) : chain(tree, *store, coins_db, options) {}
};

}  // namespace tonari::bitcoin::chain::fixture
