// net_crypto: the set-up packets at c-toxcore's sizes, the windows' request encoding, and two
// sessions in one process delivering everything in order through heavy loss.
#include <gtest/gtest.h>

#include "tox/dht/dht_test_network.h"
#include "tox/net_crypto/net_crypto.h"

namespace tonari::tox::net_crypto {
namespace {

TEST(Handshake, PacketsHaveCToxcoreSizesAndRefuseTampering) {
    crypto::BoxSharedKey cookie_key;
    cookie_key.data()[0] = 7;
    const auto a = crypto::BoxGenerateKeyPair(), b = crypto::BoxGenerateKeyPair();
    const Cookie cookie = MakeCookie(cookie_key, {a.public_key, b.public_key}, 1'000'000);
    auto opened = OpenCookie(cookie_key, cookie, 2'000'000);
    ASSERT_TRUE(opened);
    EXPECT_EQ(opened->real_key, a.public_key);
    EXPECT_FALSE(OpenCookie(cookie_key, cookie, 1'000'000 + COOKIE_LIFETIME_US + 1));  // too old
    EXPECT_FALSE(OpenCookie(cookie_key, cookie, 0));                                   // from the future

    const auto dht_shared = *crypto::BoxSharedKeyOf(a.secret_key, b.public_key);
    const util::Bytes request = MakeCookieRequest(a.public_key, dht_shared, b.public_key, 42);
    ASSERT_EQ(request.size(), COOKIE_REQUEST_SIZE);
    auto r = OpenCookieRequest(request, dht_shared);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->echo_id, 42u);
    EXPECT_EQ(r->sender_real_key, b.public_key);
    const util::Bytes response = MakeCookieResponse(dht_shared, cookie, 42);
    ASSERT_EQ(response.size(), COOKIE_RESPONSE_SIZE);
    EXPECT_EQ(OpenCookieResponse(response, dht_shared)->echo_id, 42u);

