// Amounts over RPC: Bitcoin Core's AmountFromValue / ValueFromAmount semantics.
//
// An amount arrives as a JSON number or string in BTC ("0.00000001", 1e-8, "21000000") and is
// read exactly as decimal text, never through double, so 0.1 + 0.2 style rounding cannot
// creep in. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "bitcoin/rpc/errors.h"
#include "util/json.h"
#include "util/result.h"

namespace tonari::bitcoin::rpc {

inline constexpr int64_t COIN_SATS = 100'000'000;
// 21 million BTC: no valid amount exceeds it (Core's MAX_MONEY); the range check in
// AmountFromValue uses it.
inline constexpr int64_t MAX_MONEY_SATS = 21'000'000 * COIN_SATS;

// Decimal text (JSON number grammar: -?int[.frac][e[+-]exp]) scaled by 10^decimals into an
// integer. nullopt when the text is malformed, has non-zero digits past `decimals` places,
// or the result's magnitude reaches 10^18 (Core's ParseFixedPoint).
std::optional<int64_t> ParseFixedPoint(std::string_view text, int decimals);

// Satoshis from a JSON number or string in BTC. Errors, all RpcErrorCode::TYPE_ERROR as
// in Core: "Amount is not a number or string", "Invalid amount" (malformed or more than
// `decimals` decimals), "Amount out of range" (negative or above MAX_MONEY_SATS).
util::Result<int64_t, RpcError> AmountFromValue(const util::Json& value, int decimals = 8);

// A JSON number with exactly eight decimals, e.g. 100000000 -> 1.00000000, -1 -> -0.00000001.
util::Json ValueFromAmount(int64_t sats);

}  // namespace tonari::bitcoin::rpc
