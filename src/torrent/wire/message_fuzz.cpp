// libFuzzer target: the peer-wire decoder on arbitrary payloads. Must never crash; whatever
// DecodeMessage accepts must re-encode to exactly the 4-byte big-endian length of the input
// followed by the input (the decoder takes nothing the encoder would write differently), and
// the same for the handshake over the first 68 bytes.
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "torrent/wire/message.h"

using namespace tonari::torrent::wire;
using tonari::util::ByteSpan;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const ByteSpan input(data, size);

    const auto message = DecodeMessage(input);
    if (message) {
        const tonari::util::Bytes frame = EncodeMessage(*message);
        if (frame.size() != FRAME_HEADER_SIZE + size) std::abort();
        const auto length = FrameLength(ByteSpan(frame).first(FRAME_HEADER_SIZE));
        if (!length || *length != size) std::abort();
        if (!std::equal(input.begin(), input.end(), frame.begin() + FRAME_HEADER_SIZE)) std::abort();
    } else if (message.error().code == WireErrorCode::BadHandshake) {
        std::abort();  // not an error DecodeMessage can give
    }

    // The framing rule on the input's first four bytes: a handshake is always 64 more bytes,
    // any other accepted length is within bounds.
    if (size >= FRAME_HEADER_SIZE) {
        const ByteSpan header = input.first(FRAME_HEADER_SIZE);
        const auto length = FrameLength(header);
        if (IsHandshakeHeader(header) && (!length || *length != HANDSHAKE_SIZE - FRAME_HEADER_SIZE)) std::abort();
        if (length && *length > MAX_MESSAGE_LENGTH) std::abort();
    }

    if (size >= HANDSHAKE_SIZE) {
        const ByteSpan bytes = input.first(HANDSHAKE_SIZE);
        const auto handshake = DecodeHandshake(bytes);
        if (handshake) {
            const tonari::util::Bytes again = EncodeHandshake(*handshake);
            if (!std::equal(bytes.begin(), bytes.end(), again.begin(), again.end())) std::abort();
        }
    }
    return 0;
}
