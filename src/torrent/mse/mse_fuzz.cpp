// Fuzz target: both MSE roles fed hostile bytes in chunks, with a fixed random source so a
// crash replays. Neither may crash, read out of bounds or buffer past its bounds.
#include <cstddef>
#include <cstdint>

#include "torrent/mse/handshake.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace tonari::torrent::mse;
    if (size == 0) return 0;
    auto fixed = [](std::span<uint8_t> out) {
        for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(i * 7 + 1);
    };
    Key20 skey{};
    skey[0] = data[0];
    const size_t chunk = 1 + data[0] % 97;
    auto responder = MseHandshake::Responder(data[0] & 1 ? Policy::Require : Policy::Prefer, {skey, Key20{}}, fixed);
    auto initiator = MseHandshake::Initiator(Policy::Prefer, skey, fixed);
    initiator->Start();
    for (size_t at = 1; at < size; at += chunk) {
        const tonari::util::ByteSpan piece(data + at, std::min(chunk, size - at));
        const auto r = responder->Receive(piece);
        const auto i = initiator->Receive(piece);
        if (!r.error.empty() && !i.error.empty()) break;
    }
    responder->TakeStreamBytes();
    responder->TakeCipher();
    initiator->TakeStreamBytes();
    initiator->TakeCipher();
    return 0;
}
