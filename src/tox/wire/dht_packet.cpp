// DHT packet framing and the ping and nodes plaintexts.
#include "tox/wire/dht_packet.h"

#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::tox::wire {

util::Result<DhtPacketView, std::string> ParseDhtPacket(util::ByteSpan datagram) {
    if (datagram.size() < DHT_HEADER_SIZE + crypto::BOX_MAC_SIZE) {
        return util::Fail("DHT packet of " + std::to_string(datagram.size()) + " bytes is too short");
    }
    DhtPacketView view;
    view.kind = static_cast<PacketKind>(datagram[0]);
    view.sender = *PublicKey::FromBytes(datagram.subspan(1, crypto::BOX_KEY_SIZE));
    view.nonce = *crypto::BoxNonce::FromBytes(datagram.subspan(1 + crypto::BOX_KEY_SIZE, crypto::BOX_NONCE_SIZE));
    view.sealed = datagram.subspan(DHT_HEADER_SIZE);
    return view;
}

util::Bytes SealDhtPacket(PacketKind kind, const PublicKey& sender, const crypto::BoxSharedKey& key,
                          util::ByteSpan plain) {
    const crypto::BoxNonce nonce = crypto::BoxRandomNonce();
    util::ByteWriter out;
    out.WriteU8(static_cast<uint8_t>(kind));
    out.WriteBytes(sender.span());
    out.WriteBytes(nonce.span());
    out.WriteBytes(crypto::BoxSeal(key, nonce, plain));
    return out.Take();
}

util::Bytes EncodePing(const PingPayload& p) {
    util::ByteWriter out;
    out.WriteU8(p.response ? 1 : 0);
    out.WriteU64LE(p.request_id);
    return out.Take();
}

util::Result<PingPayload, std::string> DecodePing(util::ByteSpan plain) {
    if (plain.size() != PING_PLAIN_SIZE) return util::Fail(std::string("ping of the wrong size"));
    if (plain[0] > 1) return util::Fail(std::string("ping with an unknown type byte"));
    util::ByteReader in(plain);
    PingPayload p;
    p.response = in.ReadU8() == 1;
    p.request_id = in.ReadU64LE();
    return p;
}

util::Bytes EncodeNodesRequest(const NodesRequestPayload& p) {
    util::ByteWriter out;
    out.WriteBytes(p.target.span());
    out.WriteU64LE(p.request_id);
    return out.Take();
}

util::Result<NodesRequestPayload, std::string> DecodeNodesRequest(util::ByteSpan plain) {
    if (plain.size() != NODES_REQUEST_PLAIN_SIZE) return util::Fail(std::string("nodes request of the wrong size"));
    util::ByteReader in(plain);
    NodesRequestPayload p;
    p.target = *PublicKey::FromBytes(in.ReadSpan(crypto::BOX_KEY_SIZE));
    p.request_id = in.ReadU64LE();
    return p;
}

util::Bytes EncodeNodesResponse(const NodesResponsePayload& p) {
    util::ByteWriter nodes;
    uint8_t count = 0;
    for (const auto& n : p.nodes) {
        if (count == MAX_SENT_NODES) break;
        if (PackNode(n, nodes)) ++count;
    }
    util::ByteWriter out;
    out.WriteU8(count);
    out.WriteBytes(nodes.data());
    out.WriteU64LE(p.request_id);
    return out.Take();
}

util::Result<NodesResponsePayload, std::string> DecodeNodesResponse(util::ByteSpan plain) {
    if (plain.size() < 1 + REQUEST_ID_SIZE || plain.size() > MAX_NODES_RESPONSE_PLAIN_SIZE) {
        return util::Fail(std::string("nodes response of the wrong size"));
    }
    auto nodes = UnpackNodes(plain.subspan(1, plain.size() - 1 - REQUEST_ID_SIZE), plain[0], MAX_SENT_NODES);
    if (!nodes) return util::Fail("nodes response: " + nodes.error());
    NodesResponsePayload p;
    p.nodes = std::move(*nodes);
    util::ByteReader in(plain.last(REQUEST_ID_SIZE));
    p.request_id = in.ReadU64LE();
    return p;
}

}  // namespace tonari::tox::wire
