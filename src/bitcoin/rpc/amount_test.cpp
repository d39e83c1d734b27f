// Tests for RPC amount parsing and formatting: Core's AmountFromValue / ValueFromAmount
// behaviour on the boundaries (one satoshi, 21 million, exponent forms, too many decimals).
#include <gtest/gtest.h>

#include <cstdint>
#include <iostream>
#include <limits>
#include <string>

#include "bitcoin/rpc/amount.h"

namespace tonari::bitcoin::rpc {
namespace {

using util::Json;

int64_t Sats(const Json& v) {
    auto r = AmountFromValue(v);
    EXPECT_TRUE(r) << v.Dump() << ": " << (r ? "" : r.error().message);
    return r ? *r : -1;
}

RpcError Err(const Json& v) {
    auto r = AmountFromValue(v);
    EXPECT_FALSE(r) << v.Dump() << " parsed as " << (r ? *r : 0);
    return r ? RpcError{} : r.error();
}

TEST(Amount, AcceptsNumbersAndStringsExactly) {
    struct Case {
        const char* text;
        int64_t sats;
    };
    const Case cases[] = {
        {"0", 0},
        {"-0", 0},
        {"0.00000001", 1},
        {"0.000000010", 1},
        {"1e-8", 1},
        {"1E-8", 1},
        {"0.1e-7", 1},
        {"10e-9", 1},
        {"1", 100'000'000},
        {"1.00000000", 100'000'000},
        {"100e-2", 100'000'000},
        {"1e0", 100'000'000},
        {"0.5", 50'000'000},
        {"0.05", 5'000'000},
        {"50", 5'000'000'000},
        {"1e+1", 1'000'000'000},
        {"20999999.99999999", MAX_MONEY_SATS - 1},
        {"21000000", MAX_MONEY_SATS},
        {"21000000.00000000", MAX_MONEY_SATS},
        {"2.1e7", MAX_MONEY_SATS},
        {"0.00000000000000000000", 0},
    };
    size_t checked = 0;
    for (const Case& c : cases) {
        // The same text as a JSON number and as a JSON string.
        EXPECT_EQ(Sats(Json::RawNumber(c.text)), c.sats) << c.text;
        EXPECT_EQ(Sats(Json(c.text)), c.sats) << c.text;
        ++checked;
    }
    std::cout << "[cases] amount accepted: " << checked << " texts, as number and string\n";
    EXPECT_EQ(checked, 21u);
}

TEST(Amount, RejectsMalformedAndOverPreciseAsInvalid) {
    const char* cases[] = {
        "0.000000001",  // nine decimals
        "1e-9", "0.123456789", "", " 1", "1 ", "1.", ".5", "01", "+1", "1e", "1e+", "0x10",
        "1.2.3", "--1", "abc", "1,5", "NaN", "Infinity",
        "1e10",  // 10^18 satoshis: past the 18-digit fixed-point range
        "0e10",  // Core refuses even zero with an exponent that large
        "0.0e-20",  // and zero scaled below one satoshi
        "1234567890123456789",  // more significant digits than fit
    };
    size_t checked = 0;
    for (const char* text : cases) {
        EXPECT_EQ(Err(Json(text)), (RpcError{RpcErrorCode::TYPE_ERROR, "Invalid amount"})) << text;
        ++checked;
    }
    EXPECT_EQ(checked, 23u);
    // A JSON number too precise is refused the same way.
    EXPECT_EQ(Err(Json::RawNumber("0.000000001")).message, "Invalid amount");
}

TEST(Amount, RejectsNegativeAndAboveMaxMoneyAsOutOfRange) {
    for (const char* text : {"-0.00000001", "-1", "-21000000", "21000000.00000001", "21000001", "9999999999"}) {
        EXPECT_EQ(Err(Json(text)), (RpcError{RpcErrorCode::TYPE_ERROR, "Amount out of range"})) << text;
        EXPECT_EQ(Err(Json::RawNumber(text)).message, "Amount out of range") << text;
    }
}

TEST(Amount, RejectsOtherJsonTypes) {
    const RpcError expected{RpcErrorCode::TYPE_ERROR, "Amount is not a number or string"};
    EXPECT_EQ(Err(Json()), expected);
    EXPECT_EQ(Err(Json(true)), expected);
    EXPECT_EQ(Err(Json::MakeArray()), expected);
    EXPECT_EQ(Err(Json::MakeObject()), expected);
}

TEST(Amount, ParseFixedPointHonoursDecimals) {
    EXPECT_EQ(ParseFixedPoint("1000", 0), 1000);
    EXPECT_EQ(ParseFixedPoint("1.5", 1), 15);
    EXPECT_EQ(ParseFixedPoint("1.55", 1), std::nullopt);
    EXPECT_EQ(ParseFixedPoint("-1.5", 1), -15);
    EXPECT_EQ(ParseFixedPoint("999999999999999999", 0), 999'999'999'999'999'999);
    EXPECT_EQ(ParseFixedPoint("1000000000000000000", 0), std::nullopt);
    EXPECT_EQ(ParseFixedPoint("99999999999999999999e-2", 0), std::nullopt);  // mantissa overflow
    EXPECT_EQ(ParseFixedPoint("1e99999999999999999999", 0), std::nullopt);   // exponent overflow
    // A long run of zeros costs nothing and is not mistaken for precision.
    const std::string many_zeros = "0." + std::string(100'000, '0') + "1";
    EXPECT_EQ(ParseFixedPoint(many_zeros, 8), std::nullopt);
    EXPECT_EQ(ParseFixedPoint("1" + std::string(100'000, '0') + "e-100000", 8), 100'000'000);
}

TEST(Amount, ValueFromAmountPrintsEightDecimals) {
    EXPECT_EQ(ValueFromAmount(0).Dump(), "0.00000000");
    EXPECT_EQ(ValueFromAmount(1).Dump(), "0.00000001");
    EXPECT_EQ(ValueFromAmount(100'000'000).Dump(), "1.00000000");
    EXPECT_EQ(ValueFromAmount(123'456'789).Dump(), "1.23456789");
    EXPECT_EQ(ValueFromAmount(-1).Dump(), "-0.00000001");
    EXPECT_EQ(ValueFromAmount(-150'000'000).Dump(), "-1.50000000");
    EXPECT_EQ(ValueFromAmount(MAX_MONEY_SATS).Dump(), "21000000.00000000");
    EXPECT_EQ(ValueFromAmount(std::numeric_limits<int64_t>::max()).Dump(), "92233720368.54775807");
    EXPECT_EQ(ValueFromAmount(std::numeric_limits<int64_t>::min()).Dump(), "-92233720368.54775808");
    EXPECT_TRUE(ValueFromAmount(5).IsNumber());

    Json obj = Json::MakeObject();
    obj.Set("amount", ValueFromAmount(5'000'000'000));
    EXPECT_EQ(obj.Dump(), R"({"amount":50.00000000})");
}

TEST(Amount, RoundTripsThroughText) {
    for (int64_t sats : {int64_t{0}, int64_t{1}, int64_t{99}, int64_t{100'000'000}, int64_t{546},
                         MAX_MONEY_SATS - 1, MAX_MONEY_SATS}) {
        const Json printed = ValueFromAmount(sats);
        const auto reparsed = util::ParseJson(printed.Dump());
        ASSERT_TRUE(reparsed);
        EXPECT_EQ(Sats(*reparsed), sats);
    }
}

}  // namespace
}  // namespace tonari::bitcoin::rpc
