// mempool.dat: Core's byte layout (the XOR keyed by file offset), round trips of both versions,
// damaged files refused without a crash or a large allocation, and reloading a pool into a
// fresh one on the same chain: parents before children, entry times kept, expired entries
// skipped, the unbroadcast set restored as the node's own.
#include <gtest/gtest.h>

#include <cstdint>

#include "bitcoin/mempool/accept.h"
#include "bitcoin/mempool/mempool_file.h"
#include "bitcoin/mempool/test_chain.h"

namespace tonari::bitcoin::mempool {
namespace {

using fixture::OutputsOf;
using fixture::TestChain;
using fixture::Utxo;
using primitives::Tx;

constexpr int64_t T0 = 1'700'000'000;

TEST(MempoolFile, AnEmptyVersion2FileIsCoresBytes) {
    MempoolFile file;
    file.xor_key = {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17};
    const util::Bytes bytes = EncodeMempoolFile(file);
    // version 2, the key's length and the key, then a zero count (8 bytes), an empty map and an
    // empty set, each byte XORed with key[offset % 8]: offsets 17..26 start at key[1].
    const util::Bytes expected = {2,    0,    0,    0,    0,    0,    0,    0,    8,    0x10, 0x11, 0x12, 0x13, 0x14,
                                  0x15, 0x16, 0x17, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x10, 0x11, 0x12};
    EXPECT_EQ(bytes, expected);
    auto decoded = DecodeMempoolFile(bytes);
    ASSERT_TRUE(decoded) << decoded.error();
    EXPECT_TRUE(decoded->entries.empty());
    EXPECT_EQ(decoded->xor_key, file.xor_key);
}

struct Pool {
    TestChain node{110};
    TxMempool pool;
    MempoolAccept accept{node.chain, pool, MempoolOptions{}};
};

TEST(MempoolFile, BothVersionsRoundTripEveryField) {
    Pool p;
    const Utxo coin = p.node.Coinbase(0);
    const Tx tx = p.node.Spend({coin}, {coin.value - 1000});
    for (uint64_t version : {MEMPOOL_DUMP_VERSION_NO_XOR_KEY, MEMPOOL_DUMP_VERSION}) {
        MempoolFile file;
        file.version = version;
        file.xor_key = {1, 2, 3, 4, 5, 6, 7, 8};
        file.entries.push_back({std::make_shared<const Tx>(tx), T0 - 5, 77});
        file.deltas.emplace_back(primitives::ComputeTxid(p.node.coinbases[3]), -12);
        file.unbroadcast.push_back(primitives::ComputeTxid(tx));
        const util::Bytes bytes = EncodeMempoolFile(file);
        if (version == MEMPOOL_DUMP_VERSION) {
            // The transaction is not readable in the file.
            const util::Bytes plain = primitives::SerializeTx(tx);
            EXPECT_EQ(std::search(bytes.begin(), bytes.end(), plain.begin(), plain.end()), bytes.end());
        }
        auto decoded = DecodeMempoolFile(bytes);
        ASSERT_TRUE(decoded) << decoded.error();
        EXPECT_EQ(decoded->version, version);
        ASSERT_EQ(decoded->entries.size(), 1u);
        EXPECT_EQ(*decoded->entries[0].tx, tx);
        EXPECT_EQ(decoded->entries[0].time, T0 - 5);
        EXPECT_EQ(decoded->entries[0].fee_delta, 77);
        EXPECT_EQ(decoded->deltas, file.deltas);
        EXPECT_EQ(decoded->unbroadcast, file.unbroadcast);
    }
}

TEST(MempoolFile, DamagedFilesAreRefusedWithThePlace) {
    Pool p;
    const Utxo coin = p.node.Coinbase(0);
    MempoolFile file;
    file.xor_key = {9, 8, 7, 6, 5, 4, 3, 2};
    file.entries.push_back({std::make_shared<const Tx>(p.node.Spend({coin}, {coin.value - 1000})), T0, 0});
    file.unbroadcast.push_back(primitives::ComputeTxid(*file.entries[0].tx));
    const util::Bytes bytes = EncodeMempoolFile(file);
    // Every truncation (a kill -9 cannot make one, the file is replaced atomically, but a disk
    // or a hand can) is an error, never a crash.
    for (size_t n = 0; n < bytes.size(); ++n) {
        auto decoded = DecodeMempoolFile(util::ByteSpan(bytes.data(), n));
        EXPECT_FALSE(decoded) << "cut at " << n;
    }
    auto cut = DecodeMempoolFile(util::ByteSpan(bytes.data(), bytes.size() - 1));
    ASSERT_FALSE(cut);
    // The last 32 bytes are the one unbroadcast txid: its count is where reading stopped.
    EXPECT_NE(cut.error().find("at byte " + std::to_string(bytes.size() - 32) + ": bad unbroadcast count"), std::string::npos)
        << cut.error();
    util::Bytes unknown = bytes;
    unknown[0] = 3;
    auto refused = DecodeMempoolFile(unknown);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().find("unknown version 3"), std::string::npos) << refused.error();

