// Coins: the unspent transaction outputs (UTXOs) a block may spend, their compact stored
// form, the CoinsView interface every UTXO source implements, and CoinsViewCache, the
// write-back cache the chainstate connects and disconnects blocks against.
//
// Layering: a CoinsViewCache sits on a parent view (the database view, or another cache for
// a block being connected). Reads fall through to the parent and are remembered; writes stay
// in the cache, marked DIRTY, until Flush/Sync hands them to the parent in one batch. A coin
// created in the cache while the parent holds no unspent coin at that outpoint is also FRESH:
// if it is spent again before a flush, the parent never hears of it at all (Bitcoin Core's
// DIRTY/FRESH scheme, which keeps short-lived outputs from ever touching the disk).
//
// Ownership: a cache holds a reference to its parent, which must outlive it. Pointers
// returned by AccessCoin stay valid until the next non-const call on that cache.
// Thread-safety: none. Views are owned by the validation strand (one writer, no locks);
// even const calls on a cache mutate it (they fill the cache from the parent).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "bitcoin/primitives/ids.h"
#include "bitcoin/primitives/transaction.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::chain {

// An unspent output and what consensus needs to know to spend it: the height of the block
// that created it (relative lock times, coinbase maturity) and whether a coinbase created it.
struct Coin {
    primitives::TxOut out;
    uint32_t height = 0;
    bool coinbase = false;

    friend bool operator==(const Coin&, const Coin&) = default;
};

// Heights above this are refused when decoding: heights are `int` everywhere else, and a
// stored coin claiming a larger one is corrupt.
inline constexpr uint32_t MAX_COIN_HEIGHT = 0x7fffffff;

// ---------------------------------------------------------------------------------------
// Stored form of a coin (database values and undo records). Tonari's own format:
//
//   varint(height * 2 + coinbase)
//   varint(amount code)     amount v = m * 10^e (e = 0..9 as large as possible, so m has no
//                           trailing decimal zero unless e = 9); code = m * 10 + e; 0 -> 0.
//                           50 BTC is one byte (59), most round amounts two or three.
//   varint(script code)     0 P2PKH, 1 P2SH, 2 P2WPKH, 3 P2WSH, 4 P2TR: followed by the 20 or
//                           32 bytes of the hash/key only. Any other script: code = 5 + size,
//                           followed by the script bytes.
//
// varint is unsigned LEB128 (7 bits per byte, least significant group first, high bit =
// more follows), at most 10 bytes. Decoding is strict so every coin has exactly one
// encoding: no redundant varint bytes, no non-maximal amount exponent, no raw script that
// matches a template, nothing above MAX_MONEY, MAX_COIN_HEIGHT or MAX_SCRIPT_SIZE.
// ---------------------------------------------------------------------------------------

// Why stored coin or undo bytes failed to decode. Stored data is our own, so any of these
// means disk corruption or a bug, never a peer's fault.
enum class CoinsDecodeError {
    Truncated,         // ran out of bytes, or a length/count larger than the input
    TrailingBytes,     // bytes left after a complete record
    NonCanonical,      // a second encoding of a value that has a shorter/canonical one
    ValueOutOfRange,   // amount above MAX_MONEY
    HeightOutOfRange,  // height above MAX_COIN_HEIGHT
    ScriptTooLarge,    // script above MAX_SCRIPT_SIZE (such outputs are never stored)
    EmptyTxUndo,       // an undo entry with no spent coins (undo.h)
    ChecksumMismatch,  // undo record checksum does not match (undo.h): torn or foreign write
};

std::string_view CoinsDecodeErrorMessage(CoinsDecodeError e);

// Precondition: out.value in [0, MAX_MONEY], script at most MAX_SCRIPT_SIZE bytes, height at
// most MAX_COIN_HEIGHT (true of every coin AddCoin accepts from a checked block).
void EncodeCoin(util::ByteWriter& w, const Coin& coin);
util::Bytes SerializeCoin(const Coin& coin);
// Reads one coin, leaving the reader after it (fails the reader on error).
util::Result<Coin, CoinsDecodeError> DecodeCoin(util::ByteReader& r);
// Exactly one coin: trailing bytes are an error.
util::Result<Coin, CoinsDecodeError> DecodeCoin(util::ByteSpan bytes);

// LEB128 varint used by the format above (exposed for undo.h and database keys/values).
void WriteVarInt(util::ByteWriter& w, uint64_t v);
// Truncated on a short read; NonCanonical on a redundant trailing zero group or a value past
// 64 bits. Fails the reader on either.
util::Result<uint64_t, CoinsDecodeError> ReadVarInt(util::ByteReader& r);

// ---------------------------------------------------------------------------------------
// Views
// ---------------------------------------------------------------------------------------

// An environment failure below a view (disk, database). Never blamed on a peer; the
// chainstate treats it as fatal, as Bitcoin Core does.
struct CoinsIoError {
    std::string message;
};

