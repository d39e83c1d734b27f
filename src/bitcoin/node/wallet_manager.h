// WalletManager: the node's loaded HD wallets (bitcoin/wallet's `Wallet`), where they live on
// disk, and the bridge that feeds them the chain's and the mempool's events.
//
// Layout: each wallet is a RocksDB folder `<NodeStorage::NetworkDir()>/wallets/<name>/`. The
// unnamed wallet "" (Core's default wallet) lives in `wallets/.default`: a wallet name may not
// start with '.', so no named wallet can collide with it. Names are single path components
// (no '/', '\\' or NUL, at most MAX_WALLET_NAME_BYTES): unlike Core, a name is never a path.
//
// Chain tracking: the manager is the NodeStorage's chain listener and the mempool's add and
// removal listener (Attach). Every event is forwarded to every loaded wallet, in the order the
// validation strand produces them. Create and Load first bring a wallet up to the active chain
// (disconnecting blocks it saw that have left the chain, connecting the ones it missed), tell
// it what the mempool holds, then resubmit its unconfirmed transactions (Core's
// requestMempoolTransactions + ResubmitWalletTransactions).
//
// Limits: a wallet whose last processed block the node no longer knows (its chain state was
// rebuilt or lost blocks in a crash) is rescanned from the genesis, but transactions it holds
// as confirmed in such unknown blocks stay confirmed until a block of the chain says
// otherwise. A restore scans the whole chain on the strand, holding up validation meanwhile.
//
// Thread-safety: Attach/Detach, the event handlers, Create, Load and CommitAndBroadcast run on
// the validation strand (they take NodeStorage&). Find, Names, Count, Single and the options
// may be called from any thread: a mutex guards the list. Loaded wallets are never unloaded, so a Wallet*
// from Find stays valid until the manager is destroyed; Wallet methods lock internally. Detach
// before destroying the manager if the storage lives on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bitcoin/chain/chain_observer.h"
#include "bitcoin/encoding/network.h"
#include "bitcoin/mempool/accept.h"
#include "bitcoin/mempool/tx_mempool.h"
#include "bitcoin/node/node_storage.h"
#include "bitcoin/policy/fee_rate.h"
#include "bitcoin/primitives/transaction.h"
#include "bitcoin/wallet/wallet.h"
#include "util/result.h"

namespace tonari::bitcoin::node {

// Longest wallet name accepted: a name becomes one folder name, and file systems refuse
// components over 255 bytes (the RPC caller is authenticated; this keeps errors readable).
inline constexpr size_t MAX_WALLET_NAME_BYTES = 255;
// Folder of the unnamed wallet "" under `wallets/`.
inline constexpr std::string_view DEFAULT_WALLET_FOLDER = ".default";
// Core's -fallbackfee as the test networks' functional tests set it: 0.0002 BTC/kvB
// (20 sat/vB). Main has none: without a fee estimator the user must pass fee_rate.
inline constexpr primitives::Amount TEST_NETWORK_FALLBACK_FEE = 20'000;  // sat per kvB

struct WalletManagerOptions {
    encoding::Network network = encoding::Network::Regtest;
    // Fee rate for sends that name none; nullopt: DefaultFallbackFee(network). A rate of 0
    // disables the fallback (sendtoaddress then needs fee_rate), as Core's -fallbackfee=0.
    std::optional<policy::FeeRate> fallback_fee;
    // Passed to every wallet; coinbase_maturity is replaced by the network's consensus value.
    // Its clock, when set, also stamps mempool submissions.
    wallet::WalletOptions wallet;
    // Error lines for the node's log (a wallet that can no longer write); may be empty.
    std::function<void(const std::string&)> log_error;
};

policy::FeeRate DefaultFallbackFee(encoding::Network network);

// Why Create or Load failed. Messages are Bitcoin Core's where Core has the case.
struct WalletLoadError {
    enum class Kind {
        InvalidName,      // not a single folder name (see the top of this file)
        NotFound,         // loadwallet: no such folder
        BadFormat,        // loadwallet: the folder holds no wallet
        AlreadyLoaded,    // loadwallet: a wallet of that name is loaded
        AlreadyExists,    // createwallet: the folder exists and is not empty
        InvalidMnemonic,  // createwallet: BIP39 words or passphrase refused
        Failed,           // storage, corruption, wrong network, chain catch-up
    };
    Kind kind = Kind::Failed;
    std::string message;
};

struct CreateWalletRequest {
    // BIP39 words to restore; nullopt: a new random 12-word mnemonic.
    std::optional<std::string> mnemonic;
    std::string bip39_passphrase;  // BIP39's optional passphrase (not an encryption key)
};

// Why CommitAndBroadcast failed: the wallet would not record the transaction, or the mempool
// refused it (the wallet then abandoned it).
struct BroadcastError {
    bool committed = false;
    wallet::WalletError wallet_error;  // !committed
    mempool::Rejection rejection;      // committed
};

class WalletManager final : public chain::ChainObserver {
public:
    explicit WalletManager(WalletManagerOptions options);
    ~WalletManager() override;
    WalletManager(const WalletManager&) = delete;
    WalletManager& operator=(const WalletManager&) = delete;

