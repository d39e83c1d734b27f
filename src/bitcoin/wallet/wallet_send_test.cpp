// Sending: CreateTransaction spends only wallet coins and returns change to a wallet change
// script, every input verifies, Commit makes inputs spent durably, the change is trusted once
// in the mempool, only own unconfirmed change is spent, and the send/fee conventions of
// listtransactions and gettransaction.
#include <gtest/gtest.h>

#include "bitcoin/wallet/wallet.h"
#include "bitcoin/wallet/wallet_test_util.h"
#include "storage/test_temp_dir.h"

namespace tonari::bitcoin::wallet {
namespace {

using primitives::Amount;
using primitives::COIN;
using test::AllInputsVerify;
using test::ForeignScript;
using test::Mine;
using test::NewWallet;
using test::PayTo;
using test::ScriptFor;
using test::TestChain;

class WalletSendTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_wallet = NewWallet();
        ASSERT_TRUE(m_wallet);
        // Two confirmed coins of each type.
        std::vector<primitives::Tx> funding;
        for (uint8_t i = 0; i < 2; ++i) {
            funding.push_back(
                PayTo(i, ScriptFor(*m_wallet->GetNewAddress(OutputType::Bech32)), (i + 1) * COIN));
            funding.push_back(
                PayTo(10 + i, ScriptFor(*m_wallet->GetNewAddress(OutputType::Bech32m)), (i + 3) * COIN));
        }
        for (const auto& tx : funding) {
            for (uint32_t v = 0; v < tx.outputs.size(); ++v)
                m_spent[{primitives::ComputeTxid(tx), v}] = tx.outputs[v];
        }
        Mine(*m_wallet, m_chain, funding);
        Mine(*m_wallet, m_chain);
        ASSERT_EQ(m_wallet->GetBalances(Tip()).trusted, 10 * COIN);
    }
    int32_t Tip() const { return m_chain.Height(); }
    std::vector<primitives::TxOut> SpentBy(const primitives::Tx& tx) {
        std::vector<primitives::TxOut> spent;
        for (const auto& in : tx.inputs) spent.push_back(m_spent.at(in.prevout));
        return spent;
    }
    void Remember(const primitives::Tx& tx) {
        for (uint32_t v = 0; v < tx.outputs.size(); ++v)
            m_spent[{primitives::ComputeTxid(tx), v}] = tx.outputs[v];
    }

    std::unique_ptr<Wallet> m_wallet;
    TestChain m_chain;
    std::map<primitives::OutPoint, primitives::TxOut> m_spent;
};

