// The address types this wallet makes and spends, named as Bitcoin Core's -addresstype and
// getnewaddress name them, and where a key lives in the HD tree (type, chain, index).
// Values and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tonari::bitcoin::wallet {

enum class OutputType : uint8_t {
    Bech32 = 0,   // P2WPKH, BIP84 account m/84'/coin'/0'
    Bech32m = 1,  // P2TR key path (BIP86 tweak, no script tree), account m/86'/coin'/0'
};

inline constexpr OutputType ALL_OUTPUT_TYPES[] = {OutputType::Bech32, OutputType::Bech32m};
inline constexpr size_t OUTPUT_TYPE_COUNT = 2;

// Core's address_type strings: "bech32", "bech32m".
constexpr std::string_view OutputTypeName(OutputType type) {
    return type == OutputType::Bech32 ? "bech32" : "bech32m";
}

// Inverse of OutputTypeName. Core's "legacy" and "p2sh-segwit" are not supported: nullopt.
constexpr std::optional<OutputType> ParseOutputType(std::string_view name) {
    if (name == "bech32") return OutputType::Bech32;
    if (name == "bech32m") return OutputType::Bech32m;
    return std::nullopt;
}

// BIP43 purpose of the account holding keys of this type.
constexpr uint32_t Bip43Purpose(OutputType type) {
    return type == OutputType::Bech32 ? 84 : 86;
}

// BIP44 chains: 0 for addresses handed out (getnewaddress), 1 for change.
inline constexpr uint32_t EXTERNAL_CHAIN = 0;
inline constexpr uint32_t INTERNAL_CHAIN = 1;

// Where a key is: m/purpose'/coin'/0'/chain/index.
struct KeyOrigin {
    OutputType type = OutputType::Bech32;
    uint32_t chain = EXTERNAL_CHAIN;
    uint32_t index = 0;

    bool IsChange() const { return chain == INTERNAL_CHAIN; }
    friend bool operator==(const KeyOrigin&, const KeyOrigin&) = default;
};

}  // namespace tonari::bitcoin::wallet
