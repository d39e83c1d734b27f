// Tests for FlatFileSeq: round trips and positions, roll-over to the next file, oversize
// records, reopening, and every way the files can be damaged — truncated tails (inside a header
// and inside data), bad magic, absurd lengths (refused without allocating: a probe on
// operator new checks the largest allocation), torn appends on a full disk, power loss before
// fsync — for Read, ScanFile and TruncateTo; file sizes and whole-file removal for pruning. Most run on MemoryEnv; one runs on the real disk.
#include "storage/flat_file.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <new>

#include "storage/memory_env.h"
#include "storage/test_temp_dir.h"

// Allocation probe: records the largest single allocation made by this thread while enabled.
// Replacing the global operator new is the only way to observe allocations made inside Read.
namespace {
thread_local bool g_probe_on = false;
thread_local size_t g_probe_largest = 0;
}  // namespace

void* operator new(std::size_t n) {
    if (g_probe_on && n > g_probe_largest) g_probe_largest = n;
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}
// The matching replacement deletes. GCC cannot tell they pair with the malloc above.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace tonari::storage {
namespace {

namespace fs = std::filesystem;

constexpr FileMagic MAGIC = {0xfa, 0xbf, 0xb5, 0xda};  // regtest message start
const fs::path DIR = "/data/blocks";

util::Bytes Record(size_t size, uint8_t seed) {
    util::Bytes b(size);
    for (size_t i = 0; i < size; ++i) b[i] = static_cast<uint8_t>(seed + i * 7);
    return b;
}

struct Scanned {
    std::vector<FlatFilePos> pos;
    std::vector<util::Bytes> data;
    ScanReport report;
};

Scanned Scan(const FlatFileSeq& seq, uint32_t file) {
    Scanned out;
    auto r = seq.ScanFile(file, [&](FlatFilePos p, util::ByteSpan d) {
        out.pos.push_back(p);
        out.data.emplace_back(d.begin(), d.end());
        return true;
    });
    EXPECT_TRUE(r) << (r ? "" : r.error().ToString());
    if (r) out.report = *r;
    return out;
}

std::unique_ptr<FlatFileSeq> OpenSeq(Env& env, FlatFileSeq::Options opts = {}) {
    auto seq = FlatFileSeq::Open(env, DIR, "blk", MAGIC, opts);
    EXPECT_TRUE(seq) << (seq ? "" : seq.error().ToString());
    return seq ? std::move(*seq) : nullptr;
}

TEST(FlatFile, AppendReadRoundTrip) {
    MemoryEnv env;
    auto seq = OpenSeq(env);
    ASSERT_TRUE(seq);
    const std::vector<util::Bytes> recs = {Record(80, 1), Record(0, 2), Record(1, 3), Record(300000, 4)};
    std::vector<FlatFilePos> pos;
    uint64_t expect_offset = FlatFileSeq::HEADER_SIZE;
    for (const auto& r : recs) {
        auto p = seq->Append(r);
        ASSERT_TRUE(p);
        EXPECT_EQ(p->file, 0u);
        EXPECT_EQ(p->offset, expect_offset);  // data follows its 8-byte header, records abut
        expect_offset += r.size() + FlatFileSeq::HEADER_SIZE;
        pos.push_back(*p);
    }
    for (size_t i = 0; i < recs.size(); ++i) {
        auto d = seq->Read(pos[i]);
        ASSERT_TRUE(d) << d.error().ToString();
        EXPECT_EQ(*d, recs[i]) << i;
    }
    // The framing on disk is magic | length LE | data, as in Core's blk files.
    const auto contents = env.Contents(DIR / "blk00000.dat");
    ASSERT_TRUE(contents);
    EXPECT_EQ(util::Bytes(contents->begin(), contents->begin() + 8),
              (util::Bytes{0xfa, 0xbf, 0xb5, 0xda, 80, 0, 0, 0}));
    EXPECT_EQ(seq->CurrentFileSize(), contents->size());

    const Scanned s = Scan(*seq, 0);
    EXPECT_EQ(s.data, recs);
    EXPECT_EQ(s.pos, pos);
    EXPECT_TRUE(s.report.Clean());
    EXPECT_EQ(s.report.end_offset, contents->size());
}

TEST(FlatFile, BadPositions) {
    MemoryEnv env;
    auto seq = OpenSeq(env);
    ASSERT_TRUE(seq);
    auto p = seq->Append(Record(50, 9));
    ASSERT_TRUE(p);

    auto r = seq->Read({0, 3});  // inside the first header
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, StorageErrorCode::InvalidArgument);

