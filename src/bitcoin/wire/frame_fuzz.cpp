// libFuzzer target: frame header decoding over the first 24 bytes and the checksum check over
// the rest. Must never crash; an accepted header must satisfy every rule it was checked
// against, and re-framing the payload under its command must reproduce header and payload
// whenever the checksum matched.
#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "bitcoin/wire/frame.h"

using namespace tonari::bitcoin::wire;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < FRAME_HEADER_SIZE) return 0;
    const tonari::util::ByteSpan input(data, size);
    // Use the input's own magic half the time so the later checks are reached.
    std::array<uint8_t, 4> magic{0xf9, 0xbe, 0xb4, 0xd9};
    if (data[0] & 1) std::copy_n(data, 4, magic.begin());
    const auto header = DecodeFrameHeader(input.first(FRAME_HEADER_SIZE), magic);
    if (!header) return 0;
    if (header->magic != magic) std::abort();
    if (header->command.empty() || header->command.size() > COMMAND_SIZE) std::abort();
    if (header->length > MAX_PROTOCOL_MESSAGE_LENGTH) std::abort();
    const tonari::util::ByteSpan payload = input.subspan(FRAME_HEADER_SIZE);
    if (!ChecksumMatches(*header, payload)) return 0;
    const tonari::util::Bytes again = FrameMessage(magic, header->command, payload);
    if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
    return 0;
}
