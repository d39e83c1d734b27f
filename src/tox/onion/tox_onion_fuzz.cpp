// Fuzz target: the onion relay and the announce store fed arbitrary datagrams (every kind they
// take, any length), as a node on the internet is; nothing may crash or outgrow its caps.
#include <cstddef>
#include <cstdint>

#include "tox/onion/onion_announce.h"
#include "tox/onion/onion_relay.h"
#include "util/byte_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace tonari;
    using namespace tonari::tox::onion;
    crypto::BoxKeyPair keys;
    keys.secret_key.data()[0] = 1;
    keys.public_key = crypto::BoxPublicKeyOf(keys.secret_key);
    auto shared = [&](const crypto::BoxPublicKey& k) { return crypto::BoxSharedKeyOf(keys.secret_key, k); };
    size_t sent = 0;
    auto send = [&](const netcore::PeerEndpoint&, util::Bytes d) {
        if (d.size() > ONION_MAX_PACKET_SIZE + RETURN_1) __builtin_trap();  // a hop adds at most one sendback
        ++sent;
    };
    OnionRelay relay(shared, send);
    OnionAnnounce announce(keys.public_key, shared, send,
                           [](const crypto::BoxPublicKey&, bool) { return std::vector<tox::wire::NodeInfo>{}; });
    // Input: records of [length u16][datagram].
    util::ByteReader in(util::ByteSpan(data, size));
    int64_t now = 1'000'000;
    while (!in.empty()) {
        const uint16_t length = in.ReadU16LE();
        const auto datagram = in.ReadSpan(std::min<size_t>(length, in.remaining()));
        if (in.failed() || datagram.empty()) break;
        const netcore::PeerEndpoint from{"127.0.0.1", 5000};
        if (datagram[0] == 0x83 || datagram[0] == 0x85) {
            announce.OnPacket(from, datagram, now);
        } else {
            relay.OnPacket(from, datagram, now);
        }
        now += 1'000'000;
    }
    if (announce.Stats(now).entries > ANNOUNCE_MAX_ENTRIES) __builtin_trap();
    return 0;
}
