// Tests for Args: command line forms, the Core merge order (command line > network section >
// top level), NETWORK_ONLY handling, multi-value options, network selection, the getters' edge
// cases and --help. Config file syntax is covered by args_config_test.cpp.
#include <gtest/gtest.h>

#include <cstdint>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "config/args.h"
#include "config/args_test_helpers.h"

namespace tonari::config {
namespace {

using namespace tonari::config::test;

// --- command line -----------------------------------------------------------------------

TEST(ArgsCommandLine, AcceptsCoreForms) {
    Args a = MakeArgs();
    auto r =
        Parse(a, {"-dbcache=100", "--maxmempool=50", "-server", "-printtoconsole=", "-rpcuser=alice=bob"});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_TRUE(r->empty());
    EXPECT_EQ(a.GetArg("dbcache"), "100");
    EXPECT_EQ(a.GetArg("-dbcache"), "100");  // leading dash accepted by lookups
    EXPECT_EQ(a.GetArg("maxmempool"), "50");
    // A bare -name sets "", which reads as true (Core's InterpretBool).
    EXPECT_EQ(a.GetArg("server"), "");
    EXPECT_TRUE(a.GetBoolArg("server", false));
    EXPECT_EQ(a.GetArg("printtoconsole"), "");
    EXPECT_TRUE(a.GetBoolArg("printtoconsole", false));
    EXPECT_EQ(a.GetArg("rpcuser"), "alice=bob");  // split at the first '=' only
    EXPECT_FALSE(a.IsArgSet("rpcpassword"));
    EXPECT_EQ(a.GetArg("rpcpassword"), std::nullopt);
    EXPECT_EQ(a.GetArg("rpcpassword", "dflt"), "dflt");
    EXPECT_TRUE(a.Warnings().empty());
}

TEST(ArgsCommandLine, Negation) {
    Args a = MakeArgs();
    ASSERT_TRUE(Parse(a, {"-noserver", "-noprinttoconsole=1", "-nodbcache"}));
    EXPECT_TRUE(a.IsArgSet("server"));
    EXPECT_TRUE(a.IsArgNegated("server"));
    EXPECT_EQ(a.GetArg("server"), "0");
    EXPECT_FALSE(a.GetBoolArg("server", true));
    EXPECT_TRUE(a.IsArgNegated("printtoconsole"));
    EXPECT_FALSE(a.GetBoolArg("printtoconsole", true));
    auto dbcache = a.GetIntArg("dbcache", 450);
    ASSERT_TRUE(dbcache);
    EXPECT_EQ(*dbcache, 0);
    EXPECT_FALSE(a.IsArgNegated("maxmempool"));
}

TEST(ArgsCommandLine, DoubleNegativeIsTrueWithWarning) {
    Args a = MakeArgs();
    ASSERT_TRUE(Parse(a, {"-noserver=0"}));
    EXPECT_FALSE(a.IsArgNegated("server"));
    EXPECT_EQ(a.GetArg("server"), "1");
    EXPECT_TRUE(a.GetBoolArg("server", false));
    EXPECT_TRUE(HasWarningContaining(a, "double-negative -server=0"));
}

TEST(ArgsCommandLine, LastValueWinsAndRepeatWarns) {
    Args a = MakeArgs();
    ASSERT_TRUE(Parse(a, {"-dbcache=1", "-dbcache=2", "-noserver", "-server"}));
    EXPECT_EQ(a.GetArg("dbcache"), "2");
    EXPECT_TRUE(a.GetBoolArg("server", false));  // later -server undoes -noserver
    EXPECT_TRUE(HasWarningContaining(a, "-dbcache was given more than once"));
    EXPECT_FALSE(HasWarningContaining(a, "-server was given"));  // a negation is no repeat
}

TEST(ArgsCommandLine, PositionalsStartAtFirstNonOption) {
    Args a = MakeArgs();
    auto r = Parse(a, {"-rpcport=18443", "getblockhash", "-1", "-dbcache=5", "x=y"});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, (Strings{"getblockhash", "-1", "-dbcache=5", "x=y"}));
    EXPECT_FALSE(a.IsArgSet("dbcache"));  // after the method everything is an argument
    EXPECT_EQ(a.GetArg("rpcport"), "18443");

    auto dash = Parse(a, {"-server", "-", "more"});
    ASSERT_TRUE(dash);
    EXPECT_EQ(*dash, (Strings{"-", "more"}));

