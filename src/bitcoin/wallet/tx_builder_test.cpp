// Transaction building and signing: every signed input passes the real interpreter with the
// standard flags, the fee meets the requested rate within 1 sat/vB, change appears only when
// worth an output, RBF/locktime fields, subtract-fee-from-amount, and the refusals.
#include <gtest/gtest.h>

#include <set>

#include "bitcoin/wallet/bip39.h"
#include "bitcoin/wallet/keychain.h"
#include "bitcoin/wallet/tx_builder.h"
#include "bitcoin/wallet/tx_signer.h"
#include "bitcoin/wallet/tx_size.h"
#include "bitcoin/wallet/wallet_test_util.h"

namespace tonari::bitcoin::wallet {
namespace {

using primitives::Amount;
using primitives::COIN;
using test::AllInputsVerify;
using test::ForeignScript;

class TxBuilderTest : public ::testing::Test {
protected:
    TxBuilderTest() : m_keychain(Make()) {
        for (OutputType t : ALL_OUTPUT_TYPES) {
            for (uint32_t c : {EXTERNAL_CHAIN, INTERNAL_CHAIN}) m_keychain.ExtendTo(t, c, 50);
        }
    }
    static Keychain Make() {
        auto kc = Keychain::FromSeed(*MnemonicToSeed(test::ABANDON_MNEMONIC, ""), encoding::Network::Regtest);
        return std::move(*kc);
    }

    SpendableCoin CoinAt(OutputType type, uint32_t index, Amount value) {
        const KeyOrigin origin{type, EXTERNAL_CHAIN, index};
        util::Uint256 id;
        id.data()[0] = static_cast<uint8_t>(index);
        id.data()[1] = static_cast<uint8_t>(type);
        id.data()[2] = 0x5a;
        return {{primitives::Txid(id), index % 3}, {value, *m_keychain.DeriveScript(origin)}, origin};
    }

    TxBuildParams Params(std::vector<Recipient> recipients, Amount sat_per_kvb,
                         OutputType change_type = OutputType::Bech32) {
        TxBuildParams p;
        p.recipients = std::move(recipients);
        p.fee_rate = policy::FeeRate(sat_per_kvb);
        p.change_type = change_type;
        p.change_script = *m_keychain.DeriveScript({change_type, INTERNAL_CHAIN, 0});
        p.lock_time = 321;
        return p;
    }

    // Builds, signs and checks the result against the interpreter and the fee rate.
    BuiltTx BuildAndSign(const TxBuildParams& p, const std::vector<SpendableCoin>& coins, uint64_t seed = 1) {
        WalletRng rng(seed);
        auto built = BuildTransaction(p, coins, rng);
        EXPECT_TRUE(built.has_value()) << (built ? "" : built.error().message);
        if (!built) return {};
        std::vector<primitives::TxOut> spent;
        for (const auto& c : built->inputs) spent.push_back(c.txout);
        auto signed_ok = SignTransaction(built->tx, spent, m_keychain);
        EXPECT_TRUE(signed_ok.has_value());
        EXPECT_TRUE(AllInputsVerify(built->tx, spent));
        // Fee and size agree with what was planned, and the rate is met within 1 sat/vB.
        Amount in = 0, out = 0;
        for (const auto& s : spent) in += s.value;
        for (const auto& o : built->tx.outputs) out += o.value;
        EXPECT_EQ(in - out, built->fee);
        const int64_t vsize = primitives::TxVirtualSize(built->tx);
        EXPECT_LE(vsize, built->estimated_vsize);
        EXPECT_GE(vsize, built->estimated_vsize -
                             static_cast<int64_t>(built->tx.inputs.size()));  // 1 byte/sig at most
        EXPECT_GE(built->fee * 1000, p.fee_rate.SatPerKvB() * vsize);         // meets the rate
        if (built->change_pos >= 0) {
            // With change, the fee is the planned one: below rate + 1 sat/vB.
            EXPECT_LT(built->fee * 1000, (p.fee_rate.SatPerKvB() + 1000) * vsize);
        }
        for (const auto& in_ : built->tx.inputs) EXPECT_EQ(in_.sequence, WALLET_TX_SEQUENCE);
        EXPECT_EQ(built->tx.locktime, p.lock_time);
        return std::move(*built);
    }

