// HeadersPresync: low-work headers are presynced as commitment bits, redownloaded and checked
// against them, and released for storage only behind the redownload buffer; a different
// chain the second time, gaps, bad proof of work, chains that end short and chains faster
// than their timestamps allow are all refused.
#include "bitcoin/p2p/headers_presync.h"

#include <gtest/gtest.h>

#include "bitcoin/chain/block_tree.h"
#include "bitcoin/consensus/pow.h"

namespace tonari::bitcoin::p2p {
namespace {

const consensus::ConsensusParams& Regtest() { return consensus::GetParams(encoding::Network::Regtest); }

// Headers with valid regtest proof of work, each on the one before, starting on `prev`.
std::vector<primitives::BlockHeader> Headers(primitives::BlockHash prev, uint32_t time, size_t count, uint32_t salt = 0) {
    std::vector<primitives::BlockHeader> out;
    for (size_t i = 0; i < count; ++i) {
        primitives::BlockHeader h;
        h.version = 4;
        h.prev_block = prev;
        h.time = time + static_cast<uint32_t>(i) + 1;
        h.merkle_root.data()[0] = static_cast<uint8_t>(salt);
        h.bits = Regtest().genesis.header.bits;
        while (!consensus::CheckProofOfWork(h.ComputeHash(), h.bits, Regtest())) ++h.nonce;
        prev = h.ComputeHash();
        out.push_back(h);
    }
    return out;
}

std::vector<primitives::BlockHeader> Slice(const std::vector<primitives::BlockHeader>& v, size_t from, size_t to) {
    return {v.begin() + static_cast<std::ptrdiff_t>(from), v.begin() + static_cast<std::ptrdiff_t>(std::min(to, v.size()))};
}

constexpr PresyncTuning SMALL{10, 30};  // a bit every 10 headers, 30 held back

struct Fixture {
    chain::BlockTree tree{Regtest()};
    const chain::BlockIndex& genesis = tree.Genesis();
    consensus::ArithUint256 proof = consensus::GetBlockProof(genesis.bits);
    int64_t now = genesis.time + 1'000'000;
    HeadersPresync Make(size_t blocks_of_work) {
        return HeadersPresync(7, genesis, genesis.chain_work + proof * consensus::ArithUint256(blocks_of_work), Regtest(),
                              now, 0x1234, 0x5678, SMALL);
    }
};

TEST(HeadersPresync, PresyncsRedownloadsAndReleasesBehindTheBuffer) {
    Fixture f;
    auto presync = f.Make(100);
    const auto chain = Headers(f.genesis.hash, f.genesis.time, 120);
    // Phase one: 60 + 40 headers reach the work; nothing is handed out yet.
    auto r = presync.Process(Slice(chain, 0, 60), true);
    ASSERT_TRUE(r.ok);
    EXPECT_TRUE(r.request_more);
    EXPECT_TRUE(r.to_store.empty());
    EXPECT_EQ(presync.NextLocator().front(), chain[59].ComputeHash());
    r = presync.Process(Slice(chain, 60, 120), true);
    ASSERT_TRUE(r.ok);
    EXPECT_TRUE(presync.Redownloading());
    EXPECT_EQ(presync.Commitments(), 12u);  // one per 10 headers, to the end of the message (120)
    EXPECT_EQ(presync.NextLocator(), std::vector<primitives::BlockHash>{f.genesis.hash});
    EXPECT_EQ(presync.ExpectedPrev(), f.genesis.hash);
    // Phase two: the first 50 again; all but the last 30 are released.
    r = presync.Process(Slice(chain, 0, 50), true);
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.to_store.size(), 20u);
    EXPECT_EQ(r.to_store.front(), chain[0]);
    EXPECT_EQ(r.to_store.back(), chain[19]);
    // The next 50 reach the work: everything held is released, the sync is done.
    r = presync.Process(Slice(chain, 50, 100), true);
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.to_store.size(), 80u);
    EXPECT_EQ(r.to_store.back(), chain[99]);
    EXPECT_TRUE(presync.Finished());
    EXPECT_TRUE(r.request_more);
}