    auto end_marker = Parse(a, {"-server", "--", "-dbcache=9"});
    ASSERT_TRUE(end_marker);
    EXPECT_EQ(*end_marker, (Strings{"-dbcache=9"}));
    EXPECT_FALSE(a.IsArgSet("dbcache"));

    auto empty_arg = Parse(a, {"", "x"});
    ASSERT_TRUE(empty_arg);
    EXPECT_EQ(*empty_arg, (Strings{"", "x"}));

    auto none = Parse(a, {});
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
}

TEST(ArgsCommandLine, ParsingAgainReplacesTheCommandLine) {
    Args a = MakeArgs();
    ASSERT_TRUE(Parse(a, {"-dbcache=1", "-debug=net"}));
    ASSERT_TRUE(Parse(a, {"-maxmempool=7"}));
    EXPECT_FALSE(a.IsArgSet("dbcache"));
    EXPECT_TRUE(a.GetArgs("debug").empty());
    EXPECT_EQ(a.GetArg("maxmempool"), "7");
}

TEST(ArgsCommandLine, UnknownOptionsAreErrors) {
    struct Case {
        std::vector<const char*> argv;
        std::string message;
    };
    const std::vector<Case> cases = {
        {{"-foo"}, "Invalid parameter -foo"},
        {{"--foo=1"}, "Invalid parameter --foo"},
        {{"-nofoo"}, "Invalid parameter -nofoo"},
        {{"-server", "-Port=1"}, "Invalid parameter -Port"},  // names are case sensitive
        {{"---server"}, "Invalid parameter ---server"},
        {{"-=1"}, "Invalid parameter -"},
        {{"-no"}, "Invalid parameter -no"},
        {{"-wallet.port=1"}, "Invalid parameter -wallet.port"},  // unknown section
        {{"-regtest.foo=1"}, "Invalid parameter -regtest.foo"},
        {{"-regtest.regtest"}, "Invalid parameter -regtest.regtest"},  // cannot pick the network
        {{"-.port=1"}, "Invalid parameter -.port"},
    };
    for (const auto& c : cases) {
        Args a = MakeArgs();
        std::vector<const char*> argv{"tonari"};
        argv.insert(argv.end(), c.argv.begin(), c.argv.end());
        auto r = a.ParseCommandLine(static_cast<int>(argv.size()), argv.data());
        ASSERT_FALSE(r) << c.message;
        EXPECT_EQ(r.error().message, c.message);
    }
    std::cout << "[cases] unknown command line options: " << cases.size() << " cases passed\n";
    EXPECT_EQ(cases.size(), 11u);
}

TEST(ArgsCommandLine, ErrorDoesNotEchoTheValue) {
    Args a = MakeArgs();
    auto r = Parse(a, {"-rpcpasword=hunter2"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "Invalid parameter -rpcpasword");
    EXPECT_EQ(r.error().message.find("hunter2"), std::string::npos);
}

TEST(ArgsCommandLine, IncludeconfIsRefused) {
    Args a = MakeArgs();
    auto r = Parse(a, {"-includeconf=other.conf"});
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("-includeconf is not supported"), std::string::npos);
    EXPECT_TRUE(Parse(a, {"-noincludeconf"}));  // switching it off is harmless
}

TEST(ArgsCommandLine, SectionQualifiedOptionsApplyToTheirNetworkOnly) {
    Args a = MakeArgs();
    ASSERT_TRUE(Parse(a, {"-regtest.port=19000", "-main.port=8333", "-signet.dbcache=10"}));
    EXPECT_EQ(a.ChainName(), "regtest");
    EXPECT_EQ(a.GetArg("port"), "19000");
    EXPECT_FALSE(a.IsArgSet("dbcache"));

    Args m = MakeArgs();
    ASSERT_TRUE(Parse(m, {"-regtest.port=19000", "-main.port=8333", "-chain=main"}));
    EXPECT_EQ(m.GetArg("port"), "8333");

    // The last applicable command line value wins, qualified or not.
    Args b = MakeArgs();
    ASSERT_TRUE(Parse(b, {"-regtest.port=1", "-port=2"}));
    EXPECT_EQ(b.GetArg("port"), "2");
    ASSERT_TRUE(Parse(b, {"-port=2", "-regtest.port=1"}));
    EXPECT_EQ(b.GetArg("port"), "1");
}

// --- merge order and networks ----------------------------------------------------------

TEST(ArgsPrecedence, CommandLineOverNetworkSectionOverTopLevel) {
    const std::string conf = "dbcache=1\n[regtest]\ndbcache=2\n[main]\ndbcache=4\n";
    Args a = MakeArgs();
    ASSERT_TRUE(Parse(a, {"-dbcache=3"}));
    ASSERT_TRUE(a.ReadConfigFile(conf));
    EXPECT_EQ(a.GetArg("dbcache"), "3");

    Args b = MakeArgs();
    ASSERT_TRUE(Parse(b, {}));
    ASSERT_TRUE(b.ReadConfigFile(conf));
    EXPECT_EQ(b.GetArg("dbcache"), "2");

    Args c = MakeArgs();
    ASSERT_TRUE(Parse(c, {"-signet"}));
    ASSERT_TRUE(c.ReadConfigFile(conf));
    EXPECT_EQ(c.GetArg("dbcache"), "1");  // no [signet] value: top level applies

    Args d = MakeArgs();
    ASSERT_TRUE(Parse(d, {"-chain=main"}));
    ASSERT_TRUE(d.ReadConfigFile(conf));
    EXPECT_EQ(d.GetArg("dbcache"), "4");

    // A negation on the command line hides the file's values.
    Args e = MakeArgs();
    ASSERT_TRUE(Parse(e, {"-nodbcache"}));
    ASSERT_TRUE(e.ReadConfigFile(conf));
    EXPECT_TRUE(e.IsArgNegated("dbcache"));
    // A negation in the network section hides the top level.
    Args f = MakeArgs();
    ASSERT_TRUE(f.ReadConfigFile("server=1\n[regtest]\nnoserver=1\n"));
    EXPECT_FALSE(f.GetBoolArg("server", true));
}

TEST(ArgsNetworkOnly, TopLevelIgnoredOffMainWithWarning) {
    const std::string conf = "port=1000\nrpcbind=127.0.0.1\ndbcache=9\n";
    Args a = MakeArgs();
    ASSERT_TRUE(Parse(a, {}));
    ASSERT_TRUE(a.ReadConfigFile(conf));
    EXPECT_EQ(a.ChainName(), "regtest");
    EXPECT_FALSE(a.IsArgSet("port"));
    EXPECT_EQ(a.GetArg("port", "18444"), "18444");
    EXPECT_TRUE(a.GetArgs("rpcbind").empty());
    EXPECT_EQ(a.GetArg("dbcache"), "9");  // not network-only: applies everywhere
    EXPECT_EQ(a.IgnoredNetworkOnlyArgs(), (Strings{"port", "rpcbind"}));
    EXPECT_TRUE(HasWarningContaining(a,
                                     "Config setting for -port only applied on regtest "
                                     "network when in [regtest] section."));
    EXPECT_TRUE(HasWarningContaining(a, "Config setting for -rpcbind only applied on regtest"));
}

TEST(ArgsNetworkOnly, TopLevelUsedOnMain) {
    Args a = MakeArgs();
    ASSERT_TRUE(Parse(a, {"-chain=main"}));
    ASSERT_TRUE(a.ReadConfigFile("port=1000\nrpcbind=127.0.0.1\nrpcbind=::1\n"));
    EXPECT_EQ(a.ChainName(), "main");
    EXPECT_EQ(a.GetArg("port"), "1000");
    EXPECT_EQ(a.GetArgs("rpcbind"), (Strings{"127.0.0.1", "::1"}));
    EXPECT_TRUE(a.IgnoredNetworkOnlyArgs().empty());
    EXPECT_TRUE(a.Warnings().empty());
}

TEST(ArgsNetworkOnly, SectionOrCommandLineSilencesTheWarning) {
    Args a = MakeArgs();
    ASSERT_TRUE(Parse(a, {"-rpcbind=0.0.0.0"}));
    ASSERT_TRUE(a.ReadConfigFile("port=1000\nrpcbind=127.0.0.1\n[regtest]\nport=2000\n"));
    EXPECT_EQ(a.GetArg("port"), "2000");
    EXPECT_EQ(a.GetArgs("rpcbind"), (Strings{"0.0.0.0"}));  // top level still ignored
    EXPECT_TRUE(a.IgnoredNetworkOnlyArgs().empty());
    EXPECT_TRUE(a.Warnings().empty());
}

TEST(ArgsNetworkOnly, TopLevelNegationStillApplies) {
    // Core applies a negated top-level value even to a network-only option.
    Args a = MakeArgs();
    ASSERT_TRUE(a.ReadConfigFile("noport=1\n"));
    EXPECT_TRUE(a.IsArgNegated("port"));
    EXPECT_TRUE(a.IgnoredNetworkOnlyArgs().empty());
}

TEST(ArgsMulti, AccumulatesAcrossSources) {
    Args a = MakeArgs();
    ASSERT_TRUE(Parse(a, {"-debug=net", "-debug=rpc"}));
    ASSERT_TRUE(a.ReadConfigFile("debug=mempool\n[regtest]\ndebug=validation\n"));
    EXPECT_EQ(a.GetArgs("debug"), (Strings{"net", "rpc", "validation", "mempool"}));
    EXPECT_EQ(a.GetArg("debug"), "rpc");                      // single lookup: last on the command line
    EXPECT_FALSE(HasWarningContaining(a, "more than once"));  // repeating is allowed
    EXPECT_TRUE(a.GetArgs("rpcallowip").empty());
}

TEST(ArgsMulti, NegationClears) {
    const std::string conf = "debug=mempool\n";
    Args a = MakeArgs();
    ASSERT_TRUE(Parse(a, {"-debug=net", "-nodebug"}));
    ASSERT_TRUE(a.ReadConfigFile(conf));
    EXPECT_TRUE(a.GetArgs("debug").empty());
    EXPECT_TRUE(a.IsArgNegated("debug"));

    // Values after the negation survive; the file's values stay dropped (Core would bring
    // them back here).
    Args b = MakeArgs();
    ASSERT_TRUE(Parse(b, {"-debug=net", "-nodebug", "-debug=rpc"}));
    ASSERT_TRUE(b.ReadConfigFile(conf));
    EXPECT_EQ(b.GetArgs("debug"), (Strings{"rpc"}));

    Args c = MakeArgs();
    ASSERT_TRUE(
        c.ReadConfigFile("debug=a\nnodebug=1\ndebug=b\n[regtest]\nrpcallowip=1.2.3.4\n"
                         "norpcallowip=1\n"));
    EXPECT_EQ(c.GetArgs("debug"), (Strings{"b"}));
    EXPECT_TRUE(c.GetArgs("rpcallowip").empty());
}

TEST(ArgsNetwork, Selection) {
    struct Case {
        std::vector<const char*> argv;
        std::string conf;
        std::string chain;
    };
    const std::vector<Case> cases = {
        {{}, "", "regtest"},  // Tonari's default
        {{"-regtest"}, "", "regtest"},
        {{"-testnet4"}, "", "testnet4"},
        {{"-signet"}, "", "signet"},
        {{"-chain=main"}, "", "main"},
        {{"-chain=testnet4"}, "", "testnet4"},
        {{"-chain=signet"}, "", "signet"},
        {{"-chain=regtest"}, "", "regtest"},
        {{"-regtest=0", "-signet"}, "", "signet"},
        {{"-noregtest"}, "", "regtest"},
        {{"-nochain"}, "", "regtest"},
        {{}, "chain=main\n", "main"},
        {{}, "testnet4=1\n", "testnet4"},
        {{}, "signet=1\nnosignet=1\n", "regtest"},     // last value in the file counts here
        {{}, "[main]\nsignet=1\n", "regtest"},         // not from a section
        {{"-notestnet4"}, "testnet4=1\n", "regtest"},  // the command line negation wins
    };
    for (const auto& c : cases) {
        Args a = MakeArgs();
        std::vector<const char*> argv{"tonari"};
        argv.insert(argv.end(), c.argv.begin(), c.argv.end());
        auto r = a.ParseCommandLine(static_cast<int>(argv.size()), argv.data());
        ASSERT_TRUE(r) << r.error().message;
        auto rc = a.ReadConfigFile(c.conf);
        ASSERT_TRUE(rc) << rc.error().message;
        EXPECT_EQ(a.ChainName(), c.chain) << c.conf;
    }
    std::cout << "[cases] network selection: " << cases.size() << " cases passed\n";
    EXPECT_EQ(cases.size(), 16u);

    Args a = MakeArgs();
    ASSERT_TRUE(a.ReadConfigFile("[main]\nsignet=1\n"));
    EXPECT_TRUE(HasWarningContaining(a, "signet has no effect inside section [main]"));
}

TEST(ArgsNetwork, Errors) {
    const std::string combination =
        "Invalid combination of -regtest, -signet, -testnet, -testnet4 and -chain. Can use at "
        "most one.";
    const std::string testnet =
        "-testnet (testnet3) is not supported by Tonari; use -testnet4 "
        "(or -chain=testnet4)";
    struct Case {
        std::vector<const char*> argv;
        std::string message;
    };
    const std::vector<Case> cases = {
        {{"-regtest", "-signet"}, combination},
        {{"-chain=regtest", "-regtest"}, combination},
        {{"-testnet4", "-chain=main"}, combination},
        {{"-testnet4", "-testnet"}, combination},
        {{"-testnet"}, testnet},
        {{"-testnet=1"}, testnet},
        {{"-chain=test"}, testnet},
        {{"-chain=foo"}, "Unknown chain foo. Use -chain=main, testnet4, signet or regtest."},
        {{"-chain="}, "Unknown chain . Use -chain=main, testnet4, signet or regtest."},
        {{"-chain=Main"}, "Unknown chain Main. Use -chain=main, testnet4, signet or regtest."},
    };
    for (const auto& c : cases) {
        Args a = MakeArgs();
        std::vector<const char*> argv{"tonari"};
        argv.insert(argv.end(), c.argv.begin(), c.argv.end());
        auto r = a.ParseCommandLine(static_cast<int>(argv.size()), argv.data());
        ASSERT_FALSE(r) << c.message;
        EXPECT_EQ(r.error().message, c.message);
    }
    std::cout << "[cases] network selection errors: " << cases.size() << " cases passed\n";
    EXPECT_EQ(cases.size(), 10u);

    // -testnet=0 and -notestnet ask for nothing and are accepted.
    Args ok = MakeArgs();
    EXPECT_TRUE(Parse(ok, {"-testnet=0"}));
    EXPECT_TRUE(Parse(ok, {"-notestnet"}));

    // The conflict may span the command line and the file, and is reported when the file is
    // read.
    Args mixed = MakeArgs();
    ASSERT_TRUE(Parse(mixed, {"-regtest"}));
    auto r = mixed.ReadConfigFile("chain=main\n");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, combination);

