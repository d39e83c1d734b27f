// Tests for KvStore. The behavioural suite runs against both backends (in-memory and RocksDB):
// put/get/delete, batch order and atomicity, snapshot iterators, bytewise order and prefix
// seeks, size estimates, concurrent readers during writes. The RocksDB suite adds reopening,
// open errors, damage to every kind of database file (table, MANIFEST, CURRENT, a missing table,
// a torn WAL tail) — each must be refused as Corruption with the reindex hint, never answered
// wrongly — and a real kill -9 at random instants while batches and memtable flushes are in
// flight, after which every reopen must find whole batches only.
#include "storage/kv.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <thread>

#include "storage/test_temp_dir.h"

namespace tonari::storage {
namespace {

namespace fs = std::filesystem;

util::Bytes B(std::string_view s) {
    const util::ByteSpan b = util::AsBytes(s);
    return {b.begin(), b.end()};
}

std::optional<util::Bytes> GetOk(const KvStore& kv, util::ByteSpan key) {
    auto r = kv.Get(key);
    EXPECT_TRUE(r) << (r ? "" : r.error().ToString());
    return r ? *r : std::nullopt;
}

void WriteOk(KvStore& kv, const WriteBatch& batch, bool sync = false) {
    const Status s = kv.Write(batch, sync);
    ASSERT_TRUE(s) << s.error().ToString();
}

std::vector<std::pair<util::Bytes, util::Bytes>> Collect(KvIterator& it, util::ByteSpan prefix) {
    std::vector<std::pair<util::Bytes, util::Bytes>> out;
    for (it.Seek(prefix); it.Valid() && HasPrefix(it.Key(), prefix); it.Next()) {
        out.emplace_back(util::Bytes(it.Key().begin(), it.Key().end()),
                         util::Bytes(it.Value().begin(), it.Value().end()));
    }
    const Status s = it.GetStatus();
    EXPECT_TRUE(s) << s.error().ToString();
    return out;
}

std::unique_ptr<KvStore> OpenOk(const fs::path& path, KvOptions opts = {}) {
    auto kv = KvStore::OpenRocksDb(path, opts);
    EXPECT_TRUE(kv) << (kv ? "" : kv.error().ToString());
    return kv ? std::move(*kv) : nullptr;
}

class KvTest : public ::testing::TestWithParam<bool> {
protected:
    void SetUp() override {
        m_kv = GetParam() ? OpenOk(m_tmp.path() / "db") : KvStore::MakeMemoryKv();
        ASSERT_TRUE(m_kv);
    }
    void TearDown() override { m_kv.reset(); }

