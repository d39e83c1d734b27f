// Fuzz target: a DHT node fed arbitrary datagrams from arbitrary addresses, as the internet
// feeds it, with ticks between them; whatever arrives, it neither crashes nor outgrows its caps.
#include <cstddef>
#include <cstdint>

#include "tox/dht/dht_node.h"
#include "util/byte_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace tonari::tox::dht;
    // A fixed key pair, so that inputs the fuzzer keeps stay meaningful between runs.
    tonari::crypto::BoxKeyPair keys;
    keys.secret_key.data()[0] = 1;
    keys.public_key = tonari::crypto::BoxPublicKeyOf(keys.secret_key);
    size_t sent = 0;
    DhtNode node(keys, [&](const tonari::netcore::PeerEndpoint&, tonari::util::Bytes) { ++sent; }, 1);
    node.SetLanDiscovery(true);  // its packets come unauthenticated from any local address
    node.Bootstrap({.tcp = false, .endpoint = {"127.0.0.1", 33445}, .public_key = tonari::crypto::BoxGenerateKeyPair().public_key}, 0);
    // Input: records of [length u16][from port u8][datagram].
    tonari::util::ByteReader in(tonari::util::ByteSpan(data, size));
    int64_t now = 1'000'000;
    while (!in.empty()) {
        const uint16_t length = in.ReadU16LE();
        const uint8_t port = in.ReadU8();
        const auto datagram = in.ReadSpan(std::min<size_t>(length, in.remaining()));
        if (in.failed()) break;
        node.OnPacket({"127.0.0.1", static_cast<uint16_t>(1000 + port)}, datagram, now);
        now += 100'000;
        node.Tick(now);
    }
    const auto s = node.Stats();
    if (s.pending_requests > MAX_PENDING_REQUESTS || s.close_nodes > 256 * BUCKET_SIZE) __builtin_trap();
    return 0;
}
