// MSE both ways in memory: RC4 agreed and working in both directions, delivery in one piece
// or byte by byte, a hybrid's second SKEY, the policies (plain handshake accepted or refused,
// plain selected or refused), a libtorrent-style initiator written here from the
// specification (IA carrying the BitTorrent handshake), and hostile input: degenerate keys,
// unknown torrents, padding beyond 512 bytes, noise instead of a sync marker.
#include "torrent/mse/handshake.h"

#include <gtest/gtest.h>

#include <random>

#include "crypto/hmac.h"
#include "crypto/mod_exp.h"
#include "util/hex.h"

namespace tonari::torrent::mse {
namespace {

using Step = netcore::StreamHandshake::Step;

Key20 KeyOf(uint8_t seed) {
    Key20 k{};
    for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(seed + i);
    return k;
}

RandomSource Seeded(uint32_t seed) {
    auto engine = std::make_shared<std::mt19937>(seed);
    return [engine](std::span<uint8_t> out) {
        for (auto& b : out) b = static_cast<uint8_t>((*engine)());
    };
}

// Shuttles bytes between the two until neither has anything to say. chunk 0: whole writes.
struct Outcome {
    Step a_last;
    Step b_last;
};

Outcome Pump(netcore::StreamHandshake& a, netcore::StreamHandshake& b, size_t chunk = 0) {
    Outcome o;
    o.a_last = a.Start();
    o.b_last = b.Start();
    util::Bytes to_b = o.a_last.send;
    util::Bytes to_a = o.b_last.send;
    for (int round = 0; round < 100 && (!to_a.empty() || !to_b.empty()); ++round) {
        auto deliver = [chunk](netcore::StreamHandshake& h, util::Bytes& bytes, Step& last, util::Bytes& reply) {
            size_t at = 0;
            while (at < bytes.size() && last.error.empty()) {
                const size_t n = chunk == 0 ? bytes.size() - at : std::min(chunk, bytes.size() - at);
                last = h.Receive(util::ByteSpan(bytes.data() + at, n));
                util::Append(reply, last.send);
                at += n;
            }
            bytes.clear();
        };
        util::Bytes next_to_a;
        util::Bytes next_to_b;
        if (!to_b.empty()) deliver(b, to_b, o.b_last, next_to_a);
        if (!to_a.empty()) deliver(a, to_a, o.a_last, next_to_b);
        util::Append(to_a, next_to_a);
        util::Append(to_b, next_to_b);
    }
    return o;
}

void ExpectCiphersPair(netcore::StreamHandshake& a, netcore::StreamHandshake& b) {
    auto ca = a.TakeCipher();
    auto cb = b.TakeCipher();
    ASSERT_TRUE(ca && cb);
    util::Bytes msg(1000);
    for (size_t i = 0; i < msg.size(); ++i) msg[i] = static_cast<uint8_t>(i);
    util::Bytes wire = msg;
    ca->Encrypt(wire);
    EXPECT_NE(wire, msg);
    util::Bytes plain;
    EXPECT_EQ(cb->Decrypt(wire, plain), "");
    EXPECT_EQ(plain, msg);
    wire = msg;
    cb->Encrypt(wire);
    EXPECT_NE(wire, msg);
    plain.clear();
    EXPECT_EQ(ca->Decrypt(wire, plain), "");
    EXPECT_EQ(plain, msg);
}

TEST(Mse, PreferAgreesOnRc4WholeOrByteByByte) {
    for (const size_t chunk : {size_t{0}, size_t{1}, size_t{7}}) {
        auto a = MseHandshake::Initiator(Policy::Prefer, KeyOf(1), Seeded(1 + chunk));
        auto b = MseHandshake::Responder(Policy::Prefer, {KeyOf(9), KeyOf(1)}, Seeded(2 + chunk));
        const auto o = Pump(*a, *b, chunk);
        ASSERT_TRUE(o.a_last.error.empty()) << o.a_last.error;
        ASSERT_TRUE(o.b_last.error.empty()) << o.b_last.error;
        EXPECT_TRUE(o.a_last.done);
        EXPECT_TRUE(o.b_last.done);
        EXPECT_EQ(a->Transport(), "rc4");
        EXPECT_EQ(b->Transport(), "rc4");
        EXPECT_TRUE(a->TakeStreamBytes().empty());
        EXPECT_TRUE(b->TakeStreamBytes().empty());
        ExpectCiphersPair(*a, *b);
        EXPECT_TRUE(a->RetryPlain());
        EXPECT_FALSE(b->RetryPlain());
    }
}

TEST(Mse, RequireOnBothSidesAgreesAndDoesNotFallBack) {
    auto a = MseHandshake::Initiator(Policy::Require, KeyOf(3), Seeded(5));
    auto b = MseHandshake::Responder(Policy::Require, {KeyOf(3)}, Seeded(6));
    const auto o = Pump(*a, *b);
    ASSERT_TRUE(o.a_last.done && o.b_last.done);
    ExpectCiphersPair(*a, *b);
    EXPECT_FALSE(a->RetryPlain());
}

TEST(Mse, UnknownTorrentIsRefused) {
    auto a = MseHandshake::Initiator(Policy::Prefer, KeyOf(3), Seeded(5));
    auto b = MseHandshake::Responder(Policy::Prefer, {KeyOf(4)}, Seeded(6));
    const auto o = Pump(*a, *b);
    EXPECT_NE(o.b_last.error.find("do not serve"), std::string::npos) << o.b_last.error;
    EXPECT_FALSE(o.a_last.done);
}

TEST(Mse, PlainBitTorrentHandshakeAcceptedUnlessRequired) {
    util::Bytes plain = {0x13};
    const std::string proto = "BitTorrent protocol";
    plain.insert(plain.end(), proto.begin(), proto.end());
    plain.resize(68, 0xab);
    auto prefer = MseHandshake::Responder(Policy::Prefer, {KeyOf(1)});
    EXPECT_TRUE(prefer->Start().send.empty());
    // Split in two: it must wait for the whole protocol string before deciding.
    auto first = prefer->Receive(util::ByteSpan(plain.data(), 10));
    EXPECT_FALSE(first.done);
    auto rest = prefer->Receive(util::ByteSpan(plain.data() + 10, plain.size() - 10));
    ASSERT_TRUE(rest.done) << rest.error;
    EXPECT_TRUE(rest.send.empty());
    EXPECT_EQ(prefer->Transport(), "plaintext");
    EXPECT_EQ(prefer->TakeStreamBytes(), plain);
    EXPECT_EQ(prefer->TakeCipher(), nullptr);

    auto require = MseHandshake::Responder(Policy::Require, {KeyOf(1)});
    const auto refused = require->Receive(plain);
    EXPECT_FALSE(refused.done);
    EXPECT_NE(refused.error.find("encryption is required"), std::string::npos);
}

// The initiator's side written out from the specification, as libtorrent sends it: PadA, PadC,
// and the 68-byte BitTorrent handshake as IA; crypto_provide chosen by the caller.
struct ReferenceInitiator {
    util::Bytes private_key = *util::HexDecode("0123456789abcdef0123456789abcdef01234567");
    const util::Bytes prime = *util::HexDecode(
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF"
        "9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090563");
    util::Bytes secret;
    std::unique_ptr<crypto::Rc4> send;
    std::unique_ptr<crypto::Rc4> recv;

