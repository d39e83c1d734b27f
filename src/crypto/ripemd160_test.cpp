// Tests for RIPEMD-160 (the test vectors published with the algorithm) and HASH160.
#include <gtest/gtest.h>

#include <iostream>
#include <string>

#include "crypto/ripemd160.h"
#include "crypto/sha256.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::crypto {
namespace {

std::string Repeat(std::string_view s, int times) {
    std::string out;
    for (int i = 0; i < times; ++i) out += s;
    return out;
}

TEST(Ripemd160, PublishedVectors) {
    struct Case {
        std::string msg;
        const char* hex;
    };
    const Case cases[] = {
        {"", "9c1185a5c5e9fc54612808977ee8f548b2258d31"},
        {"a", "0bdc9d2d256b3ee9daae347be6f4dc835a467ffe"},
        {"abc", "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"},
        {"message digest", "5d0689ef49d2fae572b881b123a85ffa21595f36"},
        {"abcdefghijklmnopqrstuvwxyz", "f71c27109c692c1b56bbdceb5b9d2865b3708dbc"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "12a053384a9c0c88e405a06c27dcf49ada62eb2b"},
        {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
         "b0e20b6e3116640286ed3a87a5713079b21f5189"},
        {Repeat("1234567890", 8), "9b752e45573d4b39f4dbd3323cab82bf63326bfb"},
        {std::string(1000000, 'a'), "52783243c1697bdbe16d37f97f68f08325dc1528"},
    };
    size_t passed = 0;
    for (const Case& c : cases) {
        EXPECT_EQ(util::HexEncode(Ripemd160(util::AsBytes(c.msg))), c.hex) << "length " << c.msg.size();
        if (util::HexEncode(Ripemd160(util::AsBytes(c.msg))) == c.hex) ++passed;
    }
    std::cout << "[vectors] RIPEMD-160 published vectors: " << passed << " cases passed\n";
    EXPECT_EQ(passed, 9u);
}

TEST(Ripemd160, PaddingBoundariesDiffer) {
    // 55/56/63/64 bytes change the padding layout; neighbours must not collide.
    std::string prev_hex;
    for (size_t len : {54, 55, 56, 57, 63, 64, 65, 119, 120}) {
        const std::string hex = util::HexEncode(Ripemd160(util::AsBytes(std::string(len, 'x'))));
        EXPECT_NE(hex, prev_hex);
        prev_hex = hex;
    }
}

TEST(Hash160, IsRipemdOfSha256) {
    // Compressed public key of secret 1 (the generator) and its well-known HASH160, which is
    // the payload of the address 1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH.
    const util::Bytes g =
        test::ParseHexOrFail("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
    EXPECT_EQ(Hash160(g).ToHexInternal(), "751e76e8199196d454941c45d1b3a323f1433bd6");
    EXPECT_EQ(Hash160(g).bytes(), Ripemd160(Sha256Hash(g)));
    util::Bytes other = g;
    other[1] ^= 1;
    EXPECT_NE(Hash160(other), Hash160(g));
}

}  // namespace
}  // namespace tonari::crypto
