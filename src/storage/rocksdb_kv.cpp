// KvStore over RocksDB: the only file in Tonari that includes <rocksdb/...>.
//
// Options are chosen for the UTXO set and block index: point lookups of random (hash-derived)
// keys, so a bloom filter per table and no compression; bounded memory (block cache, memtables,
// index/filter blocks charged to the cache) and bounded file descriptors; point-in-time WAL
// recovery so a torn final write after kill -9 is dropped whole and earlier batches survive;
// checksums verified on every read so damage surfaces as Corruption instead of a wrong value.
#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <system_error>

#include "storage/kv.h"

namespace tonari::storage {
namespace {

namespace fs = std::filesystem;

rocksdb::Slice ToSlice(util::ByteSpan b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

util::ByteSpan ToSpan(const rocksdb::Slice& s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// RocksDB's status as ours. Damage is always Corruption with the reindex hint; RocksDB also
// reports a file missing from the database directory as an I/O "path not found", which at
// that point means the database is incomplete, not that the disk failed.
StorageError FromRocks(const rocksdb::Status& s, const std::string& context) {
    std::string msg = context + ": " + s.ToString();
    if (s.IsCorruption() || s.IsPathNotFound()) return StorageError::CorruptionNeedsReindex(std::move(msg));
    if (s.IsNotFound()) return StorageError::NotFound(std::move(msg));
    if (s.IsInvalidArgument()) return StorageError::InvalidArgument(std::move(msg));
    return StorageError::Io(std::move(msg));
}

rocksdb::Options MakeOptions(const KvOptions& kv) {
    rocksdb::Options o;
    o.create_if_missing = kv.create_if_missing;
    o.paranoid_checks = true;  // fail open/reads on any checksum or consistency error
    o.max_open_files = std::max(kv.max_open_files, 16);
    o.write_buffer_size = std::max<size_t>(kv.write_buffer_mb, 1) << 20;
    o.compression = rocksdb::kNoCompression;        // txids and amounts do not compress
    o.level_compaction_dynamic_level_bytes = true;  // bounded space amplification
    o.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
    o.max_background_jobs = 2;
    o.bytes_per_sync = 1 << 20;  // spread writeback instead of stalling at fsync
    // RocksDB's own info LOG: warnings only, in two small files, so it cannot fill the disk.
    o.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
    o.keep_log_file_num = 2;
    o.max_log_file_size = 4 << 20;

    rocksdb::BlockBasedTableOptions t;
    t.block_cache = rocksdb::NewLRUCache(std::max<size_t>(kv.cache_mb, 1) << 20);
    t.cache_index_and_filter_blocks = true;  // their memory counts against cache_mb
    t.pin_l0_filter_and_index_blocks_in_cache = true;
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));  // ~1% false positives
    o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
    return o;
}

// True if `dir` holds any RocksDB table, log or manifest file.
bool HasDatabaseFiles(const fs::path& dir) {
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.starts_with("MANIFEST-") || name.ends_with(".sst") || name.ends_with(".log")) return true;
    }
    return false;
}

class RocksIterator final : public KvIterator {
public:
    explicit RocksIterator(rocksdb::Iterator* it) : m_it(it) {}

    void SeekToFirst() override { m_it->SeekToFirst(); }
    void Seek(util::ByteSpan key) override { m_it->Seek(ToSlice(key)); }
    bool Valid() const override { return m_it->Valid(); }
    void Next() override { m_it->Next(); }
    util::ByteSpan Key() const override { return ToSpan(m_it->key()); }
    util::ByteSpan Value() const override { return ToSpan(m_it->value()); }
    Status GetStatus() const override {
        const rocksdb::Status s = m_it->status();
        if (!s.ok()) return util::Fail(FromRocks(s, "iterating the database"));
        return {};
    }

private:
    std::unique_ptr<rocksdb::Iterator> m_it;
};

class RocksKv final : public KvStore {
public:
    RocksKv(std::unique_ptr<rocksdb::DB> db, fs::path path) : m_db(std::move(db)), m_path(std::move(path)) {}

    ~RocksKv() override {
        // Close reports errors we cannot act on here; the WAL already holds every write.
        (void)m_db->Close();
    }

    StorageResult<std::optional<util::Bytes>> Get(util::ByteSpan key) const override {
        rocksdb::PinnableSlice value;
        const rocksdb::Status s =
            m_db->Get(rocksdb::ReadOptions(), m_db->DefaultColumnFamily(), ToSlice(key), &value);
        if (s.IsNotFound()) return std::optional<util::Bytes>();
        if (!s.ok()) return util::Fail(FromRocks(s, "reading " + m_path.string()));
        const util::ByteSpan v = ToSpan(value);
        return std::optional<util::Bytes>(util::Bytes(v.begin(), v.end()));
    }

