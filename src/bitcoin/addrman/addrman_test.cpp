// Tests for AddrMan: table behaviour (add, select, promote, evict), the eclipse/flooding
// bounds, getaddr sampling, persistence and its failure paths, and determinism.
#include "bitcoin/addrman/addrman.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "crypto/sha256.h"

namespace tonari::bitcoin::addrman {
namespace {

constexpr int64_t NOW = 1'700'000'000;
constexpr int64_t DAY = 24 * 3600;

wire::NetAddress Ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port = 8333) {
    return {wire::NetId::IPv4, util::Bytes{a, b, c, d}, port};
}

wire::AddrEntry Entry(const wire::NetAddress& addr, int64_t time = NOW - 3600) {
    return {static_cast<uint32_t>(time), 1, addr};
}

AddrManOptions Opts(uint64_t seed = 7) {
    return {0x0123456789abcdefULL, 0xfedcba9876543210ULL, seed};
}

// The i-th of many public IPv4 addresses, spread over ~15,000 different /16 groups.
wire::NetAddress Spread(uint32_t i) {
    return Ip(static_cast<uint8_t>(20 + i % 60), static_cast<uint8_t>(i / 60),
              static_cast<uint8_t>(i / (60 * 256)), static_cast<uint8_t>(1 + i % 7));
}

const wire::NetAddress SOURCE = Ip(50, 60, 1, 1);

util::Bytes WithChecksum(util::Bytes body) {
    const util::Uint256 sum = crypto::Sha256d(body);
    body.insert(body.end(), sum.begin(), sum.end());
    return body;
}

util::Bytes BodyOf(const util::Bytes& file) { return {file.begin(), file.end() - 32}; }

// A table with new entries (some with several references), tried entries and failures.
AddrMan SampleTable() {
    AddrMan man(Opts());
    for (uint32_t i = 0; i < 300; ++i) {
        man.Add({Entry(Spread(i))}, Ip(static_cast<uint8_t>(30 + i % 40), 9, 9, 9), 0, NOW);
    }
    // The same addresses, newer, from other sources: some gain references.
    for (uint32_t i = 0; i < 100; ++i) {
        man.Add({Entry(Spread(i), NOW)}, Ip(91, static_cast<uint8_t>(i), 1, 1), 0, NOW);
    }
    for (uint32_t i = 0; i < 40; ++i) man.Good(Spread(i * 5), NOW);
    man.Attempt(Spread(201), true, NOW);
    return man;
}

TEST(AddrMan, EmptyTable) {
    AddrMan man(Opts());
    EXPECT_EQ(man.Size(), 0u);
    EXPECT_FALSE(man.Select(false, NOW).has_value());
    EXPECT_FALSE(man.Select(true, NOW).has_value());
    EXPECT_TRUE(man.GetAddr(0, 0, NOW).empty());
}

TEST(AddrMan, AddAndSelect) {
    AddrMan man(Opts());
    const wire::NetAddress a = Ip(8, 8, 4, 4);
    EXPECT_EQ(man.Add({Entry(a)}, SOURCE, 0, NOW), 1u);
    EXPECT_EQ(man.Size(), 1u);
    EXPECT_EQ(man.NewCount(), 1u);
    EXPECT_EQ(man.TriedCount(), 0u);
    const auto picked = man.Select(false, NOW);
    ASSERT_TRUE(picked.has_value());
    EXPECT_EQ(picked->address, a);
    EXPECT_EQ(picked->services, 1u);
    ASSERT_TRUE(man.Select(true, NOW).has_value());
}

TEST(AddrMan, UnroutableAndMalformedIgnored) {
    AddrMan man(Opts());
    const wire::NetAddress local = Ip(127, 0, 0, 1);
    const wire::NetAddress lan = Ip(192, 168, 1, 2);
    const wire::NetAddress malformed{wire::NetId::IPv4, util::Bytes{1, 2, 3}, 8333};
    const wire::NetAddress torv2{wire::NetId::TorV2, util::Bytes(10, 0x42), 8333};
    EXPECT_EQ(man.Add({Entry(local), Entry(lan), Entry(malformed), Entry(torv2)}, SOURCE, 0, NOW),
              0u);
    man.SetAllowLocal(true);
    EXPECT_EQ(man.Add({Entry(local), Entry(lan), Entry(malformed), Entry(torv2)}, SOURCE, 0, NOW),
              2u);
    EXPECT_EQ(man.Size(), 2u);
}

TEST(AddrMan, DuplicatesNotDoubleCounted) {
    AddrMan man(Opts());
    const wire::NetAddress a = Ip(8, 8, 4, 4);
    EXPECT_EQ(man.Add({Entry(a), Entry(a)}, SOURCE, 0, NOW), 1u);
    EXPECT_EQ(man.Add({Entry(a)}, SOURCE, 0, NOW), 0u);
    // Heard again, newer, from many other sources: more references, still one entry.
    for (int i = 0; i < 200; ++i) {
        EXPECT_EQ(man.Add({Entry(a, NOW - i)}, Ip(60, static_cast<uint8_t>(i), 1, 1), 0, NOW + 1), 0u);
    }
    EXPECT_EQ(man.Size(), 1u);
    EXPECT_EQ(man.NewCount(), 1u);
    const auto pos = man.FindAddressEntry(a);
    ASSERT_TRUE(pos.has_value());
    EXPECT_GT(pos->multiplicity, 1);
    EXPECT_LE(pos->multiplicity, NEW_BUCKETS_PER_ADDRESS);
}

TEST(AddrMan, TimePenaltyExceptForSelfAnnouncement) {
    AddrMan man(Opts());
    const wire::NetAddress a = Ip(8, 8, 4, 4);
    const wire::NetAddress b = Ip(9, 9, 9, 9);
    man.Add({Entry(a, NOW - 100)}, SOURCE, 7200, NOW);
    man.Add({Entry(b, NOW - 100)}, b, 7200, NOW);
    const auto all = man.GetAddr(0, 0, NOW);
    ASSERT_EQ(all.size(), 2u);
    for (const auto& e : all) {
        EXPECT_EQ(e.time, e.address == a ? NOW - 100 - 7200 : NOW - 100);
    }
}

TEST(AddrMan, GoodMovesNewToTried) {
    AddrMan man(Opts());
    const wire::NetAddress a = Ip(8, 8, 4, 4);
    man.Add({Entry(a)}, SOURCE, 0, NOW);
    man.Good(Ip(1, 1, 1, 1), NOW);  // unknown: ignored
    EXPECT_EQ(man.TriedCount(), 0u);
    man.Good(a, NOW);
    EXPECT_EQ(man.NewCount(), 0u);
    EXPECT_EQ(man.TriedCount(), 1u);
    EXPECT_EQ(man.Size(), 1u);
    EXPECT_TRUE(man.FindAddressEntry(a)->tried);
    EXPECT_FALSE(man.Select(true, NOW).has_value());  // nothing new left
    ASSERT_TRUE(man.Select(false, NOW).has_value());
    // Gossip about a tried address adds nothing.
    EXPECT_EQ(man.Add({Entry(a, NOW)}, Ip(70, 1, 1, 1), 0, NOW), 0u);
    EXPECT_EQ(man.TriedCount(), 1u);
    EXPECT_EQ(man.NewCount(), 0u);
}

TEST(AddrMan, FloodFromOneSourceGroupIsBounded) {
    AddrMan man(Opts());
    size_t added = 0;
    for (uint32_t i = 0; i < 100'000; ++i) {
        // Sources all in 50.60.0.0/16: one attacker, or many in one /16.
        const wire::NetAddress source = Ip(50, 60, static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8));
        added += man.Add({Entry(Spread(i))}, source, 0, NOW);
    }
    const size_t cap = static_cast<size_t>(NEW_BUCKETS_PER_SOURCE_GROUP) * BUCKET_SIZE;
    EXPECT_EQ(added, man.Size());
    EXPECT_LE(man.Size(), cap);
    EXPECT_GT(man.Size(), cap / 2);  // the allowed share does get used

