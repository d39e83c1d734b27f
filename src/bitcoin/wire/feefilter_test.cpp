// Tests for `feefilter`: fixed layout and wrong lengths.
#include <gtest/gtest.h>

#include "bitcoin/wire/feefilter.h"
#include "util/hex.h"

namespace tonari::bitcoin::wire {
namespace {

TEST(FeeFilter, Encoding) {
    EXPECT_EQ(FeeFilterMsg::COMMAND, "feefilter");
    const FeeFilterMsg m{1000};
    EXPECT_EQ(util::HexEncode(m.Encode()), "e803000000000000");
    const auto back = FeeFilterMsg::Decode(m.Encode());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->fee_rate, 1000);
    // Negative rates decode; judging them is the caller's business (Core ignores them).
    const auto neg = FeeFilterMsg::Decode(FeeFilterMsg{-1}.Encode());
    ASSERT_TRUE(neg);
    EXPECT_EQ(neg->fee_rate, -1);
}

TEST(FeeFilter, WrongLengths) {
    EXPECT_EQ(FeeFilterMsg::Decode(util::Bytes(7, 0)).error(), WireError::Truncated);
    EXPECT_EQ(FeeFilterMsg::Decode(util::Bytes(9, 0)).error(), WireError::TrailingBytes);
}

}  // namespace
}  // namespace tonari::bitcoin::wire
