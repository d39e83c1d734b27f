// Following the chain: confirmations and balances, coinbase maturity, reorgs (confirmed ->
// unconfirmed -> back), block conflicts, mempool removals, listtransactions/gettransaction
// categories and signs.
#include <gtest/gtest.h>

#include "bitcoin/wallet/wallet.h"
#include "bitcoin/wallet/wallet_test_util.h"

namespace tonari::bitcoin::wallet {
namespace {

using primitives::COIN;
using test::ForeignScript;
using test::Mine;
using test::NewWallet;
using test::PayTo;
using test::ScriptFor;
using test::TestChain;
using test::Unmine;

class WalletSyncTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_wallet = NewWallet();
        ASSERT_TRUE(m_wallet);
        m_addr = *m_wallet->GetNewAddress();
        m_script = ScriptFor(m_addr);
    }
    Balances Bal() const { return m_wallet->GetBalances(m_chain.Height()); }

    std::unique_ptr<Wallet> m_wallet;
    TestChain m_chain;
    std::string m_addr;
    util::Bytes m_script;
};

TEST_F(WalletSyncTest, ReorgMovesAPaymentBackToPendingAndZero) {
    const primitives::Tx pay = PayTo(1, m_script, 2 * COIN);
    const primitives::Txid txid = primitives::ComputeTxid(pay);
    Mine(*m_wallet, m_chain);
    const auto block = Mine(*m_wallet, m_chain, {pay});
    EXPECT_EQ(Bal().trusted, 2 * COIN);
    EXPECT_EQ(m_wallet->GetBalances(m_chain.Height(), /*min_depth=*/1).trusted, 2 * COIN);
    EXPECT_EQ(m_wallet->GetBalances(m_chain.Height(), /*min_depth=*/2).trusted, 0);  // getbalance minconf
    auto details = m_wallet->GetTransaction(txid);
    ASSERT_TRUE(details.has_value());
    EXPECT_EQ(details->tx.confirmations, 1);
    EXPECT_EQ(details->tx.block_hash, block.header.ComputeHash());
    EXPECT_EQ(details->tx.block_height, 2);
    EXPECT_EQ(details->tx.block_index, 1u);
    EXPECT_FALSE(details->tx.trusted.has_value());  // only shown for unconfirmed

    // The block leaves the chain: the payment is unconfirmed and outside the mempool.
    Unmine(*m_wallet, m_chain);
    EXPECT_EQ(Bal().trusted, 0);
    EXPECT_EQ(Bal().untrusted_pending, 0);
    EXPECT_EQ(m_wallet->LastProcessedBlock()->height, 1);
    EXPECT_EQ(m_wallet->LastProcessedBlock()->hash, m_chain.Tip());
    details = m_wallet->GetTransaction(txid);
    EXPECT_EQ(details->tx.confirmations, 0);
    EXPECT_FALSE(details->tx.block_hash.has_value());
    EXPECT_EQ(details->tx.trusted, false);
    EXPECT_TRUE(m_wallet->ListUnspent(0, 9'999'999, m_chain.Height()).empty());

    // The node puts it back into its mempool: someone else's payment is untrusted pending.
    ASSERT_TRUE(m_wallet->TransactionAddedToMempool(pay).has_value());
    EXPECT_EQ(Bal().trusted, 0);
    EXPECT_EQ(Bal().untrusted_pending, 2 * COIN);
    EXPECT_EQ(m_wallet->ListUnspent(0, 9'999'999, m_chain.Height()).size(), 1u);
    EXPECT_TRUE(m_wallet->ListUnspent(1, 9'999'999, m_chain.Height()).empty());
    EXPECT_FALSE(m_wallet->ListUnspent(0, 9'999'999, m_chain.Height())[0].safe);

    // Mined again on the new branch.
    m_chain.SetSalt(7);
    Mine(*m_wallet, m_chain, {pay});
    EXPECT_EQ(Bal().trusted, 2 * COIN);
    EXPECT_EQ(Bal().untrusted_pending, 0);
    EXPECT_EQ(m_wallet->GetTransaction(txid)->tx.block_hash, m_chain.Tip());
    EXPECT_EQ(m_wallet->GetWalletInfo().tx_count, 1u);
}

