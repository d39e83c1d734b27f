// KvStore: the ordered key-value store under the UTXO set and the block index.
//
// Two implementations behind one interface: RocksDB on disk (OpenRocksDb; rocksdb_kv.cpp is the
// only file that sees <rocksdb/...>) and an in-memory map for tests (MakeMemoryKv). Keys are
// ordered bytewise (memcmp), so a prefix byte groups a table and Seek(prefix) walks it.
//
// Atomicity and crash safety: Write(batch) applies all of a batch or none of it, also across a
// kill -9 or power loss at any instant. With sync=false a crash may lose the most recent
// batches (never part of one); with sync=true the batch is durable when Write returns.
// Integrity: every block read is checksummed; a database whose files are damaged reports
// StorageErrorCode::Corruption with REINDEX_HINT in the message, at open or at the read that
// meets the damage. Never a wrong value.
//
// Thread-safety: all KvStore methods may be called from any thread; reads run concurrently with
// each other and with Write. Chain code uses one writer (the validation strand). An iterator is
// used by one thread at a time and sees a snapshot taken when it was created; it must be
// destroyed before its store.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>

#include "storage/status.h"
#include "util/bytes.h"

namespace tonari::storage {

// A list of puts and deletes applied atomically by KvStore::Write; a plain value, cheap to
// build (one contiguous buffer). Later operations on a key win over earlier ones.
class WriteBatch {
public:
    enum class OpType : uint8_t { Put = 1, Delete = 2 };

    void Put(util::ByteSpan key, util::ByteSpan value) {
        AddRecord(OpType::Put, key);
        AddLength(value.size());
        util::Append(m_rep, value);
    }
    void Delete(util::ByteSpan key) { AddRecord(OpType::Delete, key); }
    void Clear() {
        m_rep.clear();
        m_count = 0;
    }

    size_t Count() const { return m_count; }
    bool Empty() const { return m_count == 0; }
    // Bytes held: callers building a large flush write a batch once this passes their limit.
    size_t ApproximateSize() const { return m_rep.size(); }

    // Calls fn(type, key, value) for each operation in order; value is empty for a Delete.
    template <typename Fn>
    void ForEach(Fn&& fn) const {
        size_t pos = 0;
        while (pos < m_rep.size()) {
            const auto type = static_cast<OpType>(m_rep[pos++]);
            const util::ByteSpan key = ReadField(pos);
            const util::ByteSpan value = type == OpType::Put ? ReadField(pos) : util::ByteSpan{};
            fn(type, key, value);
        }
    }

private:
    void AddRecord(OpType type, util::ByteSpan key) {
        m_rep.push_back(static_cast<uint8_t>(type));
        AddLength(key.size());
        util::Append(m_rep, key);
        ++m_count;
    }
    void AddLength(size_t n) {
        const uint64_t v = n;
        uint8_t buf[8];
        std::memcpy(buf, &v, sizeof(buf));
        m_rep.insert(m_rep.end(), buf, buf + sizeof(buf));
    }
    util::ByteSpan ReadField(size_t& pos) const {
        uint64_t n = 0;
        std::memcpy(&n, m_rep.data() + pos, sizeof(n));
        pos += sizeof(n);
        const util::ByteSpan out(m_rep.data() + pos, static_cast<size_t>(n));
        pos += static_cast<size_t>(n);
        return out;
    }

    util::Bytes m_rep;  // (type, len, key[, len, value])*, in our own process's byte order
    size_t m_count = 0;
};

// Ordered cursor over a snapshot. Usage:
//   for (it->Seek(prefix); it->Valid() && HasPrefix(it->Key(), prefix); it->Next()) ...
//   if (Status s = it->GetStatus(); !s) ...   // a read error ends iteration early
class KvIterator {
public:
    virtual ~KvIterator() = default;
    virtual void SeekToFirst() = 0;
    // Positions at the first key >= `key`.
    virtual void Seek(util::ByteSpan key) = 0;
    virtual bool Valid() const = 0;
    virtual void Next() = 0;
    // Views valid until the iterator moves or is destroyed. Only when Valid().
    virtual util::ByteSpan Key() const = 0;
    virtual util::ByteSpan Value() const = 0;
    // The error that made Valid() false early (e.g. Corruption), or success. Check it after
    // a loop: !Valid() alone does not mean the end was reached.
    virtual Status GetStatus() const = 0;
};

inline bool HasPrefix(util::ByteSpan key, util::ByteSpan prefix) {
    return key.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), key.begin());
}

// RocksDB tuning; the defaults suit a UTXO set (random point lookups, mostly misses on BIP30
// style checks, incompressible hash-keyed data).
struct KvOptions {
    size_t cache_mb = 32;         // LRU block cache for data, index and filter blocks
    size_t write_buffer_mb = 32;  // memtable size before it is flushed to a table file
    // Bounds the descriptors a large database keeps open (the default, -1, keeps every table
    // file open and can exhaust the process limit).
    int max_open_files = 256;
    bool create_if_missing = true;
};

class KvStore {
public:
    using Options = KvOptions;

    // Opens or creates a RocksDB database in directory `path`. Damage found while opening is a
    // Corruption carrying REINDEX_HINT; a database already open elsewhere is an IoError.
    static StorageResult<std::unique_ptr<KvStore>> OpenRocksDb(const std::filesystem::path& path,
                                                               const Options& options);
    // Deletes the RocksDB database in `path` (for -reindex), even a damaged one. Succeeds if it
    // does not exist. The database must not be open.
    static Status DestroyRocksDb(const std::filesystem::path& path);
    // An empty in-memory store with the same semantics (snapshot iterators, atomic batches).
    static std::unique_ptr<KvStore> MakeMemoryKv();

    virtual ~KvStore() = default;

    // nullopt if the key is absent.
    virtual StorageResult<std::optional<util::Bytes>> Get(util::ByteSpan key) const = 0;
    virtual StorageResult<bool> Exists(util::ByteSpan key) const = 0;
    virtual Status Write(const WriteBatch& batch, bool sync) = 0;
    virtual std::unique_ptr<KvIterator> NewIterator() const = 0;
    // Rewrites the range [begin, end) (nullopt = unbounded) to reclaim space. Optional: the
    // in-memory store does nothing.
    virtual Status CompactRange(std::optional<util::ByteSpan> begin, std::optional<util::ByteSpan> end) = 0;
    // Approximate bytes used by keys in [begin, end), on disk plus unflushed.
    virtual StorageResult<uint64_t> EstimateSize(util::ByteSpan begin, util::ByteSpan end) const = 0;
};

}  // namespace tonari::storage
