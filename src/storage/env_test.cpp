// Tests for Env, run against both implementations (the real filesystem in a temp dir and
// MemoryEnv): append/read/size/truncate, listing, removal, missing files, reads past the end;
// then MemoryEnv's fault model (crash drops unsynced bytes and undurable names, write budget
// tears an append, failing fsync) and StorageError's text.
#include "storage/env.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "storage/memory_env.h"
#include "storage/test_temp_dir.h"

namespace tonari::storage {
namespace {

namespace fs = std::filesystem;

util::Bytes B(std::string_view s) {
    const util::ByteSpan b = util::AsBytes(s);
    return {b.begin(), b.end()};
}

class EnvTest : public ::testing::TestWithParam<bool> {
protected:
    void SetUp() override {
        if (GetParam()) {
            m_env = Env::MakePosix();
            m_dir = m_tmp.path() / "sub" / "dir";
        } else {
            m_env = std::make_unique<MemoryEnv>();
            m_dir = "/mem/sub/dir";
        }
        ASSERT_TRUE(m_env->CreateDirs(m_dir));
    }

    util::Bytes ReadAll(const fs::path& p) {
        auto f = m_env->OpenReadable(p);
        EXPECT_TRUE(f);
        if (!f) return {};
        auto size = (*f)->Size();
        EXPECT_TRUE(size);
        util::Bytes out(size ? *size : 0);
        auto got = (*f)->ReadAt(0, out);
        EXPECT_TRUE(got && *got == out.size());
        return out;
    }

    test::TestTempDir m_tmp;
    std::unique_ptr<Env> m_env;
    fs::path m_dir;
};

TEST_P(EnvTest, AppendReadTruncate) {
    const fs::path p = m_dir / "a.dat";
    EXPECT_FALSE(*m_env->FileExists(p));
    {
        auto w = m_env->OpenAppendable(p);
        ASSERT_TRUE(w);
        EXPECT_EQ((*w)->Size(), 0u);
        ASSERT_TRUE((*w)->Append(util::AsBytes("hello ")));
        ASSERT_TRUE((*w)->Append(util::AsBytes("world")));
        EXPECT_EQ((*w)->Size(), 11u);
        ASSERT_TRUE((*w)->Sync());
    }
    EXPECT_TRUE(*m_env->FileExists(p));
    EXPECT_EQ(ReadAll(p), B("hello world"));

    // Reopening appends at the end.
    auto w = m_env->OpenAppendable(p);
    ASSERT_TRUE(w);
    EXPECT_EQ((*w)->Size(), 11u);
    ASSERT_TRUE((*w)->Append(util::AsBytes("!")));
    EXPECT_EQ(ReadAll(p), B("hello world!"));

    // Truncate, then appends continue from the cut.
    ASSERT_TRUE((*w)->Truncate(5));
    EXPECT_EQ((*w)->Size(), 5u);
    ASSERT_TRUE((*w)->Append(util::AsBytes("!")));
    EXPECT_EQ(ReadAll(p), B("hello!"));

    // Positional reads, short at the end, empty past it.
    auto r = m_env->OpenReadable(p);
    ASSERT_TRUE(r);
    uint8_t buf[4];
    auto got = (*r)->ReadAt(3, buf);
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, 3u);
    EXPECT_EQ(util::Bytes(buf, buf + 3), B("lo!"));
    got = (*r)->ReadAt(100, buf);
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, 0u);
}

TEST_P(EnvTest, ListRemoveAndMissing) {
    for (const char* name : {"x.dat", "y.dat"}) {
        auto w = m_env->OpenAppendable(m_dir / name);
        ASSERT_TRUE(w);
    }
    ASSERT_TRUE(m_env->CreateDirs(m_dir / "nested"));  // directories are not listed
    auto names = m_env->ListDir(m_dir);
    ASSERT_TRUE(names);
    std::sort(names->begin(), names->end());
    EXPECT_EQ(*names, (std::vector<std::string>{"x.dat", "y.dat"}));
    ASSERT_TRUE(m_env->SyncDir(m_dir));

    ASSERT_TRUE(m_env->RemoveFile(m_dir / "x.dat"));
    ASSERT_TRUE(m_env->RemoveFile(m_dir / "x.dat"));  // removing a missing file is fine
    EXPECT_FALSE(*m_env->FileExists(m_dir / "x.dat"));

    auto missing = m_env->OpenReadable(m_dir / "x.dat");
    ASSERT_FALSE(missing);
    EXPECT_TRUE(missing.error().IsNotFound()) << missing.error().ToString();
}

INSTANTIATE_TEST_SUITE_P(Backends, EnvTest, ::testing::Values(true, false),
                         [](const auto& param_info) { return param_info.param ? "Posix" : "Memory"; });

