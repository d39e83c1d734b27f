// Tests for the config file side of Args: bitcoin.conf syntax, sections, warnings, malformed
// lines with their line numbers, the size limits, junk input and reading a file from disk.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "config/args.h"
#include "config/args_test_helpers.h"

namespace tonari::config {
namespace {

using namespace tonari::config::test;

// --- config file ----------------------------------------------------------------------

TEST(ArgsConfig, ParsesSyntax) {
    Args a = MakeArgs();
    const std::string conf =
        "# a comment line\n"
        "  dbcache = 300   # trailing comment\n"
        "\n"
        "\tserver=1\r\n"
        "rpcuser=  alice smith  \n"
        "noprinttoconsole=1\n"
        "regtest.maxmempool=77\n"
        "[regtest]\n"
        "rpcport=18443\n"
        "[main]\n"
        "rpcport=8332\n";
    auto r = a.ReadConfigFile(conf);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(a.GetArg("dbcache"), "300");
    EXPECT_TRUE(a.GetBoolArg("server", false));
    EXPECT_EQ(a.GetArg("rpcuser"), "alice smith");  // ends trimmed, inner spaces kept
    EXPECT_TRUE(a.IsArgNegated("printtoconsole"));
    EXPECT_EQ(a.GetArg("maxmempool"), "77");
    EXPECT_EQ(a.GetArg("rpcport"), "18443");
    EXPECT_TRUE(a.Warnings().empty());
}

TEST(ArgsConfig, FirstValueInTheFileWinsAndRepeatWarns) {
    Args a = MakeArgs();
    ASSERT_TRUE(a.ReadConfigFile("dbcache=1\ndbcache=2\n"));
    EXPECT_EQ(a.GetArg("dbcache"), "1");
    EXPECT_TRUE(HasWarningContaining(a,
                                     "tonari.conf:2: dbcache is set again; the first value "
                                     "(line 1) is used"));
    // After a negation the first value following it counts.
    ASSERT_TRUE(a.ReadConfigFile("dbcache=1\nnodbcache=1\ndbcache=3\ndbcache=4\n"));
    EXPECT_EQ(a.GetArg("dbcache"), "3");
    ASSERT_TRUE(a.ReadConfigFile("dbcache=1\nnodbcache=1\n"));
    EXPECT_TRUE(a.IsArgNegated("dbcache"));
    // Double negative in the file.
    ASSERT_TRUE(a.ReadConfigFile("noserver=0\n"));
    EXPECT_TRUE(a.GetBoolArg("server", false));
    EXPECT_TRUE(HasWarningContaining(a,
                                     "tonari.conf:1: Parsed potentially confusing "
                                     "double-negative -server=0"));
}

TEST(ArgsConfig, WarningsAreBounded) {
    // One warning per repeated option and section, however often it repeats.
    Args a = MakeArgs();
    ASSERT_TRUE(a.ReadConfigFile("dbcache=1\ndbcache=2\ndbcache=3\n[regtest]\ndbcache=4\ndbcache=5\n"));
    EXPECT_EQ(a.Warnings().size(), 2u);

    // A file full of unknown options yields a bounded list, ending with a note.
    std::string conf;
    for (int i = 0; i < 1000; ++i) conf += "unknown" + std::to_string(i) + "=1\n";
    ASSERT_TRUE(a.ReadConfigFile(conf));
    const auto warnings = a.Warnings();
    ASSERT_EQ(warnings.size(), 51u);
    EXPECT_EQ(warnings.front(), "tonari.conf:1: Ignoring unknown configuration value unknown0");
    EXPECT_EQ(warnings.back(), "further warnings suppressed");
}

TEST(ArgsConfig, ReadingAgainReplacesTheFile) {
    Args a = MakeArgs();
    ASSERT_TRUE(a.ReadConfigFile("dbcache=1\nfoo=1\n"));
    EXPECT_FALSE(a.Warnings().empty());
    ASSERT_TRUE(a.ReadConfigFile("maxmempool=2\n"));
    EXPECT_FALSE(a.IsArgSet("dbcache"));
    EXPECT_TRUE(a.Warnings().empty());
}

TEST(ArgsConfig, UnknownOptionsAndSectionsWarn) {
    Args a = MakeArgs();
    auto r = a.ReadConfigFile(
        "dbcache=5\nwallet=w1\n[regtest]\nfoo=2\n[mainnet]\nport=1\n"
        "[test]\nport=2\n[]\n",
        "my.conf");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(a.GetArg("dbcache"), "5");
    EXPECT_TRUE(HasWarningContaining(a, "my.conf:2: Ignoring unknown configuration value wallet"));
    EXPECT_TRUE(HasWarningContaining(a,
                                     "my.conf:4: Ignoring unknown configuration value "
                                     "regtest.foo"));
    EXPECT_TRUE(HasWarningContaining(a, "my.conf:5: Section [mainnet] is not recognized."));
    EXPECT_TRUE(HasWarningContaining(a, "my.conf:9: Section [] is not recognized."));
    EXPECT_FALSE(HasWarningContaining(a, "[test]"));  // Core's testnet3 section is known
    EXPECT_FALSE(a.IsArgSet("port"));
    EXPECT_EQ(a.Warnings().size(), 4u);

    ASSERT_TRUE(a.ReadConfigFile("wallet.port=3\n"));
    EXPECT_TRUE(HasWarningContaining(a, "Section [wallet] is not recognized."));
}

TEST(ArgsConfig, MalformedLinesAreErrorsWithLineNumbers) {
    struct Case {
        std::string text;
        std::string message;
    };
    const std::vector<Case> cases = {
        {"dbcache=1\nserver\n", "tonari.conf: parse error on line 2: server"},
        {"noserver\n",
         "tonari.conf: parse error on line 1: noserver, if you intended to specify "
         "a negated option, use noserver=1 instead"},
        {"\n\n-dbcache=4\n",
         "tonari.conf: parse error on line 3: -dbcache=4, options in "
         "configuration file must be specified without leading -"},
        {"[regtest\n", "tonari.conf: parse error on line 1: [regtest"},
        {"x\n=5\n", "tonari.conf: parse error on line 1: x"},
        {"# c\n = 5\n", "tonari.conf: parse error on line 2: missing option name before '='"},
        {"rpcpassword=ab#cd\n",
         "tonari.conf: parse error on line 1, using # in rpcpassword "
         "can be ambiguous and should be avoided"},
        {"[main]\nrpcpassword=abc # note\n",
         "tonari.conf: parse error on line 2, using # in "
         "rpcpassword can be ambiguous and should be avoided"},
        {"conf=other.conf\n",
         "tonari.conf: conf cannot be set in the configuration file "
         "(line 1); give -conf on the command line"},
        {"server=1\nincludeconf=extra.conf\n",
         "tonari.conf: includeconf is not supported by "
         "Tonari (line 2); put all options in this one "
         "file"},
    };
    for (const auto& c : cases) {
        Args a = MakeArgs();
        auto r = a.ReadConfigFile(c.text);
        ASSERT_FALSE(r) << c.text;
        EXPECT_EQ(r.error().message, c.message);
    }
    std::cout << "[cases] malformed config lines: " << cases.size() << " cases passed\n";
    EXPECT_EQ(cases.size(), 10u);

    // A comment in another option's value is simply a comment; noincludeconf is harmless.
    Args ok = MakeArgs();
    ASSERT_TRUE(ok.ReadConfigFile("rpcuser=ab#cd\nnoincludeconf=1\n"));
    EXPECT_EQ(ok.GetArg("rpcuser"), "ab");
}

TEST(ArgsConfig, SizeLimits) {
    Args a = MakeArgs();
    std::string big(MAX_CONFIG_FILE_BYTES + 1, '\n');
    auto r = a.ReadConfigFile(big);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("larger than 1048576 bytes"), std::string::npos);