    Args conf_testnet = MakeArgs();
    auto t = conf_testnet.ReadConfigFile("testnet=1\n");
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().message, testnet);
}

// --- getters ---------------------------------------------------------------------------

TEST(ArgsGetters, IntArg) {
    struct Good {
        const char* arg;
        int64_t value;
    };
    const std::vector<Good> good = {
        {"-dbcache=100", 100},
        {"-dbcache=-5", -5},
        {"-dbcache=+7", 7},
        {"-dbcache= 8 ", 8},
        {"-dbcache=0", 0},
        {"-dbcache=9223372036854775807", std::numeric_limits<int64_t>::max()},
        {"-dbcache=-9223372036854775808", std::numeric_limits<int64_t>::min()},
        {"-nodbcache", 0},
    };
    for (const auto& g : good) {
        Args a = MakeArgs();
        ASSERT_TRUE(Parse(a, {g.arg}));
        auto v = a.GetIntArg("dbcache", 450);
        ASSERT_TRUE(v) << g.arg << ": " << v.error().message;
        EXPECT_EQ(*v, g.value) << g.arg;
    }
    struct Bad {
        const char* arg;
        std::string message;
    };
    const std::vector<Bad> bad = {
        {"-dbcache=abc", "Invalid integer value for -dbcache: 'abc'"},
        {"-dbcache=12x", "Invalid integer value for -dbcache: '12x'"},
        {"-dbcache=1.5", "Invalid integer value for -dbcache: '1.5'"},
        {"-dbcache=0x10", "Invalid integer value for -dbcache: '0x10'"},
        {"-dbcache=+-5", "Invalid integer value for -dbcache: '+-5'"},
        {"-dbcache=-", "Invalid integer value for -dbcache: '-'"},
        {"-dbcache=1 2", "Invalid integer value for -dbcache: '1 2'"},
        {"-dbcache=", "-dbcache needs an integer value"},
        {"-dbcache", "-dbcache needs an integer value"},
        {"-dbcache=9223372036854775808", "Value for -dbcache is out of range: 9223372036854775808"},
        {"-dbcache=-99999999999999999999999",
         "Value for -dbcache is out of range: "
         "-99999999999999999999999"},
    };
    for (const auto& b : bad) {
        Args a = MakeArgs();
        ASSERT_TRUE(Parse(a, {b.arg}));
        auto v = a.GetIntArg("dbcache", 450);
        ASSERT_FALSE(v) << b.arg;
        EXPECT_EQ(v.error().message, b.message);
    }
    std::cout << "[cases] integer options: " << good.size() + bad.size() << " cases passed\n";
    EXPECT_EQ(good.size() + bad.size(), 19u);

    Args unset = MakeArgs();
    ASSERT_TRUE(Parse(unset, {}));
    auto v = unset.GetIntArg("-dbcache", 450);
    ASSERT_TRUE(v);
    EXPECT_EQ(*v, 450);
    auto huge = unset.ReadConfigFile("maxmempool=" + std::string(5000, '9') + "\n");
    ASSERT_TRUE(huge);
    EXPECT_FALSE(unset.GetIntArg("maxmempool", 300));
}

