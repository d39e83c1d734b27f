// Building onion packets.
#include "tox/onion/onion_path.h"

#include "tox/wire/dht_packet.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::tox::onion {
namespace {

util::Bytes Concat(util::ByteSpan a, util::ByteSpan b) {
    util::Bytes out(a.begin(), a.end());
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

}  // namespace

std::optional<OnionPath> MakeOnionPath(const crypto::BoxKeyPair& dht_keys, const std::array<wire::NodeInfo, 3>& nodes) {
    OnionPath path;
    path.nodes = nodes;
    for (size_t i = 0; i < 3; ++i) {
        const crypto::BoxKeyPair keys = i == 0 ? dht_keys : crypto::BoxGenerateKeyPair();
        auto shared = crypto::BoxSharedKeyOf(keys.secret_key, nodes[i].public_key);
        if (!shared) return std::nullopt;
        path.layer_keys[i] = keys.public_key;
        path.shared[i] = *shared;
    }
    return path;
}

namespace {

// What the second node gets: [its address][its layer key][its sealed layer, naming the third
// node, whose layer names the destination]; none when an address is not an IP literal.
std::optional<util::Bytes> SecondHopOnward(const OnionPath& path, const netcore::PeerEndpoint& destination,
                                           util::ByteSpan data, const crypto::BoxNonce& nonce) {
    const auto to_d = PackIpPort(destination);
    const auto to_c = PackIpPort(path.nodes[2].endpoint);
    const auto to_b = PackIpPort(path.nodes[1].endpoint);
    if (!to_d || !to_c || !to_b) return std::nullopt;
    // Inside out: C's layer names D, B's names C.
    const util::Bytes layer3 = crypto::BoxSeal(path.shared[2], nonce, Concat(*to_d, data));
    const util::Bytes layer2 =
        crypto::BoxSeal(path.shared[1], nonce, Concat(Concat(*to_c, path.layer_keys[2].span()), layer3));
    return Concat(Concat(*to_b, path.layer_keys[1].span()), layer2);
}

}  // namespace

std::optional<util::Bytes> MakeOnionRequest(const OnionPath& path, const netcore::PeerEndpoint& destination,
                                            util::ByteSpan data) {
    if (data.empty() || 1 + SEND_1 + data.size() > ONION_MAX_PACKET_SIZE) return std::nullopt;
    const crypto::BoxNonce nonce = crypto::BoxRandomNonce();
    const auto onward = SecondHopOnward(path, destination, data, nonce);
    if (!onward) return std::nullopt;
    // A's layer names B.
    util::ByteWriter out;
    out.WriteU8(0x80);
    out.WriteBytes(nonce.span());
    out.WriteBytes(path.layer_keys[0].span());
    out.WriteBytes(crypto::BoxSeal(path.shared[0], nonce, *onward));
    return out.Take();
}

std::optional<util::Bytes> MakeTcpOnionRequest(const OnionPath& path, const netcore::PeerEndpoint& destination,
                                               util::ByteSpan data) {
    if (data.empty() || SEND_1 + data.size() > ONION_MAX_PACKET_SIZE) return std::nullopt;
    const crypto::BoxNonce nonce = crypto::BoxRandomNonce();
    const auto onward = SecondHopOnward(path, destination, data, nonce);
    if (!onward) return std::nullopt;
    util::ByteWriter out;
    out.WriteBytes(nonce.span());
    out.WriteBytes(*onward);
    return out.Take();
}

std::optional<util::Bytes> MakeAnnounceRequest(const crypto::BoxKeyPair& keys, const crypto::BoxPublicKey& node_key,
                                const AnnounceRequest& request) {
    util::ByteWriter plain;
    plain.WriteBytes(request.ping_id);
    plain.WriteBytes(request.searched.span());
    plain.WriteBytes(request.data_key.span());
    plain.WriteU64LE(request.sendback);
    const crypto::BoxNonce nonce = crypto::BoxRandomNonce();
    const auto shared = crypto::BoxSharedKeyOf(keys.secret_key, node_key);
    if (!shared) return std::nullopt;
    util::ByteWriter out;
    out.WriteU8(0x83);
    out.WriteBytes(nonce.span());
    out.WriteBytes(keys.public_key.span());
    out.WriteBytes(crypto::BoxSeal(*shared, nonce, plain.data()));
    return out.Take();
}

std::optional<uint64_t> AnnounceResponseSendback(util::ByteSpan datagram) {
    if (datagram.size() < 1 + SENDBACK_DATA_SIZE || datagram[0] != 0x84) return std::nullopt;
    util::ByteReader in(datagram.subspan(1, SENDBACK_DATA_SIZE));
    return in.ReadU64LE();
}

util::Result<AnnounceResponse, std::string> OpenAnnounceResponse(util::ByteSpan datagram, const crypto::BoxSharedKey& key) {
    constexpr size_t header = 1 + SENDBACK_DATA_SIZE + crypto::BOX_NONCE_SIZE;
    if (datagram.size() < header + 1 + PING_ID_SIZE + crypto::BOX_MAC_SIZE || datagram[0] != 0x84) {
        return util::Fail(std::string("announce response too short"));
    }
    const auto nonce = *crypto::BoxNonce::FromBytes(datagram.subspan(1 + SENDBACK_DATA_SIZE, crypto::BOX_NONCE_SIZE));
    const auto plain = crypto::BoxOpen(key, nonce, datagram.subspan(header));
    if (!plain) return util::Fail(std::string("announce response failed decryption"));
    AnnounceResponse r;
    r.sendback = *AnnounceResponseSendback(datagram);
    r.is_stored = (*plain)[0];
    if (r.is_stored > 2) return util::Fail(std::string("announce response with an unknown is_stored"));
    std::copy_n(plain->begin() + 1, PING_ID_SIZE, r.ping_id_or_key.begin());
    auto nodes = wire::UnpackNodeList(util::ByteSpan(*plain).subspan(1 + PING_ID_SIZE), wire::MAX_SENT_NODES);
    if (!nodes) return util::Fail("announce response: " + nodes.error());
    r.nodes = std::move(*nodes);
    return r;
}

std::optional<util::Bytes> MakeDataRequest(const crypto::BoxPublicKey& destination, const crypto::BoxPublicKey& data_key,
                            const crypto::BoxNonce& nonce, util::ByteSpan payload) {
    const crypto::BoxKeyPair temporary = crypto::BoxGenerateKeyPair();
    const auto shared = crypto::BoxSharedKeyOf(temporary.secret_key, data_key);
    if (!shared) return std::nullopt;
    util::ByteWriter out;
    out.WriteU8(0x85);
    out.WriteBytes(destination.span());
    out.WriteBytes(nonce.span());
    out.WriteBytes(temporary.public_key.span());
    out.WriteBytes(crypto::BoxSeal(*shared, nonce, payload));
    return out.Take();
}

}  // namespace tonari::tox::onion