    // Exactly at the limit is fine.
    std::string at_limit(MAX_CONFIG_FILE_BYTES, '\n');
    EXPECT_TRUE(a.ReadConfigFile(at_limit));

    std::string long_line = "dbcache=" + std::string(MAX_CONFIG_LINE_LENGTH, '1');
    auto l = a.ReadConfigFile("server=1\n" + long_line + "\n");
    ASSERT_FALSE(l);
    EXPECT_EQ(l.error().message,
              "tonari.conf: line 2 is longer than " + std::to_string(MAX_CONFIG_LINE_LENGTH) + " characters");
    EXPECT_TRUE(a.ReadConfigFile("rpcuser=" + std::string(MAX_CONFIG_LINE_LENGTH - 8, 'u')));

    // An echoed malformed line is cut short.
    auto echo = a.ReadConfigFile(std::string(500, 'x'));
    ASSERT_FALSE(echo);
    EXPECT_LT(echo.error().message.size(), 150u);
}

TEST(ArgsConfig, SurvivesJunk) {
    // Arbitrary bytes must give a value or an error, never a crash.
    const std::vector<std::string> junk = {
        std::string("\0\0\0", 3),
        "[",
        "]",
        "[]]",
        "=",
        "==",
        "#=",
        "[regtest]=1",
        "no=1",
        ".=1",
        "..=..",
        "regtest.=1",
        "nono=1",
        std::string("db\0cache=1", 10),
        "\xff\xfe=1",
        "[regtest]\n[main]\n[signet]\n",
        "\r\r\r",
        "port=\r\n",
    };
    std::size_t errors = 0;
    for (const auto& text : junk) {
        Args a = MakeArgs();
        if (!a.ReadConfigFile(text)) ++errors;
        (void)a.Warnings();
        (void)a.GetArg("port");
    }
    // Five are malformed: three lines without '=' and two with '=' but no name.
    EXPECT_EQ(errors, 5u);
}

// --- reading files ---------------------------------------------------------------------

class ConfigFileTextTest : public ::testing::Test {
protected:
    void SetUp() override {
        static std::atomic<int> counter{0};
        m_dir = std::filesystem::temp_directory_path() /
                ("tonari_config_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
        std::filesystem::create_directories(m_dir);
    }
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }
    std::filesystem::path m_dir;
};

TEST_F(ConfigFileTextTest, ReadsMissingDirectoryAndOversized) {
    const auto missing = m_dir / "missing.conf";
    auto optional = ReadConfigFileText(missing, /*must_exist=*/false);
    ASSERT_TRUE(optional);
    EXPECT_EQ(*optional, "");
    auto required = ReadConfigFileText(missing, /*must_exist=*/true);
    ASSERT_FALSE(required);
    EXPECT_NE(required.error().message.find("could not be opened"), std::string::npos);

    auto dir = ReadConfigFileText(m_dir, true);
    ASSERT_FALSE(dir);
    EXPECT_NE(dir.error().message.find("is a directory"), std::string::npos);

    const auto good = m_dir / "tonari.conf";
    std::ofstream(good) << "regtest=1\n[regtest]\nrpcport=18443\n";
    auto text = ReadConfigFileText(good, true);
    ASSERT_TRUE(text) << text.error().message;
    Args a = MakeArgs();
    ASSERT_TRUE(a.ReadConfigFile(*text));
    EXPECT_EQ(a.GetArg("rpcport"), "18443");

    const auto big = m_dir / "big.conf";
    std::ofstream(big) << std::string(MAX_CONFIG_FILE_BYTES + 1, '#');
    auto too_big = ReadConfigFileText(big, true);
    ASSERT_FALSE(too_big);
    EXPECT_NE(too_big.error().message.find("larger than"), std::string::npos);
}

}  // namespace
}  // namespace tonari::config