    util::Bytes Hello(size_t pad) {
        util::Bytes y = *crypto::ModExp(util::Bytes{2}, private_key, prime);
        y.resize(y.size() + pad, 0x77);
        return y;
    }
    static Key20 H(std::string_view label, util::ByteSpan a, util::ByteSpan b = {}) {
        util::Bytes d(label.begin(), label.end());
        util::Append(d, a);
        util::Append(d, b);
        return crypto::Sha1(d);
    }
    util::Bytes Step3(util::ByteSpan yb, const Key20& skey, uint32_t provide, size_t pad_c, const util::Bytes& ia) {
        secret = *crypto::ModExp(yb, private_key, prime);
        send = std::make_unique<crypto::Rc4>(H("keyA", secret, skey));
        recv = std::make_unique<crypto::Rc4>(H("keyB", secret, skey));
        send->Discard(1024);
        recv->Discard(1024);
        util::Bytes out;
        util::Append(out, H("req1", secret));
        const auto r2 = H("req2", skey);
        const auto r3 = H("req3", secret);
        for (size_t i = 0; i < 20; ++i) out.push_back(r2[i] ^ r3[i]);
        util::Bytes enc(8, 0);
        for (int s = 24; s >= 0; s -= 8) enc.push_back(static_cast<uint8_t>(provide >> s));
        enc.push_back(static_cast<uint8_t>(pad_c >> 8));
        enc.push_back(static_cast<uint8_t>(pad_c));
        enc.resize(enc.size() + pad_c, 0);
        enc.push_back(static_cast<uint8_t>(ia.size() >> 8));
        enc.push_back(static_cast<uint8_t>(ia.size()));
        util::Append(enc, ia);
        send->Apply(enc);
        util::Append(out, enc);
        return out;
    }
};

util::Bytes BitTorrentHandshake() {
    util::Bytes h = {0x13};
    const std::string proto = "BitTorrent protocol";
    h.insert(h.end(), proto.begin(), proto.end());
    h.resize(68, 0x42);
    return h;
}

TEST(Mse, ResponderTakesALibtorrentStyleInitiatorWithIa) {
    for (const uint32_t provide : {CRYPTO_RC4, CRYPTO_RC4 | CRYPTO_PLAINTEXT, CRYPTO_PLAINTEXT}) {
        ReferenceInitiator a;
        auto b = MseHandshake::Responder(Policy::Prefer, {KeyOf(1), KeyOf(2)}, Seeded(3));
        auto s = b->Receive(a.Hello(300));
        ASSERT_TRUE(s.error.empty());
        ASSERT_GE(s.send.size(), DH_KEY_BYTES);
        const util::ByteSpan yb(s.send.data(), DH_KEY_BYTES);
        const util::Bytes ia = BitTorrentHandshake();
        util::Bytes step3 = a.Step3(yb, KeyOf(2), provide, 100, ia);
        // Stream bytes after IA, in the chosen mode.
        util::Bytes after = {0, 0, 0, 1, 2};  // an "interested" message
        const bool rc4 = (provide & CRYPTO_RC4) != 0;
        util::Bytes after_wire = after;
        if (rc4) a.send->Apply(after_wire);
        util::Append(step3, after_wire);
        auto done = b->Receive(step3);
        ASSERT_TRUE(done.done) << done.error;
        EXPECT_EQ(b->Transport(), rc4 ? "rc4" : "mse-plaintext");
        util::Bytes expect_stream = ia;
        util::Append(expect_stream, after);
        EXPECT_EQ(b->TakeStreamBytes(), expect_stream);
        // Its reply: ENCRYPT(VC, crypto_select, len(PadD), PadD).
        util::Bytes reply = done.send;
        ASSERT_GE(reply.size(), 14u);
        a.recv->Apply(reply);
        EXPECT_EQ(util::Bytes(reply.begin(), reply.begin() + 8), util::Bytes(8, 0));
        const uint32_t select = (uint32_t{reply[8]} << 24) | (uint32_t{reply[9]} << 16) | (reply[10] << 8) | reply[11];
        EXPECT_EQ(select, rc4 ? CRYPTO_RC4 : CRYPTO_PLAINTEXT);
        EXPECT_EQ(reply.size(), 14u + ((size_t{reply[12]} << 8) | reply[13]));
        EXPECT_EQ(b->TakeCipher() != nullptr, rc4);
    }
}

TEST(Mse, RequireRefusesAnInitiatorOfferingOnlyPlain) {
    ReferenceInitiator a;
    auto b = MseHandshake::Responder(Policy::Require, {KeyOf(1)}, Seeded(3));
    auto s = b->Receive(a.Hello(0));
    auto refused = b->Receive(a.Step3(util::ByteSpan(s.send.data(), DH_KEY_BYTES), KeyOf(1), CRYPTO_PLAINTEXT, 0, {}));
    EXPECT_NE(refused.error.find("encryption is required"), std::string::npos) << refused.error;
}

TEST(Mse, DegenerateKeysAreRefused) {
    const util::Bytes p = *util::HexDecode(
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF"
        "9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090563");
    util::Bytes one(DH_KEY_BYTES, 0);
    one.back() = 1;
    util::Bytes p_minus_1 = p;
    p_minus_1.back() -= 1;
    util::Bytes zero(DH_KEY_BYTES, 0);
    zero[0] = 0x01;  // not degenerate: a big value, accepted
    for (const auto& [key, bad] : std::vector<std::pair<util::Bytes, bool>>{
             {one, true}, {p_minus_1, true}, {p, true}, {util::Bytes(DH_KEY_BYTES, 0xff), true}, {zero, false}}) {
        auto b = MseHandshake::Responder(Policy::Prefer, {KeyOf(1)});
        const auto s = b->Receive(key);
        EXPECT_EQ(!s.error.empty(), bad) << util::HexEncode(key);
        auto a = MseHandshake::Initiator(Policy::Prefer, KeyOf(1));
        a->Start();
        const auto t = a->Receive(key);
        EXPECT_EQ(!t.error.empty(), bad);
    }
}

TEST(Mse, NoiseInsteadOfTheSyncMarkerIsDroppedWithinTheBound) {
    auto b = MseHandshake::Responder(Policy::Prefer, {KeyOf(1)}, Seeded(1));
    ReferenceInitiator a;
    ASSERT_TRUE(b->Receive(a.Hello(0)).error.empty());
    Step last;
    size_t fed = 0;
    while (last.error.empty() && fed < 10000) {
        last = b->Receive(util::Bytes(100, 0x33));
        fed += 100;
    }
    EXPECT_FALSE(last.error.empty());
    EXPECT_LE(fed, MAX_PAD + 20 + 100);

    auto i = MseHandshake::Initiator(Policy::Prefer, KeyOf(1), Seeded(2));
    i->Start();
    ASSERT_TRUE(i->Receive(a.Hello(0)).error.empty());
    Step noise;
    fed = 0;
    while (noise.error.empty() && fed < 10000) {
        noise = i->Receive(util::Bytes(100, 0x44));
        fed += 100;
    }
    EXPECT_FALSE(noise.error.empty());
    EXPECT_LE(fed, MAX_PAD + 8 + 100);
}

TEST(Mse, PaddingLengthOver512IsRefused) {
    ReferenceInitiator a;
    auto b = MseHandshake::Responder(Policy::Prefer, {KeyOf(1)}, Seeded(3));
    auto s = b->Receive(a.Hello(0));
    auto refused = b->Receive(a.Step3(util::ByteSpan(s.send.data(), DH_KEY_BYTES), KeyOf(1), CRYPTO_RC4, 513, {}));
    EXPECT_NE(refused.error.find("512"), std::string::npos) << refused.error;
}

TEST(Mse, PolicyNames) {
    Policy p{};
    EXPECT_TRUE(ParsePolicy("require", p));
    EXPECT_EQ(p, Policy::Require);
    EXPECT_TRUE(ParsePolicy("off", p));
    EXPECT_EQ(std::string(PolicyName(p)), "off");
    EXPECT_FALSE(ParsePolicy("always", p));
}

}  // namespace
}  // namespace tonari::torrent::mse