    test::TestTempDir m_tmp;
    std::unique_ptr<KvStore> m_kv;
};

TEST_P(KvTest, PutGetDelete) {
    EXPECT_EQ(GetOk(*m_kv, B("a")), std::nullopt);
    EXPECT_FALSE(*m_kv->Exists(B("a")));
    WriteBatch b;
    b.Put(B("a"), B("1"));
    b.Put(B("empty"), {});
    WriteOk(*m_kv, b);
    EXPECT_EQ(GetOk(*m_kv, B("a")), B("1"));
    EXPECT_TRUE(*m_kv->Exists(B("a")));
    EXPECT_EQ(GetOk(*m_kv, B("empty")), util::Bytes{});  // present but empty, not absent
    EXPECT_TRUE(*m_kv->Exists(B("empty")));

    b.Clear();
    EXPECT_TRUE(b.Empty());
    b.Put(B("a"), B("2"));
    b.Delete(B("empty"));
    b.Delete(B("never-there"));
    WriteOk(*m_kv, b, /*sync=*/true);
    EXPECT_EQ(GetOk(*m_kv, B("a")), B("2"));
    EXPECT_EQ(GetOk(*m_kv, B("empty")), std::nullopt);
    EXPECT_FALSE(*m_kv->Exists(B("empty")));
}

TEST_P(KvTest, LaterOperationInBatchWins) {
    WriteBatch b;
    b.Put(B("k"), B("first"));
    b.Put(B("k"), B("second"));
    b.Put(B("gone"), B("x"));
    b.Delete(B("gone"));
    b.Delete(B("back"));
    b.Put(B("back"), B("y"));
    EXPECT_EQ(b.Count(), 6u);
    WriteOk(*m_kv, b);
    EXPECT_EQ(GetOk(*m_kv, B("k")), B("second"));
    EXPECT_EQ(GetOk(*m_kv, B("gone")), std::nullopt);
    EXPECT_EQ(GetOk(*m_kv, B("back")), B("y"));
}

TEST_P(KvTest, IteratorSeesSnapshotAndWholeBatches) {
    WriteBatch b;
    b.Put(B("p/1"), B("old"));
    WriteOk(*m_kv, b);
    auto before = m_kv->NewIterator();
    b.Clear();
    b.Put(B("p/1"), B("new"));
    b.Put(B("p/2"), B("new"));
    b.Delete(B("p/1"));
    b.Put(B("p/3"), B("new"));
    WriteOk(*m_kv, b);
    auto after = m_kv->NewIterator();

    using Rows = std::vector<std::pair<util::Bytes, util::Bytes>>;
    EXPECT_EQ(Collect(*before, B("p/")), (Rows{{B("p/1"), B("old")}}));
    EXPECT_EQ(Collect(*after, B("p/")), (Rows{{B("p/2"), B("new")}, {B("p/3"), B("new")}}));
}

TEST_P(KvTest, BytewiseOrderAndPrefixSeek) {
    const std::vector<util::Bytes> keys = {{0x00},  {0x00, 0x00}, {0x01},   B("a"),      B("a\x01"),
                                           B("ab"), B("b"),       B("b/1"), B("b/2"),    B("b0"),
                                           {0x7f},  {0x80},       {0xff},   {0xff, 0xff}};
    WriteBatch b;
    for (auto it = keys.rbegin(); it != keys.rend(); ++it) b.Put(*it, *it);  // reverse order in
    WriteOk(*m_kv, b);

    auto it = m_kv->NewIterator();
    std::vector<util::Bytes> seen;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
        seen.emplace_back(it->Key().begin(), it->Key().end());
        EXPECT_TRUE(std::equal(it->Key().begin(), it->Key().end(), it->Value().begin(), it->Value().end()));
    }
    EXPECT_EQ(seen, keys);  // unsigned bytewise: 0x80 and 0xff sort after 'b'
    EXPECT_TRUE(it->GetStatus());

    const auto b_rows = Collect(*it, B("b/"));
    ASSERT_EQ(b_rows.size(), 2u);
    EXPECT_EQ(b_rows[0].first, B("b/1"));
    EXPECT_EQ(b_rows[1].first, B("b/2"));
    EXPECT_EQ(Collect(*it, B("a")).size(), 3u);
    EXPECT_TRUE(Collect(*it, B("c")).empty());