TEST_F(WalletSendTest, CreatedTransactionSpendsOnlyWalletCoinsAndReturnsChange) {
    const auto unspent = m_wallet->ListUnspent(1, 9'999'999, Tip());
    ASSERT_EQ(unspent.size(), 4u);
    auto created =
        m_wallet->CreateTransaction({{ForeignScript(1), 4 * COIN + 12'345}}, policy::FeeRate(3'000), Tip());
    ASSERT_TRUE(created.has_value()) << created.error().message;
    const primitives::Tx& tx = created->tx;
    for (const auto& in : tx.inputs) {
        EXPECT_TRUE(std::any_of(unspent.begin(), unspent.end(),
                                [&](const UnspentOutput& u) { return u.outpoint == in.prevout; }));
        EXPECT_EQ(in.sequence, 0xfffffffdu);
    }
    EXPECT_EQ(tx.locktime, static_cast<uint32_t>(Tip()));
    ASSERT_GE(created->change_pos, 0);
    const auto change_origin = m_wallet->GetKeyOrigin(tx.outputs[created->change_pos].script_pubkey);
    ASSERT_TRUE(change_origin.has_value());
    EXPECT_TRUE(change_origin->IsChange());
    EXPECT_EQ(change_origin->type, OutputType::Bech32);  // recipient is P2WPKH
    EXPECT_TRUE(AllInputsVerify(tx, SpentBy(tx)));
    Amount in = 0, out = 0;
    for (const auto& s : SpentBy(tx)) in += s.value;
    for (const auto& o : tx.outputs) out += o.value;
    EXPECT_EQ(in - out, created->fee);
    const int64_t vsize = primitives::TxVirtualSize(tx);
    EXPECT_GE(created->fee * 1000, 3'000 * vsize);
    EXPECT_LT(created->fee * 1000, 4'000 * vsize);

    // Nothing is recorded until commit.
    EXPECT_EQ(m_wallet->GetBalances(Tip()).trusted, 10 * COIN);
    ASSERT_TRUE(m_wallet->CommitTransaction(tx).has_value());
    const Amount change = tx.outputs[created->change_pos].value;
    // Inputs are spent; the change is not trusted until the mempool has the tx.
    EXPECT_EQ(m_wallet->GetBalances(Tip()).trusted, 10 * COIN - in);
    ASSERT_TRUE(m_wallet->TransactionAddedToMempool(tx).has_value());
    EXPECT_EQ(m_wallet->GetBalances(Tip()).trusted, 10 * COIN - in + change);
    EXPECT_EQ(m_wallet->GetBalances(Tip()).untrusted_pending, 0);

    // listtransactions: one send row (negative amount and fee); no row for the change.
    const auto txid = primitives::ComputeTxid(tx);
    const auto list = m_wallet->ListTransactions(100, 0);
    std::vector<TxListEntry> rows;
    for (const auto& e : list) {
        if (e.tx.txid == txid) rows.push_back(e);
    }
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].category, "send");
    EXPECT_EQ(rows[0].amount, -(4 * COIN + 12'345));
    EXPECT_EQ(rows[0].fee, -created->fee);
    EXPECT_EQ(rows[0].abandoned, false);
    EXPECT_EQ(rows[0].tx.trusted, true);
    EXPECT_EQ(rows[0].tx.bip125_replaceable, "yes");
    const auto details = m_wallet->GetTransaction(txid);
    ASSERT_TRUE(details.has_value());
    EXPECT_EQ(details->amount, -(4 * COIN + 12'345));
    EXPECT_EQ(details->fee, -created->fee);
    EXPECT_EQ(details->hex, primitives::SerializeTx(tx, true));
    ASSERT_EQ(details->details.size(), 1u);
    EXPECT_EQ(details->details[0].category, "send");

    // Mined: the change is a confirmed coin of the wallet's change chain.
    Mine(*m_wallet, m_chain, {tx});
    const auto after = m_wallet->ListUnspent(1, 9'999'999, Tip());
    EXPECT_TRUE(std::any_of(after.begin(), after.end(), [&](const UnspentOutput& u) {
        return u.outpoint == primitives::OutPoint{txid, static_cast<uint32_t>(created->change_pos)} &&
               u.origin.IsChange();
    }));
    EXPECT_EQ(m_wallet->GetBalances(Tip()).trusted, 10 * COIN - in + change);
}

TEST_F(WalletSendTest, TaprootRecipientGetsTaprootChange) {
    util::Bytes p2tr = {0x51, 0x20};
    p2tr.resize(34, 0x42);
    auto created = m_wallet->CreateTransaction({{p2tr, COIN / 2}}, policy::FeeRate(1'000), Tip());
    ASSERT_TRUE(created.has_value());
    ASSERT_GE(created->change_pos, 0);
    EXPECT_EQ(m_wallet->GetKeyOrigin(created->tx.outputs[created->change_pos].script_pubkey)->type,
              OutputType::Bech32m);
    EXPECT_TRUE(AllInputsVerify(created->tx, SpentBy(created->tx)));
}

TEST_F(WalletSendTest, SendToSelfShowsSendAndReceive) {
    const std::string mine = *m_wallet->GetNewAddress(OutputType::Bech32m);
    auto created = m_wallet->CreateTransaction({{ScriptFor(mine), COIN}}, policy::FeeRate(1'000), Tip());
    ASSERT_TRUE(created.has_value());
    ASSERT_TRUE(m_wallet->CommitTransaction(created->tx).has_value());
    const auto d = m_wallet->GetTransaction(primitives::ComputeTxid(created->tx));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->amount, 0);  // Core: credit - value_out = 0 when paying yourself
    ASSERT_EQ(d->details.size(), 2u);
    EXPECT_EQ(d->details[0].category, "send");
    EXPECT_EQ(d->details[0].amount, -COIN);
    EXPECT_EQ(d->details[1].category, "receive");
    EXPECT_EQ(d->details[1].amount, COIN);
    EXPECT_EQ(d->details[1].address, mine);
}

TEST_F(WalletSendTest, SpendsOwnUnconfirmedChangeOnlyWhenConfirmedCoinsFallShort) {
    // Spend the lot except what goes to change.
    auto first = m_wallet->CreateTransaction({{ForeignScript(2), 9 * COIN}}, policy::FeeRate(1'000), Tip());
    ASSERT_TRUE(first.has_value());
    ASSERT_GE(first->change_pos, 0);
    ASSERT_TRUE(m_wallet->CommitTransaction(first->tx).has_value());
    Remember(first->tx);
    const auto change_outpoint =
        primitives::OutPoint{primitives::ComputeTxid(first->tx), static_cast<uint32_t>(first->change_pos)};

    // Not yet in the mempool: the change is not spendable, and nothing else is left.
    auto early = m_wallet->CreateTransaction({{ForeignScript(3), COIN / 4}}, policy::FeeRate(1'000), Tip());
    ASSERT_FALSE(early.has_value());
    EXPECT_EQ(early.error().code, WalletErrorCode::InsufficientFunds);

    ASSERT_TRUE(m_wallet->TransactionAddedToMempool(first->tx).has_value());
    auto second = m_wallet->CreateTransaction({{ForeignScript(3), COIN / 4}}, policy::FeeRate(1'000), Tip());
    ASSERT_TRUE(second.has_value()) << second.error().message;
    ASSERT_EQ(second->tx.inputs.size(), 1u);
    EXPECT_EQ(second->tx.inputs[0].prevout, change_outpoint);
    EXPECT_TRUE(AllInputsVerify(second->tx, SpentBy(second->tx)));

    // Someone else's unconfirmed payment is never spent.
    auto w2 = NewWallet("legal winner thank year wave sausage worth useful legal winner thank yellow");
    const auto foreign_pay = PayTo(77, ScriptFor(*w2->GetNewAddress()), 5 * COIN);
    ASSERT_TRUE(w2->TransactionAddedToMempool(foreign_pay).has_value());
    EXPECT_EQ(w2->GetBalances(0).untrusted_pending, 5 * COIN);
    auto none = w2->CreateTransaction({{ForeignScript(4), COIN}}, policy::FeeRate(1'000), 0);
    ASSERT_FALSE(none.has_value());
    EXPECT_EQ(none.error().code, WalletErrorCode::InsufficientFunds);
}

TEST_F(WalletSendTest, CommitRulesAndAbandon) {
    auto a = m_wallet->CreateTransaction({{ForeignScript(5), 9 * COIN}}, policy::FeeRate(1'000), Tip());
    auto b = m_wallet->CreateTransaction({{ForeignScript(6), 9 * COIN}}, policy::FeeRate(1'000), Tip());
    ASSERT_TRUE(a.has_value() && b.has_value());
    ASSERT_TRUE(m_wallet->CommitTransaction(a->tx).has_value());
    ASSERT_TRUE(m_wallet->CommitTransaction(a->tx).has_value());  // idempotent
    // b spends coins a already spends.
    auto clash = m_wallet->CommitTransaction(b->tx);
    ASSERT_FALSE(clash.has_value());
    EXPECT_EQ(clash.error().code, WalletErrorCode::InvalidParameter);
    // A transaction that does not spend wallet coins is not the wallet's to commit.
    EXPECT_EQ(m_wallet->CommitTransaction(PayTo(1, ForeignScript(1), COIN)).error().code,
              WalletErrorCode::InvalidParameter);

    // The mempool drops a: the wallet keeps it, inputs still spent (Core's behaviour).
    const auto a_txid = primitives::ComputeTxid(a->tx);
    ASSERT_TRUE(m_wallet->TransactionAddedToMempool(a->tx).has_value());
    EXPECT_EQ(m_wallet->AbandonTransaction(a_txid).error().code,
              WalletErrorCode::TxNotAbandonable);  // in mempool
    ASSERT_TRUE(m_wallet->TransactionRemovedFromMempool(a_txid, MempoolRemovalReason::Expiry).has_value());
    EXPECT_TRUE(m_wallet->GetTransaction(a_txid).has_value());
    EXPECT_LT(m_wallet->GetBalances(Tip()).trusted, COIN);
    ASSERT_EQ(m_wallet->PendingTransactions().size(), 1u);

    // Abandoning gives the coins back and b can now be committed.
    ASSERT_TRUE(m_wallet->AbandonTransaction(a_txid).has_value());
    EXPECT_EQ(m_wallet->GetBalances(Tip()).trusted, 10 * COIN);
    EXPECT_TRUE(m_wallet->PendingTransactions().empty());
    EXPECT_EQ(m_wallet->GetTransaction(a_txid)->details[0].abandoned, true);
    EXPECT_EQ(m_wallet->AbandonTransaction(a_txid).error().code, WalletErrorCode::TxNotAbandonable);
    util::Uint256 unknown;
    unknown.data()[0] = 0x99;
    EXPECT_EQ(m_wallet->AbandonTransaction(primitives::Txid(unknown)).error().code,
              WalletErrorCode::TxNotFound);
    EXPECT_TRUE(m_wallet->CommitTransaction(b->tx).has_value());
}

TEST_F(WalletSendTest, InsufficientFundsAndBadRequests) {
    auto too_much =
        m_wallet->CreateTransaction({{ForeignScript(7), 10 * COIN}}, policy::FeeRate(1'000), Tip());
    ASSERT_FALSE(too_much.has_value());
    EXPECT_EQ(too_much.error().code, WalletErrorCode::InsufficientFunds);
    // All of it, with the fee taken from the amount.
    auto sweep =
        m_wallet->CreateTransaction({{ForeignScript(7), 10 * COIN, true}}, policy::FeeRate(1'000), Tip());
    ASSERT_TRUE(sweep.has_value()) << sweep.error().message;
    EXPECT_EQ(sweep->tx.inputs.size(), 4u);
    EXPECT_EQ(sweep->change_pos, -1);
    EXPECT_EQ(sweep->tx.outputs[0].value, 10 * COIN - sweep->fee);
    EXPECT_TRUE(AllInputsVerify(sweep->tx, SpentBy(sweep->tx)));
    EXPECT_EQ(m_wallet->CreateTransaction({}, policy::FeeRate(1'000), Tip()).error().code,
              WalletErrorCode::InvalidParameter);
    EXPECT_EQ(
        m_wallet->CreateTransaction({{ForeignScript(7), 100}}, policy::FeeRate(1'000), Tip()).error().code,
        WalletErrorCode::AmountTooSmall);
    EXPECT_EQ(
        m_wallet->CreateTransaction({{ForeignScript(7), COIN}}, policy::FeeRate(500), Tip()).error().code,
        WalletErrorCode::FeeRateTooLow);
}

TEST(WalletSendRestart, CommittedSpendSurvivesRestart) {
    storage::test::TestTempDir dir;
    const auto path = dir.path() / "w";
    TestChain chain;
    primitives::Txid sent;
    Amount expected = 0;
    {
        auto w = Wallet::CreateAt(path, encoding::Network::Regtest, std::string(test::ABANDON_MNEMONIC), "",
                                  test::TestOptions());
        ASSERT_TRUE(w.has_value());
        Mine(**w, chain, {PayTo(1, ScriptFor(*(*w)->GetNewAddress()), 2 * COIN)});
        auto created =
            (*w)->CreateTransaction({{ForeignScript(1), COIN}}, policy::FeeRate(2'000), chain.Height());
        ASSERT_TRUE(created.has_value());
        ASSERT_TRUE((*w)->CommitTransaction(created->tx).has_value());
        sent = primitives::ComputeTxid(created->tx);
        expected = created->tx.outputs[created->change_pos].value;
        // The process dies before the mempool ever hears of it.
    }
    auto w = Wallet::OpenAt(path, encoding::Network::Regtest, test::TestOptions());
    ASSERT_TRUE(w.has_value());
    // The spend is remembered: its input is not offered again, and it is ready to resubmit.
    EXPECT_EQ((*w)->GetBalances(chain.Height()).trusted, 0);
    const auto pending = (*w)->PendingTransactions();
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(primitives::ComputeTxid(pending[0]), sent);
    auto again =
        (*w)->CreateTransaction({{ForeignScript(2), COIN / 2}}, policy::FeeRate(2'000), chain.Height());
    EXPECT_FALSE(again.has_value());
    ASSERT_TRUE((*w)->TransactionAddedToMempool(pending[0]).has_value());
    EXPECT_EQ((*w)->GetBalances(chain.Height()).trusted, expected);
    // The change index was used by the commit: a new change script is chosen next time.
    auto next =
        (*w)->CreateTransaction({{ForeignScript(3), COIN / 2}}, policy::FeeRate(2'000), chain.Height());
    ASSERT_TRUE(next.has_value()) << next.error().message;
    ASSERT_GE(next->change_pos, 0);
    EXPECT_EQ((*w)->GetKeyOrigin(next->tx.outputs[next->change_pos].script_pubkey)->index, 1u);
}

}  // namespace
}  // namespace tonari::bitcoin::wallet
