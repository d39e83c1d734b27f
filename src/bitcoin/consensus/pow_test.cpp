// Tests for ArithUint256, the compact target encoding (Bitcoin Core's SetCompact/GetCompact
// edge cases), the proof-of-work check, block proof and retargeting (Core's pow_tests vectors).
#include <gtest/gtest.h>

#include <iostream>

#include "bitcoin/consensus/arith_uint256.h"
#include "bitcoin/consensus/params.h"
#include "bitcoin/consensus/pow.h"

namespace tonari::bitcoin::consensus {
namespace {

using encoding::Network;

ArithUint256 Hex(std::string_view hex) {
    auto v = ArithUint256::FromHex(hex);
    EXPECT_TRUE(v) << hex;
    return v.value_or(ArithUint256());
}

const ArithUint256 MAX = ~ArithUint256();

TEST(ArithUint256, HexRoundTripAndByteOrder) {
    const std::string hex = "0123456789abcdeffedcba987654321000112233445566778899aabbccddeeff";
    const ArithUint256 v = Hex(hex);
    EXPECT_EQ(v.ToHex(), hex);
    EXPECT_EQ(v.Low64(), 0x8899aabbccddeeffULL);
    EXPECT_EQ(v.Limb(3), 0x0123456789abcdefULL);
    // Internal bytes are little-endian: the first stored byte is the least significant.
    EXPECT_EQ(v.ToUint256().data()[0], 0xff);
    EXPECT_EQ(ArithUint256::FromUint256(v.ToUint256()), v);
    EXPECT_FALSE(ArithUint256::FromHex("123"));
    EXPECT_FALSE(ArithUint256::FromHex(std::string(64, 'g')));
}

TEST(ArithUint256, BitsAndCompare) {
    EXPECT_EQ(ArithUint256().Bits(), 0);
    EXPECT_EQ(ArithUint256(1).Bits(), 1);
    EXPECT_EQ(ArithUint256(0x80).Bits(), 8);
    EXPECT_EQ((ArithUint256(1) << 64).Bits(), 65);
    EXPECT_EQ(MAX.Bits(), 256);
    EXPECT_TRUE(ArithUint256().IsZero());
    EXPECT_FALSE(MAX.IsZero());
    // The high limb decides, whatever the low limbs hold.
    EXPECT_LT(ArithUint256(~uint64_t{0}), ArithUint256(1) << 64);
    EXPECT_GT(ArithUint256(1) << 255, MAX >> 1);
    EXPECT_EQ(ArithUint256(5), ArithUint256(5));
    EXPECT_NE(ArithUint256(5), ArithUint256(6));
}

TEST(ArithUint256, AddSubCarryAndWrap) {
    const ArithUint256 low_max(~uint64_t{0});
    EXPECT_EQ(low_max + ArithUint256(1), ArithUint256(1) << 64);
    EXPECT_EQ((ArithUint256(1) << 64) - ArithUint256(1), low_max);
    EXPECT_EQ(MAX + ArithUint256(1), ArithUint256());  // wraps modulo 2^256
    EXPECT_EQ(ArithUint256() - ArithUint256(1), MAX);
    EXPECT_EQ((ArithUint256(1) << 192) - ArithUint256(1),
              Hex("0000000000000000ffffffffffffffffffffffffffffffffffffffffffffffff"));
}

TEST(ArithUint256, Shifts) {
    const ArithUint256 one(1);
    for (unsigned s = 0; s < 256; ++s) {
        const ArithUint256 v = one << s;
        ASSERT_EQ(v.Bits(), static_cast<int>(s) + 1) << s;
        ASSERT_EQ(v >> s, one) << s;
    }
    EXPECT_EQ(one << 256, ArithUint256());
    EXPECT_EQ(MAX >> 256, ArithUint256());
    EXPECT_EQ(MAX >> 4, Hex("0fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"));
    EXPECT_EQ(Hex("00000000000000000000000000000000000000000000000000000000deadbeef") << 100,
              Hex("0000000000000000000000000000000deadbeef0000000000000000000000000"));
}

TEST(ArithUint256, MultiplyAndDivide) {
    const ArithUint256 a = Hex("00000000000000000000000000000000ffffffffffffffffffffffffffffffff");
    // (2^128 - 1)^2 = 2^256 - 2^129 + 1
    EXPECT_EQ(a * a, Hex("fffffffffffffffffffffffffffffffe00000000000000000000000000000001"));
    EXPECT_EQ(a * uint64_t{2}, a + a);
    EXPECT_EQ(MAX * uint64_t{2}, MAX - ArithUint256(1));  // wraps
    EXPECT_EQ((a * a) / a, a);
    EXPECT_EQ(ArithUint256(100) / ArithUint256(7), ArithUint256(14));
    EXPECT_EQ(ArithUint256(6) / ArithUint256(7), ArithUint256());
    EXPECT_EQ(MAX / MAX, ArithUint256(1));
    EXPECT_EQ(MAX / ArithUint256(1), MAX);
    EXPECT_EQ(MAX / (ArithUint256(1) << 255), ArithUint256(1));
    EXPECT_EQ((ArithUint256(1) << 200) / (ArithUint256(1) << 100), ArithUint256(1) << 100);
    // A value times a divisor plus a smaller remainder divides back exactly.
    const ArithUint256 q = Hex("0000000000000000000000000000000123456789abcdef0123456789abcdef01");
    const ArithUint256 d = Hex("00000000000000000000000000000000000000000000000000fedcba98765432");
    EXPECT_EQ((q * d + ArithUint256(12345)) / d, q);
}

// Bitcoin Core's bignum_SetCompact cases: (compact, target hex tail, re-encoded, negative, overflow).
struct CompactCase {
    uint32_t bits;
    const char* target;  // 64 hex digits, or nullptr when overflowing
    uint32_t recompact;
    bool negative;
    bool overflow;
};

TEST(Pow, CompactEdgeCases) {
    const std::string zero(64, '0');
    auto tail = [&](std::string_view t) { return zero.substr(0, 64 - t.size()) + std::string(t); };
    const std::vector<std::pair<CompactCase, std::string>> cases = {
        {{0x00000000, "", 0, false, false}, zero},
        {{0x00123456, "", 0, false, false}, zero},
        {{0x01003456, "", 0, false, false}, zero},
        {{0x02000056, "", 0, false, false}, zero},
        {{0x03000000, "", 0, false, false}, zero},
        {{0x04000000, "", 0, false, false}, zero},
        {{0x00923456, "", 0, false, false}, zero},
        {{0x01803456, "", 0, false, false}, zero},
        {{0x02800056, "", 0, false, false}, zero},
        {{0x03800000, "", 0, false, false}, zero},
        {{0x04800000, "", 0, false, false}, zero},
        {{0x01123456, "", 0x01120000, false, false}, tail("12")},
        {{0x01fedcba, "", 0x01fe0000, true, false}, tail("7e")},
        {{0x02123456, "", 0x02123400, false, false}, tail("1234")},
        {{0x03123456, "", 0x03123456, false, false}, tail("123456")},
        {{0x04123456, "", 0x04123456, false, false}, tail("12345600")},
        {{0x04923456, "", 0x04923456, true, false}, tail("12345600")},
        {{0x05009234, "", 0x05009234, false, false}, tail("92340000")},
        {{0x20123456, "", 0x20123456, false, false},
         "1234560000000000000000000000000000000000000000000000000000000000"},
    };
    int checked = 0;
    for (const auto& [c, target_hex] : cases) {
        const CompactTarget t = CompactToTarget(c.bits);
        EXPECT_EQ(t.target.ToHex(), target_hex) << std::hex << c.bits;
        EXPECT_EQ(t.negative, c.negative) << std::hex << c.bits;
        EXPECT_EQ(t.overflow, c.overflow) << std::hex << c.bits;
        EXPECT_EQ(TargetToCompact(t.target, t.negative), c.recompact) << std::hex << c.bits;
        ++checked;
    }
    // Overflow: the mantissa would land beyond 256 bits.
    EXPECT_TRUE(CompactToTarget(0xff123456).overflow);
    EXPECT_TRUE(CompactToTarget(0x23000001).overflow);   // size 35
    EXPECT_TRUE(CompactToTarget(0x22000100).overflow);   // word > 0xff at size 34
    EXPECT_TRUE(CompactToTarget(0x21010000).overflow);   // word > 0xffff at size 33
    EXPECT_FALSE(CompactToTarget(0x220000ff).overflow);  // exactly fits: 0xff << 248
    EXPECT_FALSE(CompactToTarget(0xff000000).overflow);  // zero mantissa never overflows
    checked += 6;
    // Never emit the sign bit: 0x80 must be encoded with an extra exponent byte.
    EXPECT_EQ(TargetToCompact(ArithUint256(0x80)), 0x02008000u);
    ++checked;
    std::cout << "[vectors] compact target edge cases: " << checked << " cases passed\n";
    EXPECT_EQ(checked, 26);
}

TEST(Pow, CompactRoundTripsOfRealTargets) {
    // Normalized nBits seen on real networks re-encode to themselves.
    for (uint32_t bits : {0x1d00ffffu, 0x1b0404cbu, 0x207fffffu, 0x1e0377aeu, 0x17034219u, 0x1c05a3f4u,
                          0x1d00d86au, 0x18009645u, 0x1a05db8bu}) {
        const CompactTarget t = CompactToTarget(bits);
        EXPECT_FALSE(t.negative);
        EXPECT_FALSE(t.overflow);
        EXPECT_EQ(TargetToCompact(t.target), bits) << std::hex << bits;
    }
    // Extra precision is dropped on encoding.
    EXPECT_EQ(TargetToCompact(Hex("00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff")),
              0x1d00ffffu);
    EXPECT_EQ(TargetToCompact(Hex("7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")),
              0x207fffffu);
}

TEST(Pow, DeriveTargetRangeChecks) {
    const auto& main = GetParams(Network::Main);
    EXPECT_TRUE(DeriveTarget(0x1d00ffff, main.pow_limit));   // exactly the limit
    EXPECT_FALSE(DeriveTarget(0x1d010000, main.pow_limit));  // just easier than the limit
    EXPECT_FALSE(DeriveTarget(0x207fffff, main.pow_limit));  // regtest bits on mainnet
    EXPECT_FALSE(DeriveTarget(0x00000000, main.pow_limit));  // zero target
    EXPECT_FALSE(DeriveTarget(0x04923456, main.pow_limit));  // negative
    EXPECT_FALSE(DeriveTarget(0xff123456, main.pow_limit));  // overflow
    EXPECT_TRUE(DeriveTarget(0x207fffff, GetParams(Network::Regtest).pow_limit));
    EXPECT_TRUE(DeriveTarget(0x1e0377ae, GetParams(Network::Signet).pow_limit));
    EXPECT_FALSE(DeriveTarget(0x1e0377af, GetParams(Network::Signet).pow_limit));
}

TEST(Pow, CheckProofOfWork) {
    const auto& main = GetParams(Network::Main);
    const primitives::BlockHash genesis = main.genesis_hash;
    EXPECT_TRUE(CheckProofOfWork(genesis, 0x1d00ffff, main));
    // A hash of zero meets any valid target, but not an invalid one.
    const primitives::BlockHash zero;
    EXPECT_TRUE(CheckProofOfWork(zero, 0x1d00ffff, main));
    EXPECT_FALSE(CheckProofOfWork(zero, 0x1e00ffff, main));  // above pow_limit
    EXPECT_FALSE(CheckProofOfWork(zero, 0x04923456, main));  // negative
    EXPECT_FALSE(CheckProofOfWork(zero, 0xff123456, main));  // overflow
    EXPECT_FALSE(CheckProofOfWork(zero, 0x01003456, main));  // zero target
    // The hash equal to the target passes; one more fails.
    const ArithUint256 target = CompactToTarget(0x1c0ffff0).target;
    EXPECT_TRUE(CheckProofOfWork(primitives::BlockHash(target.ToUint256()), 0x1c0ffff0, main));
    EXPECT_FALSE(
        CheckProofOfWork(primitives::BlockHash((target + ArithUint256(1)).ToUint256()), 0x1c0ffff0, main));
    // Genesis hash at a harder target than it met.
    EXPECT_FALSE(CheckProofOfWork(genesis, 0x1b0404cb, main));
}

TEST(Pow, GetBlockProof) {
    // Difficulty 1: 2^256 / (0xffff * 2^208 + 1) = 0x100010001.
    EXPECT_EQ(GetBlockProof(0x1d00ffff), ArithUint256(0x100010001ULL));
    // Regtest blocks each add 2 to the chain work.
    EXPECT_EQ(GetBlockProof(0x207fffff), ArithUint256(2));
    // Smallest target: 2^256 / 2 when target is 1.
    EXPECT_EQ(GetBlockProof(0x01010000), ArithUint256(1) << 255);
    // Invalid encodings prove nothing.
    EXPECT_EQ(GetBlockProof(0x00000000), ArithUint256());
    EXPECT_EQ(GetBlockProof(0x04923456), ArithUint256());
    EXPECT_EQ(GetBlockProof(0xff123456), ArithUint256());
    // Block 413567's difficulty (nBits 0x18058436): floor(2^256 / (target + 1)), computed
    // independently with arbitrary-precision integers.
    EXPECT_EQ(GetBlockProof(0x18058436).ToHex(),
              "00000000000000000000000000000000000000000000002e681b33e6721c4543");
    // Chain work adds: two difficulty-1 blocks.
    EXPECT_EQ(GetBlockProof(0x1d00ffff) + GetBlockProof(0x1d00ffff), ArithUint256(0x200020002ULL));
}

TEST(Pow, RetargetCoreVectors) {
    const auto& main = GetParams(Network::Main);
    int checked = 0;
    // No clamping: block 32255, period started at 1261130161.
    EXPECT_EQ(CalculateNextWorkRequired({0x1d00ffff, 1262152739, 1261130161, 0x1d00ffff}, main), 0x1d00d86au);
    ++checked;
    // Slower than 4x would ease past pow_limit: capped.
    EXPECT_EQ(CalculateNextWorkRequired({0x1d00ffff, 1233061996, 1231006505, 0x1d00ffff}, main), 0x1d00ffffu);
    ++checked;
    // Faster than timespan/4: clamped to a 4x increase in difficulty.
    EXPECT_EQ(CalculateNextWorkRequired({0x1c05a3f4, 1279297671, 1279008237, 0x1c05a3f4}, main), 0x1c0168fdu);
    ++checked;
    // Slower than timespan*4: clamped to a 4x decrease.
    EXPECT_EQ(CalculateNextWorkRequired({0x1c387f6f, 1269211443, 1263163443, 0x1c387f6f}, main), 0x1d00e1fdu);
    ++checked;
    std::cout << "[vectors] Core pow_tests retarget: " << checked << " cases passed\n";
    EXPECT_EQ(checked, 4);
}

TEST(Pow, RetargetRegtestAndBip94) {
    // Regtest never retargets.
    EXPECT_EQ(CalculateNextWorkRequired({0x207fffff, 2000000, 1000, 0x1d00ffff}, GetParams(Network::Regtest)),
              0x207fffffu);
    // Testnet4 (BIP94) scales the period's first block target, not the last one, so a final
    // min-difficulty block (0x1d00ffff) cannot ease the next period.
    const auto& t4 = GetParams(Network::Testnet4);
    const auto& main = GetParams(Network::Main);
    const RetargetInput with_min_last{0x1d00ffff, 1262152739, 1261130161, 0x1c05a3f4};
    const RetargetInput first_as_last{0x1c05a3f4, 1262152739, 1261130161, 0x1c05a3f4};
    EXPECT_EQ(CalculateNextWorkRequired(with_min_last, t4), CalculateNextWorkRequired(first_as_last, main));
    EXPECT_NE(CalculateNextWorkRequired(with_min_last, t4), CalculateNextWorkRequired(with_min_last, main));
}

}  // namespace
}  // namespace tonari::bitcoin::consensus
