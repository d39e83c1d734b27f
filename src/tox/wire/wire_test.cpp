// Packed nodes and DHT packets: layouts byte for byte, exact sizes, and refusals.
#include <gtest/gtest.h>

#include "tox/wire/dht_packet.h"
#include "util/byte_writer.h"
#include "util/hex.h"

namespace tonari::tox::wire {
namespace {

PublicKey KeyOf(uint8_t fill) {
    PublicKey k;
    std::fill(k.data(), k.data() + PublicKey::SIZE, fill);
    return k;
}

TEST(NodeInfo, PacksIpv4Ipv6UdpAndTcpAsTheSpecLaysThemOut) {
    util::ByteWriter out;
    ASSERT_TRUE(PackNode({.tcp = false, .endpoint = {"1.2.3.4", 33445}, .public_key = KeyOf(0xaa)}, out));
    ASSERT_TRUE(PackNode({.tcp = true, .endpoint = {"::1", 443}, .public_key = KeyOf(0xbb)}, out));
    const util::Bytes& b = out.data();
    ASSERT_EQ(b.size(), PACKED_NODE_SIZE_IP4 + PACKED_NODE_SIZE_IP6);
    EXPECT_EQ(util::HexEncode(util::ByteSpan(b).first(7)), "020102030482a5");
    EXPECT_EQ(b[39], 0x8a);  // TCP + IPv6
    EXPECT_EQ(b[39 + 16], 0x01);
    EXPECT_EQ(b[39 + 17], 0x01);  // port 443 big-endian
    EXPECT_EQ(b[39 + 18], 0xbb);

    auto nodes = UnpackNodes(b, 2, 4);
    ASSERT_TRUE(nodes) << nodes.error();
    EXPECT_EQ((*nodes)[0].endpoint.address, "1.2.3.4");
    EXPECT_FALSE((*nodes)[0].tcp);
    EXPECT_EQ((*nodes)[1].endpoint.address, "::1");
    EXPECT_TRUE((*nodes)[1].tcp);
    EXPECT_EQ((*nodes)[1].public_key, KeyOf(0xbb));
    auto list = UnpackNodeList(b, 10);
    ASSERT_TRUE(list);
    EXPECT_EQ(*list, *nodes);
}

TEST(NodeInfo, RefusesWhatIsNotExactlyTheNodesAnnounced) {
    util::ByteWriter out;
    PackNode({.tcp = false, .endpoint = {"10.0.0.1", 1}, .public_key = KeyOf(1)}, out);
    const util::Bytes one = out.data();
    EXPECT_FALSE(UnpackNodes(one, 2, 4));                              // fewer than announced
    EXPECT_FALSE(UnpackNodes(one, 0, 4));                              // bytes left over
    EXPECT_FALSE(UnpackNodes(util::ByteSpan(one).first(38), 1, 4));    // cut short
    EXPECT_FALSE(UnpackNodes(one, 5, 4));                              // more than allowed
    util::Bytes family = one;
    family[0] = 3;
    EXPECT_FALSE(UnpackNodes(family, 1, 4));
    util::Bytes port0 = one;
    port0[5] = port0[6] = 0;
    EXPECT_FALSE(UnpackNodes(port0, 1, 4));
    util::Bytes many;
    for (int i = 0; i < 3; ++i) many.insert(many.end(), one.begin(), one.end());
    EXPECT_FALSE(UnpackNodeList(many, 2));
    EXPECT_FALSE(PackNode({.tcp = false, .endpoint = {"example.org", 1}, .public_key = KeyOf(1)}, out));
}

TEST(DhtPacket, SealedPingHasCToxcoresExactSizeAndOpensOnTheOtherSide) {
    const auto a = crypto::BoxGenerateKeyPair(), b = crypto::BoxGenerateKeyPair();
    const auto k_ab = *crypto::BoxSharedKeyOf(a.secret_key, b.public_key);
    const auto k_ba = *crypto::BoxSharedKeyOf(b.secret_key, a.public_key);
    const util::Bytes packet =
        SealDhtPacket(PacketKind::PING_REQUEST, a.public_key, k_ab, EncodePing({.response = false, .request_id = 77}));
    ASSERT_EQ(packet.size(), PING_PACKET_SIZE);
    auto view = ParseDhtPacket(packet);
    ASSERT_TRUE(view);
    EXPECT_EQ(view->kind, PacketKind::PING_REQUEST);
    EXPECT_EQ(view->sender, a.public_key);
    auto plain = crypto::BoxOpen(k_ba, view->nonce, view->sealed);
    ASSERT_TRUE(plain);
    auto ping = DecodePing(*plain);
    ASSERT_TRUE(ping);
    EXPECT_FALSE(ping->response);
    EXPECT_EQ(ping->request_id, 77u);

    const util::Bytes nodes_request = SealDhtPacket(PacketKind::NODES_REQUEST, a.public_key, k_ab,
                                                    EncodeNodesRequest({.target = b.public_key, .request_id = 5}));
    EXPECT_EQ(nodes_request.size(), NODES_REQUEST_PACKET_SIZE);
    EXPECT_FALSE(ParseDhtPacket(util::ByteSpan(packet).first(DHT_HEADER_SIZE + crypto::BOX_MAC_SIZE - 1)));
}

TEST(DhtPacket, PayloadsRoundTripAndRefuseWrongSizes) {
    EXPECT_FALSE(DecodePing(util::Bytes(8)));
    EXPECT_FALSE(DecodePing(util::Bytes{2, 0, 0, 0, 0, 0, 0, 0, 0}));
    auto req = DecodeNodesRequest(EncodeNodesRequest({.target = KeyOf(9), .request_id = 1234}));
    ASSERT_TRUE(req);
    EXPECT_EQ(req->target, KeyOf(9));
    EXPECT_EQ(req->request_id, 1234u);
    EXPECT_FALSE(DecodeNodesRequest(util::Bytes(39)));

    NodesResponsePayload r;
    r.request_id = 99;
    for (int i = 0; i < 6; ++i) {
        r.nodes.push_back({.tcp = false, .endpoint = {"127.0.0." + std::to_string(i + 1), 1000}, .public_key = KeyOf(i)});
    }
    const util::Bytes plain = EncodeNodesResponse(r);
    EXPECT_EQ(plain[0], MAX_SENT_NODES);  // capped at 4
    auto back = DecodeNodesResponse(plain);
    ASSERT_TRUE(back) << back.error();
    EXPECT_EQ(back->nodes.size(), MAX_SENT_NODES);
    EXPECT_EQ(back->request_id, 99u);
    util::Bytes lying = plain;
    lying[0] = 3;
    EXPECT_FALSE(DecodeNodesResponse(lying));
    EXPECT_FALSE(DecodeNodesResponse(util::Bytes(8)));
    r.nodes.clear();
    auto empty = DecodeNodesResponse(EncodeNodesResponse(r));
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->nodes.empty());
}

}  // namespace
}  // namespace tonari::tox::wire
