// Resume data: a record round-trips, belongs to one torrent, and is trusted only while the
// files are exactly as it stamped them.
#include "torrent/storage/resume_data.h"

#include <gtest/gtest.h>

#include <fstream>

#include "storage/test_temp_dir.h"
#include "torrent/storage/test_torrent.h"

namespace tonari::torrent::storage {
namespace {

using bencode::Value;

metainfo::Metainfo TwoFiles(const std::string& name) {
    Value info = Value::Dict();
    info.Set("name", Value::Str(name));
    info.Set("piece length", Value::Int(16384));
    Value files = Value::List();
    for (const char* f : {"a.bin", "b.bin"}) {
        Value entry = Value::Dict();
        entry.Set("length", Value::Int(20000));
        Value path = Value::List();
        path.Push(Value::Str(f));
        entry.Set("path", path);
        files.Push(entry);
    }
    info.Set("files", files);
    return test::FinishV1(std::move(info), std::string(40000, 'x'));
}

TEST(ResumeData, RoundTripsAndBelongsToOneTorrent) {
    const auto meta = TwoFiles("t");
    ResumeData data;
    data.have = {true, false, true};
    data.files = {{20000, 123456789}, {20000, 5}};
    const std::string bytes = EncodeResumeData(meta, data);
    auto back = DecodeResumeData(meta, bytes);
    ASSERT_TRUE(back) << back.error();
    EXPECT_EQ(back->have, data.have);
    EXPECT_EQ(back->files, data.files);
    EXPECT_FALSE(DecodeResumeData(TwoFiles("other"), bytes));  // another info-hash
    EXPECT_FALSE(DecodeResumeData(meta, "garbage"));
    ResumeData short_list = data;
    short_list.files.pop_back();
    EXPECT_FALSE(DecodeResumeData(meta, EncodeResumeData(meta, short_list)));
    ResumeData short_file = data;
    short_file.files[1].size = 100;  // piece 2 ends 9,152 bytes into b.bin, which has 100
    EXPECT_FALSE(DecodeResumeData(meta, EncodeResumeData(meta, short_file)));
    ResumeData growing = data;
    growing.have = {true, false, false};
    growing.files[1] = {0, 0};  // a file not reached yet is fine while no had piece needs it
    EXPECT_TRUE(DecodeResumeData(meta, EncodeResumeData(meta, growing)));
    ResumeData long_bits = data;
    long_bits.have.resize(20);
    EXPECT_FALSE(DecodeResumeData(meta, EncodeResumeData(meta, long_bits)));
}

TEST(ResumeData, StampsSeeEveryChangeToTheFiles) {
    tonari::storage::test::TestTempDir dir;
    const auto meta = TwoFiles("t");
    const auto missing = StampFiles(meta, dir.path());
    ASSERT_EQ(missing.size(), 2u);
    EXPECT_EQ(missing[0], (FileStamp{0, 0}));
    std::filesystem::create_directories(dir.path() / "t");
    { std::ofstream(dir.path() / "t" / "a.bin") << std::string(20000, 'x'); }
    const auto written = StampFiles(meta, dir.path());
    EXPECT_EQ(written[0].size, 20000u);
    EXPECT_NE(written, missing);
    EXPECT_EQ(StampFiles(meta, dir.path()), written);  // nothing changed, nothing differs
    std::filesystem::last_write_time(dir.path() / "t" / "a.bin",
                                     std::filesystem::last_write_time(dir.path() / "t" / "a.bin") + std::chrono::seconds(1));
    EXPECT_NE(StampFiles(meta, dir.path()), written);  // touched
    std::filesystem::resize_file(dir.path() / "t" / "a.bin", 10);
    EXPECT_EQ(StampFiles(meta, dir.path())[0].size, 10u);  // truncated
    EXPECT_EQ(ResumePath(dir.path(), meta).parent_path(), dir.path() / ".tonari");
    // A link in a file's place is never vouched for, whatever it points at.
    std::filesystem::create_symlink(dir.path() / "t" / "a.bin", dir.path() / "t" / "b.bin");
    EXPECT_EQ(StampFiles(meta, dir.path())[1], (FileStamp{UINT64_MAX, -1}));
}

}  // namespace
}  // namespace tonari::torrent::storage