    r = seq->Read({0, p->offset + 10});  // middle of the data: no header there
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().IsCorruption()) << r.error().ToString();

    r = seq->Read({0, 1000});  // past the end of the file
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().IsCorruption());

    r = seq->Read({7, 8});  // file that does not exist
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().IsNotFound());

    auto scan = seq->ScanFile(7, [](FlatFilePos, util::ByteSpan) { return true; });
    ASSERT_FALSE(scan);
    EXPECT_TRUE(scan.error().IsNotFound());
}

TEST(FlatFile, RollsOverAtMaxFileSize) {
    MemoryEnv env;
    // Two 30-byte records (38 with header) fit in 100 bytes, a third does not.
    auto seq = OpenSeq(env, {.max_file_size = 100, .max_record_size = 1000});
    ASSERT_TRUE(seq);
    std::vector<FlatFilePos> pos;
    for (uint8_t i = 0; i < 5; ++i) {
        auto p = seq->Append(Record(30, i));
        ASSERT_TRUE(p);
        pos.push_back(*p);
    }
    EXPECT_EQ(pos[0], (FlatFilePos{0, 8}));
    EXPECT_EQ(pos[1], (FlatFilePos{0, 46}));
    EXPECT_EQ(pos[2], (FlatFilePos{1, 8}));
    EXPECT_EQ(pos[3], (FlatFilePos{1, 46}));
    EXPECT_EQ(pos[4], (FlatFilePos{2, 8}));
    EXPECT_EQ(env.Contents(DIR / "blk00000.dat")->size(), 76u);
    // Full files were synced (data and name) when the sequence moved on, so power loss cannot
    // lose them; the current file was never flushed and vanishes.
    env.SimulateCrash();
    EXPECT_EQ(env.Contents(DIR / "blk00000.dat")->size(), 76u);
    EXPECT_EQ(env.Contents(DIR / "blk00001.dat")->size(), 76u);
    EXPECT_EQ(env.Contents(DIR / "blk00002.dat"), std::nullopt);

    // A record larger than a whole file gets a file of its own.
    MemoryEnv env2;
    auto seq2 = OpenSeq(env2, {.max_file_size = 100, .max_record_size = 1000});
    ASSERT_TRUE(seq2);
    ASSERT_TRUE(seq2->Append(Record(10, 1)));
    auto big = seq2->Append(Record(500, 2));
    ASSERT_TRUE(big);
    EXPECT_EQ(*big, (FlatFilePos{1, 8}));
    auto after = seq2->Append(Record(10, 3));
    ASSERT_TRUE(after);
    EXPECT_EQ(*after, (FlatFilePos{2, 8}));
    EXPECT_EQ(*seq2->Read(*big), Record(500, 2));
}

TEST(FlatFile, OversizeRecordRefused) {
    MemoryEnv env;
    auto seq = OpenSeq(env, {.max_file_size = 1000, .max_record_size = 16});
    ASSERT_TRUE(seq);
    ASSERT_TRUE(seq->Append(Record(16, 0)));
    auto r = seq->Append(Record(17, 0));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, StorageErrorCode::InvalidArgument);
    EXPECT_EQ(seq->CurrentFileSize(), 24u);  // nothing written for the refused record
    EXPECT_FALSE(FlatFileSeq::Open(env, DIR, "blk", MAGIC, {.max_file_size = 4, .max_record_size = 1}));
}