    // They all sit in at most 64 buckets (checked on a sample; each lookup probes 1024).
    std::set<int> buckets;
    size_t sampled = 0;
    for (uint32_t i = 0; i < 100'000 && sampled < 300; ++i) {
        if (const auto pos = man.FindAddressEntry(Spread(i))) {
            buckets.insert(pos->bucket);
            ++sampled;
        }
    }
    EXPECT_LE(buckets.size(), static_cast<size_t>(NEW_BUCKETS_PER_SOURCE_GROUP));

    // An honest source in another group still gets its addresses in.
    size_t honest = 0;
    for (uint32_t i = 0; i < 100; ++i) {
        honest += man.Add({Entry(Ip(90, static_cast<uint8_t>(i), 3, 3))}, Ip(80, 90, 1, 1), 0, NOW);
    }
    EXPECT_GE(honest, 80u);
}

TEST(AddrMan, FreshAddressesReplaceTerribleOnes) {
    AddrMan man(Opts());
    for (uint32_t i = 0; i < 60'000; ++i) {
        man.Add({Entry(Spread(i), NOW - 40 * DAY)}, SOURCE, 0, NOW);  // beyond the horizon
    }
    const size_t stale = man.Size();
    EXPECT_TRUE(man.GetAddr(0, 0, NOW).empty());
    for (uint32_t i = 60'000; i < 120'000; ++i) man.Add({Entry(Spread(i))}, SOURCE, 0, NOW);
    EXPECT_LE(man.Size(), static_cast<size_t>(NEW_BUCKETS_PER_SOURCE_GROUP) * BUCKET_SIZE);
    // The slots held by stale entries were handed to fresh ones.
    EXPECT_GE(man.GetAddr(0, 0, NOW).size(), stale * 9 / 10);
}

