// Tests for the coin stored format: known bytes, round trips over every template and amount
// shape, and each malformed input refused with its reason.
#include <gtest/gtest.h>

#include <iostream>

#include "bitcoin/chain/coins.h"
#include "bitcoin/primitives/amount.h"
#include "bitcoin/script/script.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::chain {
namespace {

using primitives::Amount;
using primitives::COIN;
using primitives::MAX_MONEY;
using util::Bytes;

Bytes Hex(std::string_view hex) {
    return test::ParseHexOrFail(hex);
}

Bytes Repeat(uint8_t b, size_t n) {
    return Bytes(n, b);
}

Bytes Concat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const auto& p : parts) util::Append(out, p);
    return out;
}

Coin MakeCoin(Amount value, Bytes script, uint32_t height, bool coinbase) {
    return Coin{primitives::TxOut{value, std::move(script)}, height, coinbase};
}

std::string DecodeReason(const Bytes& bytes) {
    auto r = DecodeCoin(bytes);
    return r ? std::string("ok") : std::string(CoinsDecodeErrorMessage(r.error()));
}

const Bytes P2PKH = Concat({Hex("76a914"), Repeat(0x11, 20), Hex("88ac")});
const Bytes P2SH = Concat({Hex("a914"), Repeat(0x22, 20), Hex("87")});
const Bytes P2WPKH = Concat({Hex("0014"), Repeat(0x33, 20)});
const Bytes P2WSH = Concat({Hex("0020"), Repeat(0x44, 32)});
const Bytes P2TR = Concat({Hex("5120"), Repeat(0x55, 32)});

TEST(CoinFormat, KnownEncodings) {
    // Coinbase at height 1 paying 50 BTC to P2PKH: code 3, amount 59 (5 * 10^9), template 0.
    EXPECT_EQ(util::HexEncode(SerializeCoin(MakeCoin(50 * COIN, P2PKH, 1, true))),
              "033b00" + std::string(40, '1'));
    // Non-coinbase at height 200 (code 400 = 90 03), 1234 sat (12340 = b4 60), P2TR (04).
    EXPECT_EQ(util::HexEncode(SerializeCoin(MakeCoin(1234, P2TR, 200, false))),
              "9003b46004" + std::string(64, '5'));
    // Zero value, empty script: raw code 5 + 0.
    EXPECT_EQ(util::HexEncode(SerializeCoin(MakeCoin(0, {}, 0, false))), "000005");
    // OP_RETURN data is stored raw: code 5 + 3 = 8.
    EXPECT_EQ(util::HexEncode(SerializeCoin(MakeCoin(1, Hex("6a0100"), 5, false))), "0a0a086a0100");
    // MAX_MONEY = 21 * 10^14: the exponent stops at 9, so mantissa 2,100,000, code 21,000,009.
    EXPECT_EQ(util::HexEncode(SerializeCoin(MakeCoin(MAX_MONEY, {}, 0, false))), "00c9de810a05");
}

TEST(CoinFormat, RoundTripsEveryShape) {
    const std::vector<Amount> amounts = {0,         1,          9,          10,          11,
                                         100,       12345,      100'000,    1'000'000'000, 2'000'000'000,
                                         50 * COIN, 21 * COIN,  MAX_MONEY,  MAX_MONEY - 1, 123'456'789'012'345};
    const std::vector<Bytes> scripts = {
        {},
        P2PKH,
        P2SH,
        P2WPKH,
        P2WSH,
        P2TR,
        Hex("6a0401020304"),
        Concat({Hex("76a914"), Repeat(0x11, 20), Hex("88ad")}),  // P2PKH but for the last byte
        Concat({Hex("0014"), Repeat(0x33, 21)}),                  // P2WPKH one byte long
        Concat({Hex("5220"), Repeat(0x55, 32)}),                  // witness v2: raw
        Repeat(0xac, script::MAX_SCRIPT_SIZE),
    };
    const std::vector<uint32_t> heights = {0, 1, 63, 64, 127, 128, 840'000, MAX_COIN_HEIGHT};
    int cases = 0;
    for (Amount a : amounts) {
        for (const Bytes& s : scripts) {
            for (uint32_t h : heights) {
                for (bool cb : {false, true}) {
                    const Coin coin = MakeCoin(a, s, h, cb);
                    const Bytes bytes = SerializeCoin(coin);
                    auto back = DecodeCoin(bytes);
                    ASSERT_TRUE(back) << CoinsDecodeErrorMessage(back.error()) << " for " << util::HexEncode(bytes);
                    EXPECT_EQ(*back, coin);
                    EXPECT_EQ(SerializeCoin(*back), bytes);
                    ++cases;
                }
            }
        }
    }
    EXPECT_EQ(cases, 15 * 11 * 8 * 2);
}

TEST(CoinFormat, TemplatesAreCompact) {
    EXPECT_EQ(SerializeCoin(MakeCoin(50 * COIN, P2PKH, 1, true)).size(), 3u + 20);
    EXPECT_EQ(SerializeCoin(MakeCoin(50 * COIN, P2SH, 1, true)).size(), 3u + 20);
    EXPECT_EQ(SerializeCoin(MakeCoin(50 * COIN, P2WPKH, 1, true)).size(), 3u + 20);
    EXPECT_EQ(SerializeCoin(MakeCoin(50 * COIN, P2WSH, 1, true)).size(), 3u + 32);
    EXPECT_EQ(SerializeCoin(MakeCoin(50 * COIN, P2TR, 1, true)).size(), 3u + 32);
}

TEST(CoinFormat, VarIntBoundaries) {
    for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{127}, uint64_t{128}, uint64_t{16383}, uint64_t{16384},
                       uint64_t{1} << 63, ~uint64_t{0}}) {
        util::ByteWriter w;
        WriteVarInt(w, v);
        util::ByteReader r(w.data());
        auto back = ReadVarInt(r);
        ASSERT_TRUE(back) << v;
        EXPECT_EQ(*back, v);
        EXPECT_TRUE(r.empty());
    }
    util::ByteWriter w;
    WriteVarInt(w, ~uint64_t{0});
    EXPECT_EQ(util::HexEncode(w.data()), "ffffffffffffffffff01");
}

