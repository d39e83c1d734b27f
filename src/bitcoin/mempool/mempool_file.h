// mempool.dat: the memory pool as Bitcoin Core saves it when it stops (-persistmempool) and
// reads it back when it starts, so a restarted node does not forget the payments that were
// waiting for a block. The same format as Core's (a file from one can be read by the other):
//
//   u64 version            1, or 2 with an XOR key (Core's default since v28)
//   [v2] CompactSize 8, 8 key bytes; every later byte is XORed with key[file offset % 8]
//   u64 count, then count times: transaction (witness serialization), i64 entry time
//   (unix seconds), i64 fee delta (prioritisetransaction)
//   map txid -> i64 fee delta (deltas of transactions not in the pool)
//   set of txids not yet announced to any peer (the unbroadcast set)
//
// Encoding and decoding only; the node writes and reads the file (node/mempool_persist.h).
#pragma once

#include <array>
#include <functional>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bitcoin/mempool/accept.h"
#include "bitcoin/mempool/tx_mempool.h"
#include "bitcoin/primitives/amount.h"
#include "bitcoin/primitives/ids.h"
#include "bitcoin/primitives/transaction.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::mempool {

inline constexpr uint64_t MEMPOOL_DUMP_VERSION_NO_XOR_KEY = 1;
inline constexpr uint64_t MEMPOOL_DUMP_VERSION = 2;
inline constexpr size_t MEMPOOL_XOR_KEY_BYTES = 8;

struct MempoolFileEntry {
    std::shared_ptr<const primitives::Tx> tx;
    int64_t time = 0;
    primitives::Amount fee_delta = 0;
};

struct MempoolFile {
    uint64_t version = MEMPOOL_DUMP_VERSION;
    std::array<uint8_t, MEMPOOL_XOR_KEY_BYTES> xor_key{};  // version 2 only
    std::vector<MempoolFileEntry> entries;  // parents before children
    std::vector<std::pair<primitives::Txid, primitives::Amount>> deltas;  // as written
    std::vector<primitives::Txid> unbroadcast;                           // as written
};

util::Bytes EncodeMempoolFile(const MempoolFile& file);
// A damaged or foreign file is an error naming the byte where reading stopped; nothing is
// allocated for a count before the bytes it claims are shown to be there.
util::Result<MempoolFile, std::string> DecodeMempoolFile(util::ByteSpan bytes);

// The pool as a file: every entry, parents before children (fewer in-pool ancestors first,
// then arrival), and the entries `is_unbroadcast` names. The transactions are shared, not
// copied, so a snapshot costs pointers on the validation strand and is encoded elsewhere.
MempoolFile SnapshotMempool(const TxMempool& pool, const std::function<bool(const MempoolEntry&)>& is_unbroadcast);

struct MempoolLoadStats {
    size_t accepted = 0;
    size_t failed = 0;         // refused on the current tip (mined meanwhile, conflicts, ...)
    size_t expired = 0;        // older than -mempoolexpiry
    size_t already_there = 0;  // a wallet resubmitted it first
    size_t unbroadcast = 0;    // accepted and still waiting for a peer to fetch it
    size_t ignored_deltas = 0;  // fee deltas in the file (entries' and the map's), not applied
};

// Puts the file's transactions back through AcceptToMemoryPool, each with its saved entry
// time, those older than the expiry skipped. Transactions of the unbroadcast set enter as
// this node's own (TX_ORIGIN_LOCAL: the P2P layer offers them to the first peers), the rest
// as TX_ORIGIN_DISK. Fee deltas are not applied (this node has no prioritisetransaction);
// `ignored_deltas` counts them. Entries [begin, end) only, so a large file can be loaded in
// batches.
MempoolLoadStats LoadMempoolFile(MempoolAccept& gate, const MempoolFile& file, int64_t now, size_t begin, size_t end);

}  // namespace tonari::bitcoin::mempool
