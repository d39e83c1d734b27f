// A digest of a whole UTXO set, identical to Bitcoin Core's `gettxoutsetinfo` hash_serialized_3
// (the hash assumeutxo snapshots commit to), so two Tonari nodes, or Tonari and Core, can
// check they hold the same set at the same block.
//
// Definition: SHA256d over every coin in outpoint order (txid bytes in internal order
// compared as a byte string, then output index numerically; OutPoint's operator<), each
// serialized as
//     txid (32 bytes) || index (u32 LE) || (height << 1 | coinbase) (u32 LE)
//     || value (i64 LE) || CompactSize(script length) || script
// with nothing before or after (no block hash). UtxoStats::hash_serialized.ToHex() prints it
// the way Core's RPC does. Also counted, as Core does: coins (txouts), distinct
// transactions, total amount (nullopt if the sum overflows) and the "bogo size".
//
// With UtxoHashType::MuHash the same coin serialization is instead an element of Core's
// MuHash3072 set hash (gettxoutsetinfo "muhash"), which does not depend on the order; with
// None no hash is computed (gettxoutsetinfo "none").
//
// The set is read through a callback, so any source can feed it: the memory view, a
// database cursor. A UtxoDigest is a plain value used by one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "bitcoin/chain/coins.h"
#include "bitcoin/primitives/amount.h"
#include "bitcoin/primitives/hash_writer.h"
#include "bitcoin/primitives/transaction.h"
#include "crypto/muhash.h"
#include "util/blob.h"
#include "util/result.h"

namespace tonari::bitcoin::chain {

enum class UtxoHashType { HashSerialized, MuHash, None };

struct UtxoStats {
    util::Uint256 hash_serialized;                   // Core's hash_serialized_3 (HashSerialized)
    util::Uint256 muhash;                            // MuHash3072 digest, digest byte order (MuHash)
    uint64_t coins = 0;                              // Core's txouts
    uint64_t transactions = 0;                       // distinct txids
    std::optional<primitives::Amount> total_amount = 0;  // nullopt: the sum overflowed
    uint64_t bogo_size = 0;                          // Core's database-independent size metric
};

enum class UtxoDigestError {
    OutOfOrder,  // coins not fed in strictly increasing outpoint order (or fed twice)
};

// Incremental form: feed the coins in order, then Finalize.
class UtxoDigest {
public:
    explicit UtxoDigest(UtxoHashType type = UtxoHashType::HashSerialized) : m_type(type) {}

    // False, and the digest is unusable, if `outpoint` does not follow the previous one.
    bool Add(const primitives::OutPoint& outpoint, const Coin& coin);
    util::Result<UtxoStats, UtxoDigestError> Finalize();

private:
    UtxoHashType m_type;
    primitives::HashWriter m_hasher;
    crypto::MuHash3072 m_muhash;
    UtxoStats m_stats;
    std::optional<primitives::OutPoint> m_last;
    bool m_failed = false;
};

using CoinVisitor = std::function<void(const primitives::OutPoint&, const Coin&)>;
// Calls the visitor once per coin, in outpoint order.
using ForEachCoinFn = std::function<void(const CoinVisitor&)>;

util::Result<UtxoStats, UtxoDigestError> ComputeUtxoDigest(const ForEachCoinFn& for_each_coin,
                                                           UtxoHashType type = UtxoHashType::HashSerialized);
// Convenience for the memory view (already in outpoint order).
util::Result<UtxoStats, UtxoDigestError> ComputeUtxoDigest(const MemoryCoinsView& view);

}  // namespace tonari::bitcoin::chain
