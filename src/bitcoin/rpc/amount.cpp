// Exact decimal amounts for RPC parameters and results.
#include "bitcoin/rpc/amount.h"

#include <string>

namespace tonari::bitcoin::rpc {
namespace {

// Every magnitude handled here stays below 10^18, comfortably inside int64_t.
constexpr int64_t MAGNITUDE_LIMIT = 999'999'999'999'999'999;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Accumulates significant digits. Zeros are only counted until a non-zero digit follows, so
// "1000" costs three pending zeros that end up in the exponent instead of the mantissa, and a
// long run of leading zeros never multiplies anything.
struct Mantissa {
    int64_t value = 0;
    int64_t pending_zeros = 0;

    bool Take(char c) {
        if (c == '0') {
            ++pending_zeros;
            return true;
        }
        if (value != 0) {
            for (int64_t k = 0; k <= pending_zeros; ++k) {
                if (value > MAGNITUDE_LIMIT / 10) return false;
                value *= 10;
            }
        }
        value += c - '0';
        pending_zeros = 0;
        return true;
    }
};

}  // namespace

std::optional<int64_t> ParseFixedPoint(std::string_view s, int decimals) {
    size_t i = 0;
    const bool negative = i < s.size() && s[i] == '-';
    if (negative) ++i;

    Mantissa m;
    if (i >= s.size()) return std::nullopt;
    if (s[i] == '0') {
        ++i;  // a lone leading zero carries no digits (and JSON forbids more of them)
    } else if (s[i] >= '1' && s[i] <= '9') {
        while (i < s.size() && IsDigit(s[i])) {
            if (!m.Take(s[i++])) return std::nullopt;
        }
    } else {
        return std::nullopt;
    }

    int64_t fraction_digits = 0;
    if (i < s.size() && s[i] == '.') {
        ++i;
        if (i >= s.size() || !IsDigit(s[i])) return std::nullopt;
        while (i < s.size() && IsDigit(s[i])) {
            if (!m.Take(s[i++])) return std::nullopt;
            ++fraction_digits;
        }
    }

    int64_t exponent = 0;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        bool exponent_negative = false;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) exponent_negative = s[i++] == '-';
        if (i >= s.size() || !IsDigit(s[i])) return std::nullopt;
        while (i < s.size() && IsDigit(s[i])) {
            if (exponent > MAGNITUDE_LIMIT / 10) return std::nullopt;
            exponent = exponent * 10 + (s[i++] - '0');
        }
        if (exponent_negative) exponent = -exponent;
    }
    if (i != s.size()) return std::nullopt;

    // The value is m.value * 10^(exponent - fraction_digits + pending_zeros); scaled to units
    // of 10^-decimals it must be a whole number below 10^18.
    const int64_t scale = exponent - fraction_digits + m.pending_zeros + decimals;
    if (scale < 0 || scale >= 18) return std::nullopt;
    int64_t value = m.value;
    for (int64_t k = 0; k < scale; ++k) {
        if (value > MAGNITUDE_LIMIT / 10) return std::nullopt;
        value *= 10;
    }
    if (value > MAGNITUDE_LIMIT) return std::nullopt;
    return negative ? -value : value;
}

util::Result<int64_t, RpcError> AmountFromValue(const util::Json& value, int decimals) {
    if (!value.IsNumber() && !value.IsString()) {
        return util::Fail(RpcError{RpcErrorCode::TYPE_ERROR, "Amount is not a number or string"});
    }
    // For a number GetString() is its JSON text, so both forms parse the same way.
    const auto amount = ParseFixedPoint(value.GetString(), decimals);
    if (!amount) return util::Fail(RpcError{RpcErrorCode::TYPE_ERROR, "Invalid amount"});
    if (*amount < 0 || *amount > MAX_MONEY_SATS) {
        return util::Fail(RpcError{RpcErrorCode::TYPE_ERROR, "Amount out of range"});
    }
    return *amount;
}

util::Json ValueFromAmount(int64_t sats) {
    // Work on the negated quotient and remainder: -INT64_MIN does not fit, but its parts do.
    int64_t quotient = sats / COIN_SATS;
    int64_t remainder = sats % COIN_SATS;
    if (sats < 0) {
        quotient = -quotient;
        remainder = -remainder;
    }
    std::string fraction = std::to_string(remainder);
    std::string text = sats < 0 ? "-" : "";
    text += std::to_string(quotient);
    text += '.';
    text.append(8 - fraction.size(), '0');
    text += fraction;
    return util::Json::RawNumber(std::move(text));
}

}  // namespace tonari::bitcoin::rpc
