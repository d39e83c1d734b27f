// Fuzz target: what a stranger or a friend can send a session — cookie requests and responses,
// handshakes, session data with any numbers, request packets with any gap list — fed over UDP
// or through a TCP relay to a node with one session set up; nothing may crash, and the windows
// stay within their bounds.
#include <cstddef>
#include <cstdint>

#include "tox/net_crypto/net_crypto.h"
#include "util/byte_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace tonari;
    using namespace tonari::tox;
    crypto::BoxKeyPair dht_keys;
    dht_keys.secret_key.data()[0] = 3;
    dht_keys.public_key = crypto::BoxPublicKeyOf(dht_keys.secret_key);
    dht::DhtNode node(dht_keys, [](const netcore::PeerEndpoint&, util::Bytes) {}, 1);
    crypto::BoxKeyPair me;
    me.secret_key.data()[0] = 5;
    me.public_key = crypto::BoxPublicKeyOf(me.secret_key);
    net_crypto::NetCrypto nc(node, me);
    nc.SetAcceptFn([](const crypto::BoxPublicKey&, const crypto::BoxPublicKey&) { return true; });
    crypto::BoxKeyPair friend_keys;
    friend_keys.secret_key.data()[0] = 9;
    friend_keys.public_key = crypto::BoxPublicKeyOf(friend_keys.secret_key);
    const netcore::PeerEndpoint from{"127.0.0.1", 7000};
    nc.Connect(friend_keys.public_key, friend_keys.public_key, from, 0);
    // Input: records of [length u16][datagram], each fed to the node as from the friend's address.
    util::ByteReader in(util::ByteSpan(data, size));
    int64_t now = 1'000'000;
    while (!in.empty()) {
        const uint16_t length = in.ReadU16LE();
        const auto datagram = in.ReadSpan(std::min<size_t>(length, in.remaining()));
        if (in.failed()) break;
        // Odd lengths come through a TCP relay that vouches for the friend's DHT key.
        if (length & 1) {
            nc.OnRelayPacket(friend_keys.public_key, datagram, now);
        } else {
            node.OnPacket(from, datagram, now);
        }
        now += 100'000;
        nc.Tick(now);
    }
    // The send and receive windows' own parsers, straight.
    net_crypto::SendWindow send;
    for (int i = 0; i < 300; ++i) send.Push(util::Bytes{16});
    send.SendDue(1000, 0, [](uint32_t, const util::Bytes&) {});
    (void)send.HandleRequest(util::ByteSpan(data, size), 2'000'000, 1);
    if (send.Size() > net_crypto::PACKET_WINDOW) __builtin_trap();
    return 0;
}
