// Tests for Basic authentication (plain passwords, Core's rpcauth vectors from
// rpc_users.py), constant-time comparison and the cookie file (permissions, atomic replace,
// bounded read).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "crypto/random.h"
#include "netcore/http_auth.h"
#include "util/base64.h"
#include "util/hex.h"

namespace tonari::netcore {
namespace {

using util::EncodeBase64;

TEST(ConstantTimeEqual, ComparesWholeStrings) {
    EXPECT_TRUE(ConstantTimeEqual("", ""));
    EXPECT_TRUE(ConstantTimeEqual("abc", "abc"));
    EXPECT_FALSE(ConstantTimeEqual("abc", "abd"));
    EXPECT_FALSE(ConstantTimeEqual("abc", "ab"));
    EXPECT_FALSE(ConstantTimeEqual("ab", "abc"));
    EXPECT_FALSE(ConstantTimeEqual("", "a"));
    EXPECT_FALSE(ConstantTimeEqual("a", ""));
    EXPECT_FALSE(ConstantTimeEqual(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

std::optional<std::string_view> Header(const std::string& value) { return std::string_view(value); }

TEST(Authenticator, AcceptsAddedPasswordsOnly) {
    Authenticator auth;
    EXPECT_TRUE(auth.empty());
    const std::string good = BasicAuthorizationValue("alice:secret");
    EXPECT_EQ(auth.Check(Header(good)).error(), AuthFailure::WRONG_CREDENTIALS);  // nothing configured

    auth.AddPassword("alice", "secret");
    auth.AddPassword("bob", "p:w:d");  // a password may contain ':'
    EXPECT_FALSE(auth.empty());
    auto ok = auth.Check(Header(good));
    ASSERT_TRUE(ok);
    EXPECT_EQ(*ok, "alice");
    EXPECT_EQ(*auth.Check(Header(BasicAuthorizationValue("bob:p:w:d"))), "bob");
    // Core trims whitespace around the base64 part.
    EXPECT_TRUE(auth.Check(Header("Basic   " + EncodeBase64(std::string_view("alice:secret")) + " \t")));

    EXPECT_EQ(auth.Check(std::nullopt).error(), AuthFailure::MISSING_HEADER);
    EXPECT_EQ(auth.Check(Header(BasicAuthorizationValue("alice:Secret"))).error(), AuthFailure::WRONG_CREDENTIALS);
    EXPECT_EQ(auth.Check(Header(BasicAuthorizationValue("alice:secret "))).error(), AuthFailure::WRONG_CREDENTIALS);
    EXPECT_EQ(auth.Check(Header(BasicAuthorizationValue("Alice:secret"))).error(), AuthFailure::WRONG_CREDENTIALS);
    EXPECT_EQ(auth.Check(Header(BasicAuthorizationValue("bob:secret"))).error(), AuthFailure::WRONG_CREDENTIALS);
    EXPECT_EQ(auth.Check(Header(BasicAuthorizationValue(":"))).error(), AuthFailure::WRONG_CREDENTIALS);

    // Malformed: wrong scheme, bad base64, no colon, oversized.
    EXPECT_EQ(auth.Check(Header("basic " + EncodeBase64(std::string_view("alice:secret")))).error(),
              AuthFailure::MALFORMED);
    EXPECT_EQ(auth.Check(Header("Basic")).error(), AuthFailure::MALFORMED);
    EXPECT_TRUE(auth.Check(Header("Basic YWxpY2U6c2VjcmV0")));  // 12 bytes need no padding
    EXPECT_EQ(auth.Check(Header("Basic YWxpY2U6c2VjcmU")).error(), AuthFailure::MALFORMED);  // padding missing
    EXPECT_EQ(auth.Check(Header("Basic %%%%")).error(), AuthFailure::MALFORMED);
    EXPECT_EQ(auth.Check(Header(BasicAuthorizationValue("alicesecret"))).error(), AuthFailure::MALFORMED);
    const std::string huge = BasicAuthorizationValue("alice:" + std::string(MAX_AUTHORIZATION_HEADER_SIZE, 'x'));
    EXPECT_EQ(auth.Check(Header(huge)).error(), AuthFailure::MALFORMED);
}

TEST(Authenticator, RpcAuthMatchesCoresVectors) {
    // rpc_users.py in Bitcoin Core: lines made by share/rpcauth/rpcauth.py and their passwords.
    Authenticator auth;
    ASSERT_TRUE(auth.AddRpcAuth("rt:93648e835a54c573682c2eb19f882535$"
                                "7681e9c5b74bdd85e78166031d2058e1069b3ed7ed967c93fc63abba06f31144"));
    ASSERT_TRUE(auth.AddRpcAuth("rt2:f8607b1a88861fac29dfccf9b52ff9f$"
                                "ff36a0c23c8c62b4846112e50fa888416e94c17bfd4c42f88fd8f55ec6a3137e"));
    const std::string password = "cA773lm788buwYe4g4WT+05pKyNruVKjQ25x3n0DQcM=";
    const std::string password2 = "8/F3uMDw4KSEbw96U3CA1C4X05dkHDN2BPFjTgZW4KI=";
    EXPECT_EQ(*auth.Check(Header(BasicAuthorizationValue("rt:" + password))), "rt");
    EXPECT_EQ(*auth.Check(Header(BasicAuthorizationValue("rt2:" + password2))), "rt2");
    EXPECT_FALSE(auth.Check(Header(BasicAuthorizationValue("rt:" + password2))));
    EXPECT_FALSE(auth.Check(Header(BasicAuthorizationValue("rt2:" + password))));
    EXPECT_FALSE(auth.Check(Header(BasicAuthorizationValue("rt:" + password + "x"))));
    EXPECT_FALSE(auth.Check(Header(BasicAuthorizationValue("rt3:" + password))));

    // An upper-case hash in the configuration works too.
    Authenticator upper;
    ASSERT_TRUE(upper.AddRpcAuth("rt:93648e835a54c573682c2eb19f882535$"
                                 "7681E9C5B74BDD85E78166031D2058E1069B3ED7ED967C93FC63ABBA06F31144"));
    EXPECT_TRUE(upper.Check(Header(BasicAuthorizationValue("rt:" + password))));
}

TEST(Authenticator, RpcAuthRefusesMalformedLines) {
    Authenticator auth;
    for (const char* bad : {"", "user", "user:salthash", "user:salt$hash$more", "us:er:salt$hash", ":", "user$x:salt"}) {
        EXPECT_FALSE(auth.AddRpcAuth(bad)) << bad;
    }
    EXPECT_TRUE(auth.empty());
}

TEST(Cookie, GenerateMakesFreshCookieLines) {
    const std::string a = GenerateCookie();
    const std::string b = GenerateCookie();
    EXPECT_NE(a, b);
    ASSERT_EQ(a.size(), COOKIE_USER.size() + 1 + 64);
    EXPECT_TRUE(a.starts_with("__cookie__:"));
    EXPECT_TRUE(util::IsHex(a.substr(COOKIE_USER.size() + 1)));

    Authenticator auth;
    ASSERT_TRUE(auth.AddUserColonPassword(a));
    EXPECT_EQ(*auth.Check(Header(BasicAuthorizationValue(a))), "__cookie__");
    EXPECT_FALSE(auth.Check(Header(BasicAuthorizationValue(b))));
    EXPECT_FALSE(auth.AddUserColonPassword("nocolon"));
}

class CookieFileTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir = std::filesystem::temp_directory_path() /
              ("tonari_rpc_cookie_" + util::HexEncodeReversed(crypto::RandomUint256().span()).substr(0, 16));
        std::filesystem::create_directories(dir);
    }
    void TearDown() override { std::filesystem::remove_all(dir); }

    static std::string Slurp(const std::filesystem::path& p) {
        std::ifstream in(p, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }
    static void Write(const std::filesystem::path& p, const std::string& content) {
        std::ofstream out(p, std::ios::binary);
        out << content;
    }
    static unsigned Mode(const std::filesystem::path& p) {
        struct stat st {};
        EXPECT_EQ(::stat(p.c_str(), &st), 0);
        return st.st_mode & 0777;
    }

    std::filesystem::path dir;
};

TEST_F(CookieFileTest, WritesOwnerOnlyAndAtomically) {
    const std::string path = (dir / ".cookie").string();
    const std::string line = GenerateCookie();
    ASSERT_TRUE(WriteCookieFile(path, line));
    EXPECT_EQ(Slurp(path), line);  // no trailing newline, as Core
    EXPECT_EQ(Mode(path), 0600u);
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
    EXPECT_EQ(*ReadCookieFile(path), line);

    // Replacing an existing, world-readable cookie and a stale world-readable temp file.
    ::chmod(path.c_str(), 0644);
    Write(path + ".tmp", "stale");
    ::chmod((path + ".tmp").c_str(), 0666);
    const std::string line2 = GenerateCookie();
    ASSERT_TRUE(WriteCookieFile(path, line2));
    EXPECT_EQ(Slurp(path), line2);
    EXPECT_EQ(Mode(path), 0600u);
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST_F(CookieFileTest, WriteFailsWhereItCannot) {
    auto r = WriteCookieFile((dir / "missing" / ".cookie").string(), "x:y");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("cannot create"), std::string::npos) << r.error();
}

TEST_F(CookieFileTest, ReadTakesTheFirstLineWithinBounds) {
    const auto path = dir / "c";
    Write(path, "__cookie__:abc\r\nsecond line\n");
    EXPECT_EQ(*ReadCookieFile(path.string()), "__cookie__:abc");
    Write(path, "user:pass");
    EXPECT_EQ(*ReadCookieFile(path.string()), "user:pass");

    Write(path, "");
    EXPECT_FALSE(ReadCookieFile(path.string()));
    Write(path, "\nuser:pass");
    EXPECT_FALSE(ReadCookieFile(path.string()));
    Write(path, std::string(MAX_COOKIE_FILE_SIZE + 1, 'a'));
    auto too_big = ReadCookieFile(path.string());
    ASSERT_FALSE(too_big);
    EXPECT_NE(too_big.error().find("too large"), std::string::npos);
    Write(path, std::string(MAX_COOKIE_FILE_SIZE, 'a'));
    EXPECT_TRUE(ReadCookieFile(path.string()));
    EXPECT_FALSE(ReadCookieFile((dir / "absent").string()));
}

}  // namespace
}  // namespace tonari::netcore
