// Tests for `inv` / `getdata` / `notfound`: encoding, the 50,000-item limit, and errors.
#include <gtest/gtest.h>

#include "bitcoin/wire/inventory.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::wire {
namespace {

util::Uint256 Hash(uint8_t fill) {
    std::array<uint8_t, 32> b{};
    b.fill(fill);
    b[0] = 0x01;
    return util::Uint256(b);
}

template <typename Msg>
void CheckRoundTrip(std::string_view command) {
    EXPECT_EQ(Msg::COMMAND, command);
    Msg m;
    m.items = {{MSG_WITNESS_TX, Hash(0xaa)}, {MSG_WTX, Hash(0xbb)}, {0xdeadbeef, Hash(0xcc)}};
    const util::Bytes raw = m.Encode();
    ASSERT_EQ(raw.size(), 1 + 3 * 36u);
    const auto back = Msg::Decode(raw);
    ASSERT_TRUE(back) << command;
    EXPECT_EQ(*back, m);
    EXPECT_TRUE(Msg::Decode(Msg{}.Encode()));
}

TEST(Inventory, Constants) {
    EXPECT_EQ(MSG_WITNESS_BLOCK, 0x40000002u);
    EXPECT_EQ(MSG_WITNESS_TX, 0x40000001u);
    EXPECT_EQ(MSG_FILTERED_WITNESS_BLOCK, 0x40000003u);
}

TEST(Inventory, RoundTrips) {
    CheckRoundTrip<InvMsg>("inv");
    CheckRoundTrip<GetDataMsg>("getdata");
    CheckRoundTrip<NotFoundMsg>("notfound");
}

TEST(Inventory, Encoding) {
    GetDataMsg m;
    const auto genesis =
        util::Uint256::FromHex("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
    ASSERT_TRUE(genesis);
    m.items.push_back({MSG_WITNESS_BLOCK, *genesis});
    EXPECT_EQ(util::HexEncode(m.Encode()),
              "01" "02000040" "6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000");
}

TEST(Inventory, Limits) {
    InvMsg m;
    m.items.assign(MAX_INV_SIZE, Inv{MSG_TX, Hash(1)});
    const auto back = InvMsg::Decode(m.Encode());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->items.size(), MAX_INV_SIZE);
    // 50,001 announced: TooMany without needing the bytes. (A 0xfe form would be non-canonical.)
    EXPECT_EQ(InvMsg::Decode(test::ParseHexOrFail("fd51c3")).error(), WireError::TooMany);
    EXPECT_EQ(GetDataMsg::Decode(test::ParseHexOrFail("fd51c3")).error(), WireError::TooMany);
    EXPECT_EQ(NotFoundMsg::Decode(test::ParseHexOrFail("fd51c3")).error(), WireError::TooMany);
}

TEST(Inventory, Errors) {
    EXPECT_EQ(InvMsg::Decode({}).error(), WireError::Truncated);
    // 50,000 announced, nothing present: refused before allocating 1.8 MB.
    EXPECT_EQ(InvMsg::Decode(test::ParseHexOrFail("fd50c3")).error(), WireError::Truncated);
    EXPECT_EQ(InvMsg::Decode(test::ParseHexOrFail("fe01000000")).error(), WireError::Malformed);
    InvMsg m;
    m.items.push_back({MSG_TX, Hash(3)});
    util::Bytes raw = m.Encode();
    raw.pop_back();
    EXPECT_EQ(InvMsg::Decode(raw).error(), WireError::Truncated);
    raw.push_back(0);
    raw.push_back(0);
    EXPECT_EQ(InvMsg::Decode(raw).error(), WireError::TrailingBytes);
}

}  // namespace
}  // namespace tonari::bitcoin::wire