TEST(FlatFile, ReopenContinuesAtTheEnd) {
    MemoryEnv env;
    const FlatFileSeq::Options opts{.max_file_size = 100, .max_record_size = 1000};
    std::vector<FlatFilePos> pos;
    {
        auto seq = OpenSeq(env, opts);
        ASSERT_TRUE(seq);
        for (uint8_t i = 0; i < 3; ++i) pos.push_back(*seq->Append(Record(30, i)));
        ASSERT_TRUE(seq->Flush(true));
    }
    // An unrelated file and another prefix in the same directory are ignored.
    env.SetContents(DIR / "rev00009.dat", Record(5, 0));
    env.SetContents(DIR / "blkindex.dat", Record(5, 0));
    auto seq = OpenSeq(env, opts);
    ASSERT_TRUE(seq);
    EXPECT_EQ(seq->CurrentFile(), 1u);
    EXPECT_EQ(seq->CurrentFileSize(), 38u);
    auto p = seq->Append(Record(30, 3));
    ASSERT_TRUE(p);
    EXPECT_EQ(*p, (FlatFilePos{1, 46}));
    pos.push_back(*p);
    for (uint8_t i = 0; i < 4; ++i) EXPECT_EQ(*seq->Read(pos[i]), Record(30, i));
}

TEST(FlatFile, TruncatedTailDetected) {
    MemoryEnv env;
    auto seq = OpenSeq(env);
    ASSERT_TRUE(seq);
    const auto p0 = *seq->Append(Record(40, 0));
    const auto p1 = *seq->Append(Record(40, 1));
    const auto p2 = *seq->Append(Record(40, 2));
    const util::Bytes full = *env.Contents(DIR / "blk00000.dat");
    const uint64_t end1 = p1.offset + 40;

    // Cut inside the third record's data: a kill -9 in the middle of an append.
    env.SetContents(DIR / "blk00000.dat", util::Bytes(full.begin(), full.end() - 15));
    auto r = seq->Read(p2);
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().IsCorruption());
    EXPECT_NE(r.error().message.find("truncated"), std::string::npos) << r.error().message;
    EXPECT_EQ(*seq->Read(p1), Record(40, 1));
    Scanned s = Scan(*seq, 0);
    EXPECT_EQ(s.report.records, 2u);
    EXPECT_EQ(s.pos, (std::vector<FlatFilePos>{p0, p1}));
    EXPECT_EQ(s.report.end_offset, end1);  // where the torn record began
    EXPECT_EQ(s.report.TailBytes(), 8u + 40 - 15);
    EXPECT_EQ(s.report.skipped_bytes, 0u);
    EXPECT_FALSE(s.report.Clean());

    // Cut inside the third header.
    env.SetContents(DIR / "blk00000.dat",
                    util::Bytes(full.begin(), full.begin() + static_cast<long>(end1) + 3));
    r = seq->Read(p2);
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().IsCorruption());
    s = Scan(*seq, 0);
    EXPECT_EQ(s.report.records, 2u);
    EXPECT_EQ(s.report.end_offset, end1);
    EXPECT_EQ(s.report.TailBytes(), 3u);

    // A zero-filled tail (what some filesystems leave after a crash) is tail, not records.
    util::Bytes zeros = full;
    zeros.resize(full.size() + 4096, 0);
    env.SetContents(DIR / "blk00000.dat", zeros);
    s = Scan(*seq, 0);
    EXPECT_EQ(s.report.records, 3u);
    EXPECT_EQ(s.report.end_offset, full.size());
    EXPECT_EQ(s.report.TailBytes(), 4096u);
}

