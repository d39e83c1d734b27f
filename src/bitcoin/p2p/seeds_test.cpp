// Seed lists and the seeding policy: every fixed seed parses and uses its network's port,
// regtest has none, and the Seeder fires DNS and fixed seeding at Core's moments, once each.
#include "bitcoin/p2p/seeds.h"

#include <gtest/gtest.h>

#include "bitcoin/consensus/params.h"
#include "bitcoin/wire/net_address.h"

namespace tonari::bitcoin::p2p {
namespace {

using encoding::Network;
using Action = Seeder::Action;

TEST(Seeds, FixedSeedsParseWithTheNetworksPort) {
    for (const Network n : {Network::Main, Network::Testnet4, Network::Signet}) {
        const auto& seeds = SeedsFor(n);
        EXPECT_FALSE(seeds.dns.empty());
        EXPECT_GE(seeds.fixed.size(), 16u);
        const uint16_t port = consensus::GetParams(n).default_port;
        for (std::string_view s : seeds.fixed) {
            const auto addr = wire::NetAddress::Parse(s, 0);
            ASSERT_TRUE(addr.has_value()) << s;
            EXPECT_EQ(addr->port, port) << s;
            EXPECT_TRUE(addr->IsRoutable()) << s;
        }
    }
    EXPECT_TRUE(SeedsFor(Network::Regtest).dns.empty());
    EXPECT_TRUE(SeedsFor(Network::Regtest).fixed.empty());
}

Action Do(Seeder& s, int64_t now, size_t known, int outbound) { return s.Next(now, known, outbound).action; }

TEST(Seeder, EmptyTableQueriesDnsAtOnceThreeAtATimeThenFixedAfterAMinute) {
    const auto& main = SeedsFor(Network::Main);
    ASSERT_EQ(main.dns.size(), 9u);
    Seeder s(main, true, true, true, false, 0);
    auto first = s.Next(0, 0, 0);
    EXPECT_EQ(first.action, Action::QueryDns);
    EXPECT_EQ(first.hosts, (std::vector<std::string_view>{main.dns[0], main.dns[1], main.dns[2]}));
    EXPECT_EQ(Do(s, DNS_SEED_DELAY_US - 1, 0, 0), Action::None);  // the next round waits
    auto second = s.Next(DNS_SEED_DELAY_US, 0, 1);
    EXPECT_EQ(second.action, Action::QueryDns);
    EXPECT_EQ(second.hosts.front(), main.dns[3]);
    EXPECT_EQ(Do(s, 2 * DNS_SEED_DELAY_US, 0, 1), Action::QueryDns);  // seeds 6..8
    EXPECT_EQ(Do(s, 3 * DNS_SEED_DELAY_US, 0, 1), Action::None);      // none left
    EXPECT_EQ(Do(s, FIXED_SEED_DELAY_US - 1, 0, 0), Action::None);
    EXPECT_EQ(Do(s, FIXED_SEED_DELAY_US, 0, 0), Action::AddFixed);
    EXPECT_EQ(Do(s, FIXED_SEED_DELAY_US * 2, 0, 0), Action::None);  // once only
}

TEST(Seeder, KnownAddressesDelayDnsAndEnoughPeersSkipIt) {
    Seeder waits(SeedsFor(Network::Main), true, true, true, false, 0);
    EXPECT_EQ(Do(waits, 0, 500, 0), Action::None);
    EXPECT_EQ(Do(waits, DNS_SEED_DELAY_US, 500, 1), Action::QueryDns);

    Seeder many(SeedsFor(Network::Main), true, true, true, false, 0);
    EXPECT_EQ(Do(many, DNS_SEED_DELAY_US, 5'000, 0), Action::None);
    EXPECT_EQ(Do(many, DNS_SEED_DELAY_MANY_US, 5'000, 0), Action::QueryDns);

    Seeder skips(SeedsFor(Network::Main), true, true, true, false, 0);
    EXPECT_EQ(Do(skips, DNS_SEED_DELAY_US, 500, DNS_SEED_ENOUGH_OUTBOUND), Action::None);
    EXPECT_EQ(Do(skips, DNS_SEED_DELAY_US * 2, 500, 0), Action::None);
    // A table with addresses never takes the fixed seeds.
    EXPECT_EQ(Do(skips, FIXED_SEED_DELAY_US * 2, 500, 0), Action::None);
}

TEST(Seeder, DnsOffUsesFixedSeedsAtOnceUnlessOtherPeersWereGiven) {
    Seeder alone(SeedsFor(Network::Signet), false, true, true, false, 0);
    EXPECT_EQ(Do(alone, 0, 0, 0), Action::AddFixed);
    EXPECT_EQ(Do(alone, FIXED_SEED_DELAY_US, 0, 0), Action::None);
    Seeder with_addnode(SeedsFor(Network::Signet), false, true, true, true, 0);
    EXPECT_EQ(Do(with_addnode, 0, 0, 0), Action::None);
    EXPECT_EQ(Do(with_addnode, FIXED_SEED_DELAY_US, 0, 0), Action::AddFixed);
}

TEST(Seeder, NothingWithoutAutomaticOutboundOrOnRegtest) {
    Seeder connect(SeedsFor(Network::Main), true, true, false, false, 0);
    Seeder regtest(SeedsFor(Network::Regtest), true, true, true, false, 0);
    Seeder off(SeedsFor(Network::Testnet4), false, false, true, false, 0);
    for (int64_t t : {int64_t{0}, DNS_SEED_DELAY_US, FIXED_SEED_DELAY_US * 2}) {
        EXPECT_EQ(Do(connect, t, 0, 0), Action::None);
        EXPECT_EQ(Do(regtest, t, 0, 0), Action::None);
        EXPECT_EQ(Do(off, t, 0, 0), Action::None);
    }
}

}  // namespace
}  // namespace tonari::bitcoin::p2p
