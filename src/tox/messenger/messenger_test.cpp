// The messenger's pure parts: file offers in c-toxcore's layout, safe names for received
// files, and free paths that never overwrite.
#include <gtest/gtest.h>

#include <fstream>

#include "crypto/random.h"
#include "tox/messenger/file_transfer.h"
#include "util/hex.h"

namespace tonari::tox::messenger {
namespace {

TEST(FileTransfer, OffersRoundTripInCToxcoresLayout) {
    FileOffer o;
    o.number = 7;
    o.kind = 0;
    o.size = 0x0102030405060708;
    o.id.fill(0xab);
    o.name = "holiday.jpg";
    const util::Bytes b = EncodeFileOffer(o);
    ASSERT_EQ(b.size(), 1 + 4 + 8 + 32 + o.name.size());
    EXPECT_EQ(b[0], 7);
    EXPECT_EQ(util::HexEncode(util::ByteSpan(b).subspan(5, 8)), "0102030405060708");  // size, big-endian
    auto back = DecodeFileOffer(b);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->size, o.size);
    EXPECT_EQ(back->name, o.name);
    EXPECT_FALSE(DecodeFileOffer(util::ByteSpan(b).first(44)));  // shorter than the head
    util::Bytes long_name = b;
    long_name.resize(45 + MAX_FILE_NAME + 1, 'x');
    EXPECT_FALSE(DecodeFileOffer(long_name));
}

TEST(FileTransfer, NamesFromFriendsCannotLeaveTheDownloadsFolder) {
    EXPECT_EQ(SafeFileName("../../etc/passwd"), "etcpasswd");
    EXPECT_EQ(SafeFileName("/abs/path.txt"), "abspath.txt");
    EXPECT_EQ(SafeFileName("..\\windows\\system32"), "windowssystem32");
    EXPECT_EQ(SafeFileName("C:evil"), "Cevil");
    EXPECT_EQ(SafeFileName(std::string("a\nb\x01") + "c"), "abc");
    EXPECT_EQ(SafeFileName(".."), "file");
    EXPECT_EQ(SafeFileName(""), "file");
    EXPECT_EQ(SafeFileName(" .hidden. "), "hidden");
    EXPECT_EQ(SafeFileName("photo 1.png"), "photo 1.png");
}

TEST(FileTransfer, FreePathsNeverOverwrite) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("tonari_tox_files_" + util::HexEncode(crypto::RandomUint256().span()).substr(0, 12));
    std::filesystem::create_directories(dir);
    EXPECT_EQ(FreePath(dir, "a.txt"), dir / "a.txt");
    std::ofstream(dir / "a.txt") << "x";
    EXPECT_EQ(FreePath(dir, "a.txt"), dir / "a.txt (1)");
    std::ofstream(dir / "a.txt (1)") << "y";
    EXPECT_EQ(FreePath(dir, "a.txt"), dir / "a.txt (2)");
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tonari::tox::messenger
