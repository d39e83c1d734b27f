// Wallet: one HD wallet (BIP39 seed, BIP84 + BIP86 accounts) with its own store, following
// the chain through calls the node makes, and answering what Bitcoin Core's wallet RPCs need:
// createwallet/loadwallet (Create/Open), getnewaddress, getbalance/getbalances,
// listunspent, sendtoaddress (CreateTransaction + CommitTransaction), listtransactions,
// gettransaction, getwalletinfo.
//
// Durability: the seed, every advance of a chain's next index, and every wallet transaction
// are written in a synced batch before the call that made them returns, so an address that was
// shown or a transaction that was committed survives a crash. GetNewAddress persists the
// advanced index before returning the address: a wallet never hands out a key it could forget.
// Block events write the last processed block in the same atomic batch as the transactions
// they touched; a block that touched nothing is recorded without fsync (after a crash the node
// replays it, which is harmless: every event handler is idempotent).
//
// Key window: for each (type, chain) the scripts of indices [0, next_index + lookahead) are
// derived and recognized (lookahead = Core's keypool size, 1000). A payment to an index at or
// past next_index moves next_index past it (Core's "mark used"), so the window slides along
// and funds sent to addresses not yet shown, or found after a restore, are still seen.
//
// Chain tracking (the node's validation thread calls these in chain order):
//   BlockConnected      relevant txs become Confirmed; wallet txs spending the same inputs
//                       as a block tx become Conflicted (with their wallet descendants).
//   BlockDisconnected   its txs become Inactive (coinbases also abandoned, never relayed);
//                       txs conflicted by it or a later block become Inactive again.
//   TransactionAddedToMempool    relevant txs are recorded / become InMempool.
//   TransactionRemovedFromMempool  (not for reason Block) a tx that spends wallet coins
//                       becomes Inactive and keeps its inputs spent until it is mined,
//                       re-added or abandoned (Core's behaviour); a tx that only pays the
//                       wallet is forgotten, since it may never confirm (e.g. replaced) and
//                       it is found again if it is mined.
// After a restart the node should replay blocks after LastProcessedBlock() and resubmit
// PendingTransactions() to its mempool (Core's ResubmitWalletTransactions).
//
// Errors: WalletError values (wallet_error.h). A failed store write leaves the wallet
// refusing further changes (StorageFailure) until it is reopened: its memory may be ahead of
// its disk.
//
// Thread-safety: every public method takes an internal mutex, so calls may come from any
// thread; they run one at a time. The node is expected to serialize chain events anyway.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bitcoin/encoding/network.h"
#include "bitcoin/policy/fee_rate.h"
#include "bitcoin/primitives/block.h"
#include "bitcoin/primitives/transaction.h"
#include "bitcoin/wallet/coin_selection.h"
#include "bitcoin/wallet/keychain.h"
#include "bitcoin/wallet/output_type.h"
#include "bitcoin/wallet/tx_builder.h"
#include "bitcoin/wallet/wallet_error.h"
#include "bitcoin/wallet/wallet_store.h"
#include "bitcoin/wallet/wallet_tx.h"
#include "storage/kv.h"
#include "util/result.h"