    it->Seek(B("b/15"));  // between keys: lands on the next one
    ASSERT_TRUE(it->Valid());
    EXPECT_EQ(util::Bytes(it->Key().begin(), it->Key().end()), B("b/2"));
    it->Seek(util::Bytes{0xff, 0xff, 0x00});  // past the last key
    EXPECT_FALSE(it->Valid());
    EXPECT_TRUE(it->GetStatus());
}

TEST_P(KvTest, WriteBatchSizeAndEstimate) {
    WriteBatch b;
    EXPECT_EQ(b.ApproximateSize(), 0u);
    const util::Bytes value(1000, 0x5a);
    for (int i = 0; i < 200; ++i) {
        const size_t before = b.ApproximateSize();
        b.Put(B("big/" + std::to_string(1000 + i)), value);
        EXPECT_GE(b.ApproximateSize(), before + 1008);
    }
    WriteOk(*m_kv, b);
    auto all = m_kv->EstimateSize(B("big/"), B("big0"));
    ASSERT_TRUE(all);
    EXPECT_GT(*all, 0u);
    auto none = m_kv->EstimateSize(B("zz"), B("zzz"));
    ASSERT_TRUE(none);
    EXPECT_LT(*none, *all);
    ASSERT_TRUE(m_kv->CompactRange(std::nullopt, std::nullopt));
    ASSERT_TRUE(m_kv->CompactRange(B("big/"), B("big0")));
    EXPECT_EQ(GetOk(*m_kv, B("big/1100")), value);
    auto compacted = m_kv->EstimateSize(B("big/"), B("big0"));
    ASSERT_TRUE(compacted);
    EXPECT_GT(*compacted, 100u * 1000);  // on disk now: most of the 200 KB
}

// Readers iterate while one writer rewrites every key in each batch: any snapshot that mixes
// two batches would show two different values.
TEST_P(KvTest, ConcurrentReadersSeeWholeBatches) {
    constexpr int KEYS = 50;
    constexpr int BATCHES = 300;
    auto write_gen = [&](int gen) {
        WriteBatch b;
        for (int k = 0; k < KEYS; ++k) b.Put(B("c/" + std::to_string(k)), B(std::to_string(gen)));
        return m_kv->Write(b, false);
    };
    ASSERT_TRUE(write_gen(0));
    std::atomic<bool> done{false};
    std::atomic<int> mixed{0}, snapshots{0};
    std::vector<std::thread> readers;
    for (int t = 0; t < 2; ++t) {
        readers.emplace_back([&] {
            while (!done.load()) {
                auto it = m_kv->NewIterator();
                const auto rows = Collect(*it, B("c/"));
                if (rows.size() != KEYS) ++mixed;
                for (const auto& row : rows) mixed += row.second != rows[0].second;
                ++snapshots;
            }
        });
    }
    // Keep writing until the readers have really overlapped with the writer.
    int gen = 0;
    while (gen < BATCHES || snapshots.load() < 20) {
        if (!write_gen(++gen)) {
            ADD_FAILURE() << "write failed";
            break;
        }
    }
    done = true;
    for (auto& r : readers) r.join();
    EXPECT_EQ(mixed.load(), 0);
    EXPECT_EQ(GetOk(*m_kv, B("c/0")), B(std::to_string(gen)));
}

INSTANTIATE_TEST_SUITE_P(Backends, KvTest, ::testing::Values(false, true),
                         [](const auto& param_info) { return param_info.param ? "RocksDb" : "Memory"; });

// --- RocksDB on disk ---

TEST(RocksKv, ReopenPersists) {
    test::TestTempDir tmp;
    const fs::path path = tmp.path() / "nested" / "chainstate";  // parents are created
    {
        auto kv = OpenOk(path);
        ASSERT_TRUE(kv);
        WriteBatch b;
        b.Put(B("synced"), B("1"));
        WriteOk(*kv, b, true);
        b.Clear();
        b.Put(B("unsynced"), B("2"));
        b.Delete(B("synced"));
        b.Put(B("synced2"), B("3"));
        WriteOk(*kv, b, false);
    }
    auto kv = OpenOk(path, {.create_if_missing = false});
    ASSERT_TRUE(kv);
    EXPECT_EQ(GetOk(*kv, B("synced")), std::nullopt);
    EXPECT_EQ(GetOk(*kv, B("unsynced")), B("2"));
    EXPECT_EQ(GetOk(*kv, B("synced2")), B("3"));
}

TEST(RocksKv, OpenErrors) {
    test::TestTempDir tmp;
    auto missing = KvStore::OpenRocksDb(tmp.path() / "none", {.create_if_missing = false});
    ASSERT_FALSE(missing);
    EXPECT_TRUE(missing.error().IsNotFound()) << missing.error().ToString();

    auto first = OpenOk(tmp.path() / "db");
    ASSERT_TRUE(first);
    auto second = KvStore::OpenRocksDb(tmp.path() / "db", {});  // locked by the first
    ASSERT_FALSE(second);
    EXPECT_TRUE(second.error().IsIoError()) << second.error().ToString();
    std::cout << "[open twice] " << second.error().ToString() << "\n";

    // A plain file where the directory should be.
    std::FILE* f = std::fopen((tmp.path() / "file").c_str(), "w");
    ASSERT_TRUE(f);
    std::fclose(f);
    EXPECT_FALSE(KvStore::OpenRocksDb(tmp.path() / "file", {}));
}

// --- Damaged databases ---

constexpr int CORRUPT_KEYS = 20000;

util::Bytes KeyN(int i) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), "key%06d", i);
    return B(buf);
}