TEST_F(WalletSyncTest, ReplayingAConnectedBlockIsHarmless) {
    const auto b = Mine(*m_wallet, m_chain, {PayTo(1, m_script, COIN)});
    ASSERT_TRUE(m_wallet->BlockConnected(b, 1).has_value());
    EXPECT_EQ(Bal().trusted, COIN);
    EXPECT_EQ(m_wallet->ListTransactions(10, 0).size(), 1u);
}

TEST_F(WalletSyncTest, CoinbaseMaturesAfterMaturityPlusOneConfirmations) {
    Mine(*m_wallet, m_chain, {}, m_script);
    EXPECT_EQ(Bal().immature, 50 * COIN);
    EXPECT_EQ(Bal().trusted, 0);
    auto list = m_wallet->ListTransactions(10, 0);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].category, "immature");
    EXPECT_TRUE(list[0].tx.generated);
    EXPECT_EQ(list[0].amount, 50 * COIN);
    const auto cb_txid = list[0].tx.txid;
    EXPECT_EQ(m_wallet->GetTransaction(cb_txid)->amount, 0);  // Core: immature credit is 0
    EXPECT_TRUE(m_wallet->ListUnspent(0, 9'999'999, m_chain.Height()).empty());

    for (int i = 0; i < 99; ++i) Mine(*m_wallet, m_chain);
    EXPECT_EQ(m_chain.Height(), 100);
    EXPECT_EQ(Bal().immature, 50 * COIN);  // 100 confirmations: still immature in the wallet
    Mine(*m_wallet, m_chain);
    EXPECT_EQ(Bal().immature, 0);
    EXPECT_EQ(Bal().trusted, 50 * COIN);
    list = m_wallet->ListTransactions(10, 0);
    EXPECT_EQ(list[0].category, "generate");
    EXPECT_EQ(list[0].tx.confirmations, 101);
    EXPECT_EQ(m_wallet->GetTransaction(cb_txid)->amount, 50 * COIN);
    EXPECT_EQ(m_wallet->ListUnspent(1, 9'999'999, m_chain.Height()).size(), 1u);
    EXPECT_TRUE(m_wallet->ListUnspent(1, 9'999'999, m_chain.Height())[0].coinbase);
}

TEST_F(WalletSyncTest, DisconnectedCoinbaseBecomesAnOrphan) {
    Mine(*m_wallet, m_chain, {}, m_script);
    Unmine(*m_wallet, m_chain);
    EXPECT_EQ(Bal().immature, 0);
    const auto list = m_wallet->ListTransactions(10, 0);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].category, "orphan");
    EXPECT_TRUE(m_wallet->PendingTransactions().empty());  // never resubmitted
}