    Keychain m_keychain;
};

TEST_F(TxBuilderTest, P2wpkhSpendWithChangeVerifies) {
    const std::vector<SpendableCoin> coins = {CoinAt(OutputType::Bech32, 0, 1 * COIN),
                                              CoinAt(OutputType::Bech32, 1, 2 * COIN)};
    const auto built = BuildAndSign(Params({{ForeignScript(1), 30'000'000}}, 2'000), coins);
    ASSERT_GE(built.change_pos, 0);
    ASSERT_EQ(built.tx.outputs.size(), 2u);
    EXPECT_EQ(built.tx.outputs[built.change_pos].script_pubkey,
              *m_keychain.DeriveScript({OutputType::Bech32, 1, 0}));
    EXPECT_EQ(built.tx.outputs[1 - built.change_pos].value, 30'000'000);
    EXPECT_EQ(built.tx.inputs[0].witness.size(), 2u);
    EXPECT_EQ(built.tx.inputs[0].witness[0].back(), script::SIGHASH_ALL);
}

TEST_F(TxBuilderTest, TaprootKeyPathSpendVerifies) {
    const std::vector<SpendableCoin> coins = {CoinAt(OutputType::Bech32m, 0, 5'000'000),
                                              CoinAt(OutputType::Bech32m, 3, 7'000'000)};
    const auto built =
        BuildAndSign(Params({{ForeignScript(2), 9'000'000}}, 5'000, OutputType::Bech32m), coins);
    ASSERT_EQ(built.tx.inputs.size(), 2u);
    for (const auto& in : built.tx.inputs) {
        ASSERT_EQ(in.witness.size(), 1u);
        EXPECT_EQ(in.witness[0].size(), 64u);  // SIGHASH_DEFAULT: no hash type byte
    }
}

TEST_F(TxBuilderTest, MixedInputsAndManyRecipientsVerify) {
    std::vector<SpendableCoin> coins;
    for (uint32_t i = 0; i < 6; ++i) {
        coins.push_back(CoinAt(i % 2 ? OutputType::Bech32m : OutputType::Bech32, i, 1'000'000 + i * 10'000));
    }
    std::vector<Recipient> recipients;
    for (uint8_t i = 0; i < 4; ++i) recipients.push_back({ForeignScript(10 + i), 1'200'000});
    const auto built = BuildAndSign(Params(recipients, 12'345), coins);
    std::set<OutputType> types;
    for (const auto& c : built.inputs) types.insert(c.origin.type);
    EXPECT_EQ(types.size(), 2u);
    EXPECT_EQ(built.tx.outputs.size(), 5u);
}

TEST_F(TxBuilderTest, ExactMatchNeedsNoChange) {
    // One coin whose effective value is exactly the payment plus the non-input fee.
    const int64_t rate = 1'000;
    TxBuildParams p = Params({{ForeignScript(3), 500'000}}, rate);
    // version+locktime (8) + counts (2) + marker/flag (0.5 -> rounded with the rest) + output 31.
    const int64_t noinput_vsize = (((4 + 4 + 1 + 1 + 31) * 4) + 2 + 3) / 4;
    const Amount value = 500'000 + FeeFor(p.fee_rate, noinput_vsize) + FeeFor(p.fee_rate, 68);
    const std::vector<SpendableCoin> coins = {CoinAt(OutputType::Bech32, 4, value),
                                              CoinAt(OutputType::Bech32, 5, 9 * COIN)};
    const auto built = BuildAndSign(p, coins);
    EXPECT_EQ(built.selection.algorithm, SelectionAlgorithm::BnB);
    EXPECT_EQ(built.change_pos, -1);
    ASSERT_EQ(built.tx.inputs.size(), 1u);
    EXPECT_EQ(built.tx.outputs.size(), 1u);
}

TEST_F(TxBuilderTest, SmallChangeGoesToTheFee) {
    // The leftover after the fee is below the change output's worth: no change output.
    const int64_t rate = 1'000;
    TxBuildParams p = Params({{ForeignScript(4), 800'000}}, rate);
    const Amount value = 800'000 + 141 + 400;  // 141 = fee with a change output; 400 sat would be left
    const auto built = BuildAndSign(p, {CoinAt(OutputType::Bech32, 6, value)});
    EXPECT_EQ(built.change_pos, -1);
    EXPECT_EQ(built.fee, 541);
}

TEST_F(TxBuilderTest, SubtractFeeFromAmount) {
    const std::vector<SpendableCoin> coins = {CoinAt(OutputType::Bech32, 7, 1'000'000)};
    // Send everything: the recipients pay the fee, split evenly, the first one the remainder.
    TxBuildParams p = Params({{ForeignScript(5), 600'000, true}, {ForeignScript(6), 400'000, true}}, 3'000);
    const auto built = BuildAndSign(p, coins);
    EXPECT_EQ(built.change_pos, -1);
    Amount paid = 0;
    for (const auto& o : built.tx.outputs) paid += o.value;
    EXPECT_EQ(paid + built.fee, 1'000'000);
    const Amount share = built.fee / 2;
    std::multiset<Amount> values;
    for (const auto& o : built.tx.outputs) values.insert(o.value);
    EXPECT_TRUE(values.count(600'000 - share - built.fee % 2));
    EXPECT_TRUE(values.count(400'000 - share));

    // Part of a coin with the fee from the amount: change is the rest, untouched by the fee.
    TxBuildParams q = Params({{ForeignScript(7), 300'000, true}}, 3'000);
    const auto partial = BuildAndSign(q, coins);
    ASSERT_GE(partial.change_pos, 0);
    EXPECT_EQ(partial.tx.outputs[partial.change_pos].value, 700'000);
    EXPECT_EQ(partial.tx.outputs[1 - partial.change_pos].value, 300'000 - partial.fee);
}

TEST_F(TxBuilderTest, OutputOrderIsShuffled) {
    const std::vector<SpendableCoin> coins = {CoinAt(OutputType::Bech32, 8, 10 * COIN)};
    std::set<int> positions;
    for (uint64_t seed = 1; seed < 20; ++seed) {
        const auto built =
            BuildAndSign(Params({{ForeignScript(8), COIN}, {ForeignScript(9), COIN}}, 1'000), coins, seed);
        positions.insert(built.change_pos);
    }
    EXPECT_EQ(positions.size(), 3u);  // change seen at every position
}

TEST_F(TxBuilderTest, Refusals) {
    const std::vector<SpendableCoin> coins = {CoinAt(OutputType::Bech32, 9, 100'000)};
    WalletRng rng(1);
    auto no_recipient = BuildTransaction(Params({}, 1'000), coins, rng);
    EXPECT_EQ(no_recipient.error().code, WalletErrorCode::InvalidParameter);
    auto dust = BuildTransaction(Params({{ForeignScript(1), 293}}, 1'000), coins, rng);  // P2WPKH dust is 294
    ASSERT_FALSE(dust.has_value());
    EXPECT_EQ(dust.error().code, WalletErrorCode::AmountTooSmall);
    EXPECT_EQ(dust.error().message, "Transaction amount too small");
    EXPECT_TRUE(BuildTransaction(Params({{ForeignScript(1), 294}}, 1'000), coins, rng).has_value());
    auto negative = BuildTransaction(Params({{ForeignScript(1), -5}}, 1'000), coins, rng);
    EXPECT_EQ(negative.error().code, WalletErrorCode::InvalidAmount);
    auto low_rate = BuildTransaction(Params({{ForeignScript(1), 10'000}}, 999), coins, rng);
    ASSERT_FALSE(low_rate.has_value());
    EXPECT_EQ(low_rate.error().code, WalletErrorCode::FeeRateTooLow);
    EXPECT_EQ(low_rate.error().message,
              "Fee rate (0.999 sat/vB) is lower than the minimum fee rate setting (1.000 sat/vB)");
    auto broke = BuildTransaction(Params({{ForeignScript(1), 100'000}}, 1'000), coins, rng);
    ASSERT_FALSE(broke.has_value());
    EXPECT_EQ(broke.error().code, WalletErrorCode::InsufficientFunds);
    EXPECT_EQ(broke.error().message, "Insufficient funds");
    auto sffo_eaten = BuildTransaction(Params({{ForeignScript(1), 300, true}}, 1'000), coins, rng);
    ASSERT_FALSE(sffo_eaten.has_value());
    EXPECT_EQ(sffo_eaten.error().code, WalletErrorCode::AmountTooSmall);
    TxBuildParams greedy = Params({{ForeignScript(1), 10'000}}, 200'000);  // 200 sat/vB
    greedy.max_tx_fee = 20'000;
    auto too_much = BuildTransaction(greedy, coins, rng);
    ASSERT_FALSE(too_much.has_value());
    EXPECT_EQ(too_much.error().code, WalletErrorCode::FeeTooHigh);
}

TEST_F(TxBuilderTest, TamperedSignaturesFailVerification) {
    const std::vector<SpendableCoin> coins = {CoinAt(OutputType::Bech32, 10, COIN),
                                              CoinAt(OutputType::Bech32m, 11, COIN)};
    auto built = BuildAndSign(Params({{ForeignScript(1), 15 * COIN / 10}}, 1'000), coins);
    std::vector<primitives::TxOut> spent;
    for (const auto& c : built.inputs) spent.push_back(c.txout);
    ASSERT_TRUE(AllInputsVerify(built.tx, spent));
    for (size_t i = 0; i < built.tx.inputs.size(); ++i) {
        primitives::Tx bad = built.tx;
        bad.inputs[i].witness[0][10] ^= 0x01;
        EXPECT_FALSE(AllInputsVerify(bad, spent)) << i;
    }
    primitives::Tx changed = built.tx;
    changed.outputs[0].value -= 1;  // the signatures commit to the outputs
    EXPECT_FALSE(AllInputsVerify(changed, spent));
    // A coin the keychain does not know cannot be signed.
    primitives::Tx foreign = built.tx;
    std::vector<primitives::TxOut> foreign_spent = spent;
    foreign_spent[0].script_pubkey = ForeignScript(0x77);
    EXPECT_EQ(SignTransaction(foreign, foreign_spent, m_keychain).error().code,
              WalletErrorCode::SigningFailed);
    EXPECT_FALSE(SignTransaction(foreign, {spent.data(), 1}, m_keychain).has_value());
}

TEST(TxSize, DustThresholdsMatchCore) {
    EXPECT_EQ(DustThreshold({0, ForeignScript(1)}), 294);  // P2WPKH
    util::Bytes p2tr = {0x51, 0x20};
    p2tr.resize(34, 7);
    EXPECT_EQ(DustThreshold({0, p2tr}), 330);
    util::Bytes p2pkh = {0x76, 0xa9, 0x14};
    p2pkh.resize(23, 1);
    p2pkh.push_back(0x88);
    p2pkh.push_back(0xac);
    EXPECT_EQ(DustThreshold({0, p2pkh}), 546);
    EXPECT_EQ(DustThreshold({0, {0x6a, 0x01, 0x00}}), 0);  // OP_RETURN
    EXPECT_TRUE(IsDust({293, ForeignScript(1)}));
    EXPECT_FALSE(IsDust({294, ForeignScript(1)}));
    EXPECT_EQ(InputVsize(OutputType::Bech32), 68);
    EXPECT_EQ(InputVsize(OutputType::Bech32m), 58);
    EXPECT_EQ(FormatSatPerVb(policy::FeeRate(25'500)), "25.500 sat/vB");
}

}  // namespace
}  // namespace tonari::bitcoin::wallet