    // A count of 2^60 transactions in a few bytes is refused before anything is reserved.
    util::Bytes huge = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0};
    auto claimed = DecodeMempoolFile(huge);
    ASSERT_FALSE(claimed);
    EXPECT_NE(claimed.error().find("transactions claimed"), std::string::npos) << claimed.error();
}

TEST(MempoolFile, ParentsComeFirstEvenWhenAChildArrivedBeforeIt) {
    // A reorg puts a block's transactions back behind children that stayed in the pool: the
    // pool then holds a child older than its parent.
    Pool p;
    const Utxo c0 = p.node.Coinbase(0);
    const Tx parent = p.node.Spend({c0}, {c0.value - 1000});
    const Tx child = p.node.Spend({OutputsOf(parent)[0]}, {c0.value - 2000});
    for (const Tx* tx : {&child, &parent}) {
        MempoolEntry e;
        e.tx = std::make_shared<const Tx>(*tx);
        e.fee = 1000;
        e.vsize = primitives::TxVirtualSize(*tx);
        e.weight = primitives::TxWeight(*tx);
        e.time = T0;
        p.pool.Add(std::move(e));
    }
    ASSERT_EQ(p.pool.Entries().front()->txid, primitives::ComputeTxid(child));  // arrival order: child first
    const MempoolFile file = SnapshotMempool(p.pool, {});
    ASSERT_EQ(file.entries.size(), 2u);
    EXPECT_EQ(*file.entries[0].tx, parent);
    EXPECT_EQ(*file.entries[1].tx, child);
}

TEST(MempoolFile, APoolReloadsIntoAFreshOneOnTheSameChain) {
    Pool a;
    const Utxo c0 = a.node.Coinbase(0);
    const Utxo c1 = a.node.Coinbase(1);
    const Utxo c2 = a.node.Coinbase(2);
    const Tx parent = a.node.Spend({c0}, {c0.value / 2, c0.value / 2 - 1000});
    const Tx child = a.node.Spend({OutputsOf(parent)[0]}, {c0.value / 2 - 1000});
    const Tx mine = a.node.Spend({c1}, {c1.value - 1000});
    const Tx old = a.node.Spend({c2}, {c2.value - 1000});
    ASSERT_TRUE(a.accept.Accept(old, T0));
    ASSERT_TRUE(a.accept.Accept(parent, T0 - 100));
    ASSERT_TRUE(a.accept.Accept(child, T0 - 50));
    ASSERT_TRUE(a.accept.Accept(mine, T0 - 20));
    const auto mine_id = primitives::ComputeTxid(mine);
    MempoolFile file = SnapshotMempool(a.pool, [&](const MempoolEntry& e) { return e.txid == mine_id; });
    ASSERT_EQ(file.entries.size(), 4u);
    const auto position = [&](const Tx& tx) {
        for (size_t i = 0; i < file.entries.size(); ++i) {
            if (*file.entries[i].tx == tx) return i;
        }
        return file.entries.size();
    };
    EXPECT_LT(position(parent), position(child));
    ASSERT_EQ(file.unbroadcast.size(), 1u);
    // One entry older than the expiry by the time the file is read: not loaded again.
    file.entries[position(old)].time = T0 - DEFAULT_MEMPOOL_EXPIRY_SECONDS - 10;

    file.xor_key = {1, 3, 5, 7, 9, 11, 13, 15};
    auto decoded = DecodeMempoolFile(EncodeMempoolFile(file));
    ASSERT_TRUE(decoded) << decoded.error();

    // A second pool on the same chain, where the parent is already there (as a wallet's
    // resubmission at start would have put it).
    Pool b;
    ASSERT_TRUE(b.accept.Accept(parent, T0));
    // In two batches, as the node loads a large file.
    MempoolLoadStats stats = LoadMempoolFile(b.accept, *decoded, T0, 0, 2);
    const MempoolLoadStats rest = LoadMempoolFile(b.accept, *decoded, T0, 2, SIZE_MAX);
    stats.accepted += rest.accepted;
    stats.already_there += rest.already_there;
    stats.expired += rest.expired;
    stats.failed += rest.failed;
    stats.unbroadcast += rest.unbroadcast;
    EXPECT_EQ(stats.accepted, 2u);  // child, mine
    EXPECT_EQ(stats.already_there, 1u);
    EXPECT_EQ(stats.expired, 1u);
    EXPECT_EQ(stats.failed, 0u);
    EXPECT_EQ(stats.unbroadcast, 1u);
    EXPECT_EQ(b.pool.Size(), 3u);
    const MempoolEntry* reloaded = b.pool.Get(primitives::ComputeTxid(child));
    ASSERT_NE(reloaded, nullptr);
    EXPECT_EQ(reloaded->time, T0 - 50);
    EXPECT_EQ(reloaded->origin, TX_ORIGIN_DISK);
    EXPECT_EQ(b.pool.Get(mine_id)->origin, TX_ORIGIN_LOCAL);
    EXPECT_FALSE(b.pool.Contains(primitives::ComputeTxid(old)));
    EXPECT_TRUE(b.pool.SanityCheck());
}

}  // namespace
}  // namespace tonari::bitcoin::mempool
