// libFuzzer target: the BIP324 receive side. The input is a script that mixes packets sealed
// by a matching sender (so the fuzzer gets past authentication), raw bytes and bit flips, fed
// to a V2PacketStream in chunks of chosen sizes; and, from the same input, a v2 responder
// handshake fed the raw bytes. Must never crash; what the stream hands up must be whole v1
// frames, and a stream that reported an error must have been given something it did not seal.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "bitcoin/transport/v2_handshake.h"
#include "bitcoin/transport/v2_packets.h"
#include "bitcoin/wire/frame.h"

using namespace tonari;
using namespace tonari::bitcoin;

namespace {

constexpr std::array<uint8_t, 4> MAGIC{0xfa, 0xbf, 0xb5, 0xda};

struct Reader {
    const uint8_t* data;
    size_t size;
    size_t pos = 0;
    bool empty() const { return pos >= size; }
    uint8_t Byte() { return pos < size ? data[pos++] : 0; }
    uint16_t U16() { return static_cast<uint16_t>(Byte() | (Byte() << 8)); }
    util::ByteSpan Take(size_t n) {
        n = std::min(n, size - std::min(pos, size));
        util::ByteSpan out(data + pos, n);
        pos += n;
        return out;
    }
};

// Every frame in `plain` is a whole v1 frame with our magic and a zero checksum.
void CheckFrames(const util::Bytes& plain) {
    size_t at = 0;
    while (at < plain.size()) {
        if (plain.size() - at < wire::FRAME_HEADER_SIZE) std::abort();
        if (!std::equal(MAGIC.begin(), MAGIC.end(), plain.begin() + static_cast<ptrdiff_t>(at))) std::abort();
        const uint32_t length = static_cast<uint32_t>(plain[at + 16]) | static_cast<uint32_t>(plain[at + 17]) << 8 |
                                static_cast<uint32_t>(plain[at + 18]) << 16 | static_cast<uint32_t>(plain[at + 19]) << 24;
        at += wire::FRAME_HEADER_SIZE + length;
    }
    if (at != plain.size()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::array<uint8_t, 32> secret{};
    crypto::Bip324Cipher sender(secret, true, MAGIC);
    transport::V2PacketStream receiver(crypto::Bip324Cipher(secret, false, MAGIC), MAGIC);
    Reader in{data, size};
    util::Bytes wire_bytes;
    bool tampered = false;
    while (!in.empty()) {
        switch (in.Byte() % 4) {
            case 0: {  // a packet sealed by the matching sender
                const uint8_t flags = in.Byte();
                const util::ByteSpan contents = in.Take(in.U16() % 600);
                sender.Encrypt(contents, {}, (flags & 1) != 0, wire_bytes);
                break;
            }
            case 1: {  // raw bytes
                const util::ByteSpan raw = in.Take(in.Byte());
                wire_bytes.insert(wire_bytes.end(), raw.begin(), raw.end());
                tampered = tampered || !raw.empty();
                break;
            }
            case 2:  // a flipped bit
                if (!wire_bytes.empty()) {
                    wire_bytes[in.U16() % wire_bytes.size()] ^= static_cast<uint8_t>(1u << (in.Byte() % 8));
                    tampered = true;
                }
                break;
            default:
                break;
        }
    }
    util::Bytes plain;
    std::string error;
    size_t at = 0;
    const size_t chunk = 1 + (size > 0 ? data[0] % 97 : 0);
    while (at < wire_bytes.size() && error.empty()) {
        const size_t n = std::min(chunk, wire_bytes.size() - at);
        error = receiver.Decrypt(std::span(wire_bytes.data() + at, n), plain);
        at += n;
    }
    if (!error.empty() && !tampered && error.find("flood") == std::string::npos &&
        error.find("cut short") == std::string::npos) {
        std::abort();  // our own sealed packets refused
    }
    CheckFrames(plain);

    // The responder's handshake on the raw input: detection, key, garbage scan.
    static const auto keys = std::make_shared<const crypto::KeyContext>();
    transport::V2Handshake responder(false, MAGIC, keys, 0);
    (void)responder.Start();
    for (size_t i = 0; i < size; i += 64) {
        const auto step = responder.Receive(util::ByteSpan(data + i, std::min<size_t>(64, size - i)));
        if (!step.error.empty() || step.done) break;
    }
    return 0;
}
