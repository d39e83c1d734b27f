// The TCP relay: its handshake and sealed stream as pure logic, then a real relay on loopback
// with real clients: links only when both sides ask, packets both ways, OOB, the onion's way in
// and out.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "tox/relay/relay_clients.h"
#include "tox/relay/relay_server.h"

namespace tonari::tox::relay {
namespace {

// Runs a handshake pair to the end; the ciphers of (client, server).
std::pair<std::unique_ptr<netcore::StreamCipher>, std::unique_ptr<netcore::StreamCipher>> Shake(
    const crypto::BoxKeyPair& client_keys, const crypto::BoxKeyPair& relay_keys) {
    auto client = MakeClientHandshake(client_keys, relay_keys.public_key);
    auto server = MakeServerHandshake(relay_keys);
    const auto hello = client->Start();
    EXPECT_EQ(hello.send.size(), CLIENT_HANDSHAKE_SIZE);
    EXPECT_TRUE(server->Start().send.empty());
    // In two pieces, as TCP may deliver it.
    EXPECT_FALSE(server->Receive(util::ByteSpan(hello.send).first(50)).done);
    const auto reply = server->Receive(util::ByteSpan(hello.send).subspan(50));
    EXPECT_TRUE(reply.done) << reply.error;
    EXPECT_EQ(reply.send.size(), SERVER_HANDSHAKE_SIZE);
    EXPECT_EQ(server->SessionId(), util::Bytes(client_keys.public_key.begin(), client_keys.public_key.end()));
    const auto done = client->Receive(reply.send);
    EXPECT_TRUE(done.done) << done.error;
    return {client->TakeCipher(), server->TakeCipher()};
}

TEST(RelayProtocol, HandshakeAndSealedStreamBothWays) {
    const auto client_keys = crypto::BoxGenerateKeyPair();
    const auto relay_keys = crypto::BoxGenerateKeyPair();
    auto [client, server] = Shake(client_keys, relay_keys);
    ASSERT_TRUE(client && server);
    util::Bytes wire;
    for (uint8_t i = 0; i < 3; ++i) {
        util::Bytes frame = Frame(RelayPacket::PING, util::Bytes(8, static_cast<uint8_t>(i + 1)));
        client->Encrypt(frame);
        EXPECT_EQ(frame.size(), 2 + 9 + crypto::BOX_MAC_SIZE);
        wire.insert(wire.end(), frame.begin(), frame.end());
    }
    // Byte by byte: whole packets come out, in order, each as [length][plain].
    util::Bytes plain;
    for (uint8_t& b : wire) ASSERT_EQ(server->Decrypt(std::span<uint8_t>(&b, 1), plain), "");
    ASSERT_EQ(plain.size(), 3u * (2 + 9));
    EXPECT_EQ(plain[2], static_cast<uint8_t>(RelayPacket::PING));
    EXPECT_EQ(plain[2 + 11 + 1], 2);
    // The other way, with its own nonces.
    util::Bytes back = Frame(RelayPacket::PONG, util::Bytes(8, 9));
    server->Encrypt(back);
    util::Bytes got;
    ASSERT_EQ(client->Decrypt(back, got), "");
    EXPECT_EQ(got, Frame(RelayPacket::PONG, util::Bytes(8, 9)));
}

TEST(RelayProtocol, TamperedReplayedOrOversizedPacketsEndTheStream) {
    const auto client_keys = crypto::BoxGenerateKeyPair();
    const auto relay_keys = crypto::BoxGenerateKeyPair();
    auto [client, server] = Shake(client_keys, relay_keys);
    util::Bytes first = Frame(RelayPacket::PING, util::Bytes(8, 1));
    client->Encrypt(first);
    util::Bytes plain;
    util::Bytes copy = first;
    ASSERT_EQ(server->Decrypt(copy, plain), "");
    copy = first;  // the same packet again: the nonce moved on
    EXPECT_NE(server->Decrypt(copy, plain), "");

    auto [client2, server2] = Shake(client_keys, relay_keys);
    util::Bytes tampered = Frame(RelayPacket::PING, util::Bytes(8, 1));
    client2->Encrypt(tampered);
    tampered.back() ^= 1;
    EXPECT_NE(server2->Decrypt(tampered, plain), "");

    auto [client3, server3] = Shake(client_keys, relay_keys);
    util::Bytes huge = {0xff, 0xff};  // a 65,535-byte packet announced: refused before any waiting
    EXPECT_NE(server3->Decrypt(huge, plain), "");

    // A handshake sealed for another relay does not open.
    auto wrong = MakeClientHandshake(client_keys, crypto::BoxGenerateKeyPair().public_key);
    auto relay = MakeServerHandshake(relay_keys);
    EXPECT_NE(relay->Receive(wrong->Start().send).error, "");
    // The frame format refuses a length past the cap.
    const util::Bytes header = {0x08, 0x00};
    EXPECT_FALSE(RelayFrameFormat().payload_length(header));
}

// What a relay client received, for a test to wait on.
struct Inbox {
    std::mutex mutex;
    std::vector<std::pair<PublicKey, util::Bytes>> packets;
    std::vector<util::Bytes> onion;
    size_t Count() {
        std::lock_guard lock(mutex);
        return packets.size();
    }
};

RelayClientsOptions ClientOptions(const crypto::BoxKeyPair& keys, Inbox& inbox) {
    RelayClientsOptions o;
    o.keys = keys;
    o.on_packet = [&inbox](const PublicKey& from, util::ByteSpan p) {
        std::lock_guard lock(inbox.mutex);
        inbox.packets.emplace_back(from, util::Bytes(p.begin(), p.end()));
    };
    o.on_onion = [&inbox](util::ByteSpan p) {
        std::lock_guard lock(inbox.mutex);
        inbox.onion.emplace_back(p.begin(), p.end());
    };
    return o;
}

bool WaitFor(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return done();
}

TEST(RelayServer, ClientsLinkOnlyWhenBothAskAndThenCarryPacketsBothWays) {
    const auto relay_keys = crypto::BoxGenerateKeyPair();
    std::mutex onion_mutex;
    std::vector<std::pair<uint64_t, util::Bytes>> onion_requests;
    RelayServerOptions so;
    so.listen = {{"127.0.0.1", 0}};
    so.keys = relay_keys;
    so.on_onion = [&](uint64_t client, util::ByteSpan request) {
        std::lock_guard lock(onion_mutex);
        onion_requests.emplace_back(client, util::Bytes(request.begin(), request.end()));
    };
    auto server = RelayServer::Start(so);
    ASSERT_TRUE(server) << server.error();
    const wire::NodeInfo relay{.tcp = true, .endpoint = (*server)->ListenEndpoints().at(0), .public_key = relay_keys.public_key};

    const auto alice_keys = crypto::BoxGenerateKeyPair();
    const auto bob_keys = crypto::BoxGenerateKeyPair();
    const auto carol_keys = crypto::BoxGenerateKeyPair();
    Inbox alice_in, bob_in, carol_in;
    auto alice = RelayClients::Start(ClientOptions(alice_keys, alice_in));
    auto bob = RelayClients::Start(ClientOptions(bob_keys, bob_in));
    auto carol = RelayClients::Start(ClientOptions(carol_keys, carol_in));
    ASSERT_TRUE(alice && bob && carol);
    for (auto* c : {alice->get(), bob->get(), carol->get()}) c->AddRelay(relay, true);
    ASSERT_TRUE(WaitFor([&] { return (*server)->Stats().clients == 3; }));

    // Alice asks for Bob; Bob has not asked: no link, but OOB reaches him.
    (*alice)->Want(bob_keys.public_key);
    const util::Bytes hello = {0x18, 'h', 'i'};
    ASSERT_TRUE(WaitFor([&] { return (*alice)->Send(bob_keys.public_key, hello) && bob_in.Count() > 0; }));
    EXPECT_FALSE((*alice)->Linked(bob_keys.public_key));
    {
        std::lock_guard lock(bob_in.mutex);
        EXPECT_EQ(bob_in.packets[0].first, alice_keys.public_key);
        EXPECT_EQ(bob_in.packets[0].second, hello);
    }
    // Once Bob asks too, both are linked and packets go over the link, both ways.
    (*bob)->Want(alice_keys.public_key);
    ASSERT_TRUE(WaitFor([&] { return (*alice)->Linked(bob_keys.public_key) && (*bob)->Linked(alice_keys.public_key); }));
    const util::Bytes big(1500, 0x42);  // past the OOB cap: only a link carries it
    ASSERT_TRUE((*alice)->Send(bob_keys.public_key, big));
    ASSERT_TRUE((*bob)->Send(alice_keys.public_key, hello));
    ASSERT_TRUE(WaitFor([&] { return alice_in.Count() == 1; }));
    ASSERT_TRUE(WaitFor([&] {
        std::lock_guard lock(bob_in.mutex);
        return !bob_in.packets.empty() && bob_in.packets.back().second == big;
    }));
    EXPECT_EQ(alice_in.packets[0].first, bob_keys.public_key);
    // Carol asked for nobody: nothing reached her, and she cannot send 1,500 bytes blind.
    EXPECT_FALSE((*carol)->Send(alice_keys.public_key, big));
    EXPECT_EQ(carol_in.Count(), 0u);

    // The onion's way in and out through the relay.
    const util::Bytes request(200, 7);
    ASSERT_TRUE((*carol)->SendOnion(request));
    ASSERT_TRUE(WaitFor([&] {
        std::lock_guard lock(onion_mutex);
        return onion_requests.size() == 1;
    }));
    EXPECT_EQ(onion_requests[0].second, request);
    const util::Bytes response = {0x84, 1, 2, 3};
    (*server)->SendOnionResponse(onion_requests[0].first, response);
    ASSERT_TRUE(WaitFor([&] {
        std::lock_guard lock(carol_in.mutex);
        return carol_in.onion.size() == 1;
    }));
    EXPECT_EQ(carol_in.onion[0], response);

    // Bob leaves: Alice's link goes, and comes back when he returns.
    (*bob)->Stop();
    ASSERT_TRUE(WaitFor([&] { return !(*alice)->Linked(bob_keys.public_key); }));
    Inbox bob2_in;
    auto bob2 = RelayClients::Start(ClientOptions(bob_keys, bob2_in));
    ASSERT_TRUE(bob2);
    (*bob2)->AddRelay(relay, true);
    (*bob2)->Want(alice_keys.public_key);
    ASSERT_TRUE(WaitFor([&] { return (*alice)->Linked(bob_keys.public_key); }));
    EXPECT_EQ((*server)->Stats().links, 2u);
}

}  // namespace
}  // namespace tonari::tox::relay