TEST_F(WalletSyncTest, BlocksTheNodeNoLongerHoldsConfirmNothingAtLoad) {
    // The wallet saw blocks 1 (a coinbase to it) and 2 (a payment to it); the node came back
    // from a kill without block 2, so only block 1 is on its active chain.
    const auto block1 = Mine(*m_wallet, m_chain, {}, m_script);
    const primitives::Tx pay = PayTo(1, m_script, 2 * COIN);
    const auto block2 = Mine(*m_wallet, m_chain, {pay});
    const primitives::BlockHash kept = block1.header.ComputeHash();
    auto all_kept = m_wallet->ForgetBlocksOffChain([](const primitives::BlockHash&) { return true; });
    ASSERT_TRUE(all_kept.has_value());
    EXPECT_EQ(*all_kept, 0u);

    auto changed = m_wallet->ForgetBlocksOffChain([&](const primitives::BlockHash& h) { return h == kept; });
    ASSERT_TRUE(changed.has_value());
    EXPECT_EQ(*changed, 1u);
    const auto details = m_wallet->GetTransaction(primitives::ComputeTxid(pay));
    ASSERT_TRUE(details.has_value());
    EXPECT_EQ(details->tx.confirmations, 0);
    EXPECT_FALSE(details->tx.block_hash.has_value());
    // Its output is not offered: the node's UTXO set does not hold it.
    EXPECT_TRUE(m_wallet->ListUnspent(1, 9'999'999, 1).empty());
    EXPECT_EQ(m_wallet->GetBalances(1).trusted, 0);
    EXPECT_EQ(m_wallet->GetBalances(1).immature, 50 * COIN);  // block 1's coinbase stays

    // Block 1 gone too: its coinbase becomes an orphan, never resubmitted.
    changed = m_wallet->ForgetBlocksOffChain([](const primitives::BlockHash&) { return false; });
    ASSERT_TRUE(changed.has_value());
    EXPECT_EQ(*changed, 1u);
    EXPECT_EQ(m_wallet->GetBalances(0).immature, 0);
    const auto pending = m_wallet->PendingTransactions();
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(primitives::ComputeTxid(pending[0]), primitives::ComputeTxid(pay));

    // When the node connects block 2 again, the payment is confirmed again.
    ASSERT_TRUE(m_wallet->BlockConnected(block2, 2).has_value());
    EXPECT_EQ(m_wallet->GetTransaction(primitives::ComputeTxid(pay))->tx.block_hash, block2.header.ComputeHash());
}

TEST_F(WalletSyncTest, ConfirmedConflictMarksTheMempoolTxConflicted) {
    // An incoming payment sits in the mempool; a block confirms a different spend of its input.
    const primitives::Tx pay = PayTo(9, m_script, COIN);
    const primitives::Txid txid = primitives::ComputeTxid(pay);
    ASSERT_TRUE(m_wallet->TransactionAddedToMempool(pay).has_value());
    EXPECT_EQ(Bal().untrusted_pending, COIN);
    primitives::Tx rival = PayTo(9, ForeignScript(0x33), COIN - 1000);  // same input
    Mine(*m_wallet, m_chain, {rival});
    EXPECT_EQ(Bal().untrusted_pending, 0);
    auto d = m_wallet->GetTransaction(txid);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->tx.confirmations, -1);
    Mine(*m_wallet, m_chain);
    EXPECT_EQ(m_wallet->GetTransaction(txid)->tx.confirmations, -2);
    // Both blocks go away: the conflict no longer holds.
    Unmine(*m_wallet, m_chain);
    EXPECT_EQ(m_wallet->GetTransaction(txid)->tx.confirmations, -1);
    Unmine(*m_wallet, m_chain);
    EXPECT_EQ(m_wallet->GetTransaction(txid)->tx.confirmations, 0);
    ASSERT_TRUE(m_wallet->TransactionAddedToMempool(pay).has_value());
    EXPECT_EQ(Bal().untrusted_pending, COIN);
}

TEST_F(WalletSyncTest, IncomingTxRemovedFromMempoolIsForgotten) {
    const primitives::Tx pay = PayTo(4, m_script, COIN);
    const primitives::Txid txid = primitives::ComputeTxid(pay);
    ASSERT_TRUE(m_wallet->TransactionAddedToMempool(pay).has_value());
    EXPECT_EQ(m_wallet->GetWalletInfo().tx_count, 1u);
    // Removal because it was mined is handled by BlockConnected, not here.
    ASSERT_TRUE(m_wallet->TransactionRemovedFromMempool(txid, MempoolRemovalReason::Block).has_value());
    EXPECT_EQ(m_wallet->GetWalletInfo().tx_count, 1u);
    ASSERT_TRUE(m_wallet->TransactionRemovedFromMempool(txid, MempoolRemovalReason::Replaced).has_value());
    EXPECT_EQ(m_wallet->GetWalletInfo().tx_count, 0u);
    EXPECT_EQ(m_wallet->GetTransaction(txid).error().code, WalletErrorCode::TxNotFound);
    EXPECT_EQ(Bal().untrusted_pending, 0);
    // Mined after all: found again.
    Mine(*m_wallet, m_chain, {pay});
    EXPECT_EQ(Bal().trusted, COIN);
}

