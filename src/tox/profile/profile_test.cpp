// Tox IDs and the save format: checksums, round trips, sections kept verbatim, damaged files.
#include <gtest/gtest.h>

#include <filesystem>

#include "crypto/random.h"
#include "tox/profile/profile_file.h"
#include "util/byte_writer.h"
#include "util/hex.h"

namespace tonari::tox::profile {
namespace {

// A fresh folder under the system's temporary one, removed with everything in it.
struct TempDir {
    TempDir()
        : path(std::filesystem::temp_directory_path() /
               ("tonari_tox_profile_" + util::HexEncode(crypto::RandomUint256().span()).substr(0, 16))) {
        std::filesystem::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::filesystem::path path;
};

TEST(ToxId, FormatsParsesAndCatchesTypos) {
    const Profile p = NewProfile();
    const ToxId id = p.Id();
    const std::string text = id.ToString();
    ASSERT_EQ(text.size(), 76u);
    EXPECT_EQ(text, [&] {
        std::string upper = text;
        for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return upper;
    }());
    auto back = ToxId::Parse(" " + text + "\n");
    ASSERT_TRUE(back) << back.error();
    EXPECT_EQ(*back, id);
    std::string lower = text;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_TRUE(ToxId::Parse(lower));

    std::string typo = text;
    typo[10] = typo[10] == 'A' ? 'B' : 'A';
    auto bad = ToxId::Parse(typo);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().find("checksum"), std::string::npos);
    EXPECT_FALSE(ToxId::Parse(text.substr(2)));
    EXPECT_FALSE(ToxId::Parse(text.substr(0, 74) + "ZZ"));
}

TEST(ToxId, ChecksumIsTheXorOfByteThePairs) {
    ToxId id;
    id.public_key.data()[0] = 0x12;
    id.public_key.data()[1] = 0x34;
    id.public_key.data()[2] = 0x01;
    id.nospam = {0x00, 0x00, 0x10, 0x20};
    const auto sum = id.Checksum();
    EXPECT_EQ(sum[0], 0x12 ^ 0x01 ^ 0x10);
    EXPECT_EQ(sum[1], 0x34 ^ 0x20);
    EXPECT_EQ(id.ToString().substr(72), "0314");
}

TEST(StateFormat, RoundTripKeepsEveryFieldAndUnknownSections) {
    Profile p = NewProfile();
    p.name = "alice";
    p.status_message = "hello there";
    p.user_status = 2;
    p.dht_nodes.push_back({.tcp = false, .endpoint = {"192.0.2.1", 33445}, .public_key = crypto::BoxGenerateKeyPair().public_key});
    p.tcp_relays.push_back({.tcp = true, .endpoint = {"2001:db8::1", 443}, .public_key = crypto::BoxGenerateKeyPair().public_key});
    p.kept.push_back({0x03, util::Bytes(2216, 7)});  // a friend record, kept as it came
    p.kept.push_back({0x14, util::Bytes{1, 2, 3}});
    const util::Bytes encoded = EncodeState(p);
    // The header: four zero bytes, then the magic little-endian.
    EXPECT_EQ(util::Bytes(encoded.begin(), encoded.begin() + 8), (util::Bytes{0, 0, 0, 0, 0x1f, 0x1b, 0xed, 0x15}));
    auto back = DecodeState(encoded);
    ASSERT_TRUE(back) << back.error();
    EXPECT_EQ(back->Id(), p.Id());
    EXPECT_EQ(back->keys.secret_key, p.keys.secret_key);
    EXPECT_EQ(back->name, "alice");
    EXPECT_EQ(back->status_message, "hello there");
    EXPECT_EQ(back->user_status, 2);
    EXPECT_EQ(back->dht_nodes, p.dht_nodes);
    EXPECT_EQ(back->tcp_relays, p.tcp_relays);
    EXPECT_EQ(back->kept, p.kept);
    EXPECT_EQ(EncodeState(*back), encoded);
}

TEST(StateFormat, DamagedFilesAreRefusedWithAReason) {
    const Profile p = NewProfile();
    const util::Bytes good = EncodeState(p);
    EXPECT_FALSE(DecodeState(util::Bytes(good.begin(), good.begin() + 7)));
    util::Bytes magic = good;
    magic[4] ^= 1;
    EXPECT_FALSE(DecodeState(magic));
    util::Bytes cookie = good;
    cookie[14] ^= 1;  // the first section's 0x01CE
    auto r = DecodeState(cookie);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("byte 8"), std::string::npos) << r.error();
    util::Bytes long_section = good;
    long_section[8] = 0xff;
    long_section[9] = 0xff;
    EXPECT_FALSE(DecodeState(long_section));
    util::Bytes wrong_key = good;
    wrong_key[8 + 8 + 4] ^= 1;  // the public key no longer matches the secret key
    EXPECT_FALSE(DecodeState(wrong_key));

    // No keys section at all.
    util::ByteWriter w;
    w.WriteU32LE(0);
    w.WriteU32LE(0x15ED1B1F);
    w.WriteU32LE(0);
    w.WriteU16LE(0xff);
    w.WriteU16LE(0x01CE);
    EXPECT_FALSE(DecodeState(w.data()));
}

TEST(ProfileFile, MadeOnceThenLoadedWithTheSameIdAndOwnerOnly) {
    TempDir dir;
    const auto path = dir.path / "sub" / "me.tox";
    auto first = LoadOrCreateProfile(path);
    ASSERT_TRUE(first) << first.error();
    EXPECT_TRUE(first->created);
    const auto perms = std::filesystem::status(path).permissions();
    EXPECT_EQ(perms & std::filesystem::perms::group_read, std::filesystem::perms::none);
    auto second = LoadOrCreateProfile(path);
    ASSERT_TRUE(second);
    EXPECT_FALSE(second->created);
    EXPECT_EQ(second->profile.Id(), first->profile.Id());

    const auto keys = dir.path / "boot.keys";
    auto k1 = LoadOrCreateKeyFile(keys);
    auto k2 = LoadOrCreateKeyFile(keys);
    ASSERT_TRUE(k1 && k2);
    EXPECT_EQ(k1->public_key, k2->public_key);
    EXPECT_EQ(std::filesystem::file_size(keys), 64u);
    std::filesystem::resize_file(keys, 63);
    EXPECT_FALSE(LoadOrCreateKeyFile(keys));
}

}  // namespace
}  // namespace tonari::tox::profile
