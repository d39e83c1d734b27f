// Tests for the contextual transaction rules: each CheckTxInputs failure with Core's reason
// string and Core's order, the maturity boundary, IsFinalTx edges, BIP68 sequence locks
// (height and time, disable flag, version 1, the flag, granularity), and sigop cost.
#include <gtest/gtest.h>

#include "bitcoin/chain/tx_verify.h"
#include "bitcoin/consensus/params.h"
#include "bitcoin/script/script.h"
#include "test_data.h"

namespace tonari::bitcoin::chain {
namespace {

using consensus::TxError;
using primitives::Amount;
using primitives::COIN;
using primitives::MAX_MONEY;
using primitives::OutPoint;
using primitives::Tx;
using primitives::TxIn;
using primitives::TxOut;
using util::Bytes;

constexpr uint64_t K0 = 3;
constexpr uint64_t K1 = 4;

OutPoint Op(uint8_t tx, uint32_t index = 0) {
    std::array<uint8_t, 32> bytes{};
    bytes[0] = tx;
    bytes[1] = 0xc0;
    return OutPoint{primitives::Txid(util::Uint256(bytes)), index};
}

Bytes P2wpkh(uint8_t fill) {
    Bytes s(22, fill);
    s[0] = 0x00;
    s[1] = 0x14;
    return s;
}

Tx Spend(std::vector<OutPoint> prevouts, std::vector<Amount> outputs, uint32_t version = 2) {
    Tx tx;
    tx.version = version;
    for (const auto& p : prevouts) {
        TxIn in;
        in.prevout = p;
        tx.inputs.push_back(in);
    }
    for (Amount v : outputs) tx.outputs.push_back(TxOut{v, P2wpkh(0x77)});
    return tx;
}

const consensus::ConsensusParams& Regtest() {
    return consensus::GetParams(encoding::Network::Regtest);
}

// A view with: a coinbase coin at height 100 (50 BTC), two ordinary 1 BTC coins at 150,
// a MAX_MONEY coin, and a corrupt over-range coin (only a damaged database could hold one).
struct Fixture {
    MemoryCoinsView base;
    CoinsViewCache cache{base, K0, K1};
    Fixture() {
        base.Put(Op(1), Coin{{50 * COIN, P2wpkh(1)}, 100, true});
        base.Put(Op(2), Coin{{1 * COIN, P2wpkh(2)}, 150, false});
        base.Put(Op(3), Coin{{1 * COIN, P2wpkh(3)}, 150, false});
        base.Put(Op(4), Coin{{MAX_MONEY, P2wpkh(4)}, 150, false});
        base.Put(Op(5), Coin{{MAX_MONEY, P2wpkh(5)}, 150, false});
        base.Put(Op(6), Coin{{MAX_MONEY + 1, P2wpkh(6)}, 150, false});
    }
    std::string Check(const Tx& tx, int height, const consensus::ConsensusParams& params = Regtest()) {
        auto r = CheckTxInputs(tx, cache, height, params);
        return r ? "fee " + std::to_string(*r) : std::string(consensus::ReasonString(r.error()));
    }
};

TEST(CheckTxInputs, ReturnsTheFee) {
    Fixture f;
    EXPECT_EQ(f.Check(Spend({Op(2), Op(3)}, {COIN, COIN / 2}), 200), "fee 50000000");
    EXPECT_EQ(f.Check(Spend({Op(2)}, {COIN}), 200), "fee 0");
    EXPECT_EQ(f.Check(Spend({Op(4)}, {}), 200), "fee " + std::to_string(MAX_MONEY));
}

TEST(CheckTxInputs, MissingOrSpentInputs) {
    Fixture f;
    EXPECT_EQ(f.Check(Spend({Op(2), Op(9)}, {1}), 200), "bad-txns-inputs-missingorspent");
    EXPECT_EQ(f.Check(Spend({Op(2, 1)}, {1}), 200), "bad-txns-inputs-missingorspent");
    ASSERT_TRUE(f.cache.SpendCoin(Op(3)));
    EXPECT_EQ(f.Check(Spend({Op(2), Op(3)}, {1}), 200), "bad-txns-inputs-missingorspent");
    // A coinbase has no coins to look up.
    Tx coinbase = Spend({OutPoint{}}, {1});
    ASSERT_TRUE(coinbase.IsCoinbase());
    EXPECT_EQ(f.Check(coinbase, 200), "bad-txns-inputs-missingorspent");
}

TEST(CheckTxInputs, CoinbaseMaturityBoundary) {
    Fixture f;
    // Created at 100: spendable from 100 + 100 = 200, not at 199.
    EXPECT_EQ(f.Check(Spend({Op(1)}, {COIN}), 199), "bad-txns-premature-spend-of-coinbase");
    EXPECT_EQ(f.Check(Spend({Op(1)}, {COIN}), 200), "fee " + std::to_string(49 * COIN));
    EXPECT_EQ(f.Check(Spend({Op(1)}, {COIN}), 100), "bad-txns-premature-spend-of-coinbase");
    // A height below the coin's (a caller bug) is premature, not an overflow.
    EXPECT_EQ(f.Check(Spend({Op(1)}, {COIN}), 0), "bad-txns-premature-spend-of-coinbase");
    // Ordinary coins mature at once.
    EXPECT_EQ(f.Check(Spend({Op(2)}, {COIN}), 150), "fee 0");
    // The parameter is what counts.
    consensus::ConsensusParams quick = Regtest();
    quick.coinbase_maturity = 5;
    EXPECT_EQ(f.Check(Spend({Op(1)}, {COIN}), 104, quick), "bad-txns-premature-spend-of-coinbase");
    EXPECT_EQ(f.Check(Spend({Op(1)}, {COIN}), 105, quick), "fee " + std::to_string(49 * COIN));
}

TEST(CheckTxInputs, InputValuesOutOfRange) {
    Fixture f;
    EXPECT_EQ(f.Check(Spend({Op(6)}, {1}), 200), "bad-txns-inputvalues-outofrange");
    // Each in range, the sum not.
    EXPECT_EQ(f.Check(Spend({Op(4), Op(5)}, {1}), 200), "bad-txns-inputvalues-outofrange");
    EXPECT_EQ(f.Check(Spend({Op(4), Op(2)}, {1}), 200), "bad-txns-inputvalues-outofrange");
}

TEST(CheckTxInputs, InBelowOut) {
    Fixture f;
    EXPECT_EQ(f.Check(Spend({Op(2)}, {COIN + 1}), 200), "bad-txns-in-belowout");
    EXPECT_EQ(f.Check(Spend({Op(2), Op(3)}, {COIN, COIN, 1}), 200), "bad-txns-in-belowout");
}

TEST(CheckTxInputs, OutputsBreakingCheckTransactionAreStillSafe) {
    Fixture f;
    EXPECT_EQ(f.Check(Spend({Op(2)}, {-1}), 200), "bad-txns-vout-negative");
    EXPECT_EQ(f.Check(Spend({Op(2)}, {MAX_MONEY + 1}), 200), "bad-txns-vout-toolarge");
    EXPECT_EQ(f.Check(Spend({Op(2)}, {MAX_MONEY, MAX_MONEY}), 200), "bad-txns-txouttotal-toolarge");
}

TEST(CheckTxInputs, FirstFailureInCoreOrder) {
    Fixture f;
    // Missing beats everything, even when an earlier input is premature.
    EXPECT_EQ(f.Check(Spend({Op(1), Op(9)}, {1}), 150), "bad-txns-inputs-missingorspent");
    // Inputs are checked one by one: a premature first input beats an over-range second ...
    EXPECT_EQ(f.Check(Spend({Op(1), Op(6)}, {1}), 150), "bad-txns-premature-spend-of-coinbase");
    // ... and an over-range first input beats a premature second.
    EXPECT_EQ(f.Check(Spend({Op(6), Op(1)}, {1}), 150), "bad-txns-inputvalues-outofrange");
    // Input ranges come before the output comparison.
    EXPECT_EQ(f.Check(Spend({Op(4), Op(5)}, {MAX_MONEY + 1}), 200), "bad-txns-inputvalues-outofrange");
}

// --- IsFinalTx ---------------------------------------------------------------------------

Tx Locked(uint32_t locktime, std::vector<uint32_t> sequences) {
    Tx tx;
    tx.locktime = locktime;
    for (size_t i = 0; i < sequences.size(); ++i) {
        TxIn in;
        in.prevout = Op(static_cast<uint8_t>(i));
        in.sequence = sequences[i];
        tx.inputs.push_back(in);
    }
    return tx;
}

TEST(IsFinalTx, Edges) {
    constexpr uint32_t FINAL = TxIn::SEQUENCE_FINAL;
    EXPECT_TRUE(IsFinalTx(Locked(0, {0}), 0, 0));
    // Height locks: the lock names the last height the tx may NOT be in.
    EXPECT_TRUE(IsFinalTx(Locked(100, {0}), 101, 0));
    EXPECT_FALSE(IsFinalTx(Locked(100, {0}), 100, 0));
    EXPECT_FALSE(IsFinalTx(Locked(100, {0}), 99, 2'000'000'000));  // the time is irrelevant
    EXPECT_TRUE(IsFinalTx(Locked(100, {FINAL}), 100, 0));           // every input opted out
    EXPECT_FALSE(IsFinalTx(Locked(100, {FINAL, FINAL - 1}), 100, 0));
    EXPECT_TRUE(IsFinalTx(Locked(100, {FINAL, FINAL}), 100, 0));
    EXPECT_TRUE(IsFinalTx(Locked(100, {}), 50, 0));  // no inputs: vacuously opted out
    EXPECT_TRUE(IsFinalTx(Locked(LOCKTIME_THRESHOLD - 1, {0}), LOCKTIME_THRESHOLD, 0));
    EXPECT_FALSE(IsFinalTx(Locked(LOCKTIME_THRESHOLD - 1, {0}), LOCKTIME_THRESHOLD - 1, 0));
    // Time locks, from LOCKTIME_THRESHOLD on: compared with the cutoff, never the height.
    EXPECT_FALSE(IsFinalTx(Locked(LOCKTIME_THRESHOLD, {0}), 1'000'000'000, LOCKTIME_THRESHOLD));
    EXPECT_TRUE(IsFinalTx(Locked(LOCKTIME_THRESHOLD, {0}), 0, LOCKTIME_THRESHOLD + 1));
    EXPECT_FALSE(IsFinalTx(Locked(0xffffffff, {0}), 0, 0xffffffff));
    EXPECT_TRUE(IsFinalTx(Locked(0xffffffff, {0}), 0, int64_t{0xffffffff} + 1));
    EXPECT_TRUE(IsFinalTx(Locked(0xffffffff, {FINAL}), 0, 0));
}

// --- BIP68 -------------------------------------------------------------------------------

// MTP rises 600 s per block from 1,000,000 at height 0.
int64_t TestMtp(int h) {
    return 1'000'000 + int64_t{h} * 600;
}

Tx Relative(std::vector<uint32_t> sequences, uint32_t version = 2) {
    Tx tx = Locked(0, std::move(sequences));
    tx.version = version;
    return tx;
}

TEST(SequenceLocks, HeightLock) {
    const Tx tx = Relative({10});
    const std::vector<int> heights = {100};
    int mtp_calls = 0;
    const MedianTimePastAt mtp = [&](int h) {
        ++mtp_calls;
        return TestMtp(h);
    };
    const SequenceLocks locks = CalculateSequenceLocks(tx, LOCKTIME_VERIFY_SEQUENCE, heights, mtp);
    EXPECT_EQ(locks, (SequenceLocks{.min_height = 109, .min_time = -1}));
    EXPECT_EQ(mtp_calls, 0);  // height locks need no times
    EXPECT_FALSE(EvaluateSequenceLocks(109, 0, locks));
    EXPECT_TRUE(EvaluateSequenceLocks(110, 0, locks));
    EXPECT_FALSE(CheckSequenceLocks(tx, LOCKTIME_VERIFY_SEQUENCE, heights, 109, mtp));
    EXPECT_TRUE(CheckSequenceLocks(tx, LOCKTIME_VERIFY_SEQUENCE, heights, 110, mtp));
    // Zero blocks: any later block.
    EXPECT_EQ(CalculateSequenceLocks(Relative({0}), LOCKTIME_VERIFY_SEQUENCE, heights, mtp).min_height, 99);
}

TEST(SequenceLocks, TimeLock) {
    const uint32_t seq = SEQUENCE_LOCKTIME_TYPE_FLAG | 3;  // 3 * 512 s
    const std::vector<int> heights = {100};
    const SequenceLocks locks = CalculateSequenceLocks(Relative({seq}), LOCKTIME_VERIFY_SEQUENCE, heights, TestMtp);
    // Counted from the MTP of the block before the coin's block.
    const int64_t expect = TestMtp(99) + 3 * 512 - 1;
    EXPECT_EQ(locks, (SequenceLocks{.min_height = -1, .min_time = expect}));
    EXPECT_FALSE(EvaluateSequenceLocks(1000, expect, locks));
    EXPECT_TRUE(EvaluateSequenceLocks(1000, expect + 1, locks));
    // A coin from height 0 (or 1) counts from the genesis MTP.
    EXPECT_EQ(CalculateSequenceLocks(Relative({seq}), LOCKTIME_VERIFY_SEQUENCE, std::vector<int>{0}, TestMtp).min_time,
              TestMtp(0) + 1535);
    // CheckSequenceLocks uses the parent's MTP: block 103's parent has 1,061,200; locked
    // until 1,059,400 + 1,535 = 1,060,935 (last invalid), so 103 passes and 102 does not.
    EXPECT_TRUE(CheckSequenceLocks(Relative({seq}), LOCKTIME_VERIFY_SEQUENCE, heights, 103, TestMtp));
    EXPECT_FALSE(CheckSequenceLocks(Relative({seq}), LOCKTIME_VERIFY_SEQUENCE, heights, 102, TestMtp));
}

TEST(SequenceLocks, MaskGranularityAndSeveralInputs) {
    // Bits outside the mask and the type flag carry no meaning.
    const uint32_t noisy = 0x003f0000 | 0x0005;
    EXPECT_EQ(CalculateSequenceLocks(Relative({noisy}), LOCKTIME_VERIFY_SEQUENCE, std::vector<int>{10}, TestMtp),
              (SequenceLocks{.min_height = 14, .min_time = -1}));
    // The largest value: 65535 * 512 s.
    const uint32_t max_time = SEQUENCE_LOCKTIME_TYPE_FLAG | SEQUENCE_LOCKTIME_MASK;
    EXPECT_EQ(CalculateSequenceLocks(Relative({max_time}), LOCKTIME_VERIFY_SEQUENCE, std::vector<int>{10}, TestMtp)
                  .min_time,
              TestMtp(9) + 65535 * 512 - 1);
    // Several inputs: the strictest of each kind.
    const Tx tx = Relative({5, 20, SEQUENCE_LOCKTIME_TYPE_FLAG | 1, SEQUENCE_LOCKTIME_TYPE_FLAG | 2});
    const SequenceLocks locks =
        CalculateSequenceLocks(tx, LOCKTIME_VERIFY_SEQUENCE, std::vector<int>{100, 90, 50, 40}, TestMtp);
    EXPECT_EQ(locks.min_height, std::max(100 + 5 - 1, 90 + 20 - 1));
    EXPECT_EQ(locks.min_time, std::max(TestMtp(49) + 511, TestMtp(39) + 1023));
    EXPECT_FALSE(EvaluateSequenceLocks(locks.min_height + 1, locks.min_time, locks));  // time not yet
    EXPECT_FALSE(EvaluateSequenceLocks(locks.min_height, locks.min_time + 1, locks));  // height not yet
    EXPECT_TRUE(EvaluateSequenceLocks(locks.min_height + 1, locks.min_time + 1, locks));
}

TEST(SequenceLocks, NotEnforced) {
    const std::vector<int> heights = {100};
    const SequenceLocks none{};
    // Disable flag on the input.
    EXPECT_EQ(CalculateSequenceLocks(Relative({SEQUENCE_LOCKTIME_DISABLE_FLAG | 50}), LOCKTIME_VERIFY_SEQUENCE,
                                     heights, TestMtp),
              none);
    EXPECT_EQ(CalculateSequenceLocks(Relative({TxIn::SEQUENCE_FINAL}), LOCKTIME_VERIFY_SEQUENCE, heights, TestMtp),
              none);
    // Version 1 transactions predate BIP68.
    EXPECT_EQ(CalculateSequenceLocks(Relative({50}, 1), LOCKTIME_VERIFY_SEQUENCE, heights, TestMtp), none);
    EXPECT_EQ(CalculateSequenceLocks(Relative({50}, 0), LOCKTIME_VERIFY_SEQUENCE, heights, TestMtp), none);
    // Before CSV activation the flag is absent.
    EXPECT_EQ(CalculateSequenceLocks(Relative({50}), 0, heights, TestMtp), none);
    // Core compares the version unsigned: 0xffffffff ("-1") counts as >= 2.
    EXPECT_EQ(CalculateSequenceLocks(Relative({50}, 0xffffffff), LOCKTIME_VERIFY_SEQUENCE, heights, TestMtp).min_height,
              149);
    EXPECT_TRUE(EvaluateSequenceLocks(0, -1, SequenceLocks{.min_height = -1, .min_time = -2}));
}

// --- sigops ------------------------------------------------------------------------------

Bytes H(std::string_view hex) {
    return test::ParseHexOrFail(hex);
}

Bytes Key(uint8_t fill) {
    Bytes k(33, fill);
    k[0] = 0x02;
    return k;
}

TEST(SigOpCost, CountsEachKind) {
    MemoryCoinsView base;
    CoinsViewCache cache(base, K0, K1);
    // Redeem/witness script: 1-of-2 multisig (accurate count 2).
    const Bytes multisig = script::ScriptBuilder()
                               .PushInt(1)
                               .Push(Key(1))
                               .Push(Key(2))
                               .PushInt(2)
                               .Op(script::Opcode::OP_CHECKMULTISIG)
                               .Take();
    const Bytes p2sh = H("a914" + std::string(40, '1') + "87");
    const Bytes p2wsh = H("0020" + std::string(64, '2'));
    const Bytes p2wpkh = H("0014" + std::string(40, '3'));
    const Bytes p2pkh = H("76a914" + std::string(40, '4') + "88ac");
    base.Put(Op(1), Coin{{1000, p2sh}, 1, false});
    base.Put(Op(2), Coin{{1000, p2wsh}, 1, false});
    base.Put(Op(3), Coin{{1000, p2wpkh}, 1, false});
    base.Put(Op(4), Coin{{1000, p2pkh}, 1, false});
    base.Put(Op(5), Coin{{1000, p2sh}, 1, false});  // P2SH-wrapped P2WPKH

    Tx tx;
    tx.inputs.resize(5);
    tx.inputs[0].prevout = Op(1);
    tx.inputs[0].script_sig = script::ScriptBuilder().Op(script::Opcode::OP_0).Push(multisig).Take();
    tx.inputs[1].prevout = Op(2);
    tx.inputs[1].witness = {Bytes{}, Bytes(71, 0x30), multisig};
    tx.inputs[2].prevout = Op(3);
    tx.inputs[2].witness = {Bytes(71, 0x30), Key(7)};
    tx.inputs[3].prevout = Op(4);
    tx.inputs[3].script_sig = script::ScriptBuilder().Push(Bytes(71, 0x30)).Push(Key(8)).Take();
    tx.inputs[4].prevout = Op(5);
    tx.inputs[4].script_sig = script::ScriptBuilder().Push(p2wpkh).Take();
    tx.inputs[4].witness = {Bytes(71, 0x30), Key(9)};
    // Outputs: one P2PKH (1 legacy sigop) and a bare multisig (20 legacy sigops, inaccurate).
    tx.outputs = {TxOut{1, p2pkh}, TxOut{1, multisig}};

    EXPECT_EQ(GetLegacySigOpCount(tx), 21u);
    EXPECT_EQ(GetP2SHSigOpCount(tx, cache), 2u);  // the redeem script; wrapped P2WPKH's is 0
    const auto all = script::SCRIPT_VERIFY_P2SH | script::SCRIPT_VERIFY_WITNESS;
    // 21 * 4 + 2 * 4 + witness (P2WSH 2 + P2WPKH 1 + wrapped P2WPKH 1).
    EXPECT_EQ(GetTransactionSigOpCost(tx, cache, all), 21 * 4 + 2 * 4 + 4);
    EXPECT_EQ(GetTransactionSigOpCost(tx, cache, script::SCRIPT_VERIFY_P2SH), 21 * 4 + 2 * 4);
    EXPECT_EQ(GetTransactionSigOpCost(tx, cache, script::SCRIPT_VERIFY_NONE), 21 * 4);
    // A missing coin counts nothing (callers check inputs first).
    tx.inputs[0].prevout = Op(99);
    EXPECT_EQ(GetTransactionSigOpCost(tx, cache, all), 21 * 4 + 4);

    // A coinbase pays legacy only, whatever its "inputs" look like.
    Tx coinbase;
    coinbase.inputs.resize(1);
    coinbase.inputs[0].script_sig = H("51ac");  // a CHECKSIG in the coinbase scriptSig counts too
    coinbase.inputs[0].witness = {Bytes(32, 0)};
    coinbase.outputs = {TxOut{1, p2pkh}};
    EXPECT_EQ(GetP2SHSigOpCount(coinbase, cache), 0u);
    EXPECT_EQ(GetTransactionSigOpCost(coinbase, cache, all), 2 * 4);
}

}  // namespace
}  // namespace tonari::bitcoin::chain
