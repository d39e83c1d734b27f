// Output descriptors against Bitcoin Core's own cases (test/data/bitcoin-core/descriptor_cases.json,
// extracted from descriptor_tests.cpp, the RPC functional tests and doc/descriptors.md):
// checksums, parsing to Core's public text, expansion to scriptPubKeys, refusals with Core's
// error text, and inference.
#include <gtest/gtest.h>

#include <string>

#include "bitcoin/descriptor/checksum.h"
#include "bitcoin/descriptor/descriptor.h"
#include "bitcoin/descriptor/infer.h"
#include "test_data.h"
#include "crypto/sha256.h"
#include "util/hex.h"

namespace tonari::bitcoin::descriptor {
namespace {

using encoding::Network;

const boost::json::object& Cases() {
    static const boost::json::value json = test::ReadTestJson("bitcoin-core/descriptor_cases.json");
    return json.as_object();
}

std::string Str(const boost::json::value& v) { return std::string(v.as_string()); }

std::string StripChecksum(const std::string& s) { return s.substr(0, s.find('#')); }

Network NetworkOf(const boost::json::object& c) {
    const auto* n = c.if_contains("network");
    if (!n || !n->is_string()) return Network::Main;
    const std::string name = Str(*n);
    if (name == "regtest") return Network::Regtest;
    if (name == "test") return Network::Testnet3;
    return Network::Main;
}

// Multipath "<a;b>" key paths are not supported (see descriptor.h); their cases are skipped.
bool IsMultipath(const std::string& s) { return s.find('<') != std::string::npos; }

class DescriptorTest : public ::testing::Test {
protected:
    crypto::KeyContext ctx;
};

TEST_F(DescriptorTest, ChecksumsMatchCore) {
    size_t checked = 0;
    for (const auto& item : Cases().at("checksum").as_array()) {
        const auto& c = item.as_object();
        const std::string desc = Str(c.at("desc"));
        if (c.contains("checksum")) {
            EXPECT_EQ(DescriptorChecksum(Str(c.at("desc_without_checksum"))), Str(c.at("checksum"))) << desc;
        }
        auto checked_payload = CheckChecksum(desc, false);
        if (c.at("valid").as_bool()) {
            EXPECT_TRUE(checked_payload) << desc << ": " << (checked_payload ? "" : checked_payload.error());
        } else if (c.contains("context")) {
            // A missing checksum is an error only where one is required (deriveaddresses).
            auto required = CheckChecksum(desc, true);
            ASSERT_FALSE(required) << desc;
            EXPECT_EQ(required.error(), Str(c.at("error")));
        } else if (c.at("error").is_string() && !c.contains("note")) {
            ASSERT_FALSE(checked_payload) << desc;
            EXPECT_EQ(checked_payload.error(), Str(c.at("error"))) << desc;
        } else {
            // The private twin of a refused public form: Core only requires that it fails.
            EXPECT_FALSE(Descriptor::Parse(desc, NetworkOf(c), false, ctx)) << desc;
        }
        ++checked;
    }
    EXPECT_GE(checked, 70u);
    EXPECT_EQ(AddChecksum("raw(deadbeef)"), "raw(deadbeef)#" + DescriptorChecksum("raw(deadbeef)"));
    EXPECT_EQ(DescriptorChecksum("raw(\xc3\x9c)"), "");
}

void CheckParseCase(const boost::json::object& c, const crypto::KeyContext& ctx) {
    const std::string prv = Str(c.at("desc"));
    const std::string pub = Str(c.at("pub"));
    const Network network = NetworkOf(c);
    std::set<std::string> flags;
    for (const auto& f : c.at("flags").as_array()) flags.insert(Str(f));
    auto from_prv = Descriptor::Parse(prv, network, false, ctx);
    auto from_pub = Descriptor::Parse(pub, network, false, ctx);
    ASSERT_TRUE(from_prv) << prv << ": " << from_prv.error();
    ASSERT_TRUE(from_pub) << pub << ": " << from_pub.error();
    EXPECT_EQ(StripChecksum(from_prv->ToString()), StripChecksum(pub)) << prv;
    EXPECT_EQ(StripChecksum(from_pub->ToString()), StripChecksum(pub)) << pub;
    EXPECT_EQ(from_prv->IsRange(), flags.contains("RANGE")) << prv;
    EXPECT_TRUE(from_prv->HasPrivateKeys()) << prv;
    EXPECT_FALSE(from_pub->HasPrivateKeys()) << pub;
    const auto& scripts = c.at("scripts").as_array();
    const size_t positions = flags.contains("RANGE") ? scripts.size() : 3;
    for (size_t pos = 0; pos < positions; ++pos) {
        const auto& expected = scripts[flags.contains("RANGE") ? pos : 0].as_array();
        auto got = from_prv->Expand(static_cast<uint32_t>(pos), ctx);
        ASSERT_TRUE(got) << prv << " at " << pos << ": " << got.error();
        ASSERT_EQ(got->size(), expected.size()) << prv;
        for (size_t i = 0; i < expected.size(); ++i) {
            EXPECT_EQ(util::HexEncode((*got)[i]), Str(expected[i])) << prv << " at " << pos;
        }
        // Hardened steps need the private key: the public form cannot be expanded.
        auto got_pub = from_pub->Expand(static_cast<uint32_t>(pos), ctx);
        EXPECT_EQ(got_pub.has_value(), !flags.contains("HARDENED")) << pub;
    }
}

TEST_F(DescriptorTest, ParsesExpandsAndPrintsAsCore) {
    size_t checked = 0;
    for (const char* section : {"parse", "parse_tr_tree"}) {
        for (const auto& item : Cases().at(section).as_array()) {
            const auto& c = item.as_object();
            SCOPED_TRACE(Str(c.at("desc")));
            CheckParseCase(c, ctx);
            // Core re-runs each case with every ' written as h, and expects the h back.
            if (c.contains("also_tested_with_h") && c.at("also_tested_with_h").as_bool()) {
                boost::json::object h = c;
                for (const char* key : {"desc", "pub"}) {
                    std::string s = StripChecksum(Str(c.at(key)));
                    std::replace(s.begin(), s.end(), '\'', 'h');
                    h[key] = s;
                }
                CheckParseCase(h, ctx);
            }
            ++checked;
        }
    }
    EXPECT_GE(checked, 40u);
}

TEST_F(DescriptorTest, RefusesWithCoreErrors) {
    size_t checked = 0;
    for (const auto& item : Cases().at("parse_errors").as_array()) {
        const auto& c = item.as_object();
        const std::string pub = Str(c.at("pub"));
        if (IsMultipath(pub) || Str(c.at("error")).find("Multipath") != std::string::npos) continue;
        auto parsed = Descriptor::Parse(pub, NetworkOf(c), false, ctx);
        ASSERT_FALSE(parsed) << pub;
        EXPECT_EQ(parsed.error(), Str(c.at("error"))) << pub;
        if (c.at("desc").is_string()) {
            EXPECT_FALSE(Descriptor::Parse(Str(c.at("desc")), NetworkOf(c), false, ctx));
        }
        ++checked;
    }
    EXPECT_GE(checked, 40u);
}

TEST_F(DescriptorTest, MultipathAndMiniscriptAreRefusedPlainly) {
    auto multipath = Descriptor::Parse(
        "wpkh(xpub661MyMwAqRbcFW31YEwpkMuc5THy2PSt5bDMsktWQcFF8syAmRUapSCGu8ED9W6oDMSgv6Zz8idoc4a6mr8BDzTJY47LJhkJ8UB7WEGuduB/<0;1>)",
        Network::Main, false, ctx);
    ASSERT_FALSE(multipath);
    EXPECT_EQ(multipath.error(), "wpkh(): Multipath key path specifiers are not supported");
    auto miniscript = Descriptor::Parse(
        "wsh(and_v(v:pk(03a34b99f22c790c4e36b2b3c2c35a36db06226e41c692fc82b8b56ac1c540c5bd),older(10)))", Network::Main,
        false, ctx);
    ASSERT_FALSE(miniscript);
    EXPECT_NE(miniscript.error().find("miniscript is not supported"), std::string::npos);
    auto trailing = Descriptor::Parse("pk(03a34b99f22c790c4e36b2b3c2c35a36db06226e41c692fc82b8b56ac1c540c5bd))",
                                      Network::Main, false, ctx);
    EXPECT_FALSE(trailing);
}

TEST_F(DescriptorTest, InfersAsCoreWithNoKeysKnown) {
    size_t checked = 0;
    size_t segwit_checked = 0;
    for (const auto& item : Cases().at("infer").as_array()) {
        const auto& c = item.as_object();
        const auto script = util::HexDecode(Str(c.at("script_hex")));
        ASSERT_TRUE(script);
        if (c.contains("desc")) {
            // Cases with a signing provider that knows keys or scripts infer pkh/wpkh/sh forms
            // that need that provider; the RPCs never have one.
            const auto* provider = c.if_contains("provider");
            const bool knows_nothing = !provider || provider->is_string() ||
                                       provider->as_object().at("scripts").as_array().empty();
            const std::string desc = Str(c.at("desc"));
            const bool needs_keys = desc.starts_with("pkh(") || desc.starts_with("wpkh(") || desc.starts_with("sh(");
            if (knows_nothing && !needs_keys) {
                EXPECT_EQ(InferDescriptor(*script, NetworkOf(c)), desc) << Str(c.at("script_hex"));
                ++checked;
            }
        }
        // decodescript's segwit.desc: the P2WSH of the script, with the script known.
        std::string segwit_desc;
        if (c.contains("segwit_desc")) segwit_desc = Str(c.at("segwit_desc"));
        if (c.contains("decodescript_segwit")) segwit_desc = Str(c.at("decodescript_segwit").as_object().at("desc"));
        const bool miniscript = segwit_desc.starts_with("wsh(") && !segwit_desc.starts_with("wsh(multi(") &&
                                !segwit_desc.starts_with("wsh(pk(");
        // Inner scripts only miniscript describes are not inferred here (see infer.h).
        if (!segwit_desc.empty() && !miniscript) {
            const auto digest = crypto::Sha256Hash(*script);
            util::Bytes p2wsh{0x00, 0x20};
            p2wsh.insert(p2wsh.end(), digest.begin(), digest.end());
            EXPECT_EQ(InferDescriptor(p2wsh, NetworkOf(c), *script), segwit_desc) << Str(c.at("script_hex"));
            ++segwit_checked;
        }
    }
    EXPECT_GE(checked, 25u);
    EXPECT_GE(segwit_checked, 2u);
}

TEST_F(DescriptorTest, InferredTextParsesBack) {
    // Every inferred descriptor is valid descriptor text that expands to the same script.
    const char* scripts[] = {
        "2103a34b99f22c790c4e36b2b3c2c35a36db06226e41c692fc82b8b56ac1c540c5bdac",
        "76a9149a1c78a507689f6f54b847ad1cef1e614ee23f1e88ac",
        "00149a1c78a507689f6f54b847ad1cef1e614ee23f1e",
        "a91484ab21b1b2fd065d4504ff693d832434b6108d7b87",
        "6a0401020304",
        "5120a34b99f22c790c4e36b2b3c2c35a36db06226e41c692fc82b8b56ac1c540c5bd",
    };
    for (const char* hex : scripts) {
        const auto script = *util::HexDecode(hex);
        const std::string desc = InferDescriptor(script, Network::Main);
        auto parsed = Descriptor::Parse(desc, Network::Main, true, ctx);
        ASSERT_TRUE(parsed) << desc << ": " << parsed.error();
        auto expanded = parsed->Expand(0, ctx);
        ASSERT_TRUE(expanded);
        ASSERT_EQ(expanded->size(), 1u);
        EXPECT_EQ(util::HexEncode(expanded->front()), hex) << desc;
    }
}

}  // namespace
}  // namespace tonari::bitcoin::descriptor
