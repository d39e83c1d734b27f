// Bitcoin Core's key_io vectors (addresses and WIF keys on every network) and WIF specifics.
#include <gtest/gtest.h>

#include <iostream>

#include "bitcoin/encoding/address.h"
#include "bitcoin/encoding/address_params.h"
#include "bitcoin/encoding/base58.h"
#include "bitcoin/encoding/bip32.h"
#include "bitcoin/encoding/wif.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::encoding {
namespace {

using util::Bytes;
using util::HexEncode;

std::string FlipCase(std::string s) {
    for (char& c : s) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        } else if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return s;
}

std::string Lower(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
}

TEST(KeyIo, CoreValid) {
    const auto json = test::ReadTestJson("bitcoin-core/key_io_valid.json");
    size_t addresses = 0;
    size_t keys = 0;
    for (const auto& row : json.as_array()) {
        const auto& r = row.as_array();
        ASSERT_EQ(r.size(), 3u);
        const std::string str(r[0].as_string());
        const std::string hex(r[1].as_string());
        const auto& meta = r[2].as_object();
        const auto net = ParseNetwork(meta.at("chain").as_string());
        ASSERT_TRUE(net.has_value()) << meta.at("chain").as_string();
        const bool is_privkey = meta.at("isPrivkey").as_bool();
        const bool try_case_flip = meta.contains("tryCaseFlip") && meta.at("tryCaseFlip").as_bool();

        if (is_privkey) {
            const bool compressed = meta.at("isCompressed").as_bool();
            const auto key = DecodeWif(str, *net);
            ASSERT_TRUE(key.has_value()) << str << ": " << WifErrorName(key.error());
            EXPECT_EQ(HexEncode(key->bytes()), hex) << str;
            EXPECT_EQ(key->IsCompressed(), compressed) << str;
            EXPECT_EQ(EncodeWif(*key, *net), str);
            const Bytes raw = test::ParseHexOrFail(hex);
            EXPECT_EQ(EncodeWif(std::span<const uint8_t, 32>(raw.data(), 32), compressed, *net), str);
            // A key is not an address.
            EXPECT_FALSE(DecodeAddress(str, *net).has_value()) << str;
            ++keys;
        } else {
            const auto spk = DecodeAddress(str, *net);
            ASSERT_TRUE(spk.has_value()) << str << ": " << spk.error().message;
            EXPECT_EQ(HexEncode(*spk), hex) << str;
            const auto encoded = EncodeAddress(*spk, *net);
            ASSERT_TRUE(encoded.has_value()) << str;
            if (try_case_flip) {
                // Bech32: we always write lower case; the vector may be either case.
                EXPECT_EQ(*encoded, Lower(str));
                const auto flipped = DecodeAddress(FlipCase(str), *net);
                ASSERT_TRUE(flipped.has_value()) << FlipCase(str);
                EXPECT_EQ(HexEncode(*flipped), hex);
            } else {
                EXPECT_EQ(*encoded, str);
            }
            // An address is not a key.
            EXPECT_FALSE(DecodeWif(str, *net).has_value()) << str;
            ++addresses;
        }
    }
    std::cout << "[vectors] key_io_valid.json: " << addresses + keys << " cases passed (" << addresses
              << " addresses, " << keys << " private keys)\n";
    EXPECT_EQ(addresses, 54u);
    EXPECT_EQ(keys, 16u);
}

TEST(KeyIo, CoreInvalid) {
    const auto json = test::ReadTestJson("bitcoin-core/key_io_invalid.json");
    size_t cases = 0;
    for (const auto& row : json.as_array()) {
        const auto& r = row.as_array();
        ASSERT_EQ(r.size(), 1u);
        const std::string str(r[0].as_string());
        for (Network net : ALL_NETWORKS) {
            const auto address = DecodeAddress(str, net);
            EXPECT_FALSE(address.has_value()) << str << " as address on " << NetworkName(net);
            if (!address) {
                EXPECT_FALSE(address.error().message.empty());
            }
            EXPECT_FALSE(DecodeWif(str, net).has_value()) << str << " as key on " << NetworkName(net);
            EXPECT_FALSE(ExtKey::Decode(str, net).has_value()) << str;
            EXPECT_FALSE(ExtPubKey::Decode(str, net).has_value()) << str;
        }
        ++cases;
    }
    std::cout << "[vectors] key_io_invalid.json: " << cases << " cases passed\n";
    EXPECT_EQ(cases, 70u);
}

TEST(Wif, PrefixLengthAndRange) {
    const Bytes key = *util::HexDecode("e0fcd4ce4e3d0e3de091f21415bb7cd011fac288c42020a879f28c2a4387df9b");
    const std::span<const uint8_t, 32> key32(key.data(), 32);
    const std::string main_c = EncodeWif(key32, true, Network::Main);
    const std::string test_u = EncodeWif(key32, false, Network::Testnet4);

    // Prefixes: K/L (main compressed), 9 (test uncompressed); the test networks share one.
    EXPECT_TRUE(main_c[0] == 'K' || main_c[0] == 'L') << main_c;
    EXPECT_EQ(test_u[0], '9');
    for (Network n : {Network::Testnet3, Network::Testnet4, Network::Signet, Network::Regtest}) {
        EXPECT_TRUE(DecodeWif(test_u, n).has_value());
    }
    auto wrong = DecodeWif(main_c, Network::Regtest);
    ASSERT_FALSE(wrong.has_value());
    EXPECT_EQ(wrong.error(), WifError::WrongPrefix);
    wrong = DecodeWif(test_u, Network::Main);
    ASSERT_FALSE(wrong.has_value());
    EXPECT_EQ(wrong.error(), WifError::WrongPrefix);

    auto wif_of = [](const std::string& payload_hex) {
        return EncodeBase58Check(*util::HexDecode(payload_hex));
    };
    const std::string key_hex = util::HexEncode(key);

    // Compression flag must be exactly 0x01.
    EXPECT_EQ(DecodeWif(wif_of("80" + key_hex + "02"), Network::Main).error(), WifError::WrongLength);
    // 31-byte and 34-byte keys.
    EXPECT_EQ(DecodeWif(wif_of("80" + key_hex.substr(2)), Network::Main).error(), WifError::WrongLength);
    EXPECT_EQ(DecodeWif(wif_of("80" + key_hex + "0201"), Network::Main).error(),
              WifError::InvalidEncoding);  // longer than any WIF payload
    // Key 0 and the curve order n are out of range.
    EXPECT_EQ(DecodeWif(wif_of("80" + std::string(64, '0')), Network::Main).error(), WifError::InvalidKey);
    const std::string n = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";
    EXPECT_EQ(DecodeWif(wif_of("80" + n), Network::Main).error(), WifError::InvalidKey);
    EXPECT_EQ(DecodeWif(wif_of("80" + n + "01"), Network::Main).error(), WifError::InvalidKey);
    // n - 1 is the largest valid key.
    EXPECT_TRUE(DecodeWif(wif_of("80" + n.substr(0, 63) + "0"), Network::Main).has_value());

    // Corrupted checksum, empty and hostile strings.
    std::string bad = main_c;
    bad[10] = bad[10] == 'a' ? 'b' : 'a';
    EXPECT_EQ(DecodeWif(bad, Network::Main).error(), WifError::InvalidEncoding);
    EXPECT_EQ(DecodeWif("", Network::Main).error(), WifError::InvalidEncoding);
    EXPECT_EQ(DecodeWif(std::string(1 << 20, 'z'), Network::Main).error(), WifError::InvalidEncoding);
}

}  // namespace
}  // namespace tonari::bitcoin::encoding
