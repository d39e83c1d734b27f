// Peer wire: every message kind round-trips, a few encodings match hand-written bytes, every
// refusal (sizes per id, block lengths, hash counts, oversized frames, bad handshakes) is the
// one documented, and the bitfield helpers respect spare bits.
#include <gtest/gtest.h>

#include <string>

#include "test_data.h"
#include "torrent/wire/message.h"
#include "util/hex.h"

namespace tonari::torrent::wire {
namespace {

using test::ParseHexOrFail;

util::Bytes Payload(const util::Bytes& frame) { return util::Bytes(frame.begin() + FRAME_HEADER_SIZE, frame.end()); }

WireErrorCode ErrorOf(const util::Bytes& payload) {
    auto r = DecodeMessage(payload);
    EXPECT_FALSE(r) << "accepted: " << util::HexEncode(payload);
    return r ? WireErrorCode::BadHandshake : r.error().code;
}

// Encodes, checks the length prefix, decodes the payload and re-encodes it: the frame must be
// reproduced byte for byte and the decoded value must be of the same kind.
Message RoundTrip(const Message& m) {
    const util::Bytes frame = EncodeMessage(m);
    EXPECT_GE(frame.size(), FRAME_HEADER_SIZE);
    const auto length = FrameLength(util::ByteSpan(frame).first(FRAME_HEADER_SIZE));
    EXPECT_EQ(length.value_or(0), frame.size() - FRAME_HEADER_SIZE);
    auto decoded = DecodeMessage(Payload(frame));
    EXPECT_TRUE(decoded) << MessageName(m) << ": " << decoded.error().message;
    if (!decoded) return KeepAlive{};
    EXPECT_EQ(decoded->index(), m.index());
    EXPECT_EQ(EncodeMessage(*decoded), frame) << MessageName(m);
    return *decoded;
}

template <typename T>
T RoundTripAs(const T& m) {
    const Message out = RoundTrip(Message{m});
    return std::holds_alternative<T>(out) ? std::get<T>(out) : T{};
}

Hash32 Filled32(uint8_t b) {
    Hash32 h;
    h.fill(b);
    return h;
}

HashRequestFields SampleFields() {
    HashRequestFields f;
    f.pieces_root = Filled32(0xab);
    f.base_layer = 1;
    f.index = 512;
    f.length = 256;
    f.proof_layers = 3;
    return f;
}

util::Bytes HashFieldsBytes() {
    util::Bytes out(32, 0xab);
    const util::Bytes rest = ParseHexOrFail("00000001" "00000200" "00000100" "00000003");
    out.insert(out.end(), rest.begin(), rest.end());
    return out;
}

util::Bytes WithId(uint8_t id, util::Bytes body) {
    body.insert(body.begin(), id);
    return body;
}

TEST(WireMessage, EmptyMessagesRoundTrip) {
    EXPECT_EQ(EncodeMessage(KeepAlive{}), ParseHexOrFail("00000000"));
    EXPECT_EQ(EncodeMessage(Choke{}), ParseHexOrFail("0000000100"));
    EXPECT_EQ(EncodeMessage(Unchoke{}), ParseHexOrFail("0000000101"));
    EXPECT_EQ(EncodeMessage(Interested{}), ParseHexOrFail("0000000102"));
    EXPECT_EQ(EncodeMessage(NotInterested{}), ParseHexOrFail("0000000103"));
    EXPECT_EQ(EncodeMessage(HaveAll{}), ParseHexOrFail("000000010e"));
    EXPECT_EQ(EncodeMessage(HaveNone{}), ParseHexOrFail("000000010f"));
    for (const Message& m : {Message{KeepAlive{}}, Message{Choke{}}, Message{Unchoke{}}, Message{Interested{}},
                             Message{NotInterested{}}, Message{HaveAll{}}, Message{HaveNone{}}}) {
        RoundTrip(m);
    }
    EXPECT_TRUE(std::holds_alternative<KeepAlive>(*DecodeMessage({})));
}

TEST(WireMessage, PieceIndexMessagesRoundTrip) {
    EXPECT_EQ(EncodeMessage(Have{0x01020304}), ParseHexOrFail("000000050401020304"));
    EXPECT_EQ(RoundTripAs(Have{0xffffffff}).piece, 0xffffffffu);
    EXPECT_EQ(RoundTripAs(SuggestPiece{7}).piece, 7u);
    EXPECT_EQ(RoundTripAs(AllowedFast{123456}).piece, 123456u);
    EXPECT_EQ(EncodeMessage(SuggestPiece{7}), ParseHexOrFail("000000050d00000007"));
    EXPECT_EQ(EncodeMessage(AllowedFast{7}), ParseHexOrFail("000000051100000007"));
}

TEST(WireMessage, BlockRefMessagesRoundTrip) {
    const BlockRef block{1, 0x4000, BLOCK_SIZE};
    // request = length 13, id 6, then index, begin, length as big-endian u32.
    EXPECT_EQ(EncodeMessage(Request{block}), ParseHexOrFail("0000000d06" "00000001" "00004000" "00004000"));
    EXPECT_EQ(EncodeMessage(Cancel{block}), ParseHexOrFail("0000000d08" "00000001" "00004000" "00004000"));
    EXPECT_EQ(EncodeMessage(RejectRequest{block}), ParseHexOrFail("0000000d10" "00000001" "00004000" "00004000"));
    EXPECT_EQ(RoundTripAs(Request{block}).block, block);
    EXPECT_EQ(RoundTripAs(Cancel{block}).block, block);
    EXPECT_EQ(RoundTripAs(RejectRequest{block}).block, block);
    const BlockRef small{0xfffffffe, 0x12345678, 1};
    EXPECT_EQ(RoundTripAs(Request{small}).block, small);
}

TEST(WireMessage, PieceRoundTrip) {
    Piece p;
    p.piece = 2;
    p.offset = 0x8000;
    p.data = {0xde, 0xad, 0xbe, 0xef};
    EXPECT_EQ(EncodeMessage(p), ParseHexOrFail("0000000d07" "00000002" "00008000" "deadbeef"));
    const Piece out = RoundTripAs(p);
    EXPECT_EQ(out.piece, 2u);
    EXPECT_EQ(out.offset, 0x8000u);
    EXPECT_EQ(out.data, p.data);

    Piece full;
    full.data.assign(BLOCK_SIZE, 0x5a);
    EXPECT_EQ(RoundTripAs(full).data.size(), BLOCK_SIZE);
}

TEST(WireMessage, OtherMessagesRoundTrip) {
    Bitfield bf;
    bf.bits = {0xff, 0x80};
    EXPECT_EQ(EncodeMessage(bf), ParseHexOrFail("0000000305ff80"));
    EXPECT_EQ(RoundTripAs(bf).bits, bf.bits);

    EXPECT_EQ(EncodeMessage(Port{6881}), ParseHexOrFail("00000003091ae1"));
    EXPECT_EQ(RoundTripAs(Port{6881}).port, 6881);

    Extended ext;
    ext.id = 0;
    ext.payload = {'d', 'e'};
    EXPECT_EQ(EncodeMessage(ext), ParseHexOrFail("0000000414006465"));
    const Extended ext_out = RoundTripAs(ext);
    EXPECT_EQ(ext_out.id, 0);
    EXPECT_EQ(ext_out.payload, ext.payload);
    Extended bare;  // an extension message with an id and nothing else is legal
    bare.id = 3;
    EXPECT_EQ(RoundTripAs(bare).id, 3);
}

TEST(WireMessage, HashMessagesRoundTrip) {
    const HashRequestFields f = SampleFields();
    util::Bytes expected = ParseHexOrFail("0000003115");
    const util::Bytes fields = HashFieldsBytes();
    expected.insert(expected.end(), fields.begin(), fields.end());
    EXPECT_EQ(EncodeMessage(HashRequest{f}), expected);
    EXPECT_EQ(RoundTripAs(HashRequest{f}).fields, f);
    EXPECT_EQ(RoundTripAs(HashReject{f}).fields, f);

    Hashes h;
    h.fields = f;
    h.hashes = {Filled32(1), Filled32(2), Filled32(3)};
    const util::Bytes frame = EncodeMessage(h);
    EXPECT_EQ(frame.size(), 4 + 1 + 48 + 3 * 32u);
    EXPECT_EQ(frame[4], 22);
    const Hashes out = RoundTripAs(h);
    EXPECT_EQ(out.fields, f);
    EXPECT_EQ(out.hashes, h.hashes);

    Hashes none;  // no hashes: well-formed here; whether it answers a request is the caller's call
    none.fields = f;
    EXPECT_TRUE(RoundTripAs(none).hashes.empty());
    Hashes most;
    most.hashes.assign(MAX_HASHES_PER_MESSAGE, Filled32(9));
    EXPECT_EQ(RoundTripAs(most).hashes.size(), MAX_HASHES_PER_MESSAGE);
}

TEST(WireMessage, WrongSizePerId) {
    // Empty-bodied ids with a stray byte.
    for (uint8_t id : {0, 1, 2, 3, 14, 15}) {
        EXPECT_EQ(ErrorOf({id, 0x00}), WireErrorCode::WrongSize) << int(id);
    }
    // Piece-index ids: 3 and 5 bytes instead of 4.
    for (uint8_t id : {4, 13, 17}) {
        EXPECT_EQ(ErrorOf({id, 0, 0, 1}), WireErrorCode::WrongSize) << int(id);
        EXPECT_EQ(ErrorOf({id, 0, 0, 0, 1, 0}), WireErrorCode::WrongSize) << int(id);
        EXPECT_EQ(ErrorOf({id}), WireErrorCode::WrongSize) << int(id);
    }
    // Block references: 11 and 13 bytes instead of 12.
    for (uint8_t id : {6, 8, 16}) {
        EXPECT_EQ(ErrorOf(WithId(id, ParseHexOrFail("0000000100000000000040"))), WireErrorCode::WrongSize);
        EXPECT_EQ(ErrorOf(WithId(id, ParseHexOrFail("00000001000000000000400000"))), WireErrorCode::WrongSize);
    }
    EXPECT_EQ(ErrorOf({5}), WireErrorCode::WrongSize);                 // empty bitfield
    EXPECT_EQ(ErrorOf({7, 0, 0, 0, 0, 0, 0, 0}), WireErrorCode::WrongSize);  // piece header cut short
    EXPECT_EQ(ErrorOf({9, 0x1a}), WireErrorCode::WrongSize);           // port: 1 byte
    EXPECT_EQ(ErrorOf({9, 0x1a, 0xe1, 0}), WireErrorCode::WrongSize);  // port: 3 bytes
    EXPECT_EQ(ErrorOf({20}), WireErrorCode::WrongSize);                // extended without its id
    // Hash request / reject: 47 and 49 bytes instead of 48.
    util::Bytes fields = HashFieldsBytes();
    for (uint8_t id : {21, 23}) {
        util::Bytes shorter(fields.begin(), fields.end() - 1);
        util::Bytes longer = fields;
        longer.push_back(0);
        EXPECT_EQ(ErrorOf(WithId(id, shorter)), WireErrorCode::WrongSize) << int(id);
        EXPECT_EQ(ErrorOf(WithId(id, longer)), WireErrorCode::WrongSize) << int(id);
    }
    EXPECT_EQ(ErrorOf(WithId(22, util::Bytes(fields.begin(), fields.end() - 1))), WireErrorCode::WrongSize);
}

TEST(WireMessage, BlockLengthRefusals) {
    for (uint8_t id : {6, 8, 16}) {
        EXPECT_EQ(ErrorOf(WithId(id, ParseHexOrFail("00000001" "00000000" "00000000"))), WireErrorCode::BadValue);
        EXPECT_EQ(ErrorOf(WithId(id, ParseHexOrFail("00000001" "00000000" "00004001"))), WireErrorCode::BadValue);
        EXPECT_EQ(ErrorOf(WithId(id, ParseHexOrFail("00000001" "00000000" "ffffffff"))), WireErrorCode::BadValue);
        EXPECT_TRUE(DecodeMessage(WithId(id, ParseHexOrFail("00000001" "00000000" "00004000"))));
    }
    // A piece with no data, and one a byte over BLOCK_SIZE.
    EXPECT_EQ(ErrorOf(ParseHexOrFail("07" "00000001" "00000000")), WireErrorCode::BadValue);
    util::Bytes oversized = ParseHexOrFail("07" "00000001" "00000000");
    oversized.resize(oversized.size() + BLOCK_SIZE + 1, 0x11);
    EXPECT_EQ(ErrorOf(oversized), WireErrorCode::BadValue);
    oversized.pop_back();
    EXPECT_TRUE(DecodeMessage(oversized));
}

TEST(WireMessage, HashCountRefusals) {
    util::Bytes body = HashFieldsBytes();
    body.resize(body.size() + 31, 0x22);  // not a whole hash
    EXPECT_EQ(ErrorOf(WithId(22, body)), WireErrorCode::WrongSize);
    body.resize(body.size() + 1 + 32, 0x22);  // two whole hashes, then one byte over
    EXPECT_TRUE(DecodeMessage(WithId(22, body)));
    body.push_back(0);
    EXPECT_EQ(ErrorOf(WithId(22, body)), WireErrorCode::WrongSize);

    util::Bytes too_many = HashFieldsBytes();
    too_many.resize(too_many.size() + (MAX_HASHES_PER_MESSAGE + 1) * 32, 0x33);
    EXPECT_EQ(ErrorOf(WithId(22, too_many)), WireErrorCode::BadValue);
}

TEST(WireMessage, UnknownIdsAndOversizedPayloads) {
    for (uint8_t id : {10, 11, 12, 18, 19, 24, 255}) {
        EXPECT_EQ(ErrorOf({id}), WireErrorCode::UnknownId) << int(id);
        EXPECT_EQ(ErrorOf({id, 1, 2, 3}), WireErrorCode::UnknownId) << int(id);
    }
    util::Bytes huge(MAX_MESSAGE_LENGTH + 1, 0);
    huge[0] = 5;  // a bitfield, which has no size of its own to refuse
    EXPECT_EQ(ErrorOf(huge), WireErrorCode::TooLong);
    huge.pop_back();
    EXPECT_TRUE(DecodeMessage(huge));
}

TEST(WireMessage, FrameLength) {
    EXPECT_EQ(*FrameLength(ParseHexOrFail("00000000")), 0u);
    EXPECT_EQ(*FrameLength(ParseHexOrFail("0000000d")), 13u);
    util::Bytes max(4);
    max[0] = static_cast<uint8_t>(MAX_MESSAGE_LENGTH >> 24);
    max[1] = static_cast<uint8_t>(MAX_MESSAGE_LENGTH >> 16);
    max[2] = static_cast<uint8_t>(MAX_MESSAGE_LENGTH >> 8);
    max[3] = static_cast<uint8_t>(MAX_MESSAGE_LENGTH);
    EXPECT_EQ(*FrameLength(max), MAX_MESSAGE_LENGTH);
    max[3] = static_cast<uint8_t>(max[3] + 1);
    ASSERT_FALSE(FrameLength(max));
    EXPECT_EQ(FrameLength(max).error().code, WireErrorCode::TooLong);
    EXPECT_EQ(FrameLength(ParseHexOrFail("ffffffff")).error().code, WireErrorCode::TooLong);
    EXPECT_EQ(FrameLength(ParseHexOrFail("13426974")).value_or(0), HANDSHAKE_SIZE - FRAME_HEADER_SIZE);
    // One byte off "\x13Bit" is an ordinary (and here oversized) length.
    EXPECT_EQ(FrameLength(ParseHexOrFail("13426975")).error().code, WireErrorCode::TooLong);
    // The header must be exactly four bytes.
    EXPECT_FALSE(FrameLength(ParseHexOrFail("000000")));
    EXPECT_FALSE(FrameLength(ParseHexOrFail("0000000000")));
    EXPECT_FALSE(FrameLength({}));
}

Handshake SampleHandshake() {
    Handshake h;
    h.reserved[RESERVED_EXTENSION_BYTE] |= RESERVED_EXTENSION_BIT;
    h.reserved[RESERVED_FAST_BYTE] |= RESERVED_FAST_BIT | RESERVED_DHT_BIT | RESERVED_V2_BIT;
    h.info_hash.fill(0x11);
    for (size_t i = 0; i < h.peer_id.size(); ++i) h.peer_id[i] = static_cast<uint8_t>('A' + i);
    return h;
}

TEST(WireHandshake, EncodesExactBytes) {
    const util::Bytes bytes = EncodeHandshake(SampleHandshake());
    const std::string expected_hex = "13" + util::HexEncode(util::AsBytes("BitTorrent protocol")) +
                                     "0000000000100015" + std::string(40, '1') +
                                     util::HexEncode(util::AsBytes("ABCDEFGHIJKLMNOPQRST"));
    EXPECT_EQ(util::HexEncode(bytes), expected_hex);
    ASSERT_EQ(bytes.size(), HANDSHAKE_SIZE);

    // A real handshake's first four bytes frame it: 64 more bytes follow.
    const util::ByteSpan header = util::ByteSpan(bytes).first(FRAME_HEADER_SIZE);
    EXPECT_TRUE(IsHandshakeHeader(header));
    EXPECT_TRUE(IsHandshakeHeader(bytes));
    EXPECT_EQ(FrameLength(header).value_or(0), HANDSHAKE_SIZE - FRAME_HEADER_SIZE);
    EXPECT_FALSE(IsHandshakeHeader(ParseHexOrFail("0000000d")));
    EXPECT_FALSE(IsHandshakeHeader(ParseHexOrFail("134269")));
}

TEST(WireHandshake, RoundTripAndFlags) {
    const Handshake h = SampleHandshake();
    const auto out = DecodeHandshake(EncodeHandshake(h));
    ASSERT_TRUE(out);
    EXPECT_EQ(out->reserved, h.reserved);
    EXPECT_EQ(out->info_hash, h.info_hash);
    EXPECT_EQ(out->peer_id, h.peer_id);
    EXPECT_TRUE(out->SupportsExtensions());
    EXPECT_TRUE(out->SupportsFast());
    EXPECT_TRUE(out->SupportsDht());
    EXPECT_TRUE(out->SupportsV2());

    const auto plain = DecodeHandshake(EncodeHandshake(Handshake{}));
    ASSERT_TRUE(plain);
    EXPECT_FALSE(plain->SupportsExtensions());
    EXPECT_FALSE(plain->SupportsFast());
    EXPECT_FALSE(plain->SupportsDht());
    EXPECT_FALSE(plain->SupportsV2());
}

TEST(WireHandshake, Refusals) {
    const util::Bytes good = EncodeHandshake(SampleHandshake());
    auto code_of = [](const util::Bytes& b) {
        auto r = DecodeHandshake(b);
        EXPECT_FALSE(r);
        return r ? WireErrorCode::WrongSize : r.error().code;
    };
    EXPECT_EQ(code_of(util::Bytes(good.begin(), good.end() - 1)), WireErrorCode::BadHandshake);
    util::Bytes longer = good;
    longer.push_back(0);
    EXPECT_EQ(code_of(longer), WireErrorCode::BadHandshake);
    EXPECT_EQ(code_of({}), WireErrorCode::BadHandshake);

    util::Bytes wrong_pstr = good;
    wrong_pstr[1] = 'b';  // "bitTorrent protocol"
    EXPECT_EQ(code_of(wrong_pstr), WireErrorCode::BadHandshake);
    util::Bytes wrong_len = good;
    wrong_len[0] = 18;
    EXPECT_EQ(code_of(wrong_len), WireErrorCode::BadHandshake);
    util::Bytes last_char = good;
    last_char[19] = 'L';  // "BitTorrent protocoL"
    EXPECT_EQ(code_of(last_char), WireErrorCode::BadHandshake);
}

TEST(WireBitfield, Validity) {
    EXPECT_TRUE(BitfieldValid(ParseHexOrFail("ff80"), 9));
    EXPECT_FALSE(BitfieldValid(ParseHexOrFail("ffc0"), 9));  // bit 9 is a spare bit
    EXPECT_FALSE(BitfieldValid(ParseHexOrFail("ff81"), 9));  // so is the last bit
    EXPECT_TRUE(BitfieldValid(ParseHexOrFail("fffe"), 15));
    EXPECT_FALSE(BitfieldValid(ParseHexOrFail("ffff"), 15));
    EXPECT_TRUE(BitfieldValid(ParseHexOrFail("ffff"), 16));  // no spare bits
    EXPECT_FALSE(BitfieldValid(ParseHexOrFail("ff"), 9));    // too short
    EXPECT_FALSE(BitfieldValid(ParseHexOrFail("ff8000"), 9));  // too long
    EXPECT_TRUE(BitfieldValid({}, 0));
    EXPECT_FALSE(BitfieldValid(ParseHexOrFail("00"), 0));
    EXPECT_TRUE(BitfieldValid(ParseHexOrFail("80"), 1));
    EXPECT_FALSE(BitfieldValid(ParseHexOrFail("40"), 1));
}

TEST(WireBitfield, GetAndSet) {
    util::Bytes bits(2, 0);
    BitfieldSet(bits, 0);
    BitfieldSet(bits, 9);
    BitfieldSet(bits, 15);
    EXPECT_EQ(bits, ParseHexOrFail("8041"));
    EXPECT_TRUE(BitfieldGet(bits, 0));
    EXPECT_FALSE(BitfieldGet(bits, 1));
    EXPECT_TRUE(BitfieldGet(bits, 9));
    EXPECT_TRUE(BitfieldGet(bits, 15));
    EXPECT_FALSE(BitfieldGet(bits, 16));          // past the end reads as missing
    EXPECT_FALSE(BitfieldGet(bits, 0xffffffff));
    BitfieldSet(bits, 16);                        // past the end: ignored, never grows
    BitfieldSet(bits, 0xffffffff);
    EXPECT_EQ(bits.size(), 2u);
    EXPECT_TRUE(BitfieldValid(bits, 16));
}

TEST(WireMessage, Names) {
    EXPECT_STREQ(MessageName(KeepAlive{}), "keep_alive");
    EXPECT_STREQ(MessageName(Piece{}), "piece");
    EXPECT_STREQ(MessageName(HaveAll{}), "have_all");
    EXPECT_STREQ(MessageName(RejectRequest{}), "reject_request");
    EXPECT_STREQ(MessageName(Hashes{}), "hashes");
    EXPECT_STREQ(MessageName(HashReject{}), "hash_reject");
}

}  // namespace
}  // namespace tonari::torrent::wire