TEST(ArgsGetters, BoolArgFollowsCore) {
    struct Case {
        const char* arg;
        bool value;
    };
    const std::vector<Case> cases = {
        {"-server", true},        {"-server=", true},     {"-server=1", true},
        {"-server=5", true},      {"-server=-1", true},   {"-server=1abc", true},
        {"-server= 1", true},     {"-server=+1", true},   {"-server=99999999999", true},
        {"-server=0", false},     {"-server=abc", false}, {"-server=true", false},
        {"-server=false", false}, {"-server=+-1", false}, {"-noserver", false},
        {"-noserver=0", true},    {"-noserver=1", false}, {"-server=00", false},
    };
    for (const auto& c : cases) {
        Args a = MakeArgs();
        ASSERT_TRUE(Parse(a, {c.arg}));
        EXPECT_EQ(a.GetBoolArg("server", !c.value), c.value) << c.arg;
    }
    std::cout << "[cases] boolean options: " << cases.size() << " cases passed\n";
    EXPECT_EQ(cases.size(), 18u);

    Args unset = MakeArgs();
    ASSERT_TRUE(Parse(unset, {}));
    EXPECT_TRUE(unset.GetBoolArg("server", true));
    EXPECT_FALSE(unset.GetBoolArg("server", false));
    EXPECT_FALSE(unset.GetBoolArg("not-registered", false));
}