util::Bytes ValueN(int i) {
    util::Bytes v(100);
    for (size_t j = 0; j < v.size(); ++j) v[j] = static_cast<uint8_t>(i * 31 + j);
    return v;
}

// Writes CORRUPT_KEYS keys and compacts them into table files.
void FillAndClose(const fs::path& path) {
    auto kv = OpenOk(path);
    ASSERT_TRUE(kv);
    WriteBatch b;
    for (int i = 0; i < CORRUPT_KEYS; ++i) {
        b.Put(KeyN(i), ValueN(i));
        if (b.Count() == 1000) {
            WriteOk(*kv, b);
            b.Clear();
        }
    }
    ASSERT_TRUE(kv->CompactRange(std::nullopt, std::nullopt));
}

std::vector<fs::path> FilesMatching(const fs::path& dir, std::string_view prefix, std::string_view suffix) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (name.starts_with(prefix) && name.ends_with(suffix)) out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

void Overwrite(const fs::path& file, uint64_t offset, size_t n, uint8_t byte) {
    std::FILE* f = std::fopen(file.c_str(), "r+b");
    ASSERT_TRUE(f) << file;
    std::fseek(f, static_cast<long>(offset), SEEK_SET);
    const std::vector<uint8_t> junk(n, byte);
    std::fwrite(junk.data(), 1, junk.size(), f);
    std::fclose(f);
}

void ExpectReindexCorruption(const StorageError& e) {
    EXPECT_TRUE(e.IsCorruption()) << e.ToString();
    EXPECT_NE(e.message.find("-reindex"), std::string::npos) << e.message;
}

// Opens the damaged database and reads everything. Every answer must be right or a Corruption
// with the reindex hint. Returns how many errors were seen (open failing counts as one).
int ErrorsAfterDamage(const fs::path& path, const std::string& what) {
    auto opened = KvStore::OpenRocksDb(path, {.create_if_missing = false});
    if (!opened) {
        std::cout << "[" << what << "] open refused: " << opened.error().ToString() << "\n";
        ExpectReindexCorruption(opened.error());
        return 1;
    }
    const KvStore& kv = **opened;
    int errors = 0, wrong = 0;
    std::string first_error;
    for (int i = 0; i < CORRUPT_KEYS; ++i) {
        auto r = kv.Get(KeyN(i));
        if (!r) {
            ExpectReindexCorruption(r.error());
            if (errors++ == 0) first_error = r.error().ToString();
        } else {
            wrong += *r != std::optional<util::Bytes>(ValueN(i));
        }
    }
    auto it = kv.NewIterator();
    int rows = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++rows) {
        wrong += util::Bytes(it->Value().begin(), it->Value().end()) != ValueN(rows) ||
                 util::Bytes(it->Key().begin(), it->Key().end()) != KeyN(rows);
    }
    if (const Status s = it->GetStatus(); !s) {
        ExpectReindexCorruption(s.error());
        ++errors;
    } else {
        wrong += rows != CORRUPT_KEYS;  // ending early without an error would be silent loss
    }
    EXPECT_EQ(wrong, 0) << what << ": wrong answers from a damaged database";
    std::cout << "[" << what << "] opened; " << errors << " reads refused, first: " << first_error << "\n";
    return errors;
}

TEST(RocksKvCorruption, GarbageInTableFile) {
    test::TestTempDir tmp;
    const fs::path db = tmp.path() / "db";
    FillAndClose(db);
    const auto tables = FilesMatching(db, "", ".sst");
    ASSERT_FALSE(tables.empty());
    for (const auto& t : tables) Overwrite(t, fs::file_size(t) / 3, 4096, 0xab);
    EXPECT_GT(ErrorsAfterDamage(db, "table garbage"), 0);
}

