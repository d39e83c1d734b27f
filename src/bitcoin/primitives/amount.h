// Amounts in satoshis and the consensus money range.
#pragma once

#include <cstdint>

namespace tonari::bitcoin::primitives {

using Amount = int64_t;

inline constexpr Amount COIN = 100'000'000;
// No output, and no sum of outputs, may exceed the total supply: the CVE-2010-5139 overflow
// created 184 billion BTC by summing outputs past int64's range.
inline constexpr Amount MAX_MONEY = 21'000'000 * COIN;

constexpr bool MoneyRange(Amount v) { return v >= 0 && v <= MAX_MONEY; }

}  // namespace tonari::bitcoin::primitives
