// Tests for the BIP324 transport: two handshakes talking to each other in memory, frames both
// ways through the packet streams (short ids, long commands, past the 224-packet rekeying),
// v1 detection, the fallback signal, and every hostile case the stream must refuse.
#include <gtest/gtest.h>

#include "bitcoin/transport/short_ids.h"
#include "bitcoin/transport/v2_handshake.h"
#include "bitcoin/transport/v2_packets.h"
#include "bitcoin/wire/frame.h"
#include "crypto/random.h"

namespace tonari::bitcoin::transport {
namespace {

using util::Bytes;
constexpr std::array<uint8_t, 4> MAGIC{0xfa, 0xbf, 0xb5, 0xda};

auto Keys() { return std::make_shared<const crypto::KeyContext>(); }

// The v1 frame the stream hands up: the original with a zero checksum.
Bytes Expected(std::string_view command, const Bytes& payload) {
    return wire::FrameMessage(MAGIC, command, payload, false);
}

struct Pair {
    V2Handshake initiator;
    V2Handshake responder;
    netcore::StreamHandshake::Step i_step;
    netcore::StreamHandshake::Step r_step;
    Pair(std::optional<size_t> garbage = std::nullopt)
        : initiator(true, MAGIC, Keys(), garbage), responder(false, MAGIC, Keys(), garbage) {}