TEST_P(EnvTest, RandomAccessWritesInAnyOrder) {
    const fs::path p = m_dir / "pieces.bin";
    auto f = m_env->OpenRandomAccess(p);
    ASSERT_TRUE(f);
    ASSERT_TRUE((*f)->Resize(10));  // pre-sized: reads as zeros
    ASSERT_TRUE((*f)->WriteAt(6, util::AsBytes(std::string_view("tail"))));
    ASSERT_TRUE((*f)->WriteAt(0, util::AsBytes(std::string_view("he"))));
    ASSERT_TRUE((*f)->WriteAt(12, util::AsBytes(std::string_view("!"))));  // past the end: a gap of zeros
    ASSERT_TRUE((*f)->Sync());
    EXPECT_EQ(*(*f)->Size(), 13u);
    util::Bytes got(13);
    ASSERT_EQ(*(*f)->ReadAt(0, got), 13u);
    EXPECT_EQ(got, B(std::string("he\0\0\0\0tail\0\0!", 13)));
    ASSERT_TRUE((*f)->Resize(4));
    EXPECT_EQ(ReadAll(p), B(std::string("he\0\0", 4)));
    // Opening again keeps the contents.
    auto again = m_env->OpenRandomAccess(p);
    ASSERT_TRUE(again);
    EXPECT_EQ(*(*again)->Size(), 4u);
}

TEST(PosixEnv, RandomAccessRefusesASymlink) {
    test::TestTempDir tmp;
    const fs::path target = tmp.path() / "outside";
    const fs::path link = tmp.path() / "link";
    fs::create_symlink(target, link);
    auto env = Env::MakePosix();
    EXPECT_FALSE(env->OpenRandomAccess(link));
    EXPECT_FALSE(fs::exists(target));
}

TEST(PosixEnv, ListMissingDirIsNotFound) {
    test::TestTempDir tmp;
    auto env = Env::MakePosix();
    auto names = env->ListDir(tmp.path() / "nope");
    ASSERT_FALSE(names);
    EXPECT_TRUE(names.error().IsNotFound());
    EXPECT_FALSE(env->SyncDir(tmp.path() / "nope"));
}

TEST(MemoryEnv, CrashKeepsOnlySyncedBytesAndDurableNames) {
    MemoryEnv env;
    auto a = env.OpenAppendable("/d/a");
    ASSERT_TRUE(a);
    ASSERT_TRUE((*a)->Append(util::AsBytes("synced")));
    ASSERT_TRUE((*a)->Sync());
    ASSERT_TRUE(env.SyncDir("/d"));
    ASSERT_TRUE((*a)->Append(util::AsBytes("+lost")));
    auto b = env.OpenAppendable("/d/b");  // created after the directory sync
    ASSERT_TRUE(b);
    ASSERT_TRUE((*b)->Append(util::AsBytes("data")));
    ASSERT_TRUE((*b)->Sync());  // data synced, but the name never was

    env.SimulateCrash();
    EXPECT_EQ(env.Contents("/d/a"), B("synced"));
    EXPECT_FALSE(env.Contents("/d/b"));
    EXPECT_FALSE(*env.FileExists("/d/b"));
}

TEST(MemoryEnv, WriteBudgetTearsAppend) {
    MemoryEnv env;
    auto w = env.OpenAppendable("/f");
    ASSERT_TRUE(w);
    env.SetWriteBudget(4);
    const Status s = (*w)->Append(util::AsBytes("abcdef"));
    ASSERT_FALSE(s);
    EXPECT_TRUE(s.error().IsIoError());
    EXPECT_EQ(env.Contents("/f"), B("abcd"));  // the part that fit was written
    EXPECT_FALSE((*w)->Append(util::AsBytes("x")));
    env.SetWriteBudget(std::nullopt);
    EXPECT_TRUE((*w)->Append(util::AsBytes("x")));
}

TEST(MemoryEnv, SyncFailure) {
    MemoryEnv env;
    auto w = env.OpenAppendable("/f");
    ASSERT_TRUE(w);
    env.SetSyncFails(true);
    EXPECT_FALSE((*w)->Sync());
    EXPECT_FALSE(env.SyncDir("/"));
    env.SetSyncFails(false);
    EXPECT_TRUE((*w)->Sync());
}

TEST(StorageError, TextAndReindexHint) {
    const StorageError c = StorageError::CorruptionNeedsReindex("checksum mismatch in 000012.sst");
    EXPECT_TRUE(c.IsCorruption());
    EXPECT_NE(c.ToString().find("Corruption: checksum mismatch in 000012.sst"), std::string::npos);
    EXPECT_NE(c.message.find("-reindex"), std::string::npos);
    EXPECT_EQ(StorageError::Io("disk full").ToString(), "I/O error: disk full");
    EXPECT_EQ(StorageError::NotFound("x").ToString(), "Not found: x");
    EXPECT_EQ(StorageError::Corruption("y").message.find("-reindex"), std::string::npos);
}

}  // namespace
}  // namespace tonari::storage
