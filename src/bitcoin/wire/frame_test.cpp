// Tests for frame headers: published verack/version frames, each rejection reason, checksums.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "bitcoin/wire/frame.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::wire {
namespace {

constexpr std::array<uint8_t, 4> MAINNET{0xf9, 0xbe, 0xb4, 0xd9};
constexpr std::array<uint8_t, 4> TESTNET3{0x0b, 0x11, 0x09, 0x07};

// A verack on mainnet, as printed in many protocol write-ups: magic, "verack" + 6 NULs, length
// 0, checksum of the empty payload (SHA256d("") starts 5df6e0e2).
constexpr std::string_view VERACK_FRAME = "f9beb4d976657261636b000000000000000000005df6e0e2";
// A real version frame (Bitcoin developer reference example, /Satoshi:0.9.3/): 101-byte payload.
constexpr std::string_view VERSION_FRAME =
    "f9beb4d976657273696f6e0000000000650000005f1a69d2"
    "721101000100000000000000bc8f5e5400000000010000000000000000000000000000000000ffffc61b6409208d"
    "010000000000000000000000000000000000ffffcb0071c0208d128035cbc97953f80f2f5361746f7368693a302e"
    "392e332fcf05050001";

util::Bytes Header(std::string_view magic_hex, const std::string& command_field_hex, uint32_t length) {
    util::Bytes out = test::ParseHexOrFail(magic_hex);
    util::Append(out, test::ParseHexOrFail(command_field_hex));
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(length >> (8 * i)));
    for (int i = 0; i < 4; ++i) out.push_back(0);
    return out;
}

TEST(Frame, VerackVector) {
    const util::Bytes frame = test::ParseHexOrFail(VERACK_FRAME);
    EXPECT_EQ(FrameMessage(MAINNET, "verack", {}), frame);
    const auto h = DecodeFrameHeader(frame, MAINNET);
    ASSERT_TRUE(h) << ToString(h.error());
    EXPECT_EQ(h->magic, MAINNET);
    EXPECT_EQ(h->command, "verack");
    EXPECT_EQ(h->length, 0u);
    EXPECT_EQ(util::HexEncode(h->checksum), "5df6e0e2");
    EXPECT_TRUE(ChecksumMatches(*h, {}));
    EXPECT_EQ(PayloadChecksum({}), h->checksum);
}

TEST(Frame, VersionVector) {
    const util::Bytes frame = test::ParseHexOrFail(VERSION_FRAME);
    ASSERT_EQ(frame.size(), FRAME_HEADER_SIZE + 101);
    const util::ByteSpan payload = util::ByteSpan(frame).subspan(FRAME_HEADER_SIZE);
    const auto h = DecodeFrameHeader(util::ByteSpan(frame).first(FRAME_HEADER_SIZE), MAINNET);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->command, "version");
    EXPECT_EQ(h->length, 101u);
    EXPECT_TRUE(ChecksumMatches(*h, payload));
    EXPECT_EQ(FrameMessage(MAINNET, "version", payload), frame);
}

TEST(Frame, WrongNetworkMagic) {
    const util::Bytes frame = test::ParseHexOrFail(VERACK_FRAME);
    const auto h = DecodeFrameHeader(frame, TESTNET3);
    ASSERT_FALSE(h);
    EXPECT_EQ(h.error(), WireError::BadMagic);
}

TEST(Frame, CommandRules) {
    // Twelve printable characters, no NUL at all: valid.
    auto h = DecodeFrameHeader(Header("f9beb4d9", "6162636465666768696a6b6c", 0), MAINNET);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->command, "abcdefghijkl");
    // Space and '~' are the printable bounds.
    h = DecodeFrameHeader(Header("f9beb4d9", "207e00000000000000000000", 0), MAINNET);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->command, " ~");

    const std::string bad[] = {
        "000000000000000000000000",  // empty
        "76657261636b000000000001",  // non-NUL after the padding started
        "7665720061636b0000000000",  // NUL in the middle
        "76657261636b0a0000000000",  // control character
        "7f0000000000000000000000",  // DEL
        "ff0000000000000000000000",  // non-ASCII
    };
    for (const std::string& field : bad) {
        h = DecodeFrameHeader(Header("f9beb4d9", field, 0), MAINNET);
        ASSERT_FALSE(h) << field;
        EXPECT_EQ(h.error(), WireError::BadCommand) << field;
    }
}

TEST(Frame, LengthLimit) {
    auto h = DecodeFrameHeader(Header("f9beb4d9", "626c6f636b00000000000000", MAX_PROTOCOL_MESSAGE_LENGTH),
                               MAINNET);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->length, MAX_PROTOCOL_MESSAGE_LENGTH);
    for (uint32_t len : {MAX_PROTOCOL_MESSAGE_LENGTH + 1, 0xffffffffu}) {
        h = DecodeFrameHeader(Header("f9beb4d9", "626c6f636b00000000000000", len), MAINNET);
        ASSERT_FALSE(h);
        EXPECT_EQ(h.error(), WireError::Oversized);
    }
}

TEST(Frame, ChecksumMismatch) {
    const util::Bytes payload = {1, 2, 3, 4, 5};
    util::Bytes frame = FrameMessage(MAINNET, "ping", payload);
    auto h = DecodeFrameHeader(util::ByteSpan(frame).first(FRAME_HEADER_SIZE), MAINNET);
    ASSERT_TRUE(h);
    EXPECT_TRUE(ChecksumMatches(*h, payload));
    util::Bytes flipped = payload;
    flipped[2] ^= 1;
    EXPECT_FALSE(ChecksumMatches(*h, flipped));
    // Same bytes but a length that disagrees with the header.
    EXPECT_FALSE(ChecksumMatches(*h, util::ByteSpan(payload).first(4)));
    util::Bytes longer = payload;
    longer.push_back(0);
    EXPECT_FALSE(ChecksumMatches(*h, longer));
}

TEST(Frame, RoundTripAllCommandLengths) {
    const util::Bytes payload = {0xde, 0xad};
    for (size_t n = 1; n <= COMMAND_SIZE; ++n) {
        const std::string command(n, 'x');
        const util::Bytes frame = FrameMessage(TESTNET3, command, payload);
        ASSERT_EQ(frame.size(), FRAME_HEADER_SIZE + payload.size());
        const auto h = DecodeFrameHeader(util::ByteSpan(frame).first(FRAME_HEADER_SIZE), TESTNET3);
        ASSERT_TRUE(h);
        EXPECT_EQ(h->command, command);
        EXPECT_EQ(h->length, payload.size());
        EXPECT_TRUE(ChecksumMatches(*h, util::ByteSpan(frame).subspan(FRAME_HEADER_SIZE)));
    }
}

TEST(Frame, ErrorNames) {
    std::set<std::string> names;
    for (WireError e : {WireError::BadMagic, WireError::BadCommand, WireError::Oversized,
                        WireError::BadChecksum, WireError::Truncated, WireError::TrailingBytes,
                        WireError::TooMany, WireError::Malformed}) {
        ASSERT_NE(ToString(e), nullptr);
        names.insert(ToString(e));
    }
    EXPECT_EQ(names.size(), 8u);
}

}  // namespace
}  // namespace tonari::bitcoin::wire
