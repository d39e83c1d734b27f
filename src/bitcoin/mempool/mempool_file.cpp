// mempool.dat encoding, decoding, snapshot and reload (see mempool_file.h for the format).
#include "bitcoin/mempool/mempool_file.h"

#include <algorithm>

#include "bitcoin/encoding/compact_size.h"
#include "bitcoin/primitives/decode_error.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::bitcoin::mempool {
namespace {

// Where the XORed part begins in a version 2 file: the version and the key before it.
constexpr size_t XOR_START = 8 + 1 + MEMPOOL_XOR_KEY_BYTES;
// The fewest bytes each counted item can take: a damaged (or forged) file claiming billions of
// entries in a few bytes must not make the decoder reserve memory for them. A transaction is at
// least 10 bytes (version, two empty counts, lock time) with its two 8-byte fields; a fee delta
// is a txid and 8 bytes; an unbroadcast entry a txid.
constexpr size_t TXID_BYTES = 32;
constexpr size_t MIN_ENTRY_BYTES = 10 + 16;
constexpr size_t DELTA_BYTES = TXID_BYTES + 8;

void ApplyXor(util::Bytes& bytes, const std::array<uint8_t, MEMPOOL_XOR_KEY_BYTES>& key) {
    for (size_t i = XOR_START; i < bytes.size(); ++i) bytes[i] ^= key[i % MEMPOOL_XOR_KEY_BYTES];
}

void WriteTxid(util::ByteWriter& w, const primitives::Txid& txid) { w.WriteBytes(txid.get().span()); }

std::optional<primitives::Txid> ReadTxid(util::ByteReader& r) {
    const auto bytes = r.ReadSpan(TXID_BYTES);
    if (bytes.empty()) return std::nullopt;
    return primitives::Txid(*util::Uint256::FromBytes(bytes));
}

util::Result<MempoolFile, std::string> Fail(const util::ByteReader& r, const std::string& what) {
    return util::Fail("mempool file damaged at byte " + std::to_string(r.position()) + ": " + what);
}

}  // namespace

util::Bytes EncodeMempoolFile(const MempoolFile& file) {
    util::ByteWriter w;
    w.WriteU64LE(file.version);
    if (file.version == MEMPOOL_DUMP_VERSION) {
        encoding::WriteCompactSize(w, MEMPOOL_XOR_KEY_BYTES);
        w.WriteBytes(file.xor_key);
    }
    w.WriteU64LE(file.entries.size());
    for (const auto& e : file.entries) {
        primitives::EncodeTx(w, *e.tx, true);
        w.WriteI64LE(e.time);
        w.WriteI64LE(e.fee_delta);
    }
    encoding::WriteCompactSize(w, file.deltas.size());
    for (const auto& [txid, delta] : file.deltas) {
        WriteTxid(w, txid);
        w.WriteI64LE(delta);
    }
    encoding::WriteCompactSize(w, file.unbroadcast.size());
    for (const auto& txid : file.unbroadcast) WriteTxid(w, txid);
    util::Bytes bytes = w.Take();
    if (file.version == MEMPOOL_DUMP_VERSION) ApplyXor(bytes, file.xor_key);
    return bytes;
}