TEST(FlatFile, BadMagicSkippedByScanRefusedByRead) {
    MemoryEnv env;
    auto seq = OpenSeq(env);
    ASSERT_TRUE(seq);
    const auto p0 = *seq->Append(Record(40, 0));
    const auto p1 = *seq->Append(Record(40, 1));
    const auto p2 = *seq->Append(Record(40, 2));
    util::Bytes bytes = *env.Contents(DIR / "blk00000.dat");
    bytes[p1.offset - 8] ^= 0x01;  // damage the middle record's magic
    env.SetContents(DIR / "blk00000.dat", bytes);

    auto r = seq->Read(p1);
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().IsCorruption());
    EXPECT_NE(r.error().message.find("magic"), std::string::npos) << r.error().message;
    EXPECT_TRUE(seq->Read(p0));
    EXPECT_TRUE(seq->Read(p2));

    const Scanned s = Scan(*seq, 0);
    EXPECT_EQ(s.pos, (std::vector<FlatFilePos>{p0, p2}));  // resynced on the next header
    EXPECT_EQ(s.report.skipped_bytes, 48u);
    EXPECT_EQ(s.report.garbage_regions, 1u);
    EXPECT_EQ(s.report.TailBytes(), 0u);
}

TEST(FlatFile, MagicInsideDataIsNotARecordBoundary) {
    MemoryEnv env;
    auto seq = OpenSeq(env);
    ASSERT_TRUE(seq);
    // Data that contains a complete, plausible header for a 4-byte record.
    util::Bytes tricky = {1, 2, 0xfa, 0xbf, 0xb5, 0xda, 4, 0, 0, 0, 9, 9, 9, 9, 5};
    ASSERT_TRUE(seq->Append(tricky));
    ASSERT_TRUE(seq->Append(Record(3, 0)));
    const Scanned s = Scan(*seq, 0);
    EXPECT_EQ(s.data, (std::vector<util::Bytes>{tricky, Record(3, 0)}));
    EXPECT_TRUE(s.report.Clean());
}

TEST(FlatFile, AbsurdLengthRefusedWithoutAllocating) {
    MemoryEnv env;
    auto seq = OpenSeq(env);
    ASSERT_TRUE(seq);
    const auto p0 = *seq->Append(Record(40, 0));
    const auto p1 = *seq->Append(Record(40, 1));
    const util::Bytes good = *env.Contents(DIR / "blk00000.dat");

    // 0xffffffff: above MAX_RECORD_SIZE. 200 MiB: believable, but far past the end of the file.
    for (const uint32_t len : {0xffffffffu, 200u << 20}) {
        util::Bytes bytes = good;
        for (int i = 0; i < 4; ++i) bytes[p1.offset - 4 + i] = static_cast<uint8_t>(len >> (8 * i));
        env.SetContents(DIR / "blk00000.dat", bytes);

        g_probe_largest = 0;
        g_probe_on = true;
        auto r = seq->Read(p1);
        g_probe_on = false;
        ASSERT_FALSE(r);
        EXPECT_TRUE(r.error().IsCorruption()) << r.error().ToString();
        EXPECT_LT(g_probe_largest, 4096u) << "Read allocated for a length of " << len;

        g_probe_largest = 0;
        g_probe_on = true;
        const Scanned s = Scan(*seq, 0);
        g_probe_on = false;
        EXPECT_LT(g_probe_largest, 1u << 20) << "ScanFile allocated for a length of " << len;
        EXPECT_EQ(s.pos, (std::vector<FlatFilePos>{p0}));
        EXPECT_EQ(s.report.end_offset, p0.offset + 40);
        EXPECT_EQ(s.report.TailBytes(), 48u);
    }
    // The probe itself works: a real read of 40 bytes allocates them.
    env.SetContents(DIR / "blk00000.dat", good);
    g_probe_largest = 0;
    g_probe_on = true;
    auto r = seq->Read(p1);
    g_probe_on = false;
    ASSERT_TRUE(r);
    EXPECT_GE(g_probe_largest, 40u);
}