TEST(RocksKvCorruption, TruncatedTableFile) {
    test::TestTempDir tmp;
    const fs::path db = tmp.path() / "db";
    FillAndClose(db);
    const auto tables = FilesMatching(db, "", ".sst");
    ASSERT_FALSE(tables.empty());
    fs::resize_file(tables[0], fs::file_size(tables[0]) / 2);
    EXPECT_GT(ErrorsAfterDamage(db, "table truncated"), 0);
}

TEST(RocksKvCorruption, MissingTableFile) {
    test::TestTempDir tmp;
    const fs::path db = tmp.path() / "db";
    FillAndClose(db);
    const auto tables = FilesMatching(db, "", ".sst");
    ASSERT_FALSE(tables.empty());
    fs::remove(tables[0]);
    EXPECT_GT(ErrorsAfterDamage(db, "table missing"), 0);
}

TEST(RocksKvCorruption, GarbageInManifest) {
    test::TestTempDir tmp;
    const fs::path db = tmp.path() / "db";
    FillAndClose(db);
    const auto manifests = FilesMatching(db, "MANIFEST-", "");
    ASSERT_FALSE(manifests.empty());
    for (const auto& m : manifests) Overwrite(m, 0, static_cast<size_t>(fs::file_size(m)), 0x5c);
    EXPECT_GT(ErrorsAfterDamage(db, "manifest garbage"), 0);
}

TEST(RocksKvCorruption, GarbageInCurrent) {
    test::TestTempDir tmp;
    const fs::path db = tmp.path() / "db";
    FillAndClose(db);
    Overwrite(db / "CURRENT", 0, static_cast<size_t>(fs::file_size(db / "CURRENT")), 0x07);
    EXPECT_GT(ErrorsAfterDamage(db, "CURRENT garbage"), 0);

    // -reindex starts over: the damaged database can be destroyed and created afresh.
    ASSERT_TRUE(KvStore::DestroyRocksDb(db));
    auto fresh = OpenOk(db);
    ASSERT_TRUE(fresh);
    EXPECT_EQ(GetOk(*fresh, KeyN(1)), std::nullopt);
    fresh.reset();
    EXPECT_TRUE(KvStore::DestroyRocksDb(tmp.path() / "never-existed"));
}

// Without CURRENT, RocksDB would happily create an empty database beside the old files.
TEST(RocksKvCorruption, MissingCurrentIsNotAFreshDatabase) {
    test::TestTempDir tmp;
    const fs::path db = tmp.path() / "db";
    FillAndClose(db);
    fs::remove(db / "CURRENT");
    for (const bool create : {false, true}) {
        auto kv = KvStore::OpenRocksDb(db, {.create_if_missing = create});
        ASSERT_FALSE(kv) << "create_if_missing=" << create;
        ExpectReindexCorruption(kv.error());
    }
    EXPECT_FALSE(fs::exists(db / "CURRENT"));
}

// A kill -9 in the middle of a WAL append leaves a torn last record: recovery drops that
// batch whole and keeps every batch before it.
TEST(RocksKvCorruption, TornWalTailDropsOnlyTheLastBatch) {
    test::TestTempDir tmp;
    const fs::path db = tmp.path() / "db";
    constexpr int BATCHES = 40;
    {
        auto kv = OpenOk(db);
        ASSERT_TRUE(kv);
        for (int i = 1; i <= BATCHES; ++i) {
            WriteBatch b;
            for (int k = 0; k < 20; ++k) b.Put(B("w/" + std::to_string(k)), B(std::to_string(i)));
            b.Put(B("tip"), B(std::to_string(i)));
            WriteOk(*kv, b);
        }
    }
    const auto logs = FilesMatching(db, "", ".log");
    ASSERT_FALSE(logs.empty());
    const fs::path wal = logs.back();
    ASSERT_GT(fs::file_size(wal), 1000u) << "expected the batches to be in the WAL, not flushed";
    fs::resize_file(wal, fs::file_size(wal) - 7);

    auto kv = OpenOk(db);
    ASSERT_TRUE(kv);
    const auto tip = GetOk(*kv, B("tip"));
    ASSERT_TRUE(tip);
    EXPECT_EQ(*tip, B(std::to_string(BATCHES - 1)));
    for (int k = 0; k < 20; ++k) EXPECT_EQ(GetOk(*kv, B("w/" + std::to_string(k))), tip) << k;
}