    encoding::Network Network() const { return m_options.network; }
    policy::FeeRate FallbackFee() const { return m_fallback_fee; }

    // ---- wiring (validation strand) ----
    // Makes this manager the storage's chain listener and its mempool's add/removal listener.
    void Attach(NodeStorage& storage);
    // Undoes Attach.
    void Detach(NodeStorage& storage);

    // ---- events (validation strand) ----
    void BlockConnected(const primitives::Block& block, const chain::BlockIndex& index) override;
    void BlockDisconnected(const primitives::Block& block, const chain::BlockIndex& index) override;
    void OnMempoolAdd(const mempool::MempoolEntry& entry);
    void OnMempoolRemove(const mempool::MempoolEntry& entry, mempool::RemovalReason reason);

    // ---- lifecycle (validation strand) ----
    // createwallet: a new wallet in `wallets/<name>/`, synced from the tip (new random
    // mnemonic: nothing can have paid it yet) or from the genesis (restored mnemonic).
    util::Result<wallet::Wallet*, WalletLoadError> Create(NodeStorage& storage, const std::string& name,
                                                          CreateWalletRequest request);
    // loadwallet: an existing wallet, brought up to the active chain.
    util::Result<wallet::Wallet*, WalletLoadError> Load(NodeStorage& storage, const std::string& name);

    // ---- sending (validation strand) ----
    // Records a transaction the wallet created, then submits it to the mempool. If the
    // mempool refuses it, the wallet abandons it (its inputs become spendable again) and the
    // rejection is returned.
    util::Result<primitives::Txid, BroadcastError> CommitAndBroadcast(NodeStorage& storage,
                                                                      wallet::Wallet& wallet,
                                                                      const primitives::Tx& tx);

    // ---- lookups (any thread) ----
    wallet::Wallet* Find(std::string_view name) const;
    std::vector<std::string> Names() const;  // in load order, as Core's listwallets
    size_t Count() const;
    // The only wallet when exactly one is loaded, with its name.
    std::optional<std::pair<std::string, wallet::Wallet*>> Single() const;

    // `<network_dir>/wallets/<folder>`; nullopt for a name that is not allowed.
    static std::optional<std::filesystem::path> WalletPath(const std::filesystem::path& network_dir,
                                                           std::string_view name);
    // The message of InvalidName errors: what a wallet name may be.
    static std::string NameRules();

private:
    // The wallet options for wallet `name`, with its storage failures reported to the log.
    wallet::WalletOptions OptionsFor(const std::string& name) const;
    struct Entry {
        std::string name;
        std::unique_ptr<wallet::Wallet> wallet;
    };

    // Brings a freshly opened wallet up to the active chain from its last processed block; a
    // wallet with none starts at the tip when `fresh` (a new random seed has no history),
    // else at the genesis.
    util::Result<void, std::string> CatchUp(NodeStorage& storage, wallet::Wallet& wallet, bool fresh);
    // Tells the wallet what the mempool holds and resubmits its pending transactions.
    void SyncMempool(NodeStorage& storage, wallet::Wallet& wallet);
    wallet::Wallet* Insert(std::string name, std::unique_ptr<wallet::Wallet> wallet);
    int64_t Now() const;
    // Every loaded wallet; the list only grows, so the pointers outlive the lock.
    std::vector<wallet::Wallet*> Snapshot() const;

    WalletManagerOptions m_options;
    policy::FeeRate m_fallback_fee;
    mutable std::mutex m_mutex;
    std::vector<Entry> m_wallets;  // guarded by m_mutex
};

}  // namespace tonari::bitcoin::node
