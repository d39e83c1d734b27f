// Fuzz target: KRPC decoding, and a DHT node fed the same bytes as a datagram (answers go
// nowhere). Neither may crash, loop or grow without bound.
#include <cstddef>
#include <cstdint>

#include "torrent/dht/dht_node.h"
#include "torrent/dht/krpc.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace tonari::torrent::dht;
    const tonari::util::ByteSpan bytes(data, size);
    if (auto message = DecodeMessage(bytes)) {
        if (auto* q = std::get_if<Query>(&*message)) (void)EncodeQuery(*q);
        if (auto* r = std::get_if<Response>(&*message)) (void)EncodeResponse(*r);
    }
    static const auto fixed = [](std::span<uint8_t> out) {
        for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(i * 13 + 5);
    };
    NodeId id{};
    DhtNode node(id, [](const tonari::netcore::PeerEndpoint&, std::string) {}, fixed);
    node.OnPacket({"10.0.0.1", 6881}, bytes, 1'000'000);
    node.OnPacket({"8.8.8.8", 6881}, bytes, 1'000'001);
    node.Tick(6'000'000);
    return 0;
}
