// Bencode: every rule of the grammar accepted and refused, limits, positions in errors, raw
// byte ranges, and encode(decode(x)) == x for canonical input.
#include <gtest/gtest.h>

#include <string>

#include "torrent/bencode/bencode.h"

namespace tonari::torrent::bencode {
namespace {

DecodeErrorCode ErrorOf(std::string_view s, const Limits& limits = {}) {
    auto r = Decode(s, limits);
    EXPECT_FALSE(r) << "accepted: " << s;
    return r ? DecodeErrorCode::TrailingBytes : r.error().code;
}

TEST(Bencode, Integers) {
    EXPECT_EQ(Decode("i0e")->AsInt(), 0);
    EXPECT_EQ(Decode("i42e")->AsInt(), 42);
    EXPECT_EQ(Decode("i-42e")->AsInt(), -42);
    EXPECT_EQ(Decode("i9223372036854775807e")->AsInt(), INT64_MAX);
    EXPECT_EQ(Decode("i-9223372036854775808e")->AsInt(), INT64_MIN);
    EXPECT_EQ(ErrorOf("i9223372036854775808e"), DecodeErrorCode::BadInteger);
    EXPECT_EQ(ErrorOf("i-9223372036854775809e"), DecodeErrorCode::BadInteger);
    EXPECT_EQ(ErrorOf("i-0e"), DecodeErrorCode::BadInteger);
    EXPECT_EQ(ErrorOf("i03e"), DecodeErrorCode::BadInteger);
    EXPECT_EQ(ErrorOf("i-03e"), DecodeErrorCode::BadInteger);
    EXPECT_EQ(ErrorOf("ie"), DecodeErrorCode::BadInteger);
    EXPECT_EQ(ErrorOf("i-e"), DecodeErrorCode::BadInteger);
    EXPECT_EQ(ErrorOf("i+1e"), DecodeErrorCode::UnexpectedByte);
    EXPECT_EQ(ErrorOf("i1.5e"), DecodeErrorCode::UnexpectedByte);
    EXPECT_EQ(ErrorOf("i12"), DecodeErrorCode::Truncated);
}

TEST(Bencode, Strings) {
    EXPECT_EQ(Decode("0:")->AsString(), "");
    EXPECT_EQ(Decode("4:spam")->AsString(), "spam");
    const std::string binary("3:\0\xff\x01", 5);
    EXPECT_EQ(Decode(binary)->AsString(), std::string("\0\xff\x01", 3));
    EXPECT_EQ(ErrorOf("5:spam"), DecodeErrorCode::Truncated);
    EXPECT_EQ(ErrorOf("04:spam"), DecodeErrorCode::BadStringLength);
    EXPECT_EQ(ErrorOf("4spam"), DecodeErrorCode::UnexpectedByte);
    EXPECT_EQ(ErrorOf("99999999999999999999999:x"), DecodeErrorCode::BadStringLength);
    Limits small;
    small.max_string = 3;
    EXPECT_EQ(ErrorOf("4:spam", small), DecodeErrorCode::BadStringLength);
}

TEST(Bencode, ListsAndDicts) {
    auto v = Decode("l4:spami7ee");
    ASSERT_TRUE(v);
    ASSERT_EQ(v->Items().size(), 2u);
    EXPECT_EQ(v->Items()[0].AsString(), "spam");
    EXPECT_EQ(v->Items()[1].AsInt(), 7);

    auto d = Decode("d0:i1e3:cow3:moo4:spaml1:a1:bee");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->FindInt("")->AsInt(), 1);  // empty keys are legal (BEP 52 file trees use them)
    EXPECT_EQ(d->FindString("cow")->AsString(), "moo");
    EXPECT_EQ(d->FindList("spam")->Items().size(), 2u);
    EXPECT_EQ(d->FindString("spam"), nullptr);  // wrong type
    EXPECT_EQ(d->Find("absent"), nullptr);