TEST(FlatFile, FailedAppendLeavesNoHalfRecord) {
    MemoryEnv env;
    auto seq = OpenSeq(env);
    ASSERT_TRUE(seq);
    const auto p0 = *seq->Append(Record(40, 0));
    env.SetWriteBudget(20);  // disk fills up in the middle of the next record
    auto r = seq->Append(Record(40, 1));
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().IsIoError());
    EXPECT_EQ(env.Contents(DIR / "blk00000.dat")->size(), 48u);  // cut back to the last record
    env.SetWriteBudget(std::nullopt);
    const auto p1 = seq->Append(Record(40, 2));
    ASSERT_TRUE(p1);
    EXPECT_EQ(p1->offset, 56u);
    const Scanned s = Scan(*seq, 0);
    EXPECT_EQ(s.pos, (std::vector<FlatFilePos>{p0, *p1}));
    EXPECT_TRUE(s.report.Clean());
}

TEST(FlatFile, PowerLossLosesOnlyUnflushedRecords) {
    MemoryEnv env;
    FlatFilePos p0, p1;
    {
        auto seq = OpenSeq(env);
        ASSERT_TRUE(seq);
        p0 = *seq->Append(Record(40, 0));
        ASSERT_TRUE(seq->Flush(true));  // also makes blk00000.dat's name durable
        p1 = *seq->Append(Record(40, 1));
        ASSERT_TRUE(seq->Flush(false));  // not durable
        env.SimulateCrash();
        EXPECT_TRUE(seq->Read(p0));
        auto r = seq->Read(p1);
        ASSERT_FALSE(r);
        EXPECT_TRUE(r.error().IsCorruption());
    }
    auto seq = OpenSeq(env);
    ASSERT_TRUE(seq);
    EXPECT_EQ(seq->CurrentFileSize(), 48u);
    auto again = seq->Append(Record(40, 1));
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, p1);
    EXPECT_EQ(*seq->Read(*again), Record(40, 1));

    env.SetSyncFails(true);
    EXPECT_FALSE(seq->Flush(true));
    EXPECT_TRUE(seq->Flush(false));
}

TEST(FlatFile, TruncateToDropsTailAndLaterFiles) {
    MemoryEnv env;
    auto seq = OpenSeq(env, {.max_file_size = 100, .max_record_size = 1000});
    ASSERT_TRUE(seq);
    std::vector<FlatFilePos> pos;
    for (uint8_t i = 0; i < 5; ++i) pos.push_back(*seq->Append(Record(30, i)));
    ASSERT_EQ(seq->CurrentFile(), 2u);

    EXPECT_FALSE(seq->TruncateTo(3, 0));                  // beyond the data
    EXPECT_FALSE(seq->TruncateTo(2, 39));                 // longer than file 2
    ASSERT_TRUE(seq->TruncateTo(0, pos[0].offset + 30));  // keep only the first record
    EXPECT_EQ(seq->CurrentFile(), 0u);
    EXPECT_FALSE(*env.FileExists(DIR / "blk00001.dat"));
    EXPECT_FALSE(*env.FileExists(DIR / "blk00002.dat"));
    EXPECT_FALSE(seq->Read(pos[1]));
    auto p = seq->Append(Record(30, 9));
    ASSERT_TRUE(p);
    EXPECT_EQ(*p, pos[1]);
    EXPECT_EQ(*seq->Read(*p), Record(30, 9));

    // After a torn tail, cutting at the scan's end_offset makes the file clean again.
    util::Bytes bytes = *env.Contents(DIR / "blk00000.dat");
    bytes.resize(bytes.size() - 5);
    env.SetContents(DIR / "blk00000.dat", bytes);
    auto s = Scan(*seq, 0);
    ASSERT_FALSE(s.report.Clean());
    ASSERT_TRUE(seq->TruncateTo(0, s.report.end_offset));
    s = Scan(*seq, 0);
    EXPECT_TRUE(s.report.Clean());
    EXPECT_EQ(s.report.records, 1u);
}