TEST(AddrMan, TriedCollisionEvictsOldEntryToNew) {
    AddrMan man(Opts());
    std::vector<std::pair<wire::NetAddress, AddrPosition>> tried;
    bool collided = false;
    // One /16: its addresses share 8 tried buckets (512 slots), so a collision comes fast.
    for (uint32_t i = 0; i < 2000 && !collided; ++i) {
        const wire::NetAddress a = Ip(60, 70, static_cast<uint8_t>(i >> 8), static_cast<uint8_t>(i));
        ASSERT_EQ(man.Add({Entry(a)}, SOURCE, 0, NOW), 1u);
        const size_t tried_before = man.TriedCount();
        man.Good(a, NOW);
        const AddrPosition pos = *man.FindAddressEntry(a);
        ASSERT_TRUE(pos.tried);
        for (const auto& [old_addr, old_pos] : tried) {
            if (old_pos.bucket == pos.bucket && old_pos.position == pos.position) {
                collided = true;
                EXPECT_EQ(man.TriedCount(), tried_before);
                const auto now_old = man.FindAddressEntry(old_addr);
                ASSERT_TRUE(now_old.has_value());
                EXPECT_FALSE(now_old->tried);
                EXPECT_EQ(now_old->multiplicity, 1);
            }
        }
        if (!collided) {
            EXPECT_EQ(man.TriedCount(), tried_before + 1);
            tried.emplace_back(a, pos);
        }
    }
    EXPECT_TRUE(collided);
    EXPECT_LE(man.TriedCount(), static_cast<size_t>(TRIED_BUCKETS_PER_GROUP) * BUCKET_SIZE);
}

