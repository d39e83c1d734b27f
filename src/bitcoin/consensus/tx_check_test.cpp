// Tests for CheckTransaction: one hand-made transaction per rule, boundaries on each side, and
// Bitcoin Core's tx_valid.json / tx_invalid.json (every valid transaction passes the
// context-free checks; exactly the BADTX rows fail them, each for the reason its comment names).
#include <gtest/gtest.h>

#include <iostream>

#include "bitcoin/consensus/limits.h"
#include "bitcoin/consensus/tx_check.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::consensus {
namespace {

using primitives::COIN;
using primitives::MAX_MONEY;
using primitives::OutPoint;
using primitives::Tx;
using primitives::TxIn;
using primitives::TxOut;

primitives::Txid SomeTxid(uint8_t fill) {
    util::Uint256 h;
    for (auto& b : h.mutable_span()) b = fill;
    return primitives::Txid(h);
}

TxIn Spend(uint8_t fill, uint32_t index) {
    TxIn in;
    in.prevout = OutPoint{SomeTxid(fill), index};
    return in;
}

Tx ValidTx() {
    Tx tx;
    tx.inputs = {Spend(1, 0)};
    tx.outputs = {TxOut{1 * COIN, {0x51}}};
    return tx;
}

Tx ValidCoinbase() {
    Tx tx;
    tx.inputs.resize(1);  // null prevout
    tx.inputs[0].script_sig = {0x01, 0x01};
    tx.outputs = {TxOut{50 * COIN, {0x51}}};
    return tx;
}

void ExpectFails(const Tx& tx, TxError expected) {
    auto r = CheckTransaction(tx);
    ASSERT_FALSE(r) << "expected " << ReasonString(expected);
    EXPECT_EQ(r.error(), expected) << ReasonString(r.error()) << " instead of " << ReasonString(expected);
}

TEST(CheckTransaction, ValidPasses) {
    EXPECT_TRUE(CheckTransaction(ValidTx()));
    EXPECT_TRUE(CheckTransaction(ValidCoinbase()));
}

TEST(CheckTransaction, EmptyInputsOrOutputs) {
    Tx tx = ValidTx();
    tx.inputs.clear();
    ExpectFails(tx, TxError::VinEmpty);
    tx.outputs.clear();
    ExpectFails(tx, TxError::VinEmpty);  // inputs are checked first
    tx = ValidTx();
    tx.outputs.clear();
    ExpectFails(tx, TxError::VoutEmpty);
}

TEST(CheckTransaction, Oversize) {
    // Stripped size * 4 may reach MAX_BLOCK_WEIGHT exactly, not exceed it.
    Tx tx = ValidTx();
    const size_t base = primitives::SerializedSize(tx, false) - tx.outputs[0].script_pubkey.size() - 1;
    const size_t limit = MAX_BLOCK_WEIGHT / WITNESS_SCALE_FACTOR;
    // Script length L takes a 5-byte CompactSize here (L >= 65536).
    tx.outputs[0].script_pubkey.assign(limit - base - 5, 0x00);
    ASSERT_EQ(primitives::SerializedSize(tx, false), limit);
    EXPECT_TRUE(CheckTransaction(tx));
    tx.outputs[0].script_pubkey.push_back(0x00);
    ExpectFails(tx, TxError::Oversize);
    // Witness bytes do not count towards this limit.
    Tx witness_tx = ValidTx();
    witness_tx.inputs[0].witness = {util::Bytes(2'000'000, 0x00)};
    EXPECT_TRUE(CheckTransaction(witness_tx));
}

TEST(CheckTransaction, OutputValues) {
    Tx tx = ValidTx();
    tx.outputs[0].value = -1;
    ExpectFails(tx, TxError::VoutNegative);
    tx.outputs[0].value = MAX_MONEY + 1;
    ExpectFails(tx, TxError::VoutTooLarge);
    tx.outputs[0].value = MAX_MONEY;
    EXPECT_TRUE(CheckTransaction(tx));
    tx.outputs[0].value = 0;
    EXPECT_TRUE(CheckTransaction(tx));
    // Each within range, the sum not (the CVE-2010-5139 shape).
    tx.outputs = {TxOut{MAX_MONEY, {0x51}}, TxOut{1, {0x51}}};
    ExpectFails(tx, TxError::TxoutTotalTooLarge);
    tx.outputs = {TxOut{MAX_MONEY - 1, {0x51}}, TxOut{1, {0x51}}};
    EXPECT_TRUE(CheckTransaction(tx));
    // A negative value after a large one is reported as negative, not as the total.
    tx.outputs = {TxOut{MAX_MONEY, {0x51}}, TxOut{-1, {0x51}}};
    ExpectFails(tx, TxError::VoutNegative);
}

TEST(CheckTransaction, DuplicateInputs) {
    // CVE-2018-17144. Both the pairwise path (few inputs) and the sorted path (many).
    Tx tx = ValidTx();
    tx.inputs = {Spend(1, 0), Spend(1, 1)};
    EXPECT_TRUE(CheckTransaction(tx));
    tx.inputs = {Spend(1, 0), Spend(1, 0)};
    ExpectFails(tx, TxError::InputsDuplicate);
    tx.inputs.clear();
    for (uint32_t i = 0; i < 50; ++i) tx.inputs.push_back(Spend(static_cast<uint8_t>(i % 7), i));
    EXPECT_TRUE(CheckTransaction(tx));
    tx.inputs.push_back(Spend(static_cast<uint8_t>(23 % 7), 23));  // same as input 23
    ExpectFails(tx, TxError::InputsDuplicate);
    // Same txid, different index; same index, different txid: both distinct.
    tx.inputs = {Spend(1, 5), Spend(2, 5), Spend(1, 6)};
    EXPECT_TRUE(CheckTransaction(tx));
}

TEST(CheckTransaction, CoinbaseScriptLength) {
    Tx cb = ValidCoinbase();
    cb.inputs[0].script_sig.assign(1, 0x51);
    ExpectFails(cb, TxError::CoinbaseLength);
    cb.inputs[0].script_sig.clear();
    ExpectFails(cb, TxError::CoinbaseLength);
    cb.inputs[0].script_sig.assign(2, 0x51);
    EXPECT_TRUE(CheckTransaction(cb));
    cb.inputs[0].script_sig.assign(100, 0x51);
    EXPECT_TRUE(CheckTransaction(cb));
    cb.inputs[0].script_sig.assign(101, 0x51);
    ExpectFails(cb, TxError::CoinbaseLength);
}

TEST(CheckTransaction, NullPrevoutOutsideCoinbase) {
    // Two inputs, one null: not a coinbase, so the null prevout is refused.
    Tx tx = ValidTx();
    tx.inputs.push_back(TxIn{});
    ExpectFails(tx, TxError::PrevoutNull);
    // Null txid with a real index, or a real txid with index 0xffffffff, is not null.
    tx = ValidTx();
    tx.inputs[0].prevout = OutPoint{primitives::Txid(), 0};
    EXPECT_TRUE(CheckTransaction(tx));
    tx.inputs[0].prevout = OutPoint{SomeTxid(3), OutPoint::NULL_INDEX};
    EXPECT_TRUE(CheckTransaction(tx));
}

std::vector<std::pair<std::string, std::string>> VectorRows(std::string_view file) {
    // (comment preceding the row, serialized tx hex) for every test row.
    std::vector<std::pair<std::string, std::string>> rows;
    std::string comment;
    const boost::json::value json = test::ReadTestJson(file);  // must outlive the loop
    for (const auto& row : json.as_array()) {
        const auto& a = row.as_array();
        if (a.empty()) continue;
        if (a[0].is_string()) {
            comment = std::string(a[0].as_string());
            continue;
        }
        rows.emplace_back(comment, std::string(a.at(1).as_string()));
        // The flags field; BADTX rows are marked by replacing the comment below.
        if (a.at(2).is_string() && a.at(2).as_string() == "BADTX") rows.back().first = "BADTX:" + comment;
    }
    return rows;
}

TEST(CheckTransaction, CoreTxValidVectors) {
    int checked = 0;
    for (const auto& [comment, hex] : VectorRows("bitcoin-core/tx_valid.json")) {
        auto tx = primitives::DecodeTx(test::ParseHexOrFail(hex));
        ASSERT_TRUE(tx) << comment;
        auto r = CheckTransaction(*tx);
        EXPECT_TRUE(r) << comment << ": " << (r ? "" : ReasonString(r.error()));
        ++checked;
    }
    std::cout << "[vectors] tx_valid.json: " << checked << " cases passed CheckTransaction\n";
    EXPECT_EQ(checked, 121);
}

TEST(CheckTransaction, CoreTxInvalidVectors) {
    // The nine BADTX rows, in file order, and the reason each one's comment describes.
    const std::vector<TxError> badtx_expected = {
        TxError::VoutEmpty,          TxError::VoutNegative,    TxError::VoutTooLarge,
        TxError::TxoutTotalTooLarge, TxError::InputsDuplicate, TxError::CoinbaseLength,
        TxError::CoinbaseLength,     TxError::PrevoutNull,     TxError::PrevoutNull,
    };
    int checked = 0;
    size_t badtx = 0;
    for (const auto& [comment, hex] : VectorRows("bitcoin-core/tx_invalid.json")) {
        auto tx = primitives::DecodeTx(test::ParseHexOrFail(hex));
        ASSERT_TRUE(tx) << comment;
        auto r = CheckTransaction(*tx);
        if (comment.starts_with("BADTX:")) {
            ASSERT_LT(badtx, badtx_expected.size());
            ASSERT_FALSE(r) << comment;
            EXPECT_EQ(r.error(), badtx_expected[badtx]) << comment << ": got " << ReasonString(r.error());
            ++badtx;
        } else {
            // Invalid for script reasons only: the context-free checks pass.
            EXPECT_TRUE(r) << comment << ": " << (r ? "" : ReasonString(r.error()));
        }
        ++checked;
    }
    std::cout << "[vectors] tx_invalid.json: " << checked << " cases checked (" << badtx
              << " BADTX rejected with the expected reason)\n";
    EXPECT_EQ(checked, 93);
    EXPECT_EQ(badtx, 9u);
}

TEST(ValidationError, ReasonStrings) {
    EXPECT_EQ(ReasonString(TxError::VinEmpty), "bad-txns-vin-empty");
    EXPECT_EQ(ReasonString(TxError::VoutEmpty), "bad-txns-vout-empty");
    EXPECT_EQ(ReasonString(TxError::Oversize), "bad-txns-oversize");
    EXPECT_EQ(ReasonString(TxError::VoutNegative), "bad-txns-vout-negative");
    EXPECT_EQ(ReasonString(TxError::VoutTooLarge), "bad-txns-vout-toolarge");
    EXPECT_EQ(ReasonString(TxError::TxoutTotalTooLarge), "bad-txns-txouttotal-toolarge");
    EXPECT_EQ(ReasonString(TxError::InputsDuplicate), "bad-txns-inputs-duplicate");
    EXPECT_EQ(ReasonString(TxError::CoinbaseLength), "bad-cb-length");
    EXPECT_EQ(ReasonString(TxError::PrevoutNull), "bad-txns-prevout-null");
    EXPECT_EQ(ReasonString(BlockError::HighHash), "high-hash");
    EXPECT_EQ(ReasonString(BlockError::BadMerkleRoot), "bad-txnmrklroot");
    EXPECT_EQ(ReasonString(BlockError::DuplicateTx), "bad-txns-duplicate");
    EXPECT_EQ(ReasonString(BlockError::BadLength), "bad-blk-length");
    EXPECT_EQ(ReasonString(BlockError::CoinbaseMissing), "bad-cb-missing");
    EXPECT_EQ(ReasonString(BlockError::CoinbaseMultiple), "bad-cb-multiple");
    EXPECT_EQ(ReasonString(BlockError::TooManySigops), "bad-blk-sigops");
    const BlockValidationError tx_failure{
        .reason = BlockError::BadTransaction, .tx_error = TxError::PrevoutNull, .tx_index = 3};
    EXPECT_EQ(ReasonString(tx_failure), "bad-txns-prevout-null");
    EXPECT_TRUE(IsMutation(BlockError::BadMerkleRoot));
    EXPECT_TRUE(IsMutation(BlockError::DuplicateTx));
    EXPECT_FALSE(IsMutation(BlockError::HighHash));
    EXPECT_FALSE(IsMutation(BlockError::BadTransaction));
}

}  // namespace
}  // namespace tonari::bitcoin::consensus