    const auto real_shared = *crypto::BoxSharedKeyOf(a.secret_key, b.public_key);
    Handshake h{crypto::BoxRandomNonce(), crypto::BoxGenerateKeyPair().public_key, cookie};
    const util::Bytes hs = MakeHandshake(cookie, real_shared, h);
    ASSERT_EQ(hs.size(), HANDSHAKE_SIZE);
    auto body = OpenHandshakeBody(hs, real_shared);
    ASSERT_TRUE(body);
    EXPECT_EQ(body->session_key, h.session_key);
    // Another (valid) cookie spliced in: the hash inside no longer matches.
    util::Bytes spliced = hs;
    const Cookie other = MakeCookie(cookie_key, {a.public_key, b.public_key}, 1'000'000);
    std::copy(other.begin(), other.end(), spliced.begin() + 1);
    EXPECT_FALSE(OpenHandshakeBody(spliced, real_shared));
    for (size_t at : {size_t{0}, size_t{50}, size_t{200}, hs.size() - 1}) {
        util::Bytes bad = hs;
        bad[at] ^= 1;
        EXPECT_FALSE(OpenHandshakeBody(bad, real_shared)) << at;
    }
}

TEST(PacketWindow, RequestsNameTheGapsAndAcknowledgeTheRest) {
    SendWindow send;
    for (int i = 0; i < 600; ++i) send.Push(util::Bytes{16, static_cast<uint8_t>(i)});
    size_t first_round = send.SendDue(10'000, 0, [](uint32_t, const util::Bytes&) {});
    EXPECT_EQ(first_round, 600u);
    ReceiveWindow recv;
    // Everything but 1, 300 and 599 arrives.
    for (uint32_t n = 0; n < 600; ++n) {
        if (n != 1 && n != 300 && n != 599) recv.Add(n, util::Bytes{16});
    }
    recv.SetEnd(600);
    while (recv.Pop()) {
    }
    EXPECT_EQ(recv.Start(), 1u);
    const util::Bytes request = recv.MakeRequest(1000);
    // [1][1: packet 1][0: 255 further][44: packet 300][0: 255 further][44: packet 599]
    EXPECT_EQ(request, (util::Bytes{1, 1, 0, 44, 0, 44}));
    ASSERT_TRUE(send.AckUntil(1));
    auto gaps = send.HandleRequest(util::ByteSpan(request).subspan(1), 10'000'000, 1);
    ASSERT_TRUE(gaps);
    EXPECT_EQ(*gaps, 3u);
    std::vector<uint32_t> resent;
    send.SendDue(10'000, 10'000'000, [&](uint32_t n, const util::Bytes&) { resent.push_back(n); });
    EXPECT_EQ(resent, (std::vector<uint32_t>{1, 300, 599}));
    EXPECT_FALSE(send.AckUntil(601));  // never sent
    EXPECT_TRUE(send.AckUntil(600));
    EXPECT_TRUE(send.Delivered(599));
    EXPECT_EQ(send.Size(), 0u);
    // A receiver keeps at most MAX_RECEIVE_AHEAD packets beyond what it has taken.
    ReceiveWindow small;
    EXPECT_FALSE(small.Add(MAX_RECEIVE_AHEAD, util::Bytes{16}));
    EXPECT_TRUE(small.Add(MAX_RECEIVE_AHEAD - 1, util::Bytes{16}));
    EXPECT_FALSE(small.Add(MAX_RECEIVE_AHEAD - 1, util::Bytes{16}));  // duplicate
}

TEST(NetCrypto, TwoSessionsConnectAndDeliverEverythingInOrderThroughLoss) {
    dht::test::TestNet net;
    net.Add();
    net.Add();
    const auto alice = crypto::BoxGenerateKeyPair(), bob = crypto::BoxGenerateKeyPair();
    NetCrypto a(net[0], alice), b(net[1], bob);
    std::vector<util::Bytes> got;
    bool a_up = false, b_up = false;
    a.SetStatusFn([&](const PublicKey&, bool up) { a_up = up; });
    b.SetStatusFn([&](const PublicKey&, bool up) { b_up = up; });
    b.SetAcceptFn([&](const PublicKey& key, const PublicKey&) { return key == alice.public_key; });
    b.SetDataFn([&](const PublicKey&, util::ByteSpan d) { got.emplace_back(d.begin(), d.end()); });
    a.Connect(bob.public_key, net[1].SelfKey(), net.Info(1).endpoint, net.now);
    for (int i = 0; i < 100 && !(a_up && b_up); ++i) {
        net.Run(0.05);
        a.Tick(net.now);
        b.Tick(net.now);
    }
    ASSERT_TRUE(a_up && b_up);
    // A third of the data packets are lost from here on, either way, at random (seeded).
    std::mt19937 loss(11);
    net.drop = [&](const dht::test::TestNet::Datagram& d) { return d.data[0] == 0x1b && loss() % 3 == 0; };
    std::vector<uint32_t> numbers;
    for (int i = 0; i < 300; ++i) {
        util::Bytes msg{64};
        for (int k = 0; k < 500; ++k) msg.push_back(static_cast<uint8_t>(i + k));
        auto n = a.SendLossless(bob.public_key, msg, net.now);
        ASSERT_TRUE(n);
        numbers.push_back(*n);
    }
    for (int i = 0; i < 200 && got.size() < 300; ++i) {
        net.Run(0.05);
        a.Tick(net.now);
        b.Tick(net.now);
    }
    ASSERT_EQ(got.size(), 300u);
    for (int i = 0; i < 300; ++i) {
        ASSERT_EQ(got[i].size(), 501u);
        EXPECT_EQ(got[i][1], static_cast<uint8_t>(i));
    }
    for (int i = 0; i < 40 && !a.Delivered(bob.public_key, numbers.back()); ++i) {
        net.Run(0.05);
        a.Tick(net.now);
        b.Tick(net.now);
    }
    EXPECT_TRUE(a.Delivered(bob.public_key, numbers.back()));
    // A stranger's handshake is refused: b accepts only Alice.
    const auto mallory = crypto::BoxGenerateKeyPair();
    NetCrypto m(net[0], mallory);
    EXPECT_EQ(b.State(mallory.public_key), std::nullopt);
    // The end of the session reaches Bob (over a link without loss: a kill is sent once).
    net.drop = nullptr;
    a.Kill(bob.public_key);
    net.Run(0.05);
    EXPECT_FALSE(b_up);
}

TEST(NetCrypto, ASessionRunsThroughARelayWhenUdpReachesNobody) {
    dht::test::TestNet net;
    net.Add();
    net.Add();
    // No UDP at all: every datagram is lost; packets go through the "relay" queue below, which
    // delivers them with the sender's DHT key, as a TCP relay vouches for it.
    net.drop = [](const dht::test::TestNet::Datagram&) { return true; };
    const auto alice = crypto::BoxGenerateKeyPair(), bob = crypto::BoxGenerateKeyPair();
    NetCrypto a(net[0], alice), b(net[1], bob);
    std::vector<std::pair<bool, util::Bytes>> relay;  // (to Bob, packet)
    a.SetRelaySend([&](const PublicKey& to, util::ByteSpan p) {
        relay.emplace_back(to == net[1].SelfKey(), util::Bytes(p.begin(), p.end()));
        return true;
    });
    b.SetRelaySend([&](const PublicKey& to, util::ByteSpan p) {
        relay.emplace_back(to == net[1].SelfKey(), util::Bytes(p.begin(), p.end()));
        return true;
    });
    auto pump = [&] {
        for (size_t i = 0; i < relay.size(); ++i) {  // deliveries may queue more
            const auto [to_bob, packet] = relay[i];
            if (to_bob) {
                b.OnRelayPacket(net[0].SelfKey(), packet, net.now);
            } else {
                a.OnRelayPacket(net[1].SelfKey(), packet, net.now);
            }
        }
        relay.clear();
    };
    bool a_up = false, b_up = false;
    std::vector<util::Bytes> got;
    a.SetStatusFn([&](const PublicKey&, bool up) { a_up = up; });
    b.SetStatusFn([&](const PublicKey&, bool up) { b_up = up; });
    b.SetAcceptFn([&](const PublicKey& key, const PublicKey&) { return key == alice.public_key; });
    b.SetDataFn([&](const PublicKey&, util::ByteSpan d) { got.emplace_back(d.begin(), d.end()); });
    a.Connect(bob.public_key, net[1].SelfKey(), std::nullopt, net.now);
    for (int i = 0; i < 50 && !(a_up && b_up); ++i) {
        pump();
        net.Run(0.05);
        a.Tick(net.now);
        b.Tick(net.now);
    }
    ASSERT_TRUE(a_up && b_up);
    EXPECT_FALSE(a.Direct(bob.public_key));
    const util::Bytes hello{64, 'h', 'i'};
    ASSERT_TRUE(a.SendLossless(bob.public_key, hello, net.now));
    ASSERT_FALSE(relay.empty());
    const util::Bytes data_packet = relay.back().second;
    pump();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0], hello);
    // The same packet, vouched for by a relay as another DHT key's, gets nowhere.
    const uint64_t dropped = b.Stats().dropped;
    b.OnRelayPacket(crypto::BoxGenerateKeyPair().public_key, data_packet, net.now);
    EXPECT_EQ(b.Stats().dropped, dropped + 1);
    EXPECT_EQ(got.size(), 1u);
}

}  // namespace
}  // namespace tonari::tox::net_crypto
