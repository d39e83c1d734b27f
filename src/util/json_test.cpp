// Tests for the JSON value: parse/serialize round trips, exact number text, strictness and
// the nesting limit that protects the RPC server.
#include <gtest/gtest.h>

#include <string>

#include "util/json.h"

namespace tonari::util {
namespace {

TEST(Json, BuildsAndPrintsInInsertionOrder) {
    Json o = Json::MakeObject();
    o.Set("z", 1);
    o.Set("a", Json::RawNumber("50.00000000"));
    o.Set("s", "q\"\n");
    Json arr = Json::MakeArray();
    arr.PushBack(true);
    arr.PushBack(nullptr);
    o.Set("arr", arr);
    EXPECT_EQ(o.Dump(), R"({"z":1,"a":50.00000000,"s":"q\"\n","arr":[true,null]})");
    EXPECT_EQ(o.Dump(2), "{\n  \"z\": 1,\n  \"a\": 50.00000000,\n  \"s\": \"q\\\"\\n\",\n"
                         "  \"arr\": [\n    true,\n    null\n  ]\n}");
    o.Set("z", 2);  // replaces in place
    EXPECT_EQ(o.GetObject().front().second.GetInt64(), 2);
}

TEST(Json, ParsesAndRoundTrips) {
    const std::string text = R"({"a":[1,-2.5e3,"x\u00e9\ud83d\ude00"],"b":{"c":false},"d":null})";
    auto v = ParseJson(text);
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_EQ(v->Find("a")->GetArray()[1].GetString(), "-2.5e3");
    EXPECT_EQ(v->Find("a")->GetArray()[2].GetString(), "x\xc3\xa9\xf0\x9f\x98\x80");
    EXPECT_EQ((*v->Find("a"))[0].GetInt64(), 1);
    EXPECT_FALSE(v->Find("b")->Find("c")->GetBool());
    EXPECT_EQ(v->Find("missing"), nullptr);
    auto again = ParseJson(v->Dump());
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *v);
}

TEST(Json, DuplicateKeysKeepFirstPositionAndLastValue) {
    auto v = ParseJson(R"({"b":1,"a":2,"b":3,"c":4,"a":5})");
    ASSERT_TRUE(v);
    EXPECT_EQ(v->Dump(), R"({"b":3,"a":5,"c":4})");
}

TEST(Json, ManyKeysParseInNearLinearTime) {
    // 200,000 distinct keys: quadratic key handling would take tens of seconds here (a
    // CPU-exhaustion lever for any peer or user who can send a JSON line).
    std::string text = "{";
    for (int i = 0; i < 200000; ++i) text += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":0";
    text += "}";
    auto v = ParseJson(text);
    ASSERT_TRUE(v);
    EXPECT_EQ(v->size(), 200000u);
    EXPECT_NE(v->Find("k199999"), nullptr);
}

TEST(Json, RejectsMalformedInput) {
    for (const char* bad : {"", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "tru", "\"abc", "\"\\x\"",
                            "\"\\ud800\"", "[1] 2", "{\"a\":1,}", "\"\x01\"", "nul", "+1", ".5"}) {
        auto v = ParseJson(bad);
        EXPECT_FALSE(v) << "accepted: " << bad;
    }
}

TEST(Json, DepthLimitStopsStackExhaustion) {
    const std::string deep(100000, '[');
    auto v = ParseJson(deep);
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().message, "nesting too deep");
    std::string ok(JSON_MAX_DEPTH, '[');
    ok += std::string(JSON_MAX_DEPTH, ']');
    EXPECT_TRUE(ParseJson(ok));
}

TEST(Json, NumbersKeepTheirText) {
    EXPECT_EQ(Json(int64_t{-5}).Dump(), "-5");
    EXPECT_EQ(Json(uint64_t{18446744073709551615ull}).Dump(), "18446744073709551615");
    EXPECT_EQ(Json(0.5).Dump(), "0.5");
    EXPECT_TRUE(Json::RawNumber("1e").IsNull());  // invalid text is refused
    EXPECT_FALSE(Json::RawNumber("1.5").GetInt64());
    EXPECT_EQ(*Json::RawNumber("1.5").GetDouble(), 1.5);
}

}  // namespace
}  // namespace tonari::util
