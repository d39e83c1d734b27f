// Tests for undo data: round trips, every kind of corrupt record refused (truncation at
// every length, bad counts, flipped bytes, the wrong parent hash), ApplyTxInUndo, and an
// end-to-end replay of the 206-block regtest chain: connect every block against a coins
// cache (CheckTxInputs, sequence locks, sigops, BIP30, undo), then disconnect back to genesis
// from the stored undo records and arrive at an empty UTXO set.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <sstream>

#include "bitcoin/chain/block_verify.h"
#include "bitcoin/chain/tx_verify.h"
#include "bitcoin/chain/undo.h"
#include "bitcoin/chain/utxo_digest.h"
#include "bitcoin/consensus/limits.h"
#include "bitcoin/consensus/params.h"
#include "bitcoin/consensus/subsidy.h"
#include "bitcoin/script/script.h"
#include "crypto/sha256.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::chain {
namespace {

using primitives::Amount;
using primitives::Block;
using primitives::BlockHash;
using primitives::OutPoint;
using util::Bytes;

constexpr uint64_t K0 = 11;
constexpr uint64_t K1 = 22;

Coin CoinOf(Amount value, uint32_t height, bool coinbase, uint8_t fill) {
    Bytes script(22, fill);
    script[0] = 0x00;
    script[1] = 0x14;
    return Coin{primitives::TxOut{value, std::move(script)}, height, coinbase};
}

BlockUndo SampleUndo() {
    BlockUndo undo;
    undo.txs.push_back(TxUndo{{CoinOf(50 * primitives::COIN, 1, true, 0x11)}});
    undo.txs.push_back(TxUndo{{CoinOf(1, 7, false, 0x22), CoinOf(0, 8, false, 0x33),
                               Coin{{12345, {0x51, 0x52, 0x53}}, 9, false}}});
    undo.txs.push_back(TxUndo{{Coin{{primitives::MAX_MONEY, Bytes(300, 0xac)}, 0x7fffffff, true}}});
    return undo;
}

BlockHash HashOf(uint8_t b) {
    std::array<uint8_t, 32> bytes{};
    bytes.fill(b);
    return BlockHash(util::Uint256(bytes));
}

TEST(Undo, RoundTrip) {
    const BlockUndo empty;
    EXPECT_EQ(util::HexEncode(SerializeBlockUndo(empty)), "00");
    auto back_empty = DecodeBlockUndo(SerializeBlockUndo(empty));
    ASSERT_TRUE(back_empty);
    EXPECT_EQ(*back_empty, empty);

    const BlockUndo undo = SampleUndo();
    const Bytes bytes = SerializeBlockUndo(undo);
    auto back = DecodeBlockUndo(bytes);
    ASSERT_TRUE(back) << CoinsDecodeErrorMessage(back.error());
    EXPECT_EQ(*back, undo);
    EXPECT_EQ(SerializeBlockUndo(*back), bytes);
}

TEST(Undo, EveryTruncationIsRefused) {
    const Bytes bytes = SerializeBlockUndo(SampleUndo());
    int refused = 0;
    for (size_t n = 0; n < bytes.size(); ++n) {
        auto r = DecodeBlockUndo(util::ByteSpan(bytes).first(n));
        ASSERT_FALSE(r) << "prefix of " << n << " bytes decoded";
        ++refused;
    }
    EXPECT_EQ(refused, static_cast<int>(bytes.size()));
    Bytes longer = bytes;
    longer.push_back(0);
    auto r = DecodeBlockUndo(longer);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), CoinsDecodeError::TrailingBytes);
}