TEST(AddrMan, TerribleAddressesLeftOutOfGetAddr) {
    AddrMan man(Opts());
    const wire::NetAddress fresh = Ip(8, 8, 4, 4);
    const wire::NetAddress stale = Ip(9, 9, 9, 9);
    const wire::NetAddress future = Ip(11, 1, 1, 1);
    const wire::NetAddress failing = Ip(12, 1, 1, 1);
    const wire::NetAddress helper = Ip(13, 1, 1, 1);
    man.Add({Entry(fresh), Entry(stale, NOW - 31 * DAY), Entry(future, NOW + 3600), Entry(failing),
             Entry(helper)},
            SOURCE, 0, NOW);
    ASSERT_EQ(man.Size(), 5u);
    // Three counted failures (a Good() elsewhere between each, or they count once).
    for (int k = 0; k < 3; ++k) {
        man.Good(helper, NOW + 10 * k);
        man.Attempt(failing, true, NOW + 10 * k + 1);
    }
    const int64_t later = NOW + 600;  // past the "just tried" grace minute
    std::set<wire::NetAddress> got;
    for (const auto& e : man.GetAddr(0, 0, later)) got.insert(e.address);
    EXPECT_EQ(got, (std::set<wire::NetAddress>{fresh, helper}));
}

TEST(AddrMan, FailuresCountOncePerGood) {
    AddrMan man(Opts());
    const wire::NetAddress a = Ip(12, 1, 1, 1);
    man.Add({Entry(a)}, SOURCE, 0, NOW);
    // Our own network is down: many failures, no Good() anywhere. Only the first counts.
    for (int k = 0; k < 10; ++k) man.Attempt(a, true, NOW + k);
    EXPECT_EQ(man.GetAddr(0, 0, NOW + 600).size(), 1u);
    // Attempts that do not count as failures never make it terrible.
    AddrMan other(Opts());
    other.Add({Entry(a)}, SOURCE, 0, NOW);
    for (int k = 0; k < 5; ++k) {
        other.Good(Ip(1, 2, 3, 4), NOW + 10 * k);
        other.Attempt(a, false, NOW + 10 * k + 1);
    }
    EXPECT_EQ(other.GetAddr(0, 0, NOW + 600).size(), 1u);
}

TEST(AddrMan, GetAddrBounds) {
    AddrMan man(Opts());
    for (uint32_t i = 0; i < 400; ++i) man.Add({Entry(Spread(i))}, Ip(static_cast<uint8_t>(30 + i % 50), 1, 1, 1), 0, NOW);
    const size_t n = man.Size();
    ASSERT_GT(n, 350u);
    EXPECT_EQ(man.GetAddr(10, 100, NOW).size(), 10u);
    EXPECT_EQ(man.GetAddr(0, 23, NOW).size(), 23 * n / 100);
    EXPECT_EQ(man.GetAddr(1000, 23, NOW).size(), 23 * n / 100);
    EXPECT_EQ(man.GetAddr(5, 1, NOW).size(), std::min<size_t>(5, n / 100));
    EXPECT_EQ(man.GetAddr(0, 0, NOW).size(), n);
    EXPECT_EQ(man.GetAddr(0, 250, NOW).size(), n);  // percentages above 100 are capped
    const auto sample = man.GetAddr(50, 0, NOW);
    std::set<wire::NetAddress> distinct;
    for (const auto& e : sample) distinct.insert(e.address);
    EXPECT_EQ(distinct.size(), sample.size());
}

