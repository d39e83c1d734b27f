// Addresses: BIP173/BIP350 address vectors, Bitcoin Core's validateaddress error messages,
// scriptPubKey pattern matching in EncodeAddress and DescribeScript.
#include <gtest/gtest.h>

#include <iostream>

#include "bitcoin/encoding/address.h"
#include "bitcoin/encoding/address_params.h"
#include "bitcoin/encoding/base58.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::encoding {
namespace {

using util::Bytes;
using util::HexEncode;

std::string Lower(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
}

// The network whose HRP the address carries (BIP vectors use only bc and tb).
Network NetworkForHrp(const std::string& address) {
    return Lower(address.substr(0, 3)) == "bc1" ? Network::Main : Network::Testnet3;
}

TEST(Address, BipValidAddresses) {
    const auto json = test::ReadTestJson("bips/bech32_bech32m_vectors.json").as_object();
    size_t cases = 0;
    for (const auto& v : json.at("valid_addresses").as_array()) {
        const auto& o = v.as_object();
        const std::string address(o.at("address").as_string());
        const std::string spk(o.at("scriptPubKey").as_string());
        const Network net = NetworkForHrp(address);
        const auto nets = net == Network::Main
                              ? std::vector<Network>{Network::Main}
                              : std::vector<Network>{Network::Testnet3, Network::Testnet4, Network::Signet};
        for (Network n : nets) {
            const auto decoded = DecodeAddress(address, n);
            ASSERT_TRUE(decoded.has_value()) << address << ": " << decoded.error().message;
            EXPECT_EQ(HexEncode(*decoded), spk) << address;
            EXPECT_EQ(EncodeAddress(*decoded, n), Lower(address));
        }
        // Never valid on a network with another HRP.
        for (Network other : ALL_NETWORKS) {
            if (GetAddressParams(other).hrp != GetAddressParams(net).hrp) {
                EXPECT_FALSE(DecodeAddress(address, other).has_value()) << address;
            }
        }
        ++cases;
    }
    std::cout << "[vectors] bech32_bech32m_vectors.json valid_addresses: " << cases << " cases passed\n";
    EXPECT_EQ(cases, 8u);
}

TEST(Address, BipInvalidAddresses) {
    const auto json = test::ReadTestJson("bips/bech32_bech32m_vectors.json").as_object();
    size_t cases = 0;
    for (const auto& v : json.at("invalid_addresses").as_array()) {
        const std::string address(v.as_object().at("address").as_string());
        for (Network n : ALL_NETWORKS) {
            const auto decoded = DecodeAddress(address, n);
            EXPECT_FALSE(decoded.has_value()) << address << " on " << NetworkName(n);
            if (!decoded) {
                EXPECT_FALSE(decoded.error().message.empty());
            }
        }
        ++cases;
    }
    size_t superseded = 0;
    for (const auto& v : json.at("bip173_superseded_valid_addresses").at("addresses").as_array()) {
        const std::string address(v.as_object().at("address").as_string());
        for (Network n : ALL_NETWORKS) {
            EXPECT_FALSE(DecodeAddress(address, n).has_value()) << address;
        }
        // On its own network the reason is BIP350's rule.
        const auto decoded = DecodeAddress(address, Network::Main);
        ASSERT_FALSE(decoded.has_value());
        EXPECT_EQ(decoded.error().code, AddressErrorCode::Bech32V1NeedsBech32m);
        ++superseded;
    }
    std::cout << "[vectors] bech32_bech32m_vectors.json invalid_addresses: " << cases
              << " cases passed\n[vectors] bech32_bech32m_vectors.json "
                 "bip173_superseded_valid_addresses: "
              << superseded << " cases passed\n";
    EXPECT_EQ(cases, 25u);
    EXPECT_EQ(superseded, 3u);
}

// Mainnet validateaddress answers as Bitcoin Core gives them (its functional test
// rpc_validateaddress.py documents these for the BIP173/BIP350 address vectors).
TEST(Address, CoreErrorMessagesOnMain) {
    const std::string ENCODING = "Invalid or unsupported Segwit (Bech32) or Base58 encoding.";
    const std::string V1 = "Version 1+ witness address must use Bech32m checksum";
    struct Case {
        std::string address;
        std::string message;
        std::optional<size_t> position;
    };
    // A regtest P2WPKH and a Base58Check string with the P2PKH prefix but a 19-byte hash.
    const std::string regtest_address =
        EncodeAddress(test::ParseHexOrFail("0014751e76e8199196d454941c45d1b3a323f1433bd6"), Network::Regtest)
            .value();
    ASSERT_EQ(regtest_address.substr(0, 5), "bcrt1");
    const std::string short_p2pkh = EncodeBase58Check(Bytes(20, 0));
    const std::vector<Case> cases = {
        {"tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty", ENCODING, {}},
        {"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "Invalid Bech32 checksum", 41},
        {"BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2", V1, {}},
        {"bc1rw5uspcuh", V1, {}},
        {"bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90", V1, {}},
        {"BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
         "Invalid Bech32 v0 address program size (16 bytes), per BIP141",
         {}},
        {"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7", ENCODING, {}},
        {"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3t4", "Invalid character or mixed case", 40},
        {"bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du", V1, {}},
        {"tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv", ENCODING, {}},
        {"bc1gmk9yu", "Empty Bech32 data section", {}},
        {"tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut", ENCODING, {}},
        {"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", V1, {}},
        {"tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf", ENCODING, {}},
        {"BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL", V1, {}},
        {"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
         "Version 0 witness address must use Bech32 checksum",
         {}},
        {"tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47", ENCODING, {}},
        {"bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4", "Invalid Base 32 character", 59},
        {"BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
         "Invalid Bech32 address witness version",
         {}},
        {"bc1pw5dgrnzv", "Invalid Bech32 address program size (1 byte)", {}},
        {"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
         "Invalid Bech32 address program size (41 bytes)",
         {}},
        {"tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq", ENCODING, {}},
        {"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
         "Invalid padding in Bech32 data section",
         {}},
        {"tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j", ENCODING, {}},
        // Another network's bech32 HRP that starts with ours.
        {regtest_address,
         "Invalid or unsupported prefix for Segwit (Bech32) address (expected bc, got bcrt).",
         {}},
        // Base58: testnet P2PKH (good checksum, foreign prefix), a 20-byte payload with the
        // P2PKH prefix, and a corrupted checksum.
        {"mzK2FFDEhxqHcmrJw1ysqFkVyhUULo45hZ", "Invalid or unsupported Base58-encoded address.", {}},
        {short_p2pkh, "Invalid length for Base58 address (P2PKH or P2SH)", {}},
        {"1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mp",
         "Invalid checksum or length of Base58 address (P2PKH or P2SH)",
         {}},
        // Core's Base58 decoder accepts the empty string, so "" gets the Base58 message.
        {"", "Invalid checksum or length of Base58 address (P2PKH or P2SH)", {}},
        {"bc", "Missing separator", {}},
        {"0", ENCODING, {}},
    };
    size_t n = 0;
    for (const Case& c : cases) {
        const auto decoded = DecodeAddress(c.address, Network::Main);
        ASSERT_FALSE(decoded.has_value()) << c.address;
        EXPECT_EQ(decoded.error().message, c.message) << c.address;
        EXPECT_EQ(decoded.error().position, c.position) << c.address;
        ++n;
    }
    EXPECT_EQ(n, 31u);
}

TEST(Address, CoreValidOnMain) {
    struct Case {
        const char* address;
        const char* spk;
    };
    const Case cases[] = {
        {"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "0014751e76e8199196d454941c45d1b3a323f1433bd6"},
        {"bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
         "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"},
        {"bc1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvses5wp4dt",
         "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
        {"bc1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvses7epu4h",
         "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"},
        {"bc1pfeessrawgf", "51024e73"},  // pay-to-anchor
    };
    for (const Case& c : cases) {
        const auto decoded = DecodeAddress(c.address, Network::Main);
        ASSERT_TRUE(decoded.has_value()) << c.address << ": " << decoded.error().message;
        EXPECT_EQ(HexEncode(*decoded), c.spk);
        EXPECT_EQ(EncodeAddress(*decoded, Network::Main), Lower(c.address));
    }
}

TEST(Address, Base58WhitespaceAcceptedLikeCore) {
    // Core's Base58 decoder skips surrounding whitespace, so validateaddress accepts it for
    // Base58 addresses (not for bech32, which has no such rule).
    const auto padded = DecodeAddress("  1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo\n", Network::Main);
    ASSERT_TRUE(padded.has_value());
    EXPECT_EQ(HexEncode(*padded), "76a914a31c06bd463e3923bc1aadbde48b16976c08071788ac");
    EXPECT_FALSE(DecodeAddress(" bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", Network::Main));
    EXPECT_FALSE(DecodeAddress("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 ", Network::Main));
}

TEST(Address, EncodeRejectsScriptsWithoutAddress) {
    const char* no_address[] = {
        "",
        "6a0548656c6c6f",  // OP_RETURN
        "2102"
        "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
        "ac",  // P2PK
        "5121"
        "02"
        "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
        "51ae",  // bare multisig
        "0015"
        "751e76e8199196d454941c45d1b3a323f1433bd600",  // v0, 21 bytes
        "0010"
        "751e76e8199196d454941c45d1b3a323",  // v0, 16 bytes
        "5101"
        "75",  // v1, 1 byte
        "5129"
        "751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd600",  // v1, 41
        "004c14"
        "751e76e8199196d454941c45d1b3a323f1433bd6",  // PUSHDATA1: not a witness program
        "0014"
        "751e76e8199196d454941c45d1b3a323f1433b",  // push longer than the script
        "0014"
        "751e76e8199196d454941c45d1b3a323f1433bd6ac",  // trailing opcode
        "4f14"
        "751e76e8199196d454941c45d1b3a323f1433bd6",  // OP_1NEGATE is no version
        "76a914"
        "a31c06bd463e3923bc1aadbde48b16976c080717"
        "88",  // P2PKH missing CHECKSIG
        "76a913"
        "a31c06bd463e3923bc1aadbde48b16976c0807"
        "88ac",  // P2PKH short hash
        "a914"
        "373b819a068f32b7a6b38b6b38729647cfde01c2"
        "88",  // P2SH with EQUALVERIFY
    };
    size_t n = 0;
    for (const char* hex : no_address) {
        const Bytes spk = test::ParseHexOrFail(hex);
        for (Network net : ALL_NETWORKS) EXPECT_FALSE(EncodeAddress(spk, net).has_value()) << hex;
        ++n;
    }
    EXPECT_EQ(n, 15u);
}

TEST(Address, EncodesEveryWitnessVersion) {
    for (int version = 1; version <= 16; ++version) {
        for (size_t size : {size_t{2}, size_t{32}, size_t{40}}) {
            Bytes spk{static_cast<uint8_t>(0x50 + version), static_cast<uint8_t>(size)};
            for (size_t i = 0; i < size; ++i) spk.push_back(static_cast<uint8_t>(i * 7 + version));
            for (Network net : ALL_NETWORKS) {
                const auto address = EncodeAddress(spk, net);
                ASSERT_TRUE(address.has_value()) << version << "/" << size;
                const auto back = DecodeAddress(*address, net);
                ASSERT_TRUE(back.has_value()) << *address << ": " << back.error().message;
                EXPECT_EQ(*back, spk);
            }
        }
    }
}

TEST(Address, DescribeScript) {
    struct Case {
        const char* spk;
        AddressType type;
        bool is_script;
        bool is_witness;
        int version;
        const char* program;
    };
    const Case cases[] = {
        {"76a914a31c06bd463e3923bc1aadbde48b16976c08071788ac", AddressType::P2PKH, false, false, 0, ""},
        {"a914373b819a068f32b7a6b38b6b38729647cfde01c287", AddressType::P2SH, true, false, 0, ""},
        {"0014751e76e8199196d454941c45d1b3a323f1433bd6", AddressType::P2WPKH, false, true, 0,
         "751e76e8199196d454941c45d1b3a323f1433bd6"},
        {"00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262", AddressType::P2WSH, true,
         true, 0, "1863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"},
        {"512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798", AddressType::P2TR, true,
         true, 1, "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"},
        {"51024e73", AddressType::P2A, true, true, 1, "4e73"},
        {"6002751e", AddressType::WitnessUnknown, false, true, 16, "751e"},
        {"5210751e76e8199196d454941c45d1b3a323", AddressType::WitnessUnknown, false, true, 2,
         "751e76e8199196d454941c45d1b3a323"},
        {"6a0548656c6c6f", AddressType::None, false, false, 0, ""},
        {"0010751e76e8199196d454941c45d1b3a323", AddressType::None, false, false, 0, ""},
    };
    for (const Case& c : cases) {
        const AddressInfo info = DescribeScript(test::ParseHexOrFail(c.spk));
        EXPECT_EQ(info.type, c.type) << c.spk;
        EXPECT_EQ(info.is_script, c.is_script) << c.spk;
        EXPECT_EQ(info.is_witness, c.is_witness) << c.spk;
        EXPECT_EQ(info.witness_version, c.version) << c.spk;
        EXPECT_EQ(HexEncode(info.witness_program), c.program) << c.spk;
    }
}

TEST(Address, HostileInputFailsFast) {
    for (Network net : ALL_NETWORKS) {
        for (char c : {'1', 'z', 'q', '0'}) {
            const std::string big(1 << 20, c);
            EXPECT_FALSE(DecodeAddress(big, net).has_value());
            EXPECT_FALSE(DecodeAddress(std::string(GetAddressParams(net).hrp) + "1" + big, net));
        }
        std::string nul("1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo");
        nul.insert(5, 1, '\0');
        EXPECT_FALSE(DecodeAddress(nul, net).has_value());
    }
}

}  // namespace
}  // namespace tonari::bitcoin::encoding