// --- kill -9 at random instants ---

constexpr int CRASH_KEYS = 200;

// Child side: append batches forever (each rewrites every key and "tip" to the batch number)
// with a 1 MB memtable so table flushes and compactions run all the time, until a timer thread
// sends SIGKILL at a random instant.
[[noreturn]] void WriteUntilKilled(const fs::path& db) {
    std::random_device rd;
    const int delay_ms = static_cast<int>(rd() % 400);
    std::optional<std::thread> killer;
    auto kv = KvStore::OpenRocksDb(db, {.write_buffer_mb = 1});
    if (!kv) std::_Exit(3);
    auto tip = (*kv)->Get(B("tip"));
    if (!tip) std::_Exit(4);
    int i = *tip ? std::stoi(std::string(tip->value().begin(), tip->value().end())) : 0;
    const util::Bytes pad(150, 0x33);
    for (;;) {
        ++i;
        WriteBatch b;
        for (int k = 0; k < CRASH_KEYS; ++k) {
            util::Bytes v = B(std::to_string(i) + "|");
            util::Append(v, pad);
            b.Put(B("k/" + std::to_string(k)), v);
        }
        b.Put(B("tip"), B(std::to_string(i)));
        if (!(*kv)->Write(b, i % 5 == 0)) std::_Exit(5);
        // The clock starts once a batch is in, so every round makes progress however slow
        // the machine; the instant of the kill within the writing is what is random.
        if (!killer) {
            killer.emplace([delay_ms] {
                std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
                std::raise(SIGKILL);
            });
        }
    }
}

TEST(RocksKvCrash, KillNineMidWriteRestartsConsistent) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");  // the child is a fresh exec, not a fork
    // The death-test child re-runs this test from the top, so it must find the parent's
    // directory rather than make its own: it is handed over in the environment.
    std::optional<test::TestTempDir> owned;
    const char* inherited = std::getenv("TONARI_STORAGE_CRASH_DIR");
    if (!inherited) {
        owned.emplace();
        ::setenv("TONARI_STORAGE_CRASH_DIR", owned->path().c_str(), 1);
    }
    const fs::path db = fs::path(inherited ? inherited : owned->path().c_str()) / "db";

    int last_tip = 0, progressed = 0;
    constexpr int ROUNDS = 4;
    for (int round = 0; round < ROUNDS; ++round) {
        EXPECT_EXIT(WriteUntilKilled(db), ::testing::KilledBySignal(SIGKILL), "");

        auto kv = OpenOk(db, {.create_if_missing = false});
        ASSERT_TRUE(kv) << "round " << round;
        const auto tip_bytes = GetOk(*kv, B("tip"));
        const int tip = tip_bytes ? std::stoi(std::string(tip_bytes->begin(), tip_bytes->end())) : 0;
        auto it = kv->NewIterator();
        const auto rows = Collect(*it, B("k/"));
        int mismatched = 0;
        for (const auto& [key, value] : rows) {
            const std::string v(value.begin(), value.end());
            mismatched += v.substr(0, v.find('|')) != std::to_string(tip);
        }
        EXPECT_EQ(rows.size(), tip == 0 ? 0u : size_t{CRASH_KEYS}) << "round " << round;
        EXPECT_EQ(mismatched, 0) << "round " << round << ": a batch was applied in part";
        EXPECT_GE(tip, last_tip) << "round " << round << ": batches seen after a restart were lost";
        EXPECT_GT(tip, last_tip) << "round " << round << ": the writer got no batch in";
        progressed += tip > last_tip;
        std::cout << "[kill -9] round " << round << ": restarted at batch " << tip << "\n";
        last_tip = tip;
    }
    EXPECT_EQ(progressed, ROUNDS);
    if (!inherited) ::unsetenv("TONARI_STORAGE_CRASH_DIR");
}

}  // namespace
}  // namespace tonari::storage