util::Result<MempoolFile, std::string> DecodeMempoolFile(util::ByteSpan input) {
    MempoolFile file;
    util::Bytes bytes(input.begin(), input.end());
    {
        util::ByteReader head(bytes);
        file.version = head.ReadU64LE();
        if (head.failed()) return Fail(head, "shorter than its version");
        if (file.version == MEMPOOL_DUMP_VERSION) {
            const uint64_t key_size = encoding::ReadCompactSize(head);
            if (head.failed() || key_size != MEMPOOL_XOR_KEY_BYTES) return Fail(head, "no 8-byte XOR key");
            const auto key = head.ReadSpan(MEMPOOL_XOR_KEY_BYTES);
            if (key.empty()) return Fail(head, "XOR key cut short");
            std::copy(key.begin(), key.end(), file.xor_key.begin());
            ApplyXor(bytes, file.xor_key);
        } else if (file.version != MEMPOOL_DUMP_VERSION_NO_XOR_KEY) {
            return Fail(head, "unknown version " + std::to_string(file.version));
        }
    }
    util::ByteReader r(bytes);
    r.ReadSpan(file.version == MEMPOOL_DUMP_VERSION ? XOR_START : 8);

    const uint64_t count = r.ReadU64LE();
    if (r.failed()) return Fail(r, "no transaction count");
    if (const size_t left = r.remaining(); !r.CheckCount(count, MIN_ENTRY_BYTES)) {
        return Fail(r, std::to_string(count) + " transactions claimed in " + std::to_string(left) + " bytes");
    }
    file.entries.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
        auto tx = primitives::DecodeTx(r);
        if (!tx) return Fail(r, "transaction " + std::to_string(i) + ": " + std::string(primitives::DecodeErrorMessage(tx.error())));
        MempoolFileEntry e;
        e.tx = std::make_shared<const primitives::Tx>(std::move(*tx));
        e.time = r.ReadI64LE();
        e.fee_delta = r.ReadI64LE();
        if (r.failed()) return Fail(r, "transaction " + std::to_string(i) + " has no time or fee delta");
        file.entries.push_back(std::move(e));
    }

    const uint64_t delta_count = encoding::ReadCompactSize(r);
    if (r.failed() || !r.CheckCount(delta_count, DELTA_BYTES)) return Fail(r, "bad fee delta count");
    for (uint64_t i = 0; i < delta_count; ++i) {
        auto txid = ReadTxid(r);
        const int64_t delta = r.ReadI64LE();
        if (!txid || r.failed()) return Fail(r, "fee delta cut short");
        file.deltas.emplace_back(*txid, delta);
    }

    const uint64_t unbroadcast_count = encoding::ReadCompactSize(r);
    if (r.failed() || !r.CheckCount(unbroadcast_count, TXID_BYTES)) return Fail(r, "bad unbroadcast count");
    for (uint64_t i = 0; i < unbroadcast_count; ++i) file.unbroadcast.push_back(*ReadTxid(r));
    return file;
}

MempoolFile SnapshotMempool(const TxMempool& pool, const std::function<bool(const MempoolEntry&)>& is_unbroadcast) {
    std::vector<const MempoolEntry*> entries = pool.Entries();
    // A parent always has fewer in-pool ancestors than its child; arrival order alone is not
    // enough (a reorg puts parents back behind children that stayed).
    std::stable_sort(entries.begin(), entries.end(), [](const MempoolEntry* a, const MempoolEntry* b) {
        return a->ancestors.count < b->ancestors.count;
    });
    MempoolFile file;
    file.entries.reserve(entries.size());
    for (const MempoolEntry* e : entries) {
        file.entries.push_back({e->tx, e->time, 0});
        if (is_unbroadcast && is_unbroadcast(*e)) file.unbroadcast.push_back(e->txid);
    }
    std::sort(file.unbroadcast.begin(), file.unbroadcast.end());
    return file;
}

MempoolLoadStats LoadMempoolFile(MempoolAccept& gate, const MempoolFile& file, int64_t now, size_t begin, size_t end) {
    MempoolLoadStats stats;
    std::vector<primitives::Txid> unbroadcast = file.unbroadcast;
    std::sort(unbroadcast.begin(), unbroadcast.end());
    const int64_t cutoff = now - gate.Options().expiry_seconds;
    end = std::min(end, file.entries.size());
    if (begin == 0) stats.ignored_deltas = file.deltas.size();
    for (size_t i = begin; i < end; ++i) {
        const MempoolFileEntry& e = file.entries[i];
        if (e.fee_delta != 0) ++stats.ignored_deltas;
        if (e.time <= cutoff) {
            ++stats.expired;
            continue;
        }
        const primitives::Txid txid = primitives::ComputeTxid(*e.tx);
        const bool mine = std::binary_search(unbroadcast.begin(), unbroadcast.end(), txid);
        AcceptOptions options;
        options.origin = mine ? TX_ORIGIN_LOCAL : TX_ORIGIN_DISK;
        options.entry_time = std::min(e.time, now);
        if (gate.Accept(*e.tx, now, options)) {
            ++stats.accepted;
            if (mine) ++stats.unbroadcast;
        } else if (gate.Pool().Contains(txid)) {
            ++stats.already_there;
        } else {
            ++stats.failed;
        }
    }
    return stats;
}

}  // namespace tonari::bitcoin::mempool
