// BanList: subnet bans with expiry, unban, clear, and the bounded discouragement set.
#include "bitcoin/p2p/ban_list.h"

#include <gtest/gtest.h>

#include "bitcoin/p2p/known_set.h"

namespace tonari::bitcoin::p2p {
namespace {

TEST(BanList, BansSubnetsUntilExpiry) {
    BanList bans;
    EXPECT_TRUE(bans.Ban("10.0.0.0/8", 100, 200));
    EXPECT_TRUE(bans.IsBanned("10.1.2.3", 150));
    EXPECT_FALSE(bans.IsBanned("11.1.2.3", 150));
    EXPECT_FALSE(bans.IsBanned("10.1.2.3", 200)) << "expired at `until`";
    EXPECT_EQ(bans.List(150).size(), 1u);
    EXPECT_TRUE(bans.List(250).empty());
}

TEST(BanList, RejectsBadSubnetsAndUnbans) {
    BanList bans;
    EXPECT_FALSE(bans.Ban("not-an-ip", 0, 10));
    EXPECT_FALSE(bans.Unban("1.2.3.4"));
    ASSERT_TRUE(bans.Ban("1.2.3.4", 0, 10));
    EXPECT_TRUE(bans.IsBanned("1.2.3.4", 5));
    EXPECT_FALSE(bans.IsBanned("garbage", 5));
    EXPECT_TRUE(bans.Unban("1.2.3.4"));
    EXPECT_FALSE(bans.IsBanned("1.2.3.4", 5));
    ASSERT_TRUE(bans.Ban("::1", 0, 10));
    EXPECT_TRUE(bans.IsBanned("::1", 1));
    bans.Clear();
    EXPECT_FALSE(bans.IsBanned("::1", 1));
}

TEST(BanList, DiscouragementIsBounded) {
    BanList bans;
    for (size_t i = 0; i < MAX_DISCOURAGED + 10; ++i) bans.Discourage("addr" + std::to_string(i));
    EXPECT_FALSE(bans.IsDiscouraged("addr0")) << "the oldest are forgotten";
    EXPECT_TRUE(bans.IsDiscouraged("addr" + std::to_string(MAX_DISCOURAGED + 9)));
}

TEST(KnownSet, ForgetsOldestBeyondCapacity) {
    KnownSet set(3);
    util::Uint256 h[4];
    for (int i = 0; i < 4; ++i) {
        h[i].data()[0] = static_cast<uint8_t>(i + 1);
        set.Insert(h[i]);
    }
    set.Insert(h[3]);  // a repeat does not push anything out
    EXPECT_EQ(set.Size(), 3u);
    EXPECT_FALSE(set.Contains(h[0]));
    EXPECT_TRUE(set.Contains(h[1]));
    EXPECT_TRUE(set.Contains(h[3]));
}

TEST(BanList, SurvivesARestartAsBanlistJson) {
    BanList bans;
    ASSERT_TRUE(bans.Ban("1.2.3.4", 100, 5'000));
    ASSERT_TRUE(bans.Ban("10.0.0.0/8", 100, 200));  // expires before the reload
    ASSERT_TRUE(bans.Ban("2001:db8::/32", 100, 9'000));
    const std::string text = bans.ToJson(150);
    BanList back;
    auto loaded = back.LoadJson(text, 300);
    ASSERT_TRUE(loaded);
    EXPECT_EQ(*loaded, 2u);
    EXPECT_TRUE(back.IsBanned("1.2.3.4", 300));
    EXPECT_FALSE(back.IsBanned("10.1.2.3", 300));
    EXPECT_TRUE(back.IsBanned("2001:db8:1::5", 300));
    const auto list = back.List(300);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].created, 100);
    EXPECT_EQ(list[0].until, 5'000);
}

TEST(BanList, BadBanlistJsonIsAnErrorOrSkipped) {
    BanList bans;
    EXPECT_FALSE(bans.LoadJson("not json", 0));
    EXPECT_FALSE(bans.LoadJson("[1,2]", 0));
    EXPECT_FALSE(bans.LoadJson(R"({"banned_nets": 5})", 0));
    auto mixed = bans.LoadJson(
        R"({"banned_nets": [{"address": "nonsense", "banned_until": 99}, {"address": 7}, 3,
            {"address": "5.6.7.8", "banned_until": 99}]})",
        10);
    ASSERT_TRUE(mixed);
    EXPECT_EQ(*mixed, 1u);
    EXPECT_TRUE(bans.IsBanned("5.6.7.8", 10));
}

}  // namespace
}  // namespace tonari::bitcoin::p2p
