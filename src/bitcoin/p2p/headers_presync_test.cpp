// HeadersPresync and the anti-DoS work threshold: low-work headers are held, checked for
// continuity and proof of work, and released only once their chain reaches the threshold.
#include "bitcoin/p2p/headers_presync.h"

#include <gtest/gtest.h>

#include "bitcoin/chain/block_tree.h"
#include "bitcoin/consensus/pow.h"

namespace tonari::bitcoin::p2p {
namespace {

const consensus::ConsensusParams& Regtest() { return consensus::GetParams(encoding::Network::Regtest); }

// Headers with valid regtest proof of work, each on the one before, starting on `prev`.
std::vector<primitives::BlockHeader> Headers(primitives::BlockHash prev, uint32_t time, size_t count) {
    std::vector<primitives::BlockHeader> out;
    for (size_t i = 0; i < count; ++i) {
        primitives::BlockHeader h;
        h.version = 4;
        h.prev_block = prev;
        h.time = time + static_cast<uint32_t>(i) + 1;
        h.bits = Regtest().genesis.header.bits;
        while (!consensus::CheckProofOfWork(h.ComputeHash(), h.bits, Regtest())) ++h.nonce;
        prev = h.ComputeHash();
        out.push_back(h);
    }
    return out;
}

TEST(HeadersPresync, HoldsHeadersUntilTheyReachTheThreshold) {
    chain::BlockTree tree(Regtest());
    const chain::BlockIndex& genesis = tree.Genesis();
    const auto proof = consensus::GetBlockProof(genesis.bits);
    HeadersPresync presync(7, genesis, genesis.chain_work + proof * 5, Regtest());
    EXPECT_EQ(presync.Peer(), 7u);
    auto headers = Headers(genesis.hash, genesis.time, 6);
    EXPECT_EQ(presync.Add({headers.begin(), headers.begin() + 3}), HeadersPresync::Outcome::NeedMore);
    EXPECT_EQ(presync.LastHash(), headers[2].ComputeHash());
    EXPECT_EQ(presync.Add({headers.begin() + 3, headers.end()}), HeadersPresync::Outcome::ReachedWork);
    EXPECT_EQ(presync.Headers().size(), 6u);
    EXPECT_EQ(tree.Size(), 1u) << "nothing is stored by the presync itself";
}

TEST(HeadersPresync, RefusesGapsAndBadProofOfWork) {
    chain::BlockTree tree(Regtest());
    const chain::BlockIndex& genesis = tree.Genesis();
    const auto threshold = genesis.chain_work + consensus::GetBlockProof(genesis.bits) * 100;
    auto headers = Headers(genesis.hash, genesis.time, 3);
    HeadersPresync gap(1, genesis, threshold, Regtest());
    EXPECT_EQ(gap.Add({headers[1]}), HeadersPresync::Outcome::Invalid) << "does not continue the fork point";

    HeadersPresync bad_pow(1, genesis, threshold, Regtest());
    auto h = headers[0];
    while (consensus::CheckProofOfWork(h.ComputeHash(), h.bits, Regtest())) ++h.nonce;
    EXPECT_EQ(bad_pow.Add({h}), HeadersPresync::Outcome::Invalid);
}

TEST(HeadersPresync, ThresholdIsTipWorkLessADayOfBlocks) {
    chain::BlockTree tree(Regtest());
    const chain::BlockIndex& genesis = tree.Genesis();
    // A short chain: the threshold falls back to the minimum chain work (zero on regtest).
    EXPECT_EQ(AntiDosWorkThreshold(genesis, Regtest()), consensus::ArithUint256(0));
    const chain::BlockIndex* tip = &genesis;
    for (const auto& h : Headers(genesis.hash, genesis.time, 200)) tip = tree.AddHeader(h);
    const auto proof = consensus::GetBlockProof(genesis.bits);
    EXPECT_EQ(AntiDosWorkThreshold(*tip, Regtest()), tip->chain_work - proof * ANTI_DOS_WORK_BLOCKS);
}

}  // namespace
}  // namespace tonari::bitcoin::p2p
