// The Bitcoin networks Tonari knows, and their names as Bitcoin Core spells them (-chain=).
//
// This is the one place the list of networks is defined: address prefixes
// (address_params.h) and consensus parameters (bitcoin/consensus/params.h) are both keyed on
// it, so adding a network here makes every switch over it fail to compile until handled.
// Plain values and pure functions; thread-safe.
#pragma once

#include <optional>
#include <string_view>

namespace tonari::bitcoin::encoding {

enum class Network { Main, Testnet3, Testnet4, Signet, Regtest };

// Bitcoin Core's chain name: "main", "test", "testnet4", "signet", "regtest".
constexpr std::string_view NetworkName(Network network) {
    switch (network) {
        case Network::Main:
            return "main";
        case Network::Testnet3:
            return "test";
        case Network::Testnet4:
            return "testnet4";
        case Network::Signet:
            return "signet";
        case Network::Regtest:
            return "regtest";
    }
    return "unknown";  // unreachable for valid enum values
}

// Inverse of NetworkName; also accepts "testnet" for Testnet3 (the name Core's older -testnet
// flag implied). Exact, case-sensitive match; nullopt for anything else.
constexpr std::optional<Network> ParseNetwork(std::string_view name) {
    if (name == "main") return Network::Main;
    if (name == "test" || name == "testnet") return Network::Testnet3;
    if (name == "testnet4") return Network::Testnet4;
    if (name == "signet") return Network::Signet;
    if (name == "regtest") return Network::Regtest;
    return std::nullopt;
}

// Every network, for tests and loops that must cover them all.
inline constexpr Network ALL_NETWORKS[] = {Network::Main, Network::Testnet3, Network::Testnet4,
                                           Network::Signet, Network::Regtest};

}  // namespace tonari::bitcoin::encoding