TEST(CoinFormat, RefusesMalformedBytes) {
    const Bytes good = SerializeCoin(MakeCoin(50 * COIN, P2PKH, 1, true));
    // Every strict prefix is truncated.
    for (size_t n = 0; n < good.size(); ++n) {
        EXPECT_EQ(DecodeReason(Bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n))),
                  "truncated coin data")
            << n;
    }
    EXPECT_EQ(DecodeReason(Concat({good, Hex("00")})), "trailing bytes after coin data");

    // Redundant varint group (1 written as 81 00), and values past 64 bits.
    EXPECT_EQ(DecodeReason(Hex("8100" "3b" "00" + std::string(40, '1'))), "non-canonical coin encoding");
    EXPECT_EQ(DecodeReason(Hex("ffffffffffffffffff02" "00" "05")), "non-canonical coin encoding");
    EXPECT_EQ(DecodeReason(Hex("ffffffffffffffffff8001" "00" "05")), "non-canonical coin encoding");

    // Amount codes: 100 is 10 sat written with exponent 0 (canonical: 11); 5 is zero with an
    // exponent; 2,100,001 * 10^9 exceeds MAX_MONEY; so does MAX_MONEY + 1 sat.
    EXPECT_EQ(DecodeReason(Hex("00" "0b" "05")), "ok");  // 11: 1 * 10^1
    EXPECT_EQ(DecodeReason(Hex("00" "64" "05")), "non-canonical coin encoding");
    EXPECT_EQ(DecodeReason(Hex("00" "05" "05")), "non-canonical coin encoding");
    {
        util::ByteWriter w;
        WriteVarInt(w, 0);
        WriteVarInt(w, 2'100'001 * 10 + 9);
        WriteVarInt(w, 5);
        EXPECT_EQ(DecodeReason(w.data()), "coin value out of range");
    }
    {
        util::ByteWriter w;
        WriteVarInt(w, 0);
        WriteVarInt(w, static_cast<uint64_t>(MAX_MONEY + 1) * 10);
        WriteVarInt(w, 5);
        EXPECT_EQ(DecodeReason(w.data()), "coin value out of range");
    }
    {
        util::ByteWriter w;
        WriteVarInt(w, (uint64_t{MAX_COIN_HEIGHT} + 1) * 2);
        WriteVarInt(w, 0);
        WriteVarInt(w, 5);
        EXPECT_EQ(DecodeReason(w.data()), "coin height out of range");
    }
    // A template script stored raw has a second encoding: refused.
    {
        util::ByteWriter w;
        WriteVarInt(w, 2);
        WriteVarInt(w, 0);
        WriteVarInt(w, 5 + P2PKH.size());
        w.WriteBytes(P2PKH);
        EXPECT_EQ(DecodeReason(w.data()), "non-canonical coin encoding");
    }
    // Scripts beyond MAX_SCRIPT_SIZE are never stored; a length claiming one is refused
    // before anything is read or allocated.
    {
        util::ByteWriter w;
        WriteVarInt(w, 2);
        WriteVarInt(w, 0);
        WriteVarInt(w, 5 + script::MAX_SCRIPT_SIZE + 1);
        w.WriteBytes(Repeat(0xac, script::MAX_SCRIPT_SIZE + 1));
        EXPECT_EQ(DecodeReason(w.data()), "coin script too large");
    }
    // A raw length running past the input.
    {
        util::ByteWriter w;
        WriteVarInt(w, 2);
        WriteVarInt(w, 0);
        WriteVarInt(w, 5 + 100);
        w.WriteBytes(Repeat(0xac, 10));
        EXPECT_EQ(DecodeReason(w.data()), "truncated coin data");
    }
    // A template payload cut short.
    EXPECT_EQ(DecodeReason(Hex("00" "00" "03" + std::string(62, '4'))), "truncated coin data");
}

TEST(CoinFormat, ReaderStopsAfterOneCoin) {
    const Coin a = MakeCoin(7, P2WPKH, 3, false);
    const Coin b = MakeCoin(8, P2SH, 4, true);
    Bytes both = Concat({SerializeCoin(a), SerializeCoin(b)});
    util::ByteReader r(both);
    auto first = DecodeCoin(r);
    auto second = DecodeCoin(r);
    ASSERT_TRUE(first);
    ASSERT_TRUE(second);
    EXPECT_EQ(*first, a);
    EXPECT_EQ(*second, b);
    EXPECT_TRUE(r.empty());
    EXPECT_FALSE(DecodeCoin(r));  // nothing left
}

}  // namespace
}  // namespace tonari::bitcoin::chain