TEST_F(WalletSyncTest, IrrelevantTransactionsAreIgnored) {
    ASSERT_TRUE(m_wallet->TransactionAddedToMempool(PayTo(5, ForeignScript(1), COIN)).has_value());
    Mine(*m_wallet, m_chain, {PayTo(6, ForeignScript(2), COIN)});
    EXPECT_EQ(m_wallet->GetWalletInfo().tx_count, 0u);
    EXPECT_TRUE(m_wallet->ListTransactions(10, 0).empty());
    EXPECT_EQ(m_wallet->GetWalletInfo().last_processed_block->height, 1);
}

TEST_F(WalletSyncTest, ListTransactionsPagesOldestFirst) {
    std::vector<primitives::Txid> txids;
    for (uint8_t i = 0; i < 5; ++i) {
        const primitives::Tx pay = PayTo(20 + i, m_script, (i + 1) * COIN);
        txids.push_back(primitives::ComputeTxid(pay));
        Mine(*m_wallet, m_chain, {pay});
    }
    const auto all = m_wallet->ListTransactions(10, 0);
    ASSERT_EQ(all.size(), 5u);
    for (size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(all[i].tx.txid, txids[i]);
        EXPECT_EQ(all[i].category, "receive");
        EXPECT_EQ(all[i].amount, static_cast<primitives::Amount>(i + 1) * COIN);
        EXPECT_EQ(all[i].address, m_addr);
        EXPECT_EQ(all[i].tx.confirmations, static_cast<int>(5 - i));
        EXPECT_EQ(all[i].tx.bip125_replaceable, "no");
    }
    // The two most recent after skipping one: txs 2 and 3, oldest first.
    const auto page = m_wallet->ListTransactions(2, 1);
    ASSERT_EQ(page.size(), 2u);
    EXPECT_EQ(page[0].tx.txid, txids[2]);
    EXPECT_EQ(page[1].tx.txid, txids[3]);
    EXPECT_TRUE(m_wallet->ListTransactions(3, 10).empty());
    EXPECT_EQ(m_wallet->ListTransactions(0, 0).size(), 0u);
    EXPECT_EQ(m_wallet->ListTransactions(10, 4).size(), 1u);
}

TEST_F(WalletSyncTest, SmartTimeUsesTheEarlierOfReceiptAndBlock) {
    int64_t now = 1'600'000'000;
    auto w = NewWallet(test::ABANDON_MNEMONIC, test::TestOptions(&now));
    const util::Bytes script = ScriptFor(*w->GetNewAddress());
    TestChain chain;
    // Seen first in a block (as in a rescan): the block time.
    now = 1'800'000'000;
    const auto b = Mine(*w, chain, {PayTo(1, script, COIN)});
    auto list = w->ListTransactions(1, 0);
    EXPECT_EQ(list[0].tx.time, b.header.time);
    EXPECT_EQ(list[0].tx.time_received, now);
    EXPECT_EQ(list[0].tx.block_time, b.header.time);
    // Seen first in the mempool, mined later: the receive time.
    now = 1'700'000'100;
    const primitives::Tx pay = PayTo(2, script, COIN);
    ASSERT_TRUE(w->TransactionAddedToMempool(pay).has_value());
    EXPECT_EQ(w->ListTransactions(1, 0)[0].tx.bip125_replaceable, "unknown");
    now = 1'900'000'000;
    Mine(*w, chain, {pay});
    list = w->ListTransactions(1, 0);
    EXPECT_EQ(list[0].tx.time, 1'700'000'100);
}

}  // namespace
}  // namespace tonari::bitcoin::wallet