// One changed outpoint handed from a cache to its parent by Flush or Sync.
struct CoinChange {
    const primitives::OutPoint& outpoint;
    // The new unspent coin, or nullptr: the coin was spent and the parent must forget it.
    Coin* coin = nullptr;
    // The parent is known not to hold this outpoint unspent (it was created below it).
    bool fresh = false;
    // The writer discards its copy afterwards, so *coin may be moved from.
    bool movable = false;
};

// The dirty entries of a cache, as one batch.
class CoinsBatch {
public:
    virtual ~CoinsBatch() = default;
    // Number of changes ForEach will visit.
    virtual size_t size() const = 0;
    // Visits each change once, in unspecified order.
    virtual void ForEach(const std::function<void(CoinChange&)>& fn) = 0;
};

class CoinsView {
public:
    virtual ~CoinsView() = default;

    // The unspent coin at `outpoint`, or nullopt if there is none.
    virtual std::optional<Coin> GetCoin(const primitives::OutPoint& outpoint) const = 0;
    virtual bool HaveCoin(const primitives::OutPoint& outpoint) const { return GetCoin(outpoint).has_value(); }
    // The block whose resulting UTXO set this view holds; null when unknown (empty view).
    virtual primitives::BlockHash GetBestBlock() const = 0;
    // Applies a cache's changes and records `best_block`, as one atomic step where the view
    // can offer that (a database write batch). A failure is an I/O failure: fatal.
    virtual util::Result<void, CoinsIoError> BatchWrite(CoinsBatch& changes,
                                                        const primitives::BlockHash& best_block) = 0;
    // A read that failed since the view was opened (a database error GetCoin could only
    // report as "no coin"). Sticky. Whoever just got "missing" answers must check it before
    // blaming a block: an I/O failure must never make a valid block look invalid.
    virtual std::optional<std::string> ReadError() const { return std::nullopt; }
};

// A CoinsView in a std::map, iterable in outpoint order: the bottom of the stack in tests,
// and a reference UTXO set for digests. Can be told to fail writes, to test error paths.
class MemoryCoinsView final : public CoinsView {
public:
    std::optional<Coin> GetCoin(const primitives::OutPoint& outpoint) const override;
    bool HaveCoin(const primitives::OutPoint& outpoint) const override;
    primitives::BlockHash GetBestBlock() const override { return m_best_block; }
    util::Result<void, CoinsIoError> BatchWrite(CoinsBatch& changes, const primitives::BlockHash& best_block) override;

    // Direct edits, bypassing any cache (test setup).
    void Put(const primitives::OutPoint& outpoint, Coin coin) { m_coins.insert_or_assign(outpoint, std::move(coin)); }
    void Erase(const primitives::OutPoint& outpoint) { m_coins.erase(outpoint); }
    void SetBestBlock(const primitives::BlockHash& hash) { m_best_block = hash; }
    void SetFailWrites(bool fail) { m_fail_writes = fail; }

    size_t size() const { return m_coins.size(); }
    // Visits every coin in outpoint order (the order utxo_digest.h needs).
    void ForEachCoin(const std::function<void(const primitives::OutPoint&, const Coin&)>& fn) const;
    const std::map<primitives::OutPoint, Coin>& coins() const { return m_coins; }

private:
    std::map<primitives::OutPoint, Coin> m_coins;
    primitives::BlockHash m_best_block;
    bool m_fail_writes = false;
};

// ---------------------------------------------------------------------------------------
// The cache
// ---------------------------------------------------------------------------------------

// Keyed SipHash of an outpoint. The key is secret, so nobody can pick transactions whose
// outpoints collide in the cache's hash table and turn every lookup into a list walk
// (hash-flooding).
class SaltedOutPointHasher {
public:
    SaltedOutPointHasher();  // random key
    SaltedOutPointHasher(uint64_t k0, uint64_t k1) : m_k0(k0), m_k1(k1) {}
    size_t operator()(const primitives::OutPoint& outpoint) const noexcept;

private:
    uint64_t m_k0;
    uint64_t m_k1;
};

class CoinsViewCache final : public CoinsView {
public:
    // The cache reads through to, and flushes into, `parent`, which must outlive it.
    explicit CoinsViewCache(CoinsView& parent);
    // Fixed hash key: deterministic iteration order for tests and fuzzing.
    CoinsViewCache(CoinsView& parent, uint64_t hash_k0, uint64_t hash_k1);
    ~CoinsViewCache() override = default;
    CoinsViewCache(const CoinsViewCache&) = delete;
    CoinsViewCache& operator=(const CoinsViewCache&) = delete;

    // --- CoinsView -------------------------------------------------------------------
    std::optional<Coin> GetCoin(const primitives::OutPoint& outpoint) const override;
    bool HaveCoin(const primitives::OutPoint& outpoint) const override;
    // This cache's best block, or the parent's while none has been set.
    std::optional<std::string> ReadError() const override { return m_parent->ReadError(); }
    primitives::BlockHash GetBestBlock() const override;
    // Merges a child cache's changes into this one (Bitcoin Core's rules: a spent FRESH
    // entry here is dropped rather than recorded, FRESH only travels up onto an absent entry).
    util::Result<void, CoinsIoError> BatchWrite(CoinsBatch& changes, const primitives::BlockHash& best_block) override;