TEST(ArgsGetters, RegisteredNameStartingWithNo) {
    Args a;
    a.AddArg("notify=<cmd>", "Run <cmd> on events", "Options");
    ASSERT_TRUE(Parse(a, {"-notify=echo"}));
    EXPECT_EQ(a.GetArg("notify"), "echo");
    ASSERT_TRUE(Parse(a, {"-nonotify"}));
    EXPECT_TRUE(a.IsArgNegated("notify"));
}

// --- help ------------------------------------------------------------------------------

TEST(ArgsHelp, GroupsWrapsAndHides) {
    const Args a = MakeArgs();
    const std::string help = a.HelpMessage();
    for (const char* needle :
         {"Options:\n\n", "Chain selection options:\n\n", "Connection options:\n\n",
          "RPC server options:\n\n", "Debugging/Testing options:\n\n", "  -dbcache=<n>\n", "  -regtest\n",
          "  -rpcallowip=<ip>\n", "       Listen for connections on <port>\n", "  -debug=<category>\n"}) {
        EXPECT_NE(help.find(needle), std::string::npos) << needle;
    }
    EXPECT_EQ(help.find("  -h\n"), std::string::npos);  // hidden
    // Categories in registration order, options sorted inside one.
    EXPECT_LT(help.find("Options:"), help.find("Chain selection options:"));
    EXPECT_LT(help.find("Chain selection options:"), help.find("Connection options:"));
    EXPECT_LT(help.find("  -conf=<file>"), help.find("  -datadir=<dir>"));
    // The long dbcache text wraps, every line within 79 columns and indented by 7.
    std::istringstream lines(help);
    std::string line;
    int dbcache_lines = 0;
    bool in_dbcache = false;
    while (std::getline(lines, line)) {
        EXPECT_LE(line.size(), 79u) << line;
        if (line == "  -dbcache=<n>") {
            in_dbcache = true;
            continue;
        }
        if (in_dbcache && line.empty()) in_dbcache = false;
        if (in_dbcache) {
            ++dbcache_lines;
            EXPECT_TRUE(line.starts_with("       ")) << line;
        }
    }
    EXPECT_EQ(dbcache_lines, 2);
}

}  // namespace
}  // namespace tonari::config