TEST(FlatFile, SizesAndWholeFileRemovalForPruning) {
    MemoryEnv env;
    const FlatFileSeq::Options opts{.max_file_size = 100, .max_record_size = 1000};
    std::vector<FlatFilePos> pos;
    {
        auto seq = OpenSeq(env, opts);
        ASSERT_TRUE(seq);
        for (uint8_t i = 0; i < 5; ++i) pos.push_back(*seq->Append(Record(30, i)));
        // Two records of 38 bytes per 100-byte file: files 0 and 1 full, file 2 appending.
        EXPECT_EQ(seq->FileSizes(), (std::map<uint32_t, uint64_t>{{0, 76}, {1, 76}, {2, 38}}));
        EXPECT_EQ(seq->TotalSize(), 190u);
        EXPECT_FALSE(seq->RemoveFile(2));  // the file taking appends stays
        ASSERT_TRUE(seq->RemoveFile(0));
        EXPECT_FALSE(*env.FileExists(DIR / "blk00000.dat"));
        EXPECT_FALSE(seq->Read(pos[0]));
        EXPECT_EQ(*seq->Read(pos[2]), Record(30, 2));
        EXPECT_EQ(seq->TotalSize(), 114u);
    }
    // Reopened with a gap at the front: sizes come from the files, appends carry on at the end.
    auto seq = OpenSeq(env, opts);
    ASSERT_TRUE(seq);
    EXPECT_EQ(seq->FileSizes(), (std::map<uint32_t, uint64_t>{{1, 76}, {2, 38}}));
    auto p = seq->Append(Record(30, 5));
    ASSERT_TRUE(p);
    EXPECT_EQ(p->file, 2u);
    EXPECT_EQ(seq->TotalSize(), 152u);
}

TEST(FlatFile, ScanStopsWhenCallbackSaysSo) {
    MemoryEnv env;
    auto seq = OpenSeq(env);
    ASSERT_TRUE(seq);
    for (uint8_t i = 0; i < 4; ++i) ASSERT_TRUE(seq->Append(Record(10, i)));
    int seen = 0;
    auto r = seq->ScanFile(0, [&](FlatFilePos, util::ByteSpan) { return ++seen < 2; });
    ASSERT_TRUE(r);
    EXPECT_EQ(seen, 2);
    EXPECT_EQ(r->records, 2u);
    EXPECT_TRUE(r->stopped_by_callback);
}

TEST(FlatFile, PosixRoundTripAndReopen) {
    test::TestTempDir tmp;
    auto env = Env::MakePosix();
    const fs::path dir = tmp.path() / "blocks";
    const FlatFileSeq::Options opts{.max_file_size = 100, .max_record_size = 1000};
    std::vector<FlatFilePos> pos;
    {
        auto seq = FlatFileSeq::Open(*env, dir, "rev", MAGIC, opts);
        ASSERT_TRUE(seq) << seq.error().ToString();
        for (uint8_t i = 0; i < 3; ++i) pos.push_back(*(*seq)->Append(Record(30, i)));
        ASSERT_TRUE((*seq)->Flush(true));
    }
    EXPECT_TRUE(fs::exists(dir / "rev00000.dat"));
    EXPECT_TRUE(fs::exists(dir / "rev00001.dat"));
    EXPECT_EQ(fs::file_size(dir / "rev00000.dat"), 76u);
    auto seq = FlatFileSeq::Open(*env, dir, "rev", MAGIC, opts);
    ASSERT_TRUE(seq);
    pos.push_back(*(*seq)->Append(Record(30, 3)));
    EXPECT_EQ(pos[3], (FlatFilePos{1, 46}));
    for (uint8_t i = 0; i < 4; ++i) EXPECT_EQ(*(*seq)->Read(pos[i]), Record(30, i));
    const Scanned s = Scan(**seq, 1);
    EXPECT_EQ(s.report.records, 2u);
    EXPECT_TRUE(s.report.Clean());

    // Truncate on the real disk: Read and ScanFile see the torn tail.
    fs::resize_file(dir / "rev00001.dat", 60);
    EXPECT_FALSE((*seq)->Read(pos[3]));
    EXPECT_EQ(Scan(**seq, 1).report.end_offset, 38u);
    ASSERT_TRUE((*seq)->TruncateTo(1, 38));
    EXPECT_EQ(fs::file_size(dir / "rev00001.dat"), 38u);
}

}  // namespace
}  // namespace tonari::storage
