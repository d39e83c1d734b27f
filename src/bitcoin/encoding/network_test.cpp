// Network names and the per-network address prefixes.
#include <gtest/gtest.h>

#include "bitcoin/encoding/address_params.h"
#include "bitcoin/encoding/network.h"

namespace tonari::bitcoin::encoding {
namespace {

TEST(Network, NamesRoundTrip) {
    size_t seen = 0;
    for (Network n : ALL_NETWORKS) {
        const auto parsed = ParseNetwork(NetworkName(n));
        ASSERT_TRUE(parsed.has_value()) << NetworkName(n);
        EXPECT_EQ(*parsed, n);
        ++seen;
    }
    EXPECT_EQ(seen, 5u);
    EXPECT_EQ(NetworkName(Network::Main), "main");
    EXPECT_EQ(NetworkName(Network::Testnet3), "test");
    EXPECT_EQ(NetworkName(Network::Testnet4), "testnet4");
    EXPECT_EQ(NetworkName(Network::Signet), "signet");
    EXPECT_EQ(NetworkName(Network::Regtest), "regtest");
    EXPECT_EQ(ParseNetwork("testnet"), Network::Testnet3);
}

TEST(Network, RejectsUnknownNames) {
    for (const char* bad :
         {"", "Main", "MAIN", "mainnet", "testnet3", "tesnet4", " main", "main ", "regtest\n", "sig"}) {
        EXPECT_FALSE(ParseNetwork(bad).has_value()) << '"' << bad << '"';
    }
}

TEST(AddressParams, CoreValues) {
    const AddressParams& main = GetAddressParams(Network::Main);
    EXPECT_EQ(main.pubkey_prefix, 0);
    EXPECT_EQ(main.script_prefix, 5);
    EXPECT_EQ(main.secret_prefix, 128);
    EXPECT_EQ(main.hrp, "bc");
    EXPECT_EQ(main.ext_public, (std::array<uint8_t, 4>{0x04, 0x88, 0xB2, 0x1E}));
    EXPECT_EQ(main.ext_secret, (std::array<uint8_t, 4>{0x04, 0x88, 0xAD, 0xE4}));
    for (Network n : {Network::Testnet3, Network::Testnet4, Network::Signet, Network::Regtest}) {
        const AddressParams& p = GetAddressParams(n);
        EXPECT_EQ(p.pubkey_prefix, 111);
        EXPECT_EQ(p.script_prefix, 196);
        EXPECT_EQ(p.secret_prefix, 239);
        EXPECT_EQ(p.hrp, n == Network::Regtest ? "bcrt" : "tb");
        EXPECT_EQ(p.ext_public, (std::array<uint8_t, 4>{0x04, 0x35, 0x87, 0xCF}));
        EXPECT_EQ(p.ext_secret, (std::array<uint8_t, 4>{0x04, 0x35, 0x83, 0x94}));
    }
}

}  // namespace
}  // namespace tonari::bitcoin::encoding