    StorageResult<bool> Exists(util::ByteSpan key) const override {
        rocksdb::PinnableSlice value;
        const rocksdb::Status s =
            m_db->Get(rocksdb::ReadOptions(), m_db->DefaultColumnFamily(), ToSlice(key), &value);
        if (s.IsNotFound()) return false;
        if (!s.ok()) return util::Fail(FromRocks(s, "reading " + m_path.string()));
        return true;
    }

    Status Write(const WriteBatch& batch, bool sync) override {
        rocksdb::WriteBatch rb(batch.ApproximateSize() + 64);
        rocksdb::Status s;
        batch.ForEach([&](WriteBatch::OpType type, util::ByteSpan key, util::ByteSpan value) {
            if (!s.ok()) return;
            s = type == WriteBatch::OpType::Put ? rb.Put(ToSlice(key), ToSlice(value))
                                                : rb.Delete(ToSlice(key));
        });
        if (!s.ok()) return util::Fail(FromRocks(s, "building a write batch"));
        rocksdb::WriteOptions wo;
        wo.sync = sync;
        s = m_db->Write(wo, &rb);
        if (!s.ok()) return util::Fail(FromRocks(s, "writing " + m_path.string()));
        return {};
    }

    std::unique_ptr<KvIterator> NewIterator() const override {
        return std::make_unique<RocksIterator>(m_db->NewIterator(rocksdb::ReadOptions()));
    }

    Status CompactRange(std::optional<util::ByteSpan> begin, std::optional<util::ByteSpan> end) override {
        rocksdb::Slice b, e;
        if (begin) b = ToSlice(*begin);
        if (end) e = ToSlice(*end);
        const rocksdb::Status s =
            m_db->CompactRange(rocksdb::CompactRangeOptions(), begin ? &b : nullptr, end ? &e : nullptr);
        if (!s.ok()) return util::Fail(FromRocks(s, "compacting " + m_path.string()));
        return {};
    }

    StorageResult<uint64_t> EstimateSize(util::ByteSpan begin, util::ByteSpan end) const override {
        rocksdb::SizeApproximationOptions opts;
        opts.include_memtables = true;
        opts.include_files = true;
        const rocksdb::Range range(ToSlice(begin), ToSlice(end));
        uint64_t size = 0;
        const rocksdb::Status s =
            m_db->GetApproximateSizes(opts, m_db->DefaultColumnFamily(), &range, 1, &size);
        if (!s.ok()) return util::Fail(FromRocks(s, "estimating size of " + m_path.string()));
        return size;
    }

private:
    std::unique_ptr<rocksdb::DB> m_db;
    fs::path m_path;
};

}  // namespace

StorageResult<std::unique_ptr<KvStore>> KvStore::OpenRocksDb(const fs::path& path, const Options& options) {
    std::error_code ec;
    if (!fs::exists(path / "CURRENT", ec)) {
        // Without CURRENT, RocksDB would create a new, empty database next to the old files:
        // a chainstate silently emptied. Refuse if anything of a database is left there.
        if (HasDatabaseFiles(path)) {
            return util::Fail(StorageError::CorruptionNeedsReindex("database " + path.string() +
                                                                   " has data files but no CURRENT file"));
        }
        if (!options.create_if_missing) {
            return util::Fail(StorageError::NotFound("no database in " + path.string()));
        }
        fs::create_directories(path, ec);
        if (ec) return util::Fail(StorageError::Io("creating " + path.string() + ": " + ec.message()));
    }
    rocksdb::DB* raw = nullptr;
    const rocksdb::Status s = rocksdb::DB::Open(MakeOptions(options), path.string(), &raw);
    std::unique_ptr<rocksdb::DB> db(raw);
    if (!s.ok()) return util::Fail(FromRocks(s, "opening database " + path.string()));
    return std::unique_ptr<KvStore>(std::make_unique<RocksKv>(std::move(db), path));
}

Status KvStore::DestroyRocksDb(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return {};
    const rocksdb::Status s = rocksdb::DestroyDB(path.string(), rocksdb::Options());
    if (!s.ok())
        return util::Fail(StorageError::Io("destroying database " + path.string() + ": " + s.ToString()));
    return {};
}

}  // namespace tonari::storage