    // Runs both to the end, handing each side's bytes to the other in `chunk`-sized pieces.
    void Run(size_t chunk = 1 << 20) {
        Bytes to_responder = initiator.Start().send;
        Bytes to_initiator = responder.Start().send;
        for (int round = 0; round < 10 && !(i_step.done && r_step.done); ++round) {
            for (size_t at = 0; at < to_responder.size(); at += chunk) {
                const auto piece = util::ByteSpan(to_responder).subspan(at, std::min(chunk, to_responder.size() - at));
                auto s = responder.Receive(piece);
                ASSERT_TRUE(s.error.empty()) << s.error;
                to_initiator.insert(to_initiator.end(), s.send.begin(), s.send.end());
                if (s.done) r_step.done = true;
            }
            to_responder.clear();
            for (size_t at = 0; at < to_initiator.size(); at += chunk) {
                const auto piece = util::ByteSpan(to_initiator).subspan(at, std::min(chunk, to_initiator.size() - at));
                auto s = initiator.Receive(piece);
                ASSERT_TRUE(s.error.empty()) << s.error;
                to_responder.insert(to_responder.end(), s.send.begin(), s.send.end());
                if (s.done) i_step.done = true;
            }
            to_initiator.clear();
        }
    }
};

// Sends frames from one stream to the other; returns what the receiver handed up.
Bytes Carry(netcore::StreamCipher& from, netcore::StreamCipher& to, std::vector<Bytes> frames, std::string* error = nullptr) {
    Bytes wire;
    for (auto& f : frames) {
        from.Encrypt(f);
        wire.insert(wire.end(), f.begin(), f.end());
    }
    Bytes plain;
    const std::string e = to.Decrypt(wire, plain);
    if (error) *error = e;
    else EXPECT_EQ(e, "");
    return plain;
}

TEST(ShortIds, TableMatchesBip324) {
    EXPECT_EQ(ShortIdFor("addr"), 1);
    EXPECT_EQ(ShortIdFor("block"), 2);
    EXPECT_EQ(ShortIdFor("ping"), 18);
    EXPECT_EQ(ShortIdFor("tx"), 21);
    EXPECT_EQ(ShortIdFor("addrv2"), 28);
    EXPECT_FALSE(ShortIdFor("version"));
    EXPECT_FALSE(ShortIdFor("sendaddrv2"));
    EXPECT_EQ(CommandForShortId(13), "headers");
    EXPECT_EQ(CommandForShortId(0), "");
    EXPECT_EQ(CommandForShortId(29), "");
    for (int id = 1; id <= 28; ++id) EXPECT_EQ(ShortIdFor(CommandForShortId(static_cast<uint8_t>(id))), id);
}

TEST(V2Handshake, BothEndsAgreeAndCarryFramesBothWays) {
    for (size_t chunk : {size_t{1}, size_t{7}, size_t{1} << 20}) {
        SCOPED_TRACE("chunk " + std::to_string(chunk));
        Pair p;
        p.Run(chunk);
        ASSERT_TRUE(p.i_step.done && p.r_step.done);
        EXPECT_EQ(p.initiator.Transport(), "v2");
        EXPECT_EQ(p.responder.Transport(), "v2");
        EXPECT_EQ(p.initiator.SessionId().size(), 32u);
        EXPECT_EQ(p.initiator.SessionId(), p.responder.SessionId());
        EXPECT_TRUE(p.initiator.TakeStreamBytes().empty());
        EXPECT_TRUE(p.responder.TakeStreamBytes().empty());
        auto i = p.initiator.TakeCipher();
        auto r = p.responder.TakeCipher();
        ASSERT_TRUE(i && r);

        const Bytes ping{1, 2, 3, 4, 5, 6, 7, 8};
        const Bytes version(102, 0x55);
        EXPECT_EQ(Carry(*i, *r, {wire::FrameMessage(MAGIC, "ping", ping)}), Expected("ping", ping));
        EXPECT_EQ(Carry(*r, *i, {wire::FrameMessage(MAGIC, "version", version)}), Expected("version", version));
        EXPECT_EQ(Carry(*r, *i, {wire::FrameMessage(MAGIC, "verack", {})}), Expected("verack", {}));
        // Hundreds of messages, past two rekeyings of every cipher, arriving in one read.
        std::vector<Bytes> frames;
        Bytes expected;
        for (int k = 0; k < 500; ++k) {
            const Bytes payload(static_cast<size_t>(k % 40), static_cast<uint8_t>(k));
            frames.push_back(wire::FrameMessage(MAGIC, k % 2 ? "inv" : "sendaddrv2", payload));
            const Bytes e = Expected(k % 2 ? "inv" : "sendaddrv2", payload);
            expected.insert(expected.end(), e.begin(), e.end());
        }
        EXPECT_EQ(Carry(*i, *r, frames), expected);
    }
}

TEST(V2Handshake, MessagesRidingWithTheVersionPacketAreStreamBytes) {
    Pair p(0);
    Bytes to_responder = p.initiator.Start().send;
    auto r1 = p.responder.Receive(to_responder);
    ASSERT_TRUE(r1.error.empty());
    auto i1 = p.initiator.Receive(r1.send);
    ASSERT_TRUE(i1.done);
    auto i = p.initiator.TakeCipher();
    Bytes frame = wire::FrameMessage(MAGIC, "version", Bytes(90, 1));
    i->Encrypt(frame);
    Bytes together = i1.send;
    together.insert(together.end(), frame.begin(), frame.end());
    auto r2 = p.responder.Receive(together);
    ASSERT_TRUE(r2.done) << r2.error;
    EXPECT_EQ(p.responder.TakeStreamBytes(), Expected("version", Bytes(90, 1)));
}

TEST(V2Handshake, ResponderStepsAsideForV1) {
    V2Handshake responder(false, MAGIC, Keys());
    EXPECT_TRUE(responder.Start().send.empty());
    const Bytes v1 = wire::FrameMessage(MAGIC, "version", Bytes(100, 9));
    auto s = responder.Receive(util::ByteSpan(v1).first(10));
    EXPECT_FALSE(s.done);
    EXPECT_TRUE(s.send.empty());  // nothing sent while it could still be v1
    s = responder.Receive(util::ByteSpan(v1).subspan(10));
    ASSERT_TRUE(s.done);
    EXPECT_TRUE(s.send.empty());
    EXPECT_EQ(responder.Transport(), "v1");
    EXPECT_TRUE(responder.SessionId().empty());
    EXPECT_FALSE(responder.TakeCipher());
    EXPECT_EQ(responder.TakeStreamBytes(), v1);
}

TEST(V2Handshake, AnotherNetworksV1IsRefused) {
    V2Handshake responder(false, MAGIC, Keys());
    const Bytes mainnet = wire::FrameMessage({0xf9, 0xbe, 0xb4, 0xd9}, "version", Bytes(100, 9));
    auto s = responder.Receive(mainnet);
    EXPECT_FALSE(s.done);
    EXPECT_NE(s.error.find("another network"), std::string::npos) << s.error;
}

TEST(V2Handshake, InitiatorFallsBackOnlyBeforeAKey) {
    {
        V2Handshake initiator(true, MAGIC, Keys());
        EXPECT_GE(initiator.Start().send.size(), crypto::ELLSWIFT_SIZE);
        EXPECT_TRUE(initiator.RetryPlain());  // hung up on before answering
    }
    {
        // A v1 peer that speaks first is recognised and retried in v1.
        V2Handshake initiator(true, MAGIC, Keys());
        (void)initiator.Start();
        auto s = initiator.Receive(wire::FrameMessage(MAGIC, "version", Bytes(100, 1)));
        EXPECT_FALSE(s.error.empty());
        EXPECT_TRUE(initiator.RetryPlain());
    }
    {
        Pair p;
        (void)p.initiator.Start();
        Bytes key(crypto::ELLSWIFT_SIZE, 0x42);
        auto s = p.initiator.Receive(key);
        EXPECT_TRUE(s.error.empty());
        EXPECT_FALSE(p.initiator.RetryPlain());  // it sent a whole key: not a v1 peer
    }
}

TEST(V2Handshake, RefusesGarbageWithoutTerminator) {
    V2Handshake responder(false, MAGIC, Keys());
    V2Handshake initiator(true, MAGIC, Keys(), 0);
    Bytes bytes = initiator.Start().send;
    Bytes garbage(MAX_GARBAGE_LENGTH + 16, 0);
    crypto::RandomBytes(garbage);
    auto s = responder.Receive(bytes);
    ASSERT_TRUE(s.error.empty());
    s = responder.Receive(util::ByteSpan(garbage).first(MAX_GARBAGE_LENGTH + 15));
    EXPECT_TRUE(s.error.empty()) << "4,095 bytes of garbage and 15 of a terminator are allowed";
    s = responder.Receive(util::ByteSpan(garbage).last(1));
    EXPECT_NE(s.error.find("garbage terminator"), std::string::npos) << s.error;
}

TEST(V2Handshake, RefusesABadVersionPacket) {
    Pair p(10);
    Bytes to_responder = p.initiator.Start().send;
    auto r1 = p.responder.Receive(to_responder);
    auto i1 = p.initiator.Receive(r1.send);
    ASSERT_TRUE(i1.done);
    Bytes tampered = i1.send;
    tampered.back() ^= 1;  // the version packet's tag
    auto r2 = p.responder.Receive(tampered);
    EXPECT_FALSE(r2.done);
    EXPECT_NE(r2.error.find("authentication"), std::string::npos) << r2.error;
}

// Two packet streams over a known secret, the handshake skipped.
struct Streams {
    std::array<uint8_t, 32> secret{};
    crypto::Bip324Cipher raw{secret, true, MAGIC};
    V2PacketStream receiver{crypto::Bip324Cipher(secret, false, MAGIC), MAGIC};
    std::string Feed(const Bytes& bytes, Bytes* plain = nullptr) {
        Bytes sink;
        Bytes copy = bytes;
        return receiver.Decrypt(copy, plain ? *plain : sink);
    }
    Bytes Packet(const Bytes& contents, bool ignore = false) {
        Bytes out;
        raw.Encrypt(contents, {}, ignore, out);
        return out;
    }
};

TEST(V2PacketStream, RefusesALengthPastTheLimitBeforeBufferingIt) {
    Streams s;
    ASSERT_EQ(s.Feed(s.Packet({})), "");  // the version packet
    Bytes huge(MAX_CONTENTS_LENGTH + 1, 0);
    const Bytes packet = s.Packet(huge);
    // Only the three length bytes are needed to refuse it.
    const std::string error = s.Feed(Bytes(packet.begin(), packet.begin() + 3));
    EXPECT_NE(error.find("past the limit"), std::string::npos) << error;
}

TEST(V2PacketStream, DecoysAreIgnoredUntilTheyFlood) {
    Streams s;
    ASSERT_EQ(s.Feed(s.Packet({}, true)), "");  // a decoy may precede the version packet
    ASSERT_EQ(s.Feed(s.Packet({})), "");
    ASSERT_TRUE(s.receiver.VersionReceived());
    Bytes wire;
    for (uint32_t k = 0; k < MAX_EMPTY_PACKETS_IN_ROW; ++k) {
        const Bytes d = s.Packet(Bytes(5, 0), true);
        wire.insert(wire.end(), d.begin(), d.end());
    }
    Bytes ping = {18, 1, 2, 3, 4, 5, 6, 7, 8};
    const Bytes real = s.Packet(ping);
    wire.insert(wire.end(), real.begin(), real.end());
    Bytes plain;
    ASSERT_EQ(s.Feed(wire, &plain), "");
    EXPECT_EQ(plain, Expected("ping", Bytes{1, 2, 3, 4, 5, 6, 7, 8}));
    // The count starts again after a message; one past the limit in a row is a flood.
    wire.clear();
    for (uint32_t k = 0; k <= MAX_EMPTY_PACKETS_IN_ROW; ++k) {
        const Bytes d = s.Packet({}, true);
        wire.insert(wire.end(), d.begin(), d.end());
    }
    const std::string error = s.Feed(wire);
    EXPECT_NE(error.find("decoy flood"), std::string::npos) << error;
}

TEST(V2PacketStream, UnknownIdsAreSkippedAndTruncatedTypesRefused) {
    Streams s;
    ASSERT_EQ(s.Feed(s.Packet({})), "");
    Bytes plain;
    ASSERT_EQ(s.Feed(s.Packet({200, 1, 2}), &plain), "");
    EXPECT_TRUE(plain.empty());
    const std::string error = s.Feed(s.Packet({0, 'a', 'b'}));
    EXPECT_NE(error.find("cut short"), std::string::npos) << error;
}

TEST(V2PacketStream, AFlippedBitClosesTheStream) {
    Streams s;
    ASSERT_EQ(s.Feed(s.Packet({})), "");
    Bytes packet = s.Packet({18, 1, 2, 3, 4, 5, 6, 7, 8});
    packet[5] ^= 4;
    const std::string error = s.Feed(packet);
    EXPECT_NE(error.find("authentication"), std::string::npos) << error;
}

}  // namespace
}  // namespace tonari::bitcoin::transport