namespace tonari::bitcoin::wallet {

// Core's DEFAULT_KEYPOOL_SIZE: scripts recognized ahead of the next unused index per chain.
inline constexpr uint32_t DEFAULT_LOOKAHEAD = 1000;
// Core's COINBASE_MATURITY (the node passes its consensus value).
inline constexpr int DEFAULT_COINBASE_MATURITY = 100;

struct WalletOptions {
    int coinbase_maturity = DEFAULT_COINBASE_MATURITY;
    uint32_t lookahead = DEFAULT_LOOKAHEAD;
    // Seconds since the epoch; the system clock when empty.
    std::function<int64_t()> clock;
    // Seeds coin selection and output shuffling; random when empty (tests pin it).
    std::optional<uint64_t> rng_seed;
    primitives::Amount max_tx_fee = DEFAULT_MAX_TX_FEE;  // Core's -maxtxfee
    // Called once, with the storage error, when a write first fails and the wallet stops
    // taking changes (a full disk): the node's log must say so, not only the RPC answer.
    // It runs under the wallet's lock (and the node's chain lock when a block caused the
    // write): it must not call back into the wallet or the chain.
    std::function<void(const std::string&)> on_storage_failure;
};

// Core's MemPoolRemovalReason.
enum class MempoolRemovalReason { Expiry, SizeLimit, Reorg, Block, Conflict, Replaced };

// getbalances "mine": Core's GetBalance with min_depth 0.
struct Balances {
    primitives::Amount trusted = 0;            // confirmed, or own unconfirmed change in the mempool
    primitives::Amount untrusted_pending = 0;  // others' unconfirmed payments in the mempool
    primitives::Amount immature = 0;           // coinbase outputs not yet spendable
};

// One listunspent row.
struct UnspentOutput {
    primitives::OutPoint outpoint;
    std::string address;
    util::Bytes script_pubkey;
    primitives::Amount amount = 0;
    int confirmations = 0;
    bool spendable = true;  // the wallet holds the key
    bool solvable = true;
    bool safe = true;  // trusted: confirmed or own change
    bool coinbase = false;
    KeyOrigin origin;  // for a descriptor's key origin
};

// Fields Core shows for a wallet transaction (listtransactions rows, gettransaction).
struct WalletTxFields {
    int confirmations = 0;        // negative: conflicted, -(depth of the conflicting block)
    bool generated = false;       // coinbase
    std::optional<bool> trusted;  // only for unconfirmed transactions, as Core
    std::optional<primitives::BlockHash> block_hash;  // confirmed only
    std::optional<int32_t> block_height;
    std::optional<uint32_t> block_index;
    std::optional<int64_t> block_time;
    primitives::Txid txid;
    primitives::Wtxid wtxid;
    std::vector<primitives::Txid> wallet_conflicts;
    int64_t time = 0;
    int64_t time_received = 0;
    std::string bip125_replaceable;  // "yes", "no" or "unknown"
};

// One listtransactions row / gettransaction "details" entry.
struct TxListEntry {
    std::optional<std::string> address;
    std::string category;           // "send", "receive", "generate", "immature", "orphan"
    primitives::Amount amount = 0;  // negative for send
    uint32_t vout = 0;
    std::optional<primitives::Amount> fee;  // send only, negative (Core's sign)
    std::optional<bool> abandoned;          // send only
    WalletTxFields tx;
};

struct TransactionDetails {
    primitives::Amount amount = 0;          // net effect on the wallet, excluding the fee
    std::optional<primitives::Amount> fee;  // negative; only when the wallet paid it
    WalletTxFields tx;
    std::vector<TxListEntry> details;
    util::Bytes hex;  // serialized transaction (with witness)
};

struct WalletInfo {
    encoding::Network network = encoding::Network::Regtest;
    size_t tx_count = 0;
    uint32_t keypool_size = 0;           // receive scripts derived ahead, summed over types
    uint32_t keypool_size_internal = 0;  // change scripts derived ahead
    int64_t birth_time = 0;
    std::optional<BestBlock> last_processed_block;
    bool private_keys_enabled = true;
    bool descriptors = true;  // HD, Core's descriptor-wallet semantics
};

struct CreateTxOptions {
    std::optional<OutputType> change_type;  // default: bech32m if any recipient is P2TR, else bech32
    policy::FeeRate long_term_fee_rate{DEFAULT_LONG_TERM_FEE_RATE};
    policy::FeeRate discard_fee_rate{DEFAULT_DISCARD_FEE_RATE};
};

struct CreatedTx {
    primitives::Tx tx;  // signed
    primitives::Amount fee = 0;
    int change_pos = -1;
    SelectionAlgorithm algorithm = SelectionAlgorithm::BnB;
    primitives::Amount waste = 0;
};

class Wallet {
public:
    // A new wallet in an empty store. Without a mnemonic, 128 bits of fresh entropy make a
    // 12-word one (readable with GetMnemonic). The passphrase is BIP39's (ASCII only), not an
    // encryption passphrase. AlreadyExists if the store holds a wallet.
    static util::Result<std::unique_ptr<Wallet>, WalletError> Create(std::unique_ptr<storage::KvStore> store,
                                                                     encoding::Network network,
                                                                     std::optional<std::string> mnemonic,
                                                                     std::string_view passphrase,
                                                                     WalletOptions options = {});
    // An existing wallet; WrongNetwork if it was made for another network.
    static util::Result<std::unique_ptr<Wallet>, WalletError> Open(std::unique_ptr<storage::KvStore> store,
                                                                   encoding::Network network,
                                                                   WalletOptions options = {});
    // The same on a RocksDB folder (created by CreateAt; OpenAt needs it to exist).
    static util::Result<std::unique_ptr<Wallet>, WalletError> CreateAt(const std::filesystem::path& dir,
                                                                       encoding::Network network,
                                                                       std::optional<std::string> mnemonic,
                                                                       std::string_view passphrase,
                                                                       WalletOptions options = {});
    static util::Result<std::unique_ptr<Wallet>, WalletError> OpenAt(const std::filesystem::path& dir,
                                                                     encoding::Network network,
                                                                     WalletOptions options = {});

