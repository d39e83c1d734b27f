// The onion end to end in one process: paths of three real relays both ways, announcing with a
// ping id, a friend's search finding the announcement, a data packet routed back along the
// announcer's path; and tampered or stray packets going nowhere.
#include <gtest/gtest.h>

#include "tox/dht/dht_test_network.h"
#include "tox/onion/onion_path.h"
#include "tox/onion/onion_server.h"

namespace tonari::tox::onion {
namespace {

using dht::test::TestNet;

// Six relaying nodes and two clients, every one of them a DHT node with an onion server.
struct OnionNet {
    OnionNet() {
        for (int i = 0; i < 8; ++i) {
            net.Add();
            servers.push_back(std::make_unique<OnionServer>(net[i]));
        }
        for (size_t i = 1; i < net.size(); ++i) net[i].Bootstrap(net.Info(0), net.now);
        net.Run(10);
        // The clients catch what comes back to the end of their paths.
        for (size_t c : {ALICE, BOB}) {
            for (auto kind : {wire::PacketKind::ANNOUNCE_RESPONSE, wire::PacketKind::ONION_DATA_RESPONSE}) {
                net[c].SetHandler(kind, [this, c](const netcore::PeerEndpoint&, util::ByteSpan d, int64_t) {
                    received[c].emplace_back(d.begin(), d.end());
                });
            }
        }
    }

    // A client's first layer is sealed from a key pair of its own (the relay does not care
    // whose), the others from fresh ones.
    OnionPath Path(size_t client, std::array<size_t, 3> hops) {
        return *MakeOnionPath(dht_keys[client], {net.Info(hops[0]), net.Info(hops[1]), net.Info(hops[2])});
    }
    // Sends `data` to `destination` through `path`, from `client`.
    void Send(size_t client, const OnionPath& path, size_t destination, util::ByteSpan data) {
        auto packet = MakeOnionRequest(path, net.Info(destination).endpoint, data);
        ASSERT_TRUE(packet);
        net.Inject(net.Info(client).endpoint, hop_index(path.nodes[0]), *packet);
        net.Run(0.1);
    }
    size_t hop_index(const wire::NodeInfo& n) {
        for (size_t i = 0; i < net.size(); ++i) {
            if (net.Info(i).endpoint == n.endpoint) return i;
        }
        return 0;
    }