TEST(AddrMan, SelectBiasedByChanceAndCoin) {
    AddrMan man(Opts());
    const wire::NetAddress good = Ip(8, 8, 4, 4);
    const wire::NetAddress bad = Ip(9, 9, 9, 9);
    const wire::NetAddress tried = Ip(13, 1, 1, 1);
    man.Add({Entry(good), Entry(bad), Entry(tried)}, SOURCE, 0, NOW);
    for (int k = 0; k < 8; ++k) {  // 8 counted failures: chance 0.66^8 ~ 3.6%
        man.Good(tried, NOW + 10 * k);
        man.Attempt(bad, true, NOW + 10 * k + 1);
    }
    const int64_t later = NOW + DAY;
    int good_count = 0, bad_count = 0, tried_count = 0;
    for (int k = 0; k < 300; ++k) {
        const auto e = man.Select(false, later);
        ASSERT_TRUE(e.has_value());
        if (e->address == good) ++good_count;
        if (e->address == bad) ++bad_count;
        if (e->address == tried) ++tried_count;
    }
    // The tried/new coin is fair; within new, the failing address rarely wins.
    EXPECT_GT(tried_count, 90);
    EXPECT_LT(tried_count, 210);
    EXPECT_GT(good_count, 4 * bad_count);
}

TEST(AddrMan, ConnectedAndSetServices) {
    AddrMan man(Opts());
    const wire::NetAddress a = Ip(8, 8, 4, 4);
    man.Add({Entry(a, NOW - 600)}, SOURCE, 0, NOW);
    man.Connected(a, NOW);  // within 20 minutes: unchanged
    ASSERT_EQ(man.GetAddr(0, 0, NOW).size(), 1u);
    EXPECT_EQ(man.GetAddr(0, 0, NOW)[0].time, NOW - 600);
    const int64_t later = NOW + 3600;
    man.Connected(a, later);
    ASSERT_EQ(man.GetAddr(0, 0, later).size(), 1u);
    EXPECT_EQ(man.GetAddr(0, 0, later)[0].time, later);
    man.SetServices(a, 0x409);
    EXPECT_EQ(man.GetAddr(0, 0, later)[0].services, 0x409u);
    man.SetServices(Ip(1, 1, 1, 1), 1);  // unknown: no effect
    EXPECT_EQ(man.Size(), 1u);
}

TEST(AddrMan, SerializeRoundTripSameKey) {
    AddrMan man = SampleTable();
    const util::Bytes bytes = man.Serialize();
    auto loaded = AddrMan::Deserialize(bytes, Opts(99));
    ASSERT_TRUE(loaded) << loaded.error();
    EXPECT_EQ(loaded->Size(), man.Size());
    EXPECT_EQ(loaded->NewCount(), man.NewCount());
    EXPECT_EQ(loaded->TriedCount(), man.TriedCount());
    bool some_multiple = false;
    for (uint32_t i = 0; i < 300; ++i) {
        const auto before = man.FindAddressEntry(Spread(i));
        const auto after = loaded->FindAddressEntry(Spread(i));
        ASSERT_EQ(before.has_value(), after.has_value());
        if (!before) continue;
        EXPECT_EQ(before->tried, after->tried);
        EXPECT_EQ(before->multiplicity, after->multiplicity);
        EXPECT_EQ(before->bucket, after->bucket);
        EXPECT_EQ(before->position, after->position);
        some_multiple |= before->multiplicity > 1;
    }
    EXPECT_TRUE(some_multiple);
    EXPECT_EQ(loaded->Serialize(), bytes);  // a loaded table writes back the same bytes
    EXPECT_EQ(loaded->GetAddr(0, 0, NOW).size(), man.GetAddr(0, 0, NOW).size());
}

TEST(AddrMan, DeserializeUnderAnotherKeyRebuckets) {
    AddrMan man = SampleTable();
    AddrManOptions other = Opts();
    other.key0 ^= 1;
    auto loaded = AddrMan::Deserialize(man.Serialize(), other);
    ASSERT_TRUE(loaded) << loaded.error();
    EXPECT_LE(loaded->Size(), man.Size());
    EXPECT_GT(loaded->Size(), man.Size() * 9 / 10);
    for (uint32_t i = 0; i < 300; ++i) {
        const auto pos = loaded->FindAddressEntry(Spread(i));
        if (pos && !pos->tried) {
            EXPECT_EQ(pos->multiplicity, 1);
        }
    }
    // And that table round-trips exactly under its own key.
    auto again = AddrMan::Deserialize(loaded->Serialize(), other);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->Serialize(), loaded->Serialize());
}