    // --- reads ------------------------------------------------------------------------
    // The unspent coin, fetched from the parent if needed; nullptr if missing or spent.
    // Valid until the next non-const call on this cache.
    const Coin* AccessCoin(const primitives::OutPoint& outpoint) const;
    // Whether an unspent coin is already in this cache (never asks the parent).
    bool HaveCoinInCache(const primitives::OutPoint& outpoint) const;
    // Every input of a non-coinbase transaction refers to an unspent coin (true for a
    // coinbase, which has no real inputs).
    bool HaveInputs(const primitives::Tx& tx) const;

    // --- writes -----------------------------------------------------------------------
    // Adds an unspent coin. Outputs that can never be spent (OP_RETURN, scripts over
    // MAX_SCRIPT_SIZE) are silently not added. `possible_overwrite` = false promises that no
    // unspent coin exists at `outpoint` (checked in this cache only; the parent is not
    // asked), which lets the coin be FRESH. Returns false, changing nothing, if that promise
    // is broken by an unspent coin already in this cache: a caller bug.
    [[nodiscard]] bool AddCoin(const primitives::OutPoint& outpoint, Coin coin, bool possible_overwrite);
    // Spends a coin and returns it (for undo data); nullopt, changing nothing, when the coin
    // is missing or already spent.
    std::optional<Coin> SpendCoin(const primitives::OutPoint& outpoint);
    // Drops a clean (unmodified) entry to save memory; dirty entries are kept.
    void Uncache(const primitives::OutPoint& outpoint);
    void SetBestBlock(const primitives::BlockHash& hash) { m_best_block = hash; }

    // Writes every change and the best block into the parent, then empties the cache.
    // On failure the cache keeps its entries (a database parent never moves from them).
    util::Result<void, CoinsIoError> Flush();
    // Writes every change and the best block into the parent but keeps the unspent coins
    // (now clean) cached; spent entries are dropped.
    util::Result<void, CoinsIoError> Sync();
    // Discards every change and cached coin; the best block reverts to the parent's.
    void Reset();

    // --- accounting -------------------------------------------------------------------
    // Estimated heap bytes held by the cache (entries, hash buckets, scripts): what the
    // chainstate compares with -dbcache to decide when to flush.
    size_t DynamicMemoryUsage() const;
    size_t CacheSize() const { return m_map.size(); }
    size_t DirtyCount() const { return m_dirty_count; }

    // The cache's own entry for an outpoint, without asking the parent (tests, diagnostics).
    struct EntryState {
        bool spent = false;
        bool dirty = false;
        bool fresh = false;
        friend bool operator==(const EntryState&, const EntryState&) = default;
    };
    std::optional<EntryState> PeekEntry(const primitives::OutPoint& outpoint) const;
    // Recomputes the invariants (flags, dirty list, memory tally); false if any is broken.
    bool SanityCheck() const;

private:
    struct Entry;
    using Map = std::unordered_map<primitives::OutPoint, Entry, SaltedOutPointHasher>;
    using Node = Map::value_type;

    // A cached coin. Dirty entries are also linked into a list so Flush and Sync visit only
    // them, not the whole (possibly multi-gigabyte) cache.
    struct Entry {
        Coin coin;
        bool spent = false;
        bool dirty = false;
        bool fresh = false;  // implies dirty
        Node* prev_dirty = nullptr;
        Node* next_dirty = nullptr;
    };

    class DirtyBatch;

    // The entry for outpoint, fetched from the parent if absent; end() if the parent has no
    // unspent coin either.
    Map::iterator FetchCoin(const primitives::OutPoint& outpoint) const;
    void MarkDirty(Node& node, bool fresh) const;
    void Unlink(Node& node) const;
    void EraseNode(Map::iterator it) const;
    util::Result<void, CoinsIoError> WriteToParent(bool movable);

    CoinsView* m_parent;
    mutable Map m_map;
    mutable size_t m_coins_heap_usage = 0;  // heap bytes of the coins' scripts
    mutable size_t m_dirty_count = 0;
    mutable Node* m_dirty_head = nullptr;
    mutable primitives::BlockHash m_best_block;
};

// Adds every output of `tx` (with txid `txid`) at `height`. With `check_for_overwrite`, an
// output may replace an unspent coin only if one is actually there (asked of the parent);
// without it, only coinbase outputs may (the two pre-BIP30 duplicate coinbases). False on
// the caller bug AddCoin reports.
[[nodiscard]] bool AddCoins(CoinsViewCache& cache, const primitives::Tx& tx, const primitives::Txid& txid,
                            uint32_t height, bool check_for_overwrite);

// Heap bytes malloc is likely to use for an allocation of `bytes`: glibc on 64-bit adds 8
// bytes of bookkeeping, rounds up to 16 and never hands out less than 32.
constexpr size_t MallocUsage(size_t bytes) {
    if (bytes == 0) return 0;
    const size_t chunk = ((bytes + 8 + 15) / 16) * 16;
    return chunk < 32 ? 32 : chunk;
}

}  // namespace tonari::bitcoin::chain