    EXPECT_EQ(ErrorOf("di1e1:ae"), DecodeErrorCode::KeyNotString);
    EXPECT_EQ(ErrorOf("d1:ai1e1:ai2ee"), DecodeErrorCode::DuplicateKey);
    EXPECT_EQ(ErrorOf("d1:bi1e1:ai2e1:bi3ee"), DecodeErrorCode::DuplicateKey);  // apart, unsorted
    EXPECT_EQ(ErrorOf("d1:ae"), DecodeErrorCode::UnexpectedByte);  // a key with no value
    EXPECT_EQ(ErrorOf("l"), DecodeErrorCode::Truncated);
    EXPECT_EQ(ErrorOf("d"), DecodeErrorCode::Truncated);
    EXPECT_EQ(ErrorOf(""), DecodeErrorCode::Truncated);
    EXPECT_EQ(ErrorOf("x"), DecodeErrorCode::UnexpectedByte);
    EXPECT_EQ(ErrorOf("i1ei2e"), DecodeErrorCode::TrailingBytes);

    // Unsorted but unique keys are accepted (old torrents), and kept in the order received.
    auto unsorted = Decode("d1:bi1e1:ai2ee");
    ASSERT_TRUE(unsorted);
    EXPECT_EQ(unsorted->Entries()[0].first, "b");
    EXPECT_EQ(unsorted->FindInt("a")->AsInt(), 2);
}

TEST(Bencode, ErrorsCarryPositions) {
    auto r = Decode("d3:fooi01ee");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, DecodeErrorCode::BadInteger);
    EXPECT_EQ(r.error().position, 7u);  // the digits "01"
    EXPECT_NE(r.error().Message().find("at byte 7"), std::string::npos);
}

TEST(Bencode, DepthAndItemLimits) {
    // The hostile torrent of the issue: lists nested 10,000 deep. Refused, no stack overflow.
    const std::string deep = std::string(10'000, 'l') + std::string(10'000, 'e');
    auto r = Decode(deep);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, DecodeErrorCode::TooDeep);
    EXPECT_EQ(r.error().position, 100u);

    const std::string ok_depth = std::string(100, 'l') + std::string(100, 'e');
    EXPECT_TRUE(Decode(ok_depth));

    Limits few;
    few.max_items = 10;
    std::string many = "l";
    for (int i = 0; i < 20; ++i) many += "i0e";
    many += "e";
    EXPECT_EQ(ErrorOf(many, few), DecodeErrorCode::TooManyItems);
}

TEST(Bencode, RawRangesPointIntoTheInput) {
    const std::string text = "d4:infod4:name1:xe5:otheri1ee";
    auto v = Decode(text);
    ASSERT_TRUE(v);
    const Value* info = v->FindDict("info");
    ASSERT_NE(info, nullptr);
    EXPECT_EQ(text.substr(info->begin(), info->end() - info->begin()), "d4:name1:xe");
    EXPECT_EQ(v->begin(), 0u);
    EXPECT_EQ(v->end(), text.size());
}

TEST(Bencode, PrefixLeavesTheRest) {
    const std::string msg = "d8:msg_typei1e5:piecei0eeRAWDATA";
    size_t used = 0;
    auto v = DecodePrefix(util::AsBytes(msg), &used);
    ASSERT_TRUE(v);
    EXPECT_EQ(msg.substr(used), "RAWDATA");
}

TEST(Bencode, EncodeRoundTripAndSortsKeys) {
    for (const char* canonical : {"i-7e", "0:", "le", "de", "d1:ad1:bl0:i0eee1:c3:xyze", "li1ei2ed0:0:ee"}) {
        auto v = Decode(canonical);
        ASSERT_TRUE(v) << canonical;
        EXPECT_EQ(Encode(*v), canonical);
    }
    EXPECT_EQ(Encode(*Decode("d1:bi1e1:ai2ee")), "d1:ai2e1:bi1ee");

    Value d = Value::Dict();
    d.Set("zeta", Value::Int(1));
    d.Set("alpha", Value::Str("x"));
    Value& list = d.Set("mid", Value::List());
    list.Push(Value::Int(-3));
    d.Set("alpha", Value::Str("y"));  // replaces
    EXPECT_EQ(Encode(d), "d5:alpha1:y3:midli-3ee4:zetai1ee");
}

}  // namespace
}  // namespace tonari::torrent::bencode