TEST(Undo, HostileCountsAreRefusedBeforeAllocating) {
    // A block claiming 2^32 transactions in five bytes, and a transaction claiming 2^62
    // coins: refused as truncated without reserving anything.
    auto many_txs = DecodeBlockUndo(test::ParseHexOrFail("8080808010"));
    ASSERT_FALSE(many_txs);
    EXPECT_EQ(many_txs.error(), CoinsDecodeError::Truncated);
    auto many_coins = DecodeBlockUndo(test::ParseHexOrFail("01" "808080808080808040" "000005"));
    ASSERT_FALSE(many_coins);
    EXPECT_EQ(many_coins.error(), CoinsDecodeError::Truncated);
    // One transaction, one coin claimed, two bytes left: less than the smallest coin.
    auto short_coin = DecodeBlockUndo(test::ParseHexOrFail("01" "01" "0000"));
    ASSERT_FALSE(short_coin);
    EXPECT_EQ(short_coin.error(), CoinsDecodeError::Truncated);
    // A transaction that spent nothing cannot exist.
    auto empty_tx = DecodeBlockUndo(test::ParseHexOrFail("01" "00" "000005"));
    ASSERT_FALSE(empty_tx);
    EXPECT_EQ(empty_tx.error(), CoinsDecodeError::EmptyTxUndo);
    // A corrupt coin inside reports the coin's reason.
    auto bad_coin = DecodeBlockUndo(test::ParseHexOrFail("01" "01" "00" "64" "05"));
    ASSERT_FALSE(bad_coin);
    EXPECT_EQ(bad_coin.error(), CoinsDecodeError::NonCanonical);
    auto bad_count = DecodeBlockUndo(test::ParseHexOrFail("8100"));
    ASSERT_FALSE(bad_count);
    EXPECT_EQ(bad_count.error(), CoinsDecodeError::NonCanonical);
}

TEST(Undo, ChecksumIsSha256dOfParentHashAndBytes) {
    const BlockHash prev = HashOf(0xab);
    const Bytes bytes = SerializeBlockUndo(SampleUndo());
    Bytes preimage(prev.get().begin(), prev.get().end());
    util::Append(preimage, bytes);
    EXPECT_EQ(UndoChecksum(prev, bytes), crypto::Sha256d(preimage));

    const Bytes record = MakeUndoRecord(prev, SampleUndo());
    ASSERT_EQ(record.size(), bytes.size() + UNDO_CHECKSUM_SIZE);
    EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), record.begin()));
    auto back = ReadUndoRecord(prev, record);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, SampleUndo());
}

TEST(Undo, DamagedRecordsAreRefused) {
    const BlockHash prev = HashOf(0xab);
    const Bytes record = MakeUndoRecord(prev, SampleUndo());
    // Any single flipped bit, in the data or the checksum.
    int flips = 0;
    for (size_t i = 0; i < record.size(); ++i) {
        Bytes damaged = record;
        damaged[i] ^= static_cast<uint8_t>(1u << (i % 8));
        auto r = ReadUndoRecord(prev, damaged);
        ASSERT_FALSE(r) << "flip at " << i;
        EXPECT_EQ(r.error(), CoinsDecodeError::ChecksumMismatch);
        ++flips;
    }
    EXPECT_EQ(flips, static_cast<int>(record.size()));
    // A torn write: any shorter record.
    for (size_t n = UNDO_CHECKSUM_SIZE; n < record.size(); ++n) {
        auto r = ReadUndoRecord(prev, util::ByteSpan(record).first(n));
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error(), CoinsDecodeError::ChecksumMismatch);
    }
    auto tiny = ReadUndoRecord(prev, util::ByteSpan(record).first(UNDO_CHECKSUM_SIZE - 1));
    ASSERT_FALSE(tiny);
    EXPECT_EQ(tiny.error(), CoinsDecodeError::Truncated);
    // The record of another block position.
    auto other = ReadUndoRecord(HashOf(0xac), record);
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error(), CoinsDecodeError::ChecksumMismatch);
    // A valid checksum over garbage still fails to decode.
    const Bytes garbage = {0x01, 0x00, 0x00, 0x00, 0x05};
    Bytes forged = garbage;
    util::Append(forged, UndoChecksum(prev, garbage).span());
    auto g = ReadUndoRecord(prev, forged);
    ASSERT_FALSE(g);
    EXPECT_EQ(g.error(), CoinsDecodeError::EmptyTxUndo);
}