TEST(AddrMan, CorruptOrTruncatedBytesFail) {
    AddrMan man(Opts());
    for (uint32_t i = 0; i < 5; ++i) man.Add({Entry(Spread(i))}, SOURCE, 0, NOW);
    man.Good(Spread(0), NOW);
    const util::Bytes good = man.Serialize();
    ASSERT_TRUE(AddrMan::Deserialize(good, Opts()));

    for (size_t len = 0; len < good.size(); ++len) {
        EXPECT_FALSE(AddrMan::Deserialize(util::ByteSpan(good).first(len), Opts())) << len;
    }
    for (size_t i = 0; i < good.size(); ++i) {
        util::Bytes bad = good;
        bad[i] ^= 0x01;
        EXPECT_FALSE(AddrMan::Deserialize(bad, Opts())) << i;
    }
    util::Bytes longer = good;
    longer.push_back(0);
    EXPECT_FALSE(AddrMan::Deserialize(longer, Opts()));

    // Semantic errors behind a valid checksum.
    const util::Bytes body = BodyOf(good);
    auto expect_error = [](const util::Bytes& b, const std::string& what) {
        const auto r = AddrMan::Deserialize(b, Opts());
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error(), what);
    };
    util::Bytes b = body;
    b[0] = 'X';
    expect_error(WithChecksum(b), "bad magic");
    b = body;
    b[4] = 2;
    expect_error(WithChecksum(b), "unsupported version 2");
    b = body;
    b[21] = 0xff;  // entry count high byte: ~4 billion entries
    b[22] = 0xff;
    b[23] = 0xff;
    b[24] = 0x7f;
    expect_error(WithChecksum(b), "too many entries");
    b = body;
    b.push_back(0);
    expect_error(WithChecksum(b), "trailing bytes");
    b = body;
    b[25] = 9;  // first entry's network id
    expect_error(WithChecksum(b), "bad network id");

    // The same entry twice.
    AddrMan dup(Opts());
    dup.Add({Entry(Spread(1))}, SOURCE, 0, NOW);
    util::Bytes one = BodyOf(dup.Serialize());
    const util::Bytes entry(one.begin() + 25, one.end());
    one.insert(one.end(), entry.begin(), entry.end());
    one[21] = 2;
    expect_error(WithChecksum(one), "duplicate address");

    EXPECT_FALSE(AddrMan::Deserialize({}, Opts()));
}

TEST(AddrMan, DeterministicGivenSeed) {
    auto run = [](uint64_t seed) {
        AddrMan man(Opts(seed));
        for (uint32_t i = 0; i < 500; ++i) {
            man.Add({Entry(Spread(i))}, Ip(static_cast<uint8_t>(30 + i % 3), 1, 1, 1), 0, NOW);
            man.Add({Entry(Spread(i / 2), NOW)}, Ip(40, static_cast<uint8_t>(i), 1, 1), 0, NOW);
        }
        for (uint32_t i = 0; i < 50; ++i) man.Good(Spread(i * 7), NOW);
        std::vector<wire::AddrEntry> picks;
        for (int k = 0; k < 50; ++k) picks.push_back(*man.Select(k % 2 == 0, NOW));
        const auto sample = man.GetAddr(30, 0, NOW);
        picks.insert(picks.end(), sample.begin(), sample.end());
        return std::make_pair(picks, man.Serialize());
    };
    const auto a = run(1);
    const auto b = run(1);
    const auto c = run(2);
    EXPECT_EQ(a.first, b.first);
    EXPECT_EQ(a.second, b.second);
    EXPECT_NE(a.first, c.first);
}

}  // namespace
}  // namespace tonari::bitcoin::addrman
