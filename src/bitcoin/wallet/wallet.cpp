// Wallet lifecycle, addresses and the facts every other part asks (see wallet.h).
#include "bitcoin/wallet/wallet.h"

#include <algorithm>
#include <chrono>

#include "bitcoin/wallet/bip39.h"
#include "bitcoin/wallet/secure_wipe.h"
#include "crypto/random.h"

namespace tonari::bitcoin::wallet {
namespace {

using primitives::Amount;

WalletError Err(WalletErrorCode code, std::string message) {
    return WalletError::Make(code, std::move(message));
}

WalletError MnemonicError(Bip39Error e) {
    return Err(WalletErrorCode::InvalidMnemonic, std::string(Bip39ErrorName(e)));
}

int64_t SystemNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

Wallet::Wallet(std::unique_ptr<WalletStore> store, Keychain keychain, WalletOptions options)
    : m_options(std::move(options)),
      m_store(std::move(store)),
      m_keychain(std::move(keychain)),
      m_network(m_keychain.network()),
      m_rng(m_options.rng_seed ? *m_options.rng_seed : crypto::RandomU64()) {}

Wallet::~Wallet() {
    detail::SecureWipe(m_mnemonic);
}

util::Result<std::unique_ptr<Wallet>, WalletError> Wallet::Create(std::unique_ptr<storage::KvStore> kv,
                                                                  encoding::Network network,
                                                                  std::optional<std::string> mnemonic,
                                                                  std::string_view passphrase,
                                                                  WalletOptions options) {
    auto store = std::make_unique<WalletStore>(std::move(kv));
    auto has = store->HasWallet();
    if (!has) return util::Fail(has.error());
    if (*has) return util::Fail(Err(WalletErrorCode::AlreadyExists, "Wallet already exists"));

    std::string words;
    if (mnemonic) {
        if (auto ok = ValidateMnemonic(*mnemonic); !ok) return util::Fail(MnemonicError(ok.error()));
        words = NormalizeMnemonic(*mnemonic);
        detail::SecureWipe(*mnemonic);
    } else {
        std::array<uint8_t, 16> entropy{};
        crypto::RandomBytes(entropy);
        auto made = MnemonicFromEntropy(entropy);
        detail::SecureWipe(entropy);
        if (!made) return util::Fail(MnemonicError(made.error()));
        words = std::move(*made);
    }
    auto seed = MnemonicToSeed(words, passphrase);
    if (!seed) {
        detail::SecureWipe(words);
        return util::Fail(MnemonicError(seed.error()));
    }
    auto keychain = Keychain::FromSeed(*seed, network);
    if (!keychain) {
        detail::SecureWipe(*seed);
        detail::SecureWipe(words);
        return util::Fail(Err(WalletErrorCode::InvalidMnemonic, "Seed gives an invalid BIP32 master key"));
    }

    WalletMeta meta;
    meta.network = network;
    meta.birth_time = options.clock ? options.clock() : SystemNow();
    WalletSeed record;
    record.seed = *seed;
    record.mnemonic = words;
    WalletBatch batch;
    batch.PutMeta(meta);
    batch.PutSeed(record);
    for (OutputType type : ALL_OUTPUT_TYPES) {
        for (uint32_t chain : {EXTERNAL_CHAIN, INTERNAL_CHAIN}) batch.PutNextIndex(type, chain, 0);
    }
    detail::SecureWipe(*seed);
    detail::SecureWipe(record.seed);
    detail::SecureWipe(record.mnemonic);
    if (auto w = store->Write(batch, /*sync=*/true); !w) {
        detail::SecureWipe(words);
        return util::Fail(w.error());
    }

    std::unique_ptr<Wallet> wallet(new Wallet(std::move(store), std::move(*keychain), std::move(options)));
    wallet->m_mnemonic = std::move(words);
    wallet->m_birth_time = meta.birth_time;
    for (OutputType type : ALL_OUTPUT_TYPES) {
        for (uint32_t chain : {EXTERNAL_CHAIN, INTERNAL_CHAIN}) wallet->ExtendWindow(type, chain);
    }
    return wallet;
}

util::Result<std::unique_ptr<Wallet>, WalletError> Wallet::Open(std::unique_ptr<storage::KvStore> kv,
                                                                encoding::Network network,
                                                                WalletOptions options) {
    auto store = std::make_unique<WalletStore>(std::move(kv));
    auto contents = store->Load();
    if (!contents) return util::Fail(contents.error());
    if (contents->meta.network != network) {
        return util::Fail(Err(WalletErrorCode::WrongNetwork,
                              "Wallet was created for network " +
                                  std::string(encoding::NetworkName(contents->meta.network)) + ", not " +
                                  std::string(encoding::NetworkName(network))));
    }
    auto keychain = Keychain::FromSeed(contents->seed.seed, network);
    detail::SecureWipe(contents->seed.seed);
    if (!keychain) return util::Fail(Err(WalletErrorCode::Corrupt, "Wallet seed gives no valid master key"));

    std::unique_ptr<Wallet> wallet(new Wallet(std::move(store), std::move(*keychain), std::move(options)));
    wallet->m_mnemonic = std::move(contents->seed.mnemonic);
    wallet->m_birth_time = contents->meta.birth_time;
    wallet->m_next_index = contents->next_index;
    wallet->m_best_block = contents->best_block;
    for (OutputType type : ALL_OUTPUT_TYPES) {
        for (uint32_t chain : {EXTERNAL_CHAIN, INTERNAL_CHAIN}) wallet->ExtendWindow(type, chain);
    }
    for (WalletTx& wtx : contents->txs) {
        // The mempool may not have survived the restart; the node re-announces what it has.
        if (wtx.state == TxState::InMempool) wtx.state = TxState::Inactive;
        wallet->m_next_order_pos = std::max(wallet->m_next_order_pos, wtx.order_pos + 1);
        wallet->AddTx(std::move(wtx));
    }
    return wallet;
}

util::Result<std::unique_ptr<Wallet>, WalletError> Wallet::CreateAt(const std::filesystem::path& dir,
                                                                    encoding::Network network,
                                                                    std::optional<std::string> mnemonic,
                                                                    std::string_view passphrase,
                                                                    WalletOptions options) {
    auto kv = OpenWalletKv(dir, /*create=*/true);
    if (!kv) return util::Fail(kv.error());
    return Create(std::move(*kv), network, std::move(mnemonic), passphrase, std::move(options));
}

util::Result<std::unique_ptr<Wallet>, WalletError> Wallet::OpenAt(const std::filesystem::path& dir,
                                                                  encoding::Network network,
                                                                  WalletOptions options) {
    auto kv = OpenWalletKv(dir, /*create=*/false);
    if (!kv) return util::Fail(kv.error());
    return Open(std::move(*kv), network, std::move(options));
}

std::string Wallet::GetMnemonic() const {
    const std::lock_guard lock(m_mutex);
    return m_mnemonic;
}

util::Result<std::string, WalletError> Wallet::GetNewAddress(OutputType type) {
    const std::lock_guard lock(m_mutex);
    if (auto ok = CheckUsable(); !ok) return util::Fail(ok.error());
    uint32_t index = m_next_index[static_cast<size_t>(type)][EXTERNAL_CHAIN];
    std::optional<std::string> address;
    // An index BIP32 calls invalid (probability ~2^-127) is skipped, as BIP32 says.
    for (; index <= MAX_KEY_INDEX && !address; ++index)
        address = m_keychain.DeriveAddress({type, EXTERNAL_CHAIN, index});
    if (!address)
        return util::Fail(Err(WalletErrorCode::KeypoolExhausted, "Error: This wallet has no available keys"));
    WalletBatch batch;
    batch.PutNextIndex(type, EXTERNAL_CHAIN, index);
    if (auto w = Write(batch, /*sync=*/true); !w) return util::Fail(w.error());
    m_next_index[static_cast<size_t>(type)][EXTERNAL_CHAIN] = index;
    ExtendWindow(type, EXTERNAL_CHAIN);
    return std::move(*address);
}

std::optional<KeyOrigin> Wallet::GetKeyOrigin(util::ByteSpan script_pubkey) const {
    const std::lock_guard lock(m_mutex);
    return m_keychain.Lookup(script_pubkey);
}

// ---- internal helpers (callers hold m_mutex) ----

int64_t Wallet::Now() const {
    return m_options.clock ? m_options.clock() : SystemNow();
}

util::Result<void, WalletError> Wallet::CheckUsable() const {
    if (m_failed) {
        return util::Fail(Err(WalletErrorCode::StorageFailure,
                              "A wallet write failed earlier (" + m_failure +
                                  "); the wallet takes no changes until it is loaded again (restart the node)"));
    }
    return {};
}

util::Result<void, WalletError> Wallet::Write(const WalletBatch& batch, bool sync) {
    auto w = m_store->Write(batch, sync);
    if (!w && !m_failed) {
        m_failed = true;
        m_failure = w.error().message;
        if (m_options.on_storage_failure) m_options.on_storage_failure(m_failure);
    }
    return w;
}

void Wallet::AddTx(WalletTx wtx) {
    const primitives::Txid txid = wtx.txid;
    if (!wtx.IsCoinbase()) {
        for (const auto& in : wtx.tx.inputs) m_spends.emplace(in.prevout, txid);
    }
    m_txs.insert_or_assign(txid, std::move(wtx));
}

const WalletTx* Wallet::FindTx(const primitives::Txid& txid) const {
    const auto it = m_txs.find(txid);
    return it == m_txs.end() ? nullptr : &it->second;
}

std::optional<KeyOrigin> Wallet::OutputOrigin(const primitives::TxOut& out) const {
    return m_keychain.Lookup(out.script_pubkey);
}

Amount Wallet::Debit(const primitives::Tx& tx) const {
    if (tx.IsCoinbase()) return 0;
    Amount debit = 0;
    for (const auto& in : tx.inputs) {
        const WalletTx* parent = FindTx(in.prevout.txid);
        if (!parent || in.prevout.index >= parent->tx.outputs.size()) continue;
        const auto& out = parent->tx.outputs[in.prevout.index];
        if (OutputOrigin(out)) debit += out.value;
    }
    return debit;
}

Amount Wallet::Credit(const primitives::Tx& tx) const {
    Amount credit = 0;
    for (const auto& out : tx.outputs) {
        if (OutputOrigin(out)) credit += out.value;
    }
    return credit;
}

bool Wallet::IsRelevant(const primitives::Tx& tx) const {
    for (const auto& out : tx.outputs) {
        if (OutputOrigin(out)) return true;
    }
    return Debit(tx) > 0;
}

bool Wallet::IsSpent(const primitives::OutPoint& outpoint) const {
    const auto [begin, end] = m_spends.equal_range(outpoint);
    for (auto it = begin; it != end; ++it) {
        const WalletTx* spender = FindTx(it->second);
        if (!spender) continue;
        switch (spender->state) {
            case TxState::Confirmed:
            case TxState::InMempool:
                return true;
            case TxState::Inactive:
                if (!spender->abandoned) return true;
                break;
            case TxState::Conflicted:
                break;
        }
    }
    return false;
}

int Wallet::Depth(const WalletTx& wtx, int32_t tip_height) const {
    if (wtx.state == TxState::Confirmed) return std::max(1, tip_height - wtx.block_height + 1);
    if (wtx.state == TxState::Conflicted) return -std::max(1, tip_height - wtx.block_height + 1);
    return 0;
}

int Wallet::BlocksToMaturity(const WalletTx& wtx, int32_t tip_height) const {
    if (!wtx.IsCoinbase()) return 0;
    // Core's wallet waits for maturity + 1 confirmations (spendable in the next block).
    return std::max(0, (m_options.coinbase_maturity + 1) - Depth(wtx, tip_height));
}

bool Wallet::IsTrusted(const WalletTx& wtx, int32_t tip_height,
                       std::map<primitives::Txid, bool>& memo) const {
    const int depth = Depth(wtx, tip_height);
    if (depth >= 1) return true;
    if (depth < 0 || wtx.abandoned || wtx.state != TxState::InMempool) return false;
    if (const auto it = memo.find(wtx.txid); it != memo.end()) return it->second;
    memo[wtx.txid] = false;  // a cycle cannot exist, but never recurse forever on bad data
    bool trusted = Debit(wtx.tx) > 0;
    // Trusted only when every input is the wallet's own coin from a trusted transaction.
    for (const auto& in : wtx.tx.inputs) {
        if (!trusted) break;
        const WalletTx* parent = FindTx(in.prevout.txid);
        trusted = parent && in.prevout.index < parent->tx.outputs.size() &&
                  OutputOrigin(parent->tx.outputs[in.prevout.index]) && IsTrusted(*parent, tip_height, memo);
    }
    memo[wtx.txid] = trusted;
    return trusted;
}

void Wallet::ExtendWindow(OutputType type, uint32_t chain) {
    const uint64_t end = uint64_t{m_next_index[static_cast<size_t>(type)][chain]} + m_options.lookahead;
    m_keychain.ExtendTo(type, chain,
                        static_cast<uint32_t>(std::min<uint64_t>(end, uint64_t{MAX_KEY_INDEX} + 1)));
}

void Wallet::MarkUsed(const primitives::Tx& tx, WalletBatch& batch) {
    for (const auto& out : tx.outputs) {
        const auto origin = OutputOrigin(out);
        if (!origin) continue;
        uint32_t& next = m_next_index[static_cast<size_t>(origin->type)][origin->chain];
        if (origin->index < next) continue;
        next = origin->index + 1;
        batch.PutNextIndex(origin->type, origin->chain, next);
        ExtendWindow(origin->type, origin->chain);
    }
}

}  // namespace tonari::bitcoin::wallet
