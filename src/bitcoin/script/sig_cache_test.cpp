// Tests for SignatureCache: hits and misses on every field of the key, ECDSA/Schnorr
// separation, the exact size bound with FIFO eviction (including after long churn, which
// exercises the table's deletions), small and zero capacities, and concurrent inserts and
// lookups from several threads.
#include "bitcoin/script/sig_cache.h"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <thread>
#include <vector>

#include "crypto/sha256.h"

namespace tonari::bitcoin::script {
namespace {

using util::Bytes;
using util::Uint256;

// Distinct, deterministic inputs for entry i.
Uint256 Hash(uint64_t i) {
    std::array<uint8_t, 8> b{};
    for (size_t k = 0; k < 8; ++k) b[k] = static_cast<uint8_t>(i >> (8 * k));
    return Uint256(crypto::Sha256Hash(b));
}
Bytes Pub(uint64_t i) {
    Bytes p(33, 0x02);
    const Uint256 h = Hash(i ^ 0x5555);
    std::copy(h.begin(), h.end(), p.begin() + 1);
    return p;
}
Bytes Sig(uint64_t i) {
    Bytes s(71, 0x30);
    const Uint256 h = Hash(i ^ 0xaaaa);
    std::copy(h.begin(), h.end(), s.begin() + 4);
    return s;
}

TEST(SignatureCache, EmptyMisses) {
    SignatureCache cache(100);
    EXPECT_EQ(cache.Size(), 0u);
    EXPECT_FALSE(cache.Contains('E', Hash(1), Pub(1), Sig(1)));
}

TEST(SignatureCache, HitAfterInsertAndEveryFieldMatters) {
    SignatureCache cache(100);
    const Uint256 h = Hash(1);
    const Bytes pub = Pub(1), sig = Sig(1);
    cache.Insert('E', h, pub, sig);
    EXPECT_EQ(cache.Size(), 1u);
    EXPECT_TRUE(cache.Contains('E', h, pub, sig));

    EXPECT_FALSE(cache.Contains('E', Hash(2), pub, sig));
    Bytes pub2 = pub;
    pub2.back() ^= 1;
    EXPECT_FALSE(cache.Contains('E', h, pub2, sig));
    Bytes sig2 = sig;
    sig2[10] ^= 0x80;
    EXPECT_FALSE(cache.Contains('E', h, pub, sig2));
    // Shorter sig or key: a prefix must not match.
    EXPECT_FALSE(cache.Contains('E', h, pub, util::ByteSpan(sig).first(sig.size() - 1)));
    EXPECT_FALSE(cache.Contains('E', h, util::ByteSpan(pub).first(32), sig));
}

TEST(SignatureCache, ByteMovedBetweenKeyAndSigIsDifferentEntry) {
    // pubkey || sig concatenate to the same bytes; the length prefixes keep them apart.
    SignatureCache cache(100);
    const Uint256 h = Hash(7);
    const Bytes a_pub = {1, 2, 3}, a_sig = {4, 5};
    const Bytes b_pub = {1, 2}, b_sig = {3, 4, 5};
    cache.Insert('S', h, a_pub, a_sig);
    EXPECT_TRUE(cache.Contains('S', h, a_pub, a_sig));
    EXPECT_FALSE(cache.Contains('S', h, b_pub, b_sig));
}

TEST(SignatureCache, KindsAreSeparate) {
    SignatureCache cache(100);
    const Uint256 h = Hash(3);
    const Bytes pub(32, 0x11), sig(64, 0x22);
    cache.Insert('S', h, pub, sig);
    EXPECT_TRUE(cache.Contains('S', h, pub, sig));
    EXPECT_FALSE(cache.Contains('E', h, pub, sig));
    cache.Insert('E', h, pub, sig);
    EXPECT_TRUE(cache.Contains('E', h, pub, sig));
    EXPECT_EQ(cache.Size(), 2u);
}

TEST(SignatureCache, DuplicateInsertCountsOnce) {
    SignatureCache cache(100);
    for (int k = 0; k < 5; ++k) cache.Insert('E', Hash(9), Pub(9), Sig(9));
    EXPECT_EQ(cache.Size(), 1u);
}

TEST(SignatureCache, IndependentlySaltedCachesAgree) {
    // The salt is invisible through the API: two caches, salted apart, answer alike.
    SignatureCache a(100), b(100);
    a.Insert('E', Hash(1), Pub(1), Sig(1));
    b.Insert('E', Hash(1), Pub(1), Sig(1));
    EXPECT_TRUE(a.Contains('E', Hash(1), Pub(1), Sig(1)));
    EXPECT_TRUE(b.Contains('E', Hash(1), Pub(1), Sig(1)));
    EXPECT_FALSE(b.Contains('E', Hash(2), Pub(1), Sig(1)));
}

TEST(SignatureCache, BoundRespectedAndNewestKept) {
    constexpr size_t MAX = 1000;
    SignatureCache cache(MAX);
    constexpr uint64_t TOTAL = 20 * MAX;
    for (uint64_t i = 0; i < TOTAL; ++i) {
        cache.Insert('E', Hash(i), Pub(i), Sig(i));
        ASSERT_LE(cache.Size(), MAX) << "after insert " << i;
    }
    EXPECT_EQ(cache.Size(), MAX);
    // FIFO per shard: the last insert into any shard is still there, the first ones are gone.
    EXPECT_TRUE(cache.Contains('E', Hash(TOTAL - 1), Pub(TOTAL - 1), Sig(TOTAL - 1)));
    size_t newest_hits = 0, oldest_hits = 0;
    for (uint64_t i = TOTAL - MAX / 2; i < TOTAL; ++i)
        newest_hits += cache.Contains('E', Hash(i), Pub(i), Sig(i));
    for (uint64_t i = 0; i < MAX; ++i) oldest_hits += cache.Contains('E', Hash(i), Pub(i), Sig(i));
    // Shards fill unevenly, so a few of the newest half may be gone; most must remain.
    EXPECT_GT(newest_hits, MAX / 2 * 9 / 10);
    EXPECT_EQ(oldest_hits, 0u);
    // Every entry the cache claims is really one of the last inserts (no stale index slot).
    size_t recent_hits = 0;
    for (uint64_t i = TOTAL - 3 * MAX; i < TOTAL; ++i)
        recent_hits += cache.Contains('E', Hash(i), Pub(i), Sig(i));
    EXPECT_EQ(recent_hits, MAX);
}

TEST(SignatureCache, TinyCapacities) {
    for (size_t max : {1u, 2u, 3u, 17u, 31u}) {
        SignatureCache cache(max);
        for (uint64_t i = 0; i < 200; ++i) cache.Insert('S', Hash(i), Pub(i), Sig(i));
        EXPECT_EQ(cache.Size(), max) << "max=" << max;
        size_t hits = 0;
        for (uint64_t i = 0; i < 200; ++i) hits += cache.Contains('S', Hash(i), Pub(i), Sig(i));
        EXPECT_EQ(hits, max) << "max=" << max;
    }
    SignatureCache one(1);
    one.Insert('E', Hash(1), Pub(1), Sig(1));
    one.Insert('E', Hash(2), Pub(2), Sig(2));
    EXPECT_FALSE(one.Contains('E', Hash(1), Pub(1), Sig(1)));
    EXPECT_TRUE(one.Contains('E', Hash(2), Pub(2), Sig(2)));
}

TEST(SignatureCache, ZeroCapacityStoresNothing) {
    SignatureCache cache(0);
    cache.Insert('E', Hash(1), Pub(1), Sig(1));
    EXPECT_EQ(cache.Size(), 0u);
    EXPECT_FALSE(cache.Contains('E', Hash(1), Pub(1), Sig(1)));
}

TEST(SignatureCache, ConcurrentInsertsAndLookups) {
    constexpr size_t THREADS = 4;
    constexpr uint64_t PER_THREAD = 5000;
    // Twice the room needed: each shard holds an exact share, and keys spread over the shards
    // only about evenly, so with no slack a full shard would evict early.
    SignatureCache cache(2 * THREADS * PER_THREAD);
    std::atomic<size_t> lookup_misses{0}, foreign_hits{0};
    {
        std::vector<std::jthread> threads;
        for (size_t t = 0; t < THREADS; ++t) {
            threads.emplace_back([&, t] {
                const uint64_t base = t * PER_THREAD;
                for (uint64_t i = base; i < base + PER_THREAD; ++i) {
                    cache.Insert('E', Hash(i), Pub(i), Sig(i));
                    // Our own insert must be visible at once.
                    if (!cache.Contains('E', Hash(i), Pub(i), Sig(i))) lookup_misses++;
                    // Read what other threads write, and a key nobody inserts.
                    const uint64_t other = ((t + 1) % THREADS) * PER_THREAD + (i - base);
                    (void)cache.Contains('E', Hash(other), Pub(other), Sig(other));
                    if (cache.Contains('S', Hash(i), Pub(i), Sig(i))) foreign_hits++;
                }
            });
        }
    }
    EXPECT_EQ(lookup_misses.load(), 0u);
    EXPECT_EQ(foreign_hits.load(), 0u);
    EXPECT_EQ(cache.Size(), THREADS * PER_THREAD);
    size_t hits = 0;
    for (uint64_t i = 0; i < THREADS * PER_THREAD; ++i) hits += cache.Contains('E', Hash(i), Pub(i), Sig(i));
    EXPECT_EQ(hits, THREADS * PER_THREAD);
}

TEST(SignatureCache, ConcurrentChurnKeepsBound) {
    constexpr size_t MAX = 512;
    SignatureCache cache(MAX);
    {
        std::vector<std::jthread> threads;
        for (uint64_t t = 0; t < 4; ++t) {
            threads.emplace_back([&, t] {
                for (uint64_t i = 0; i < 4000; ++i) {
                    const uint64_t k = t * 1'000'000 + i;
                    cache.Insert('S', Hash(k), Pub(k), Sig(k));
                    (void)cache.Contains('S', Hash(k / 2), Pub(k / 2), Sig(k / 2));
                }
            });
        }
    }
    EXPECT_EQ(cache.Size(), MAX);
}

}  // namespace
}  // namespace tonari::bitcoin::script
