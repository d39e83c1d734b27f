// Wallet lifecycle and addresses: create/open/restore, the persisted next index, the
// lookahead window, restarts on RocksDB with balances and history kept, and the refusals.
#include <gtest/gtest.h>

#include "bitcoin/wallet/bip39.h"
#include "bitcoin/wallet/wallet.h"
#include "bitcoin/wallet/wallet_test_util.h"
#include "storage/test_temp_dir.h"

namespace tonari::bitcoin::wallet {
namespace {

using encoding::Network;
using primitives::COIN;
using test::Mine;
using test::NewWallet;
using test::PayTo;
using test::ScriptFor;
using test::TestChain;
using test::TestOptions;

TEST(Wallet, AbandonMnemonicGivesTheBipAddressesOnRegtestPaths) {
    auto w = NewWallet();
    ASSERT_TRUE(w);
    const auto seed = MnemonicToSeed(test::ABANDON_MNEMONIC, "");
    const auto kc = Keychain::FromSeed(*seed, Network::Regtest);
    for (uint32_t i = 0; i < 3; ++i) {
        EXPECT_EQ(*w->GetNewAddress(OutputType::Bech32), *kc->DeriveAddress({OutputType::Bech32, 0, i}));
        EXPECT_EQ(*w->GetNewAddress(OutputType::Bech32m), *kc->DeriveAddress({OutputType::Bech32m, 0, i}));
    }
    EXPECT_EQ(w->GetMnemonic(), test::ABANDON_MNEMONIC);
    const auto info = w->GetWalletInfo();
    EXPECT_EQ(info.keypool_size, 2 * DEFAULT_LOOKAHEAD);
    EXPECT_EQ(info.keypool_size_internal, 2 * DEFAULT_LOOKAHEAD);
    EXPECT_EQ(info.tx_count, 0u);
    EXPECT_EQ(info.birth_time, 1'750'000'000);
    EXPECT_FALSE(info.last_processed_block.has_value());
}

TEST(Wallet, RandomWalletRestoresFromItsMnemonic) {
    auto a = NewWallet(nullptr);
    ASSERT_TRUE(a);
    const std::string words = a->GetMnemonic();
    EXPECT_TRUE(ValidateMnemonic(words).has_value());
    EXPECT_EQ(std::count(words.begin(), words.end(), ' '), 11);  // 12 words from 128 bits
    auto b = NewWallet(words.c_str());
    ASSERT_TRUE(b);
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(*a->GetNewAddress(OutputType::Bech32), *b->GetNewAddress(OutputType::Bech32));
        EXPECT_EQ(*a->GetNewAddress(OutputType::Bech32m), *b->GetNewAddress(OutputType::Bech32m));
    }
    auto c = NewWallet(nullptr);
    EXPECT_NE(c->GetMnemonic(), words);
    // A BIP39 passphrase makes a different wallet from the same words.
    auto d =
        Wallet::Create(storage::KvStore::MakeMemoryKv(), Network::Regtest, words, "extra", TestOptions());
    ASSERT_TRUE(d.has_value());
    EXPECT_NE(*(*d)->GetNewAddress(), *NewWallet(words.c_str())->GetNewAddress());
}

TEST(Wallet, CreateRefusesBadMnemonicsAndPassphrases) {
    auto bad_checksum =
        Wallet::Create(storage::KvStore::MakeMemoryKv(), Network::Regtest,
                       std::string("abandon abandon abandon abandon abandon abandon abandon abandon "
                                   "abandon abandon abandon abandon"),
                       "", TestOptions());
    ASSERT_FALSE(bad_checksum.has_value());
    EXPECT_EQ(bad_checksum.error().code, WalletErrorCode::InvalidMnemonic);
    EXPECT_EQ(bad_checksum.error().message, Bip39ErrorName(Bip39Error::BadChecksum));
    auto unknown = Wallet::Create(storage::KvStore::MakeMemoryKv(), Network::Regtest,
                                  std::string("hello world"), "", TestOptions());
    EXPECT_EQ(unknown.error().code, WalletErrorCode::InvalidMnemonic);
    auto non_ascii = Wallet::Create(storage::KvStore::MakeMemoryKv(), Network::Regtest,
                                    std::string(test::ABANDON_MNEMONIC), "caf\xc3\xa9", TestOptions());
    ASSERT_FALSE(non_ascii.has_value());
    EXPECT_EQ(non_ascii.error().message, Bip39ErrorName(Bip39Error::NonAsciiPassphrase));
}

TEST(Wallet, StoreLifecycleOnDisk) {
    storage::test::TestTempDir dir;
    const auto path = dir.path() / "w1";
    EXPECT_EQ(Wallet::OpenAt(path, Network::Regtest, TestOptions()).error().code, WalletErrorCode::NotFound);
    std::string first;
    {
        auto w = Wallet::CreateAt(path, Network::Regtest, std::nullopt, "", TestOptions());
        ASSERT_TRUE(w.has_value()) << w.error().message;
        first = *(*w)->GetNewAddress();
    }
    // A second create on the same folder is refused; the first wallet is untouched.
    auto again =
        Wallet::CreateAt(path, Network::Regtest, std::string(test::ABANDON_MNEMONIC), "", TestOptions());
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().code, WalletErrorCode::AlreadyExists);
    // The wrong network is refused.
    auto wrong = Wallet::OpenAt(path, Network::Main, TestOptions());
    ASSERT_FALSE(wrong.has_value());
    EXPECT_EQ(wrong.error().code, WalletErrorCode::WrongNetwork);
    // The index handed out before the "crash" is never handed out again.
    auto reopened = Wallet::OpenAt(path, Network::Regtest, TestOptions());
    ASSERT_TRUE(reopened.has_value()) << reopened.error().message;
    const std::string second = *(*reopened)->GetNewAddress();
    EXPECT_NE(second, first);
    const auto origin = (*reopened)->GetKeyOrigin(ScriptFor(second));
    ASSERT_TRUE(origin.has_value());
    EXPECT_EQ(origin->index, 1u);
    EXPECT_EQ((*reopened)->GetKeyOrigin(ScriptFor(first))->index, 0u);
}

TEST(Wallet, OpenRefusesStoresThatAreNotWallets) {
    auto empty = Wallet::Open(storage::KvStore::MakeMemoryKv(), Network::Regtest, TestOptions());
    ASSERT_FALSE(empty.has_value());
    EXPECT_EQ(empty.error().code, WalletErrorCode::NotFound);

    auto kv = storage::KvStore::MakeMemoryKv();
    storage::WriteBatch junk;
    junk.Put(util::Bytes{'M'}, util::Bytes{1, 2, 3});
    ASSERT_TRUE(kv->Write(junk, true).has_value());
    auto corrupt = Wallet::Open(std::move(kv), Network::Regtest, TestOptions());
    ASSERT_FALSE(corrupt.has_value());
    EXPECT_EQ(corrupt.error().code, WalletErrorCode::Corrupt);
}

// A store whose writes start failing on request, as a full disk makes them.
class FailingKv final : public storage::KvStore {
public:
    explicit FailingKv(std::shared_ptr<bool> failing) : m_failing(std::move(failing)) {}
    storage::StorageResult<std::optional<util::Bytes>> Get(util::ByteSpan key) const override { return m_kv->Get(key); }
    storage::StorageResult<bool> Exists(util::ByteSpan key) const override { return m_kv->Exists(key); }
    storage::Status Write(const storage::WriteBatch& batch, bool sync) override {
        if (*m_failing) return util::Fail(storage::StorageError::Io("No space left on device"));
        return m_kv->Write(batch, sync);
    }
    std::unique_ptr<storage::KvIterator> NewIterator() const override { return m_kv->NewIterator(); }
    storage::Status CompactRange(std::optional<util::ByteSpan> begin, std::optional<util::ByteSpan> end) override {
        return m_kv->CompactRange(begin, end);
    }
    storage::StorageResult<uint64_t> EstimateSize(util::ByteSpan begin, util::ByteSpan end) const override {
        return m_kv->EstimateSize(begin, end);
    }

private:
    std::shared_ptr<bool> m_failing;
    std::unique_ptr<storage::KvStore> m_kv = storage::KvStore::MakeMemoryKv();
};

TEST(Wallet, AFailedWriteIsReportedOnceAndEveryLaterChangeIsRefusedWithItsReason) {
    auto failing = std::make_shared<bool>(false);
    std::vector<std::string> reported;
    WalletOptions options = TestOptions();
    options.on_storage_failure = [&reported](const std::string& e) { reported.push_back(e); };
    auto created = Wallet::Create(std::make_unique<FailingKv>(failing), Network::Regtest,
                                  std::string(test::ABANDON_MNEMONIC), "", options);
    ASSERT_TRUE(created.has_value());
    auto& w = **created;
    const std::string first = *w.GetNewAddress();
    *failing = true;
    auto refused = w.GetNewAddress();
    ASSERT_FALSE(refused.has_value());
    EXPECT_NE(refused.error().message.find("No space left on device"), std::string::npos);
    // Later changes are refused before touching the store, naming the first failure.
    *failing = false;
    TestChain chain;
    auto block = chain.Next({PayTo(1, ScriptFor(first), COIN)});
    auto connected = w.BlockConnected(block, 1);
    ASSERT_FALSE(connected.has_value());
    EXPECT_EQ(connected.error().code, WalletErrorCode::StorageFailure);
    EXPECT_NE(connected.error().message.find("No space left on device"), std::string::npos);
    EXPECT_NE(connected.error().message.find("restart the node"), std::string::npos);
    ASSERT_EQ(reported.size(), 1u);
    EXPECT_NE(reported[0].find("No space left on device"), std::string::npos);
    // Reads still answer.
    EXPECT_EQ(w.GetBalances(1).trusted, 0);
}

TEST(Wallet, RestartKeepsAddressesBalancesAndHistory) {
    storage::test::TestTempDir dir;
    const auto path = dir.path() / "w2";
    TestChain chain;
    std::string addr;
    primitives::BlockHash tip;
    {
        auto w =
            Wallet::CreateAt(path, Network::Regtest, std::string(test::ABANDON_MNEMONIC), "", TestOptions());
        ASSERT_TRUE(w.has_value());
        addr = *(*w)->GetNewAddress(OutputType::Bech32m);
        Mine(**w, chain, {PayTo(1, ScriptFor(addr), 3 * COIN)});
        Mine(**w, chain);
        tip = chain.Tip();
        EXPECT_EQ((*w)->GetBalances(chain.Height()).trusted, 3 * COIN);
    }
    auto w = Wallet::OpenAt(path, Network::Regtest, TestOptions());
    ASSERT_TRUE(w.has_value()) << w.error().message;
    const auto last = (*w)->LastProcessedBlock();
    ASSERT_TRUE(last.has_value());
    EXPECT_EQ(last->height, 2);
    EXPECT_EQ(last->hash, tip);
    EXPECT_EQ((*w)->GetBalances(chain.Height()).trusted, 3 * COIN);
    EXPECT_EQ((*w)->ListTransactions(10, 0).size(), 1u);
    const auto unspent = (*w)->ListUnspent(1, 9'999'999, chain.Height());
    ASSERT_EQ(unspent.size(), 1u);
    EXPECT_EQ(unspent[0].address, addr);
    EXPECT_EQ(unspent[0].confirmations, 2);
    // The next address continues after the used one.
    const std::string next = *(*w)->GetNewAddress(OutputType::Bech32m);
    EXPECT_EQ((*w)->GetKeyOrigin(ScriptFor(next))->index, 1u);
    // Blocks keep coming after the restart.
    Mine(**w, chain);
    EXPECT_EQ((*w)->ListUnspent(1, 9'999'999, chain.Height())[0].confirmations, 3);
}

TEST(Wallet, LookaheadFindsPaymentsToAddressesNotYetShown) {
    auto w = NewWallet();
    TestChain chain;
    const auto seed = MnemonicToSeed(test::ABANDON_MNEMONIC, "");
    const auto kc = Keychain::FromSeed(*seed, Network::Regtest);
    const util::Bytes at_500 = *kc->DeriveScript({OutputType::Bech32, EXTERNAL_CHAIN, 500});
    const util::Bytes at_1400 = *kc->DeriveScript({OutputType::Bech32, EXTERNAL_CHAIN, 1400});
    EXPECT_TRUE(w->IsMine(at_500));
    EXPECT_FALSE(w->IsMine(at_1400));  // beyond next index (0) + 1000

    Mine(*w, chain, {PayTo(1, at_1400, COIN)});  // not seen: outside the window
    Mine(*w, chain, {PayTo(2, at_500, 2 * COIN)});
    EXPECT_EQ(w->GetBalances(chain.Height()).trusted, 2 * COIN);
    // Index 500 was used: the window now reaches 1500, and new addresses start at 501.
    EXPECT_TRUE(w->IsMine(at_1400));
    const std::string next = *w->GetNewAddress(OutputType::Bech32);
    EXPECT_EQ(w->GetKeyOrigin(ScriptFor(next))->index, 501u);
    EXPECT_EQ(w->GetWalletInfo().keypool_size, 2 * DEFAULT_LOOKAHEAD);
    // The earlier payment is found when its block is seen again (a rescan after a restore).
    auto restored = NewWallet();
    TestChain chain2;
    Mine(*restored, chain2, {PayTo(2, at_500, 2 * COIN)});
    Mine(*restored, chain2, {PayTo(1, at_1400, COIN)});
    EXPECT_EQ(restored->GetBalances(chain2.Height()).trusted, 3 * COIN);
}

TEST(Wallet, ChangeChainIsWatchedToo) {
    auto w = NewWallet();
    TestChain chain;
    const auto kc = Keychain::FromSeed(*MnemonicToSeed(test::ABANDON_MNEMONIC, ""), Network::Regtest);
    const util::Bytes change7 = *kc->DeriveScript({OutputType::Bech32m, INTERNAL_CHAIN, 7});
    Mine(*w, chain, {PayTo(3, change7, COIN)});
    EXPECT_EQ(w->GetBalances(chain.Height()).trusted, COIN);
    const auto origin = w->GetKeyOrigin(change7);
    ASSERT_TRUE(origin.has_value());
    EXPECT_TRUE(origin->IsChange());
    // Change received from outside is still "receive" (the wallet did not pay for it).
    const auto list = w->ListTransactions(10, 0);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].category, "receive");
    EXPECT_EQ(w->GetWalletInfo().keypool_size_internal, 2 * DEFAULT_LOOKAHEAD);
}

}  // namespace
}  // namespace tonari::bitcoin::wallet