TEST(Undo, ApplyTxInUndoReportsOverwrites) {
    MemoryCoinsView base;
    CoinsViewCache cache(base, K0, K1);
    const OutPoint a{primitives::Txid(HashOf(1).get()), 0};
    const OutPoint b{primitives::Txid(HashOf(2).get()), 3};
    base.Put(b, CoinOf(5, 2, false, 0x44));
    EXPECT_EQ(ApplyTxInUndo(cache, a, CoinOf(7, 3, true, 0x55)), UndoApplyResult::Clean);
    EXPECT_EQ(cache.AccessCoin(a)->out.value, 7);
    EXPECT_TRUE(cache.AccessCoin(a)->coinbase);
    EXPECT_EQ(ApplyTxInUndo(cache, b, CoinOf(9, 4, false, 0x66)), UndoApplyResult::Unclean);
    EXPECT_EQ(cache.AccessCoin(b)->out.value, 9);
    EXPECT_TRUE(cache.SanityCheck());
}

// --- the regtest chain, connected and disconnected ----------------------------------------

std::vector<Block> RegtestChain() {
    std::vector<Block> out;
    for (const util::Bytes& raw : test::ReadTestHexLines("blocks/regtest_block_data.txt")) {
        auto b = primitives::DecodeBlock(raw);
        EXPECT_TRUE(b) << "regtest block " << out.size() + 1;
        if (b) out.push_back(std::move(*b));
    }
    return out;
}

// Median of the last (up to) 11 block times ending at `height`.
int64_t Mtp(const std::vector<int64_t>& times, int height) {
    std::vector<int64_t> window(times.begin() + std::max(0, height - 10), times.begin() + height + 1);
    std::sort(window.begin(), window.end());
    return window[window.size() / 2];
}

