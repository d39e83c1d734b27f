// Fuzz target: every parser a datagram meets before authentication — the DHT packet header,
// the ping and nodes plaintexts (which a peer controls once it holds a key) and packed nodes.
#include <cstddef>
#include <cstdint>

#include "tox/wire/dht_packet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace tonari::tox::wire;
    const tonari::util::ByteSpan bytes(data, size);
    (void)ParseDhtPacket(bytes);
    (void)DecodePing(bytes);
    (void)DecodeNodesRequest(bytes);
    if (auto r = DecodeNodesResponse(bytes)) {
        // What decodes re-encodes to the same bytes.
        if (EncodeNodesResponse(*r) != tonari::util::Bytes(bytes.begin(), bytes.end())) __builtin_trap();
    }
    (void)UnpackNodeList(bytes, 64);
    if (size > 0) (void)UnpackNodes(bytes.subspan(1), data[0], MAX_SENT_NODES);
    return 0;
}