namespace tonari::tox::relay {
namespace {

TEST(RelayServer, ABulkTransferThroughALinkArrivesWhole) {
    const auto relay_keys = crypto::BoxGenerateKeyPair();
    RelayServerOptions so;
    so.listen = {{"127.0.0.1", 0}};
    so.keys = relay_keys;
    auto server = RelayServer::Start(so);
    ASSERT_TRUE(server) << server.error();
    const wire::NodeInfo relay{.tcp = true, .endpoint = (*server)->ListenEndpoints().at(0), .public_key = relay_keys.public_key};
    const auto alice_keys = crypto::BoxGenerateKeyPair();
    const auto bob_keys = crypto::BoxGenerateKeyPair();
    Inbox alice_in, bob_in;
    auto alice = RelayClients::Start(ClientOptions(alice_keys, alice_in));
    auto bob = RelayClients::Start(ClientOptions(bob_keys, bob_in));
    ASSERT_TRUE(alice && bob);
    (*alice)->AddRelay(relay, true);
    (*bob)->AddRelay(relay, true);
    (*alice)->Want(bob_keys.public_key);
    (*bob)->Want(alice_keys.public_key);
    ASSERT_TRUE(WaitFor([&] { return (*alice)->Linked(bob_keys.public_key); }));
    // 8 MiB in 1,400-byte packets, each sent again until the relay client takes it.
    const size_t count = 6000;
    for (size_t i = 0; i < count; ++i) {
        util::Bytes packet(1400, static_cast<uint8_t>(i));
        ASSERT_TRUE(WaitFor([&] { return (*alice)->Send(bob_keys.public_key, packet); })) << "stuck at packet " << i;
    }
    ASSERT_TRUE(WaitFor([&] { return bob_in.Count() == count; })) << bob_in.Count() << " of " << count;
}

}  // namespace
}  // namespace tonari::tox::relay