    ~Wallet();
    Wallet(const Wallet&) = delete;
    Wallet& operator=(const Wallet&) = delete;

    encoding::Network network() const { return m_network; }
    // The words the seed came from (empty if the store has none). Secret: show only on request.
    std::string GetMnemonic() const;

    // ---- addresses ----
    // The next unused receive address of this type, persisted as handed out before returning.
    util::Result<std::string, WalletError> GetNewAddress(OutputType type = OutputType::Bech32);
    // Whether a script belongs to the wallet's window, and where its key is.
    std::optional<KeyOrigin> GetKeyOrigin(util::ByteSpan script_pubkey) const;
    bool IsMine(util::ByteSpan script_pubkey) const { return GetKeyOrigin(script_pubkey).has_value(); }

    // ---- chain events (node's validation thread) ----
    util::Result<void, WalletError> BlockConnected(const primitives::Block& block, int32_t height);
    util::Result<void, WalletError> BlockDisconnected(const primitives::Block& block, int32_t height);
    util::Result<void, WalletError> TransactionAddedToMempool(const primitives::Tx& tx);
    util::Result<void, WalletError> TransactionRemovedFromMempool(const primitives::Txid& txid,
                                                                  MempoolRemovalReason reason);
    std::optional<BestBlock> LastProcessedBlock() const;
    // At load, as Core's CWalletTx::updateState: a transaction confirmed in (or conflicted by)
    // a block that is not on the node's active chain becomes unconfirmed. Such a block left the
    // chain while the wallet was away, or the node lost it (kill -9 before its block index was
    // written) and the wallet, written first, still counts it; left confirmed, its outputs
    // would be offered to coin selection though the node's UTXO set does not hold them.
    // Returns how many transactions changed; their blocks, if connected again, confirm them.
    util::Result<size_t, WalletError> ForgetBlocksOffChain(
        const std::function<bool(const primitives::BlockHash&)>& on_active_chain);
    // Unconfirmed, not abandoned, not conflicted wallet transactions in the order the wallet
    // learned them, for the node to resubmit to its mempool after a restart.
    std::vector<primitives::Tx> PendingTransactions() const;

    // ---- queries (depths are relative to `tip_height`, or to the last processed block) ----
    // `min_depth` is getbalance's minconf: trusted coins with fewer confirmations are left
    // out of `trusted` (Core's GetBalance(min_depth)).
    Balances GetBalances(int32_t tip_height, int min_depth = 0) const;
    // Core's listunspent: outputs with minconf <= confirmations <= maxconf, no immature
    // coinbase, no unconfirmed output outside the mempool.
    std::vector<UnspentOutput> ListUnspent(int minconf, int maxconf, int32_t tip_height) const;
    // Core's listtransactions: the `count` most recent entries after skipping `skip`, oldest
    // first.
    std::vector<TxListEntry> ListTransactions(size_t count, size_t skip) const;
    util::Result<TransactionDetails, WalletError> GetTransaction(const primitives::Txid& txid) const;
    WalletInfo GetWalletInfo() const;