    static constexpr size_t ALICE = 6;
    static constexpr size_t BOB = 7;
    TestNet net;
    std::vector<std::unique_ptr<OnionServer>> servers;
    std::map<size_t, crypto::BoxKeyPair> dht_keys{{ALICE, crypto::BoxGenerateKeyPair()}, {BOB, crypto::BoxGenerateKeyPair()}};
    std::map<size_t, std::vector<util::Bytes>> received;
};

TEST(Onion, AnnounceSearchAndDataTravelThreeHopsEachWay) {
    OnionNet o;
    const size_t D = 4;
    const crypto::BoxPublicKey d_key = o.net.Info(D).public_key;
    const auto alice = crypto::BoxGenerateKeyPair();       // long-term
    const auto alice_data = crypto::BoxGenerateKeyPair();  // what friends encrypt to
    const OnionPath path = o.Path(OnionNet::ALICE, {1, 2, 3});

    // First contact: not stored; a ping id comes back through C, B and A.
    AnnounceRequest request{.ping_id = {}, .searched = alice.public_key, .data_key = alice_data.public_key, .sendback = 7};
    o.Send(OnionNet::ALICE, path, D, MakeAnnounceRequest(alice, d_key, request).value());
    ASSERT_EQ(o.received[OnionNet::ALICE].size(), 1u);
    const auto shared = *crypto::BoxSharedKeyOf(alice.secret_key, d_key);
    auto first = OpenAnnounceResponse(o.received[OnionNet::ALICE][0], shared);
    ASSERT_TRUE(first) << first.error();
    EXPECT_EQ(first->sendback, 7u);
    EXPECT_EQ(first->is_stored, 0);
    EXPECT_FALSE(first->nodes.empty());  // closer nodes to ask
    EXPECT_FALSE(o.servers[D]->IsAnnounced(alice.public_key, o.net.now));

    // With the ping id, by the same path: announced.
    request.ping_id = first->ping_id_or_key;
    request.sendback = 8;
    o.Send(OnionNet::ALICE, path, D, MakeAnnounceRequest(alice, d_key, request).value());
    ASSERT_EQ(o.received[OnionNet::ALICE].size(), 2u);
    auto second = OpenAnnounceResponse(o.received[OnionNet::ALICE][1], shared);
    ASSERT_TRUE(second) << second.error();
    EXPECT_EQ(second->is_stored, 2);
    EXPECT_TRUE(o.servers[D]->IsAnnounced(alice.public_key, o.net.now));

    // Bob searches with a temporary key by another path, and learns where to send.
    const auto bob_temp = crypto::BoxGenerateKeyPair();
    const OnionPath bob_path = o.Path(OnionNet::BOB, {5, 2, 1});
    o.Send(OnionNet::BOB, bob_path, D,
           MakeAnnounceRequest(bob_temp, d_key, {.ping_id = {}, .searched = alice.public_key, .data_key = {}, .sendback = 9}).value());
    ASSERT_EQ(o.received[OnionNet::BOB].size(), 1u);
    auto found = OpenAnnounceResponse(o.received[OnionNet::BOB][0], *crypto::BoxSharedKeyOf(bob_temp.secret_key, d_key));
    ASSERT_TRUE(found) << found.error();
    EXPECT_EQ(found->is_stored, 1);
    EXPECT_TRUE(std::equal(found->ping_id_or_key.begin(), found->ping_id_or_key.end(), alice_data.public_key.begin()));

    // Bob's data reaches Alice along her own path, and only she can open it.
    const crypto::BoxNonce nonce = crypto::BoxRandomNonce();
    const util::Bytes hello = {'h', 'e', 'l', 'l', 'o'};
    o.Send(OnionNet::BOB, bob_path, D, MakeDataRequest(alice.public_key, alice_data.public_key, nonce, hello).value());
    ASSERT_EQ(o.received[OnionNet::ALICE].size(), 3u);
    const util::Bytes& data = o.received[OnionNet::ALICE][2];
    ASSERT_EQ(data[0], 0x86);
    const auto got_nonce = *crypto::BoxNonce::FromBytes(util::ByteSpan(data).subspan(1, 24));
    const auto temp_key = *crypto::BoxPublicKey::FromBytes(util::ByteSpan(data).subspan(25, 32));
    auto opened = crypto::BoxOpen(*crypto::BoxSharedKeyOf(alice_data.secret_key, temp_key), got_nonce,
                                  util::ByteSpan(data).subspan(57));
    ASSERT_TRUE(opened);
    EXPECT_EQ(*opened, hello);
    EXPECT_EQ(o.servers[D]->AnnounceStats(o.net.now).data_forwarded, 1u);
    uint64_t relayed = 0;
    for (size_t i : {1, 2, 3, 5}) relayed += o.servers[i]->RelayStats().requests_forwarded;
    EXPECT_EQ(relayed, 3u * 4);  // four requests, three hops each
}

TEST(Onion, AWrongPingIdOrAnotherPathDoesNotAnnounce) {
    OnionNet o;
    const size_t D = 4;
    const crypto::BoxPublicKey d_key = o.net.Info(D).public_key;
    const auto alice = crypto::BoxGenerateKeyPair();
    AnnounceRequest request{.ping_id = {}, .searched = alice.public_key, .data_key = alice.public_key, .sendback = 1};
    o.Send(OnionNet::ALICE, o.Path(OnionNet::ALICE, {1, 2, 3}), D, MakeAnnounceRequest(alice, d_key, request).value());
    auto first = OpenAnnounceResponse(o.received[OnionNet::ALICE].at(0), *crypto::BoxSharedKeyOf(alice.secret_key, d_key));
    ASSERT_TRUE(first);
    // A guessed ping id.
    request.ping_id.fill(0x42);
    o.Send(OnionNet::ALICE, o.Path(OnionNet::ALICE, {1, 2, 3}), D, MakeAnnounceRequest(alice, d_key, request).value());
    EXPECT_FALSE(o.servers[D]->IsAnnounced(alice.public_key, o.net.now));
    // The right ping id from another last hop: it was tied to the address it was given to.
    request.ping_id = first->ping_id_or_key;
    o.Send(OnionNet::ALICE, o.Path(OnionNet::ALICE, {1, 2, 5}), D, MakeAnnounceRequest(alice, d_key, request).value());
    EXPECT_FALSE(o.servers[D]->IsAnnounced(alice.public_key, o.net.now));
    // Another key presenting Alice's ping id.
    const auto mallory = crypto::BoxGenerateKeyPair();
    request.searched = mallory.public_key;
    o.Send(OnionNet::ALICE, o.Path(OnionNet::ALICE, {1, 2, 3}), D, MakeAnnounceRequest(mallory, d_key, request).value());
    EXPECT_FALSE(o.servers[D]->IsAnnounced(mallory.public_key, o.net.now));
    // Data for a key nobody announced goes nowhere.
    const size_t before = o.received[OnionNet::ALICE].size();
    o.Send(OnionNet::BOB, o.Path(OnionNet::BOB, {5, 2, 1}), D,
           MakeDataRequest(alice.public_key, alice.public_key, crypto::BoxRandomNonce(), util::Bytes{1, 2, 3}).value());
    EXPECT_EQ(o.received[OnionNet::ALICE].size(), before);
    EXPECT_GE(o.servers[D]->AnnounceStats(o.net.now).dropped, 1u);
}

TEST(Onion, TamperedAndStrayPacketsAreDroppedAtTheFirstHopThatSeesThem) {
    OnionNet o;
    const auto alice = crypto::BoxGenerateKeyPair();
    const OnionPath path = o.Path(OnionNet::ALICE, {1, 2, 3});
    auto packet = MakeOnionRequest(path, o.net.Info(4).endpoint,
                                   MakeAnnounceRequest(alice, o.net.Info(4).public_key, {.ping_id = {}, .searched = alice.public_key, .data_key = {}, .sendback = 1}).value());
    ASSERT_TRUE(packet);
    for (size_t at : {size_t{30}, size_t{100}, packet->size() - 1}) {
        util::Bytes bad = *packet;
        bad[at] ^= 0x01;
        o.net.Inject(o.net.Info(OnionNet::ALICE).endpoint, 1, bad);
    }
    // Cut short; too long; a response whose sendback nobody sealed.
    o.net.Inject(o.net.Info(OnionNet::ALICE).endpoint, 1, util::Bytes(packet->begin(), packet->begin() + 200));
    util::Bytes huge(ONION_MAX_PACKET_SIZE + 1, 0x80);
    o.net.Inject(o.net.Info(OnionNet::ALICE).endpoint, 1, huge);
    util::Bytes stray(1 + RETURN_3 + 40, 0);
    stray[0] = 0x8c;
    stray[1 + RETURN_3] = 0x84;
    o.net.Inject(o.net.Info(OnionNet::ALICE).endpoint, 3, stray);
    o.net.Run(0.1);
    EXPECT_EQ(o.servers[1]->RelayStats().requests_forwarded, 0u);
    EXPECT_GE(o.servers[1]->RelayStats().dropped, 4u);
    EXPECT_EQ(o.servers[3]->RelayStats().responses_forwarded, 0u);
    EXPECT_TRUE(o.received[OnionNet::ALICE].empty());
    EXPECT_EQ(o.servers[4]->AnnounceStats(o.net.now).announce_requests, 0u);
}

TEST(Onion, AnnouncementsStayBoundedAndKeepTheClosest) {
    OnionNet o;
    const size_t D = 4;
    const crypto::BoxPublicKey d_key = o.net.Info(D).public_key;
    const OnionPath path = o.Path(OnionNet::ALICE, {1, 2, 3});
    // 200 keys announce themselves (two rounds each); at most 160 are kept.
    for (int i = 0; i < 200; ++i) {
        const auto k = crypto::BoxGenerateKeyPair();
        const size_t seen = o.received[OnionNet::ALICE].size();
        AnnounceRequest r{.ping_id = {}, .searched = k.public_key, .data_key = k.public_key, .sendback = 1};
        o.Send(OnionNet::ALICE, path, D, MakeAnnounceRequest(k, d_key, r).value());
        ASSERT_EQ(o.received[OnionNet::ALICE].size(), seen + 1);
        auto first = OpenAnnounceResponse(o.received[OnionNet::ALICE].back(), *crypto::BoxSharedKeyOf(k.secret_key, d_key));
        ASSERT_TRUE(first);
        r.ping_id = first->ping_id_or_key;
        o.Send(OnionNet::ALICE, path, D, MakeAnnounceRequest(k, d_key, r).value());
    }
    EXPECT_EQ(o.servers[D]->AnnounceStats(o.net.now).entries, ANNOUNCE_MAX_ENTRIES);
}

}  // namespace
}  // namespace tonari::tox::onion

