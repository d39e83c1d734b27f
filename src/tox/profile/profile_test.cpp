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
    SavedFriend f;
    f.status = 3;
    f.public_key = crypto::BoxGenerateKeyPair().public_key;
    f.request_message = "hi, it's alice";
    f.name = "bob";
    f.status_message = std::string(MAX_STATUS_MESSAGE_SIZE, 'x');
    f.user_status = 1;
    f.request_nospam = {1, 2, 3, 4};
    f.last_seen = 1'790'000'000;
    p.friends.push_back(f);
    f.status = 1;
    f.name.clear();
    p.friends.push_back(f);
    p.kept.push_back({0x14, util::Bytes{1, 2, 3}});  // a conference, kept as it came
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
    EXPECT_EQ(back->friends, p.friends);
    EXPECT_EQ(back->kept, p.kept);
    EXPECT_EQ(EncodeState(*back), encoded);
}

TEST(StateFormat, FriendRecordsAreC_ToxcoresFixedLayout) {
    Profile p = NewProfile();
    SavedFriend f;
    f.status = 2;
    f.public_key.data()[0] = 0xab;
    f.request_message = "hello";
    f.name = "carol";
    f.last_seen = 0x0102030405060708;
    p.friends.push_back(f);
    const util::Bytes encoded = EncodeState(p);
    // Find the friends section: [length][type 3][0x01CE].
    size_t at = 8;
    while (at + 8 <= encoded.size() && !(encoded[at + 4] == 3 && encoded[at + 5] == 0)) {
        at += 8 + (encoded[at] | encoded[at + 1] << 8 | encoded[at + 2] << 16);
    }
    ASSERT_LT(at + 8, encoded.size());
    const size_t length = encoded[at] | encoded[at + 1] << 8;
    EXPECT_EQ(length, SAVED_FRIEND_SIZE);
    const uint8_t* r = encoded.data() + at + 8;
    EXPECT_EQ(r[0], 2);
    EXPECT_EQ(r[1], 0xab);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(r + 33), 5), "hello");
    EXPECT_EQ(r[33 + 1024 + 1], 0);  // request size, big-endian
    EXPECT_EQ(r[33 + 1024 + 2], 5);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(r + 1060), 5), "carol");
    EXPECT_EQ(r[1060 + 128 + 1], 5);
    EXPECT_EQ(r[SAVED_FRIEND_SIZE - 8], 0x01);  // last seen, big-endian
    EXPECT_EQ(r[SAVED_FRIEND_SIZE - 1], 0x08);

    util::Bytes cut = encoded;
    cut[at] = static_cast<uint8_t>((SAVED_FRIEND_SIZE - 1) & 0xff);
    EXPECT_FALSE(DecodeState(cut));  // not whole records (and the sections after it misalign)
    util::Bytes lying = encoded;
    lying[at + 8 + 33 + 1024 + 1] = 0x05;  // request size 0x0505, past its 1,024-byte field
    EXPECT_FALSE(DecodeState(lying));
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

TEST(StateFormat, ADamagedNodeListNameOrStatusIsLeftOutAndTheIdentityLoads) {
    Profile p = NewProfile();
    p.name = "kept";
    p.tcp_relays.push_back({.tcp = true, .endpoint = {"192.0.2.9", 443}, .public_key = crypto::BoxGenerateKeyPair().public_key});
    p.tcp_relays.push_back(p.tcp_relays.front());
    util::Bytes encoded = EncodeState(p);
    // Damage the second relay record's family byte, and make the name section claim 200 bytes
    // of a longer file: find the relays section (type 0x0a) and corrupt inside it.
    size_t at = 8;
    while (at + 8 <= encoded.size() && encoded[at + 4] != 0x0a) {
        at += 8 + (encoded[at] | encoded[at + 1] << 8 | encoded[at + 2] << 16);
    }
    ASSERT_LT(at + 8, encoded.size());
    encoded[at + 8 + wire::PACKED_NODE_SIZE_IP4] = 0x55;
    auto back = DecodeState(encoded);
    ASSERT_TRUE(back) << back.error();
    EXPECT_EQ(back->Id(), p.Id());
    EXPECT_EQ(back->name, "kept");
    EXPECT_EQ(back->tcp_relays.size(), 1u);  // the list up to the damaged record

    // A name longer than c-toxcore allows is left out, not fatal.
    Profile q = NewProfile();
    q.name = std::string(MAX_NAME_SIZE + 5, 'n');
    auto long_name = DecodeState(EncodeState(q));
    ASSERT_TRUE(long_name);
    EXPECT_TRUE(long_name->name.empty());
    EXPECT_EQ(long_name->Id(), q.Id());
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