    // ---- sending ----
    // A signed transaction paying the recipients at `fee_rate`, nLockTime = tip_height. Spends
    // confirmed coins first and, if they are not enough, also its own unconfirmed change. Does
    // not record anything: call CommitTransaction before broadcasting it.
    util::Result<CreatedTx, WalletError> CreateTransaction(const std::vector<Recipient>& recipients,
                                                           policy::FeeRate fee_rate, int32_t tip_height,
                                                           const CreateTxOptions& options = {});
    // Records a transaction CreateTransaction made (its inputs become spent, its change index
    // used), durably, before the caller broadcasts it. Once the mempool accepts it, the
    // node's TransactionAddedToMempool makes it InMempool (its change then counts as trusted).
    util::Result<void, WalletError> CommitTransaction(const primitives::Tx& tx);
    // Core's abandontransaction: an unconfirmed tx not in the mempool gives its inputs back.
    util::Result<void, WalletError> AbandonTransaction(const primitives::Txid& txid);

private:
    Wallet(std::unique_ptr<WalletStore> store, Keychain keychain, WalletOptions options);

    // Internal helpers; callers hold m_mutex.
    int64_t Now() const;
    util::Result<void, WalletError> CheckUsable() const;
    util::Result<void, WalletError> Write(const WalletBatch& batch, bool sync);
    void AddTx(WalletTx wtx);  // into m_txs and m_spends
    const WalletTx* FindTx(const primitives::Txid& txid) const;
    // Script-level facts.
    std::optional<KeyOrigin> OutputOrigin(const primitives::TxOut& out) const;
    bool IsRelevant(const primitives::Tx& tx) const;
    primitives::Amount Debit(const primitives::Tx& tx) const;   // value of wallet coins it spends
    primitives::Amount Credit(const primitives::Tx& tx) const;  // value it pays the wallet
    bool IsSpent(const primitives::OutPoint& outpoint) const;
    int Depth(const WalletTx& wtx, int32_t tip_height) const;
    int BlocksToMaturity(const WalletTx& wtx, int32_t tip_height) const;
    bool IsTrusted(const WalletTx& wtx, int32_t tip_height, std::map<primitives::Txid, bool>& memo) const;
    // Marks the indices this tx pays as used: advances next_index and grows the window.
    void MarkUsed(const primitives::Tx& tx, WalletBatch& batch);
    void ExtendWindow(OutputType type, uint32_t chain);
    // Block-conflict bookkeeping.
    void MarkConflicted(const primitives::Txid& txid, const primitives::BlockHash& block, int32_t height,
                        WalletBatch& batch);
    WalletTxFields FieldsFor(const WalletTx& wtx, int32_t tip_height) const;
    void AppendEntries(const WalletTx& wtx, int32_t tip_height, bool with_fields,
                       std::vector<TxListEntry>& out) const;
    int32_t TipHeight() const { return m_best_block ? m_best_block->height : -1; }
    std::vector<SpendableCoin> AvailableCoins(int32_t tip_height, bool include_unconfirmed_change) const;

    mutable std::mutex m_mutex;
    WalletOptions m_options;
    std::unique_ptr<WalletStore> m_store;
    Keychain m_keychain;
    encoding::Network m_network;
    std::string m_mnemonic;
    int64_t m_birth_time = 0;
    NextIndexTable m_next_index{};
    std::optional<BestBlock> m_best_block;
    std::map<primitives::Txid, WalletTx> m_txs;
    std::multimap<primitives::OutPoint, primitives::Txid> m_spends;  // prevout -> wallet txs spending it
    uint64_t m_next_order_pos = 0;
    WalletRng m_rng;
    bool m_failed = false;  // a store write failed: memory may be ahead of disk
    std::string m_failure;  // that write's error, repeated to every later change refused
};

}  // namespace tonari::bitcoin::wallet
