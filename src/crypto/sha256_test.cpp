// Tests for SHA-256: FIPS known answers, every compression back-end against the others and
// against OpenSSL (an independent implementation), streaming in odd chunk sizes, the double
// and tagged hashes, and the batched 64-byte double hash including in-place use.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <iostream>
#include <random>
#include <string>

#include "crypto/random.h"
#include "crypto/sha256.h"
#include "crypto/sha256_internal.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::crypto {
namespace {

using util::Bytes;
using util::ByteSpan;
using util::HexEncode;

Bytes Pattern(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    Bytes out(n);
    for (auto& b : out) b = static_cast<uint8_t>(rng());
    return out;
}

std::string OpenSslSha256(ByteSpan data) {
    uint8_t out[32];
    unsigned int len = 0;
    static const uint8_t EMPTY = 0;
    EXPECT_EQ(EVP_Digest(data.empty() ? &EMPTY : data.data(), data.size(), out, &len, EVP_sha256(), nullptr),
              1);
    return HexEncode({out, len});
}

TEST(Sha256, KnownAnswers) {
    struct Case {
        std::string msg;
        const char* hex;
    };
    const Case cases[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmno"
         "pqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
    };
    for (const auto& backend : detail::AvailableSha256Backends()) {
        for (const Case& c : cases) {
            EXPECT_EQ(HexEncode(detail::Sha256HashWith(backend.transform, util::AsBytes(c.msg))), c.hex)
                << backend.name << " '" << c.msg << "'";
        }
    }
    for (const Case& c : cases) EXPECT_EQ(HexEncode(Sha256Hash(util::AsBytes(c.msg))), c.hex);
    std::cout << "[vectors] sha256 FIPS 180 examples: " << std::size(cases) << " cases passed per back-end\n";
}

TEST(Sha256, MillionAInRepeatedWrites) {
    const std::string chunk(1000, 'a');
    Sha256 hasher;
    for (int i = 0; i < 1000; ++i) hasher.Write(util::AsBytes(chunk));
    EXPECT_EQ(HexEncode(hasher.Finalize()),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

    // Odd chunk sizes so writes straddle block boundaries.
    const std::string million(1000000, 'a');
    size_t pos = 0, step = 1;
    while (pos < million.size()) {
        const size_t n = std::min(step, million.size() - pos);
        hasher.Write(util::AsBytes(std::string_view(million).substr(pos, n)));
        pos += n;
        step = step * 3 % 257 + 1;
    }
    EXPECT_EQ(HexEncode(hasher.Finalize()),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, ImplementationIsShaNiWhenCpuHasIt) {
    const std::string_view name = Sha256Implementation();
    EXPECT_EQ(name, detail::Sha256CpuHasShaNi() ? "sha-ni" : "generic");
    std::cout << "[info] sha256 back-end in use: " << name << "\n";
}

TEST(Sha256, BackendsAgreeAtBlockBoundaries) {
    const auto backends = detail::AvailableSha256Backends();
    if (backends.size() < 2) GTEST_SKIP() << "CPU has only the generic back-end";
    size_t checked = 0;
    // Padding changes shape at 55/56 bytes (length fits or spills) and at 63/64/65.
    for (size_t len : {0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4096, 4097}) {
        const Bytes msg = Pattern(len, static_cast<uint32_t>(len));
        const std::string reference = OpenSslSha256(msg);
        for (const auto& backend : backends) {
            EXPECT_EQ(HexEncode(detail::Sha256HashWith(backend.transform, msg)), reference)
                << backend.name << " len " << len;
        }
        EXPECT_EQ(HexEncode(Sha256Hash(msg)), reference) << "len " << len;
        ++checked;
    }
    EXPECT_EQ(checked, 16u);
}

TEST(Sha256, EveryLengthMatchesOpenSsl) {
    const Bytes data = Pattern(300, 7);
    for (size_t len = 0; len <= data.size(); ++len) {
        const ByteSpan msg(data.data(), len);
        const std::string reference = OpenSslSha256(msg);
        ASSERT_EQ(HexEncode(Sha256Hash(msg)), reference) << len;
        // Same message streamed in two uneven pieces through one reused hasher.
        Sha256 hasher;
        hasher.Write(msg.first(len / 3)).Write(msg.subspan(len / 3));
        ASSERT_EQ(HexEncode(hasher.Finalize()), reference) << len;
    }
}

TEST(Sha256, FinalizeResets) {
    Sha256 hasher;
    hasher.Write(util::AsBytes("garbage"));
    (void)hasher.Finalize();
    hasher.Write(util::AsBytes("abc"));
    EXPECT_EQ(HexEncode(hasher.Finalize()),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    hasher.Write(util::AsBytes("garbage"));
    hasher.Reset();
    EXPECT_EQ(HexEncode(hasher.Finalize()),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, DoubleHash) {
    // SHA256d("hello"), the example Bitcoin's wiki and many libraries use.
    EXPECT_EQ(Sha256d(util::AsBytes("hello")).ToHexInternal(),
              "9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50");
    for (size_t len : {0, 31, 32, 33, 63, 64, 65, 200}) {
        const Bytes msg = Pattern(len, 99);
        const auto first = Sha256Hash(msg);
        const auto expected = Sha256Hash(first);
        EXPECT_EQ(Sha256d(msg).bytes(), expected) << len;
        // Three-slice form, split at every shape: empty, middle, end.
        const ByteSpan s(msg);
        EXPECT_EQ(
            Sha256d(s.first(len / 2), s.subspan(len / 2, len / 4), s.subspan(len / 2 + len / 4)).bytes(),
            expected);
        EXPECT_EQ(Sha256d({}, s, {}).bytes(), expected);
    }
    // A different message must give a different hash.
    EXPECT_NE(Sha256d(util::AsBytes("hello")), Sha256d(util::AsBytes("hellp")));
}

TEST(Sha256, TaggedHash) {
    // BIP340 tagged hash written out by hand: SHA256(SHA256(tag) || SHA256(tag) || msg).
    const std::string tag = "BIP0340/challenge";
    const Bytes msg = Pattern(77, 3);
    const auto tag_hash = Sha256Hash(util::AsBytes(tag));
    Bytes manual(tag_hash.begin(), tag_hash.end());
    util::Append(manual, tag_hash);
    util::Append(manual, msg);
    EXPECT_EQ(TaggedHash(tag, msg).bytes(), Sha256Hash(manual));
    EXPECT_EQ(TaggedHasher(tag).Write(msg).Finalize(), Sha256Hash(manual));
    EXPECT_NE(TaggedHash("BIP0340/aux", msg), TaggedHash(tag, msg));
    // A published value: the BIP341 "TapTweak" of the first wallet vector (key only).
    const Bytes internal =
        test::ParseHexOrFail("d6889cb081036e0faefa3a35157ad71086b123b2b144b649798b494c300a961d");
    EXPECT_EQ(TaggedHash("TapTweak", internal).ToHexInternal(),
              "b86e7be8f39bab32a6f2c0443abbc210f0edac0e2c53d501b36b64437d9c6c70");
}

TEST(Sha256, D64MatchesSha256dForEveryBackend) {
    const auto backends = detail::AvailableSha256Backends();
    size_t checked = 0;
    for (size_t blocks = 1; blocks <= 9; ++blocks) {
        Bytes in(64 * blocks);
        RandomBytes(in);
        // Expected values the long way: two generic-length hashes per block (Sha256d of a
        // 64-byte span would itself take the d64 path under test).
        Bytes expected;
        for (size_t i = 0; i < blocks; ++i) {
            util::Append(expected, Sha256Hash(Sha256Hash(ByteSpan(in).subspan(64 * i, 64))));
            const util::Uint256 via_sha256d = Sha256d(ByteSpan(in).subspan(64 * i, 64));
            EXPECT_TRUE(std::equal(via_sha256d.begin(), via_sha256d.end(), expected.end() - 32));
        }

        Bytes out(32 * blocks, 0xEE);
        Sha256d64(out.data(), in.data(), blocks);
        EXPECT_EQ(out, expected) << "dispatch, blocks " << blocks;
        for (const auto& backend : backends) {
            Bytes out_b(32 * blocks, 0xEE);
            backend.d64(out_b.data(), in.data(), blocks);
            EXPECT_EQ(out_b, expected) << backend.name << " blocks " << blocks;
            // In place, as merkle levels are reduced.
            Bytes inplace = in;
            backend.d64(inplace.data(), inplace.data(), blocks);
            EXPECT_EQ(Bytes(inplace.begin(), inplace.begin() + 32 * blocks), expected)
                << backend.name << " in place, blocks " << blocks;
        }
        ++checked;
    }
    EXPECT_EQ(checked, 9u);
    // Zero blocks writes nothing.
    uint8_t sentinel[32] = {1};
    Sha256d64(sentinel, sentinel, 0);
    EXPECT_EQ(sentinel[0], 1);
}

}  // namespace
}  // namespace tonari::crypto