TEST(UndoReplay, RegtestChainConnectsAndDisconnects) {
    const auto& params = consensus::GetParams(encoding::Network::Regtest);
    const std::vector<Block> chain = RegtestChain();
    ASSERT_EQ(chain.size(), 206u);

    std::vector<BlockHash> hashes = {params.genesis_hash};
    std::vector<int64_t> times = {params.genesis.header.time};
    for (const Block& b : chain) {
        hashes.push_back(b.header.ComputeHash());
        times.push_back(b.header.time);
    }
    const MedianTimePastAt mtp_at = [&](int h) { return Mtp(times, h); };

    MemoryCoinsView base;
    base.SetBestBlock(params.genesis_hash);  // genesis outputs are never spendable: not added
    CoinsViewCache cache(base, K0, K1);
    std::vector<Bytes> undo_records(chain.size() + 1);
    std::optional<UtxoStats> stats_at_100;
    int spends = 0, non_coinbase = 0;
    int64_t total_sigop_cost = 0;

    for (int h = 1; h <= 206; ++h) {
        const Block& block = chain[h - 1];
        ASSERT_TRUE(ContextualCheckBlock(block, h, Mtp(times, h - 1), params)) << h;
        std::vector<primitives::Txid> txids;
        for (const auto& tx : block.txs) txids.push_back(primitives::ComputeTxid(tx));
        const auto bip34_ancestor = h >= 2 ? std::optional<BlockHash>(hashes[1]) : std::nullopt;
        ASSERT_TRUE(ShouldEnforceBip30(h, hashes[h], bip34_ancestor, params));  // regtest always checks
        ASSERT_TRUE(CheckBip30(block, txids, cache)) << h;
        const script::ScriptFlags flags = GetBlockScriptFlags(h, hashes[h], params);

        BlockUndo undo;
        Amount fees = 0;
        for (size_t i = 0; i < block.txs.size(); ++i) {
            const auto& tx = block.txs[i];
            if (!tx.IsCoinbase()) {
                ++non_coinbase;
                auto fee = CheckTxInputs(tx, cache, h, params);
                ASSERT_TRUE(fee) << "block " << h << " tx " << i << ": " << consensus::ReasonString(fee.error());
                fees += *fee;
                std::vector<int> prev_heights;
                for (const auto& in : tx.inputs) prev_heights.push_back(static_cast<int>(cache.AccessCoin(in.prevout)->height));
                ASSERT_TRUE(CheckSequenceLocks(tx, LOCKTIME_VERIFY_SEQUENCE, prev_heights, h, mtp_at));
            }
            total_sigop_cost += GetTransactionSigOpCost(tx, cache, flags);
            if (!tx.IsCoinbase()) {
                TxUndo tx_undo;
                for (const auto& in : tx.inputs) {
                    auto spent = cache.SpendCoin(in.prevout);
                    ASSERT_TRUE(spent);
                    tx_undo.spent.push_back(std::move(*spent));
                    ++spends;
                }
                undo.txs.push_back(std::move(tx_undo));
            }
            ASSERT_TRUE(AddCoins(cache, tx, txids[i], static_cast<uint32_t>(h), false));
        }
        Amount coinbase_out = 0;
        for (const auto& out : block.txs[0].outputs) coinbase_out += out.value;
        EXPECT_LE(coinbase_out, fees + consensus::GetBlockSubsidy(h, params)) << h;
        undo_records[h] = MakeUndoRecord(hashes[h - 1], undo);
        cache.SetBestBlock(hashes[h]);
        if (h % 50 == 0) {
            ASSERT_TRUE(cache.Flush());
        }
        if (h % 50 == 25) {
            ASSERT_TRUE(cache.Sync());
        }
        if (h == 100) {
            ASSERT_TRUE(cache.Flush());
            auto s = ComputeUtxoDigest(base);
            ASSERT_TRUE(s);
            stats_at_100 = *s;
        }
    }
    ASSERT_TRUE(cache.SanityCheck());
    ASSERT_TRUE(cache.Flush());
    EXPECT_EQ(base.GetBestBlock(), hashes[206]);
    auto tip_stats = ComputeUtxoDigest(base);
    ASSERT_TRUE(tip_stats);
    EXPECT_GT(tip_stats->coins, 200u);

    // Disconnect back to genesis.
    for (int h = 206; h >= 1; --h) {
        const Block& block = chain[h - 1];
        auto undo = ReadUndoRecord(hashes[h - 1], undo_records[h]);
        ASSERT_TRUE(undo) << h;
        ASSERT_EQ(undo->txs.size(), block.txs.size() - 1);
        for (size_t i = block.txs.size(); i-- > 0;) {
            const auto& tx = block.txs[i];
            const auto txid = primitives::ComputeTxid(tx);
            for (size_t o = 0; o < tx.outputs.size(); ++o) {
                if (script::IsUnspendable(tx.outputs[o].script_pubkey)) continue;
                auto removed = cache.SpendCoin({txid, static_cast<uint32_t>(o)});
                ASSERT_TRUE(removed) << h << "/" << i << "/" << o;
                EXPECT_EQ(removed->out, tx.outputs[o]);
                EXPECT_EQ(removed->height, static_cast<uint32_t>(h));
            }
            if (i == 0) continue;
            const TxUndo& tx_undo = undo->txs[i - 1];
            ASSERT_EQ(tx_undo.spent.size(), tx.inputs.size());
            for (size_t j = tx.inputs.size(); j-- > 0;) {
                EXPECT_EQ(ApplyTxInUndo(cache, tx.inputs[j].prevout, tx_undo.spent[j]), UndoApplyResult::Clean);
            }
        }
        cache.SetBestBlock(hashes[h - 1]);
        if (h == 101) {
            ASSERT_TRUE(cache.Flush());
            auto s = ComputeUtxoDigest(base);
            ASSERT_TRUE(s);
            ASSERT_TRUE(stats_at_100);
            EXPECT_EQ(s->hash_serialized, stats_at_100->hash_serialized);
            EXPECT_EQ(s->coins, stats_at_100->coins);
            EXPECT_EQ(s->total_amount, stats_at_100->total_amount);
        }
    }
    ASSERT_TRUE(cache.Flush());
    EXPECT_EQ(base.size(), 0u);
    EXPECT_EQ(base.GetBestBlock(), params.genesis_hash);
    std::cout << "[vectors] regtest_block_data.txt: 206 blocks connected and disconnected, " << non_coinbase
              << " non-coinbase txs, " << spends << " inputs, " << tip_stats->coins << " coins at the tip, sigop cost "
              << total_sigop_cost << "\n";
    EXPECT_GT(non_coinbase, 0);
    EXPECT_GT(total_sigop_cost, 0);
}

}  // namespace
}  // namespace tonari::bitcoin::chain
