// WalletManager: opening wallets under the network directory, catching them up with the
// chain, and forwarding the validation strand's events to them (see wallet_manager.h).
#include "bitcoin/node/wallet_manager.h"

#include <algorithm>
#include <chrono>
#include <system_error>

#include "bitcoin/consensus/params.h"
#include "bitcoin/wallet/bip39.h"

namespace tonari::bitcoin::node {
namespace {

namespace fs = std::filesystem;
using Kind = WalletLoadError::Kind;

WalletLoadError LoadError(Kind kind, std::string message) {
    return {kind, std::move(message)};
}

bool NameAllowed(std::string_view name) {
    if (name.empty()) return true;
    if (name.size() > MAX_WALLET_NAME_BYTES || name.front() == '.') return false;
    return std::none_of(name.begin(), name.end(), [](char c) { return c == '/' || c == '\\' || c == '\0'; });
}

wallet::MempoolRemovalReason ToWalletReason(mempool::RemovalReason reason) {
    switch (reason) {
        case mempool::RemovalReason::Block:
            return wallet::MempoolRemovalReason::Block;
        case mempool::RemovalReason::Conflict:
            return wallet::MempoolRemovalReason::Conflict;
        case mempool::RemovalReason::Replaced:
            return wallet::MempoolRemovalReason::Replaced;
        case mempool::RemovalReason::SizeLimit:
            return wallet::MempoolRemovalReason::SizeLimit;
        case mempool::RemovalReason::Expiry:
            return wallet::MempoolRemovalReason::Expiry;
        case mempool::RemovalReason::Reorg:
            return wallet::MempoolRemovalReason::Reorg;
    }
    return wallet::MempoolRemovalReason::Conflict;
}

// A folder that exists and holds anything (a wallet, or someone else's files).
bool OccupiedFolder(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return false;
    if (!fs::is_directory(path, ec)) return true;
    return !fs::is_empty(path, ec) || ec;
}

}  // namespace

policy::FeeRate DefaultFallbackFee(encoding::Network network) {
    return policy::FeeRate(network == encoding::Network::Main ? 0 : TEST_NETWORK_FALLBACK_FEE);
}

WalletManager::WalletManager(WalletManagerOptions options)
    : m_options(std::move(options)),
      m_fallback_fee(m_options.fallback_fee.value_or(DefaultFallbackFee(m_options.network))) {
    m_options.wallet.coinbase_maturity = consensus::GetParams(m_options.network).coinbase_maturity;
}

WalletManager::~WalletManager() = default;

wallet::WalletOptions WalletManager::OptionsFor(const std::string& name) const {
    wallet::WalletOptions options = m_options.wallet;
    if (m_options.log_error) {
        options.on_storage_failure = [log = m_options.log_error, name](const std::string& error) {
            log("Error: wallet '" + name + "' cannot write (" + error +
                "); it takes no changes until it is loaded again: free disk space, then restart the node.");
        };
    }
    return options;
}

std::optional<fs::path> WalletManager::WalletPath(const fs::path& network_dir, std::string_view name) {
    if (!NameAllowed(name)) return std::nullopt;
    return network_dir / "wallets" / (name.empty() ? fs::path(DEFAULT_WALLET_FOLDER) : fs::path(name));
}

std::string WalletManager::NameRules() {
    return "Invalid wallet name: a wallet name is one folder name of at most " +
           std::to_string(MAX_WALLET_NAME_BYTES) + " bytes, without '/', '\\' or NUL, not starting with '.'";
}

int64_t WalletManager::Now() const {
    if (m_options.wallet.clock) return m_options.wallet.clock();
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// ---- wiring and events ----

void WalletManager::Attach(NodeStorage& storage) {
    storage.SetChainListener(NodeStorage::ListenerSlot::Wallet, this);
    storage.SetTxAddedListener(NodeStorage::ListenerSlot::Wallet,
                               [this](const mempool::MempoolEntry& e) { OnMempoolAdd(e); });
    storage.SetTxRemovedListener(NodeStorage::ListenerSlot::Wallet,
                                 [this](const mempool::MempoolEntry& e, mempool::RemovalReason r) { OnMempoolRemove(e, r); });
}

void WalletManager::Detach(NodeStorage& storage) {
    storage.SetChainListener(NodeStorage::ListenerSlot::Wallet, nullptr);
    storage.SetTxAddedListener(NodeStorage::ListenerSlot::Wallet, {});
    storage.SetTxRemovedListener(NodeStorage::ListenerSlot::Wallet, {});
}

std::vector<wallet::Wallet*> WalletManager::Snapshot() const {
    const std::lock_guard lock(m_mutex);
    std::vector<wallet::Wallet*> out;
    out.reserve(m_wallets.size());
    for (const auto& e : m_wallets) out.push_back(e.wallet.get());
    return out;
}

// A wallet whose store fails stops taking changes by itself (StorageFailure) and says so on
// every later call; there is no one to tell here, so the event results are dropped.
void WalletManager::BlockConnected(const primitives::Block& block, const chain::BlockIndex& index) {
    for (auto* w : Snapshot()) (void)w->BlockConnected(block, index.height);
}

void WalletManager::BlockDisconnected(const primitives::Block& block, const chain::BlockIndex& index) {
    for (auto* w : Snapshot()) (void)w->BlockDisconnected(block, index.height);
}

void WalletManager::OnMempoolAdd(const mempool::MempoolEntry& entry) {
    for (auto* w : Snapshot()) (void)w->TransactionAddedToMempool(*entry.tx);
}

void WalletManager::OnMempoolRemove(const mempool::MempoolEntry& entry, mempool::RemovalReason reason) {
    // A mined transaction is the block's business: BlockConnected follows (the wallet ignores
    // Block removals anyway).
    if (reason == mempool::RemovalReason::Block) return;
    const wallet::MempoolRemovalReason why = ToWalletReason(reason);
    for (auto* w : Snapshot()) (void)w->TransactionRemovedFromMempool(entry.txid, why);
}

// ---- lookups ----

wallet::Wallet* WalletManager::Find(std::string_view name) const {
    const std::lock_guard lock(m_mutex);
    for (const auto& e : m_wallets) {
        if (e.name == name) return e.wallet.get();
    }
    return nullptr;
}

std::vector<std::string> WalletManager::Names() const {
    const std::lock_guard lock(m_mutex);
    std::vector<std::string> out;
    for (const auto& e : m_wallets) out.push_back(e.name);
    return out;
}

size_t WalletManager::Count() const {
    const std::lock_guard lock(m_mutex);
    return m_wallets.size();
}

std::optional<std::pair<std::string, wallet::Wallet*>> WalletManager::Single() const {
    const std::lock_guard lock(m_mutex);
    if (m_wallets.size() != 1) return std::nullopt;
    return std::make_pair(m_wallets.front().name, m_wallets.front().wallet.get());
}

wallet::Wallet* WalletManager::Insert(std::string name, std::unique_ptr<wallet::Wallet> wallet) {
    const std::lock_guard lock(m_mutex);
    m_wallets.push_back({std::move(name), std::move(wallet)});
    return m_wallets.back().wallet.get();
}

// ---- lifecycle ----

util::Result<void, std::string> WalletManager::CatchUp(NodeStorage& storage, wallet::Wallet& wallet,
                                                       bool fresh) {
    chain::Chainstate& chainstate = storage.Chain();
    const chain::ActiveChain& active = chainstate.Chain();
    const chain::BlockIndex* tip = active.Tip();
    if (tip == nullptr) return {};  // nothing connected yet: the chain will tell the wallet
    auto read = [&storage](const chain::BlockIndex& index) -> util::Result<primitives::Block, std::string> {
        const std::string where =
            "block " + index.hash.ToHex() + " at height " + std::to_string(index.height);
        if (storage.Chain().IsBlockPruned(index)) {
            return util::Fail("Prune: last wallet synchronisation goes beyond pruned data. You need to -reindex "
                              "(download the whole blockchain again in case of pruned node)");
        }
        if (!index.HaveData()) return util::Fail(where + " is not stored");
        auto block = storage.Blocks().ReadBlock(index.data_pos);
        if (!block) return util::Fail("cannot read " + where + ": " + block.error().message);
        return std::move(*block);
    };

    // Blocks the wallet counted that this chain does not hold (a reorg while it was away, or
    // blocks the node lost to a kill after the wallet had written them) confirm nothing.
    auto forgotten = wallet.ForgetBlocksOffChain([&](const primitives::BlockHash& hash) {
        const chain::BlockIndex* index = chainstate.Tree().Lookup(hash);
        return index != nullptr && active.Contains(index);
    });
    if (!forgotten) return util::Fail(forgotten.error().message);
    int start_height = 0;
    if (const auto last = wallet.LastProcessedBlock()) {
        const chain::BlockIndex* index = chainstate.Tree().Lookup(last->hash);
        if (index != nullptr) {
            // Blocks the wallet saw that have left the active chain, newest first, down to
            // the fork (the genesis is always on the active chain, so this ends).
            while (!active.Contains(index)) {
                auto block = read(*index);
                if (!block) return util::Fail(block.error());
                if (auto r = wallet.BlockDisconnected(*block, index->height); !r)
                    return util::Fail(r.error().message);
                index = index->prev;
            }
            start_height = index->height + 1;
        }
        // else: the node does not know the wallet's block (its chain state was rebuilt
        // without it): rescan everything; transactions in blocks still on the chain are
        // confirmed again as those blocks connect.
    } else if (fresh) {
        // A new random seed cannot have been paid before now: start at the tip, so the
        // wallet's last processed block is set.
        start_height = tip->height;
    }
    for (int height = start_height; height <= tip->height; ++height) {
        const chain::BlockIndex* index = active[height];
        auto block = read(*index);
        if (!block) return util::Fail(block.error());
        if (auto r = wallet.BlockConnected(*block, height); !r) return util::Fail(r.error().message);
    }
    return {};
}

void WalletManager::SyncMempool(NodeStorage& storage, wallet::Wallet& wallet) {
    for (const auto* e : storage.Mempool().Entries()) (void)wallet.TransactionAddedToMempool(*e->tx);
    // Core's ResubmitWalletTransactions: a refusal (spent inputs, fee floor) is not an error
    // here; the transaction stays in the wallet for the user to abandon or replace.
    const int64_t now = Now();
    for (const auto& tx : wallet.PendingTransactions()) (void)storage.MempoolGate().Accept(tx, now);
}

util::Result<wallet::Wallet*, WalletLoadError> WalletManager::Create(NodeStorage& storage,
                                                                     const std::string& name,
                                                                     CreateWalletRequest request) {
    const auto path = WalletPath(storage.NetworkDir(), name);
    if (!path) return util::Fail(LoadError(Kind::InvalidName, NameRules()));
    if (OccupiedFolder(*path)) {
        return util::Fail(LoadError(Kind::AlreadyExists,
                                    "Wallet file verification failed. Failed to create database path '" +
                                        path->string() + "'. Database already exists."));
    }
    // Checked before anything is written, so a typo leaves no folder behind.
    if (request.mnemonic) {
        if (auto ok = wallet::ValidateMnemonic(*request.mnemonic); !ok) {
            return util::Fail(
                LoadError(Kind::InvalidMnemonic, std::string(wallet::Bip39ErrorName(ok.error()))));
        }
    }
    std::error_code ec;
    fs::create_directories(path->parent_path(), ec);
    if (ec) {
        return util::Fail(LoadError(Kind::Failed, "Wallet creation failed. Cannot create " +
                                                      path->parent_path().string() + ": " + ec.message()));
    }
    const bool fresh = !request.mnemonic.has_value();
    auto created = wallet::Wallet::CreateAt(*path, m_options.network, std::move(request.mnemonic),
                                            request.bip39_passphrase, OptionsFor(name));
    if (!created) {
        // Nothing of value is in the folder yet (it was absent or empty): leave no half wallet.
        fs::remove_all(*path, ec);
        const auto& err = created.error();
        if (err.code == wallet::WalletErrorCode::InvalidMnemonic) {
            return util::Fail(LoadError(Kind::InvalidMnemonic, err.message));
        }
        return util::Fail(LoadError(Kind::Failed, "Wallet creation failed. " + err.message));
    }
    if (auto synced = CatchUp(storage, **created, fresh); !synced) {
        return util::Fail(LoadError(Kind::Failed, "Wallet creation failed. " + synced.error()));
    }
    wallet::Wallet* w = Insert(name, std::move(*created));
    SyncMempool(storage, *w);
    return w;
}

util::Result<wallet::Wallet*, WalletLoadError> WalletManager::Load(NodeStorage& storage,
                                                                   const std::string& name) {
    const auto path = WalletPath(storage.NetworkDir(), name);
    if (!path) return util::Fail(LoadError(Kind::InvalidName, NameRules()));
    if (Find(name) != nullptr) {
        return util::Fail(LoadError(Kind::AlreadyLoaded, "Wallet \"" + name + "\" is already loaded."));
    }
    const std::string prefix =
        "Wallet file verification failed. Failed to load database path '" + path->string() + "'. ";
    std::error_code ec;
    if (!fs::exists(*path, ec)) return util::Fail(LoadError(Kind::NotFound, prefix + "Path does not exist."));
    // RocksDB keeps the name of its current manifest in CURRENT: a folder without it holds
    // no database (and opening it read-only would still leave a LOCK file behind).
    if (!fs::is_directory(*path, ec) || !fs::exists(*path / "CURRENT", ec)) {
        return util::Fail(LoadError(Kind::BadFormat, prefix + "Data is not in recognized format."));
    }
    auto opened = wallet::Wallet::OpenAt(*path, m_options.network, OptionsFor(name));
    if (!opened) {
        if (opened.error().code == wallet::WalletErrorCode::NotFound) {
            return util::Fail(LoadError(Kind::BadFormat, prefix + "Data is not in recognized format."));
        }
        return util::Fail(LoadError(Kind::Failed, "Wallet loading failed. " + opened.error().message));
    }
    if (auto synced = CatchUp(storage, **opened, /*fresh=*/false); !synced) {
        return util::Fail(LoadError(Kind::Failed, "Wallet loading failed. " + synced.error()));
    }
    wallet::Wallet* w = Insert(name, std::move(*opened));
    SyncMempool(storage, *w);
    return w;
}

// ---- sending ----

util::Result<primitives::Txid, BroadcastError> WalletManager::CommitAndBroadcast(NodeStorage& storage,
                                                                                 wallet::Wallet& wallet,
                                                                                 const primitives::Tx& tx) {
    if (auto committed = wallet.CommitTransaction(tx); !committed) {
        return util::Fail(
            BroadcastError{.committed = false, .wallet_error = committed.error(), .rejection = {}});
    }
    const primitives::Txid txid = primitives::ComputeTxid(tx);
    auto accepted = storage.MempoolGate().Accept(tx, Now());
    if (accepted || accepted.error().kind == mempool::Rejection::Kind::AlreadyInPool) return txid;
    // Not relayed, so nothing can confirm it: give its inputs back rather than leave them
    // spent by a transaction that exists only here.
    (void)wallet.AbandonTransaction(txid);
    return util::Fail(BroadcastError{.committed = true, .wallet_error = {}, .rejection = accepted.error()});
}

}  // namespace tonari::bitcoin::node