TEST(HeadersPresync, ADifferentChainOnRedownloadIsCaught) {
    Fixture f;
    const auto honest = Headers(f.genesis.hash, f.genesis.time, 100, 1);
    const auto other = Headers(f.genesis.hash, f.genesis.time, 100, 2);
    // Another chain of the same length, served on the redownload: each of the 10 commitment
    // bits catches it with probability 1/2, so across these salts every attempt is caught, and
    // most of them before anything of the other chain is released (3 bits come first).
    int caught_before_release = 0;
    for (uint64_t salt = 1; salt <= 16; ++salt) {
        HeadersPresync presync(7, f.genesis, f.genesis.chain_work + f.proof * consensus::ArithUint256(100), Regtest(),
                               f.now, salt * 0x9e3779b97f4a7c15ULL, salt, SMALL);
        ASSERT_TRUE(presync.Process(honest, true).ok);
        ASSERT_TRUE(presync.Redownloading());
        bool caught = false;
        size_t released = 0;
        for (size_t from = 0; from < 100 && !caught; from += 10) {
            auto r = presync.Process(Slice(other, from, from + 10), true);
            if (!r.ok) {
                caught = true;
                EXPECT_FALSE(r.punish) << "a mismatch may be a reorg, not an attack";
            } else {
                released += r.to_store.size();
            }
        }
        EXPECT_TRUE(caught) << "salt " << salt;
        if (caught && released == 0) ++caught_before_release;
    }
    EXPECT_GE(caught_before_release, 10);
}

TEST(HeadersPresync, RefusesGapsBadProofOfWorkAndShortChains) {
    Fixture f;
    const auto chain = Headers(f.genesis.hash, f.genesis.time, 30);
    auto gap = f.Make(100);
    auto r = gap.Process({chain[1]}, true);
    EXPECT_FALSE(r.ok);
    EXPECT_TRUE(r.punish) << "does not continue the fork point";

    auto bad_pow = f.Make(100);
    auto h = chain[0];
    while (consensus::CheckProofOfWork(h.ComputeHash(), h.bits, Regtest())) ++h.nonce;
    r = bad_pow.Process({h}, true);
    EXPECT_FALSE(r.ok);
    EXPECT_TRUE(r.punish);

    auto short_chain = f.Make(100);
    r = short_chain.Process(chain, false);  // not a full message: nothing more will come
    EXPECT_FALSE(r.ok);
    EXPECT_FALSE(r.punish);

    // The redownload ends before the work is reached.
    auto quits = f.Make(20);
    ASSERT_TRUE(quits.Process(chain, true).ok);
    ASSERT_TRUE(quits.Redownloading());
    r = quits.Process(Slice(chain, 0, 10), false);
    EXPECT_FALSE(r.ok);
    EXPECT_FALSE(r.punish);
}

TEST(HeadersPresync, AChainFasterThanItsTimestampsIsDropped) {
    Fixture f;
    // Six blocks a second since the fork, plus two hours: with a clock barely past the
    // genesis, that is about 43,200 headers, 4,320 commitments at one per 10.
    HeadersPresync presync(7, f.genesis, f.genesis.chain_work + f.proof * consensus::ArithUint256(1'000'000), Regtest(),
                           f.genesis.GetMedianTimePast(), 1, 2, SMALL);
    const auto chain = Headers(f.genesis.hash, f.genesis.time, 2'000);
    bool dropped = false;
    std::vector<primitives::BlockHeader> batch = chain;
    for (int round = 0; round < 40 && !dropped; ++round) {
        auto r = presync.Process(batch, true);
        if (!r.ok) {
            dropped = true;
            EXPECT_FALSE(r.punish);
            EXPECT_GT(presync.PresyncHeight(), 40'000);
            break;
        }
        batch = Headers(batch.back().ComputeHash(), batch.back().time, 2'000);
    }
    EXPECT_TRUE(dropped);
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