namespace tonari::tox::onion {
namespace {

TEST(Onion, ATcpRelayIsTheFirstHopForItsClientsBothWays) {
    OnionNet o;
    const size_t RELAY = 1;
    const size_t D = 4;
    const auto alice = crypto::BoxGenerateKeyPair();
    std::vector<std::pair<uint64_t, util::Bytes>> to_client;
    o.servers[RELAY]->Relay().SetTcpSend([&](uint64_t client, util::Bytes response) {
        to_client.emplace_back(client, std::move(response));
    });
    // The relay's layer travels in plain (the TCP stream is sealed); the rest as usual.
    const OnionPath path = o.Path(OnionNet::ALICE, {RELAY, 2, 3});
    AnnounceRequest request{.ping_id = {}, .searched = alice.public_key, .data_key = {}, .sendback = 11};
    auto packet = MakeTcpOnionRequest(path, o.net.Info(D).endpoint,
                                      MakeAnnounceRequest(alice, o.net.Info(D).public_key, request).value());
    ASSERT_TRUE(packet);
    o.servers[RELAY]->Relay().OnTcpRequest(42, *packet, o.net.now);
    o.net.Run(0.1);
    ASSERT_EQ(to_client.size(), 1u);
    EXPECT_EQ(to_client[0].first, 42u);
    auto response = OpenAnnounceResponse(to_client[0].second,
                                         *crypto::BoxSharedKeyOf(alice.secret_key, o.net.Info(D).public_key));
    ASSERT_TRUE(response) << response.error();
    EXPECT_EQ(response->sendback, 11u);

    // A request too short to hold two more layers goes nowhere.
    const uint64_t dropped = o.servers[RELAY]->RelayStats().dropped;
    o.servers[RELAY]->Relay().OnTcpRequest(42, util::ByteSpan(*packet).first(100), o.net.now);
    EXPECT_EQ(o.servers[RELAY]->RelayStats().dropped, dropped + 1);
}

}  // namespace
}  // namespace tonari::tox::onion
