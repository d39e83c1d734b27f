// Fuzz target: what a stranger can send a TCP relay, or a relay its client, before and after the
// handshake — any handshake bytes, then any sealed stream (lengths, tampered packets, pieces of
// any size). Nothing may crash, a refused stream stays refused, and what comes out is whole
// [length][packet] frames within the cap.
#include <cstddef>
#include <cstdint>

#include "tox/relay/relay_protocol.h"
#include "util/byte_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace tonari;
    using namespace tonari::tox::relay;
    crypto::BoxKeyPair relay_keys;
    relay_keys.secret_key.data()[0] = 3;
    relay_keys.public_key = crypto::BoxPublicKeyOf(relay_keys.secret_key);
    crypto::BoxKeyPair client_keys;
    client_keys.secret_key.data()[0] = 5;
    client_keys.public_key = crypto::BoxPublicKeyOf(client_keys.secret_key);
    util::ByteReader in(util::ByteSpan(data, size));
    const uint8_t mode = in.empty() ? 0 : in.ReadU8();

    // Raw bytes into a relay's handshake, and into a client's that waits for the relay's reply.
    auto server = MakeServerHandshake(relay_keys);
    (void)server->Start();
    auto client = MakeClientHandshake(client_keys, relay_keys.public_key);
    (void)client->Start();
    util::ByteReader chunks(util::ByteSpan(data, size));
    while (!chunks.empty()) {
        const size_t n = std::min<size_t>(chunks.ReadU8() + 1u, chunks.remaining());
        const auto piece = chunks.ReadSpan(n);
        if (chunks.failed()) break;
        const auto s = server->Receive(piece);
        const auto c = client->Receive(piece);
        if (!s.error.empty() || s.done || !c.error.empty() || c.done) break;
    }

    // A real handshake, then the rest of the input as the sealed stream, in pieces.
    auto real_client = MakeClientHandshake(client_keys, relay_keys.public_key);
    auto real_server = MakeServerHandshake(relay_keys);
    const auto reply = real_server->Receive(real_client->Start().send);
    if (!reply.done) __builtin_trap();
    (void)real_client->Receive(reply.send);
    auto cipher = (mode & 1) ? real_client->TakeCipher() : real_server->TakeCipher();
    util::Bytes rest(data + (size > 0 ? 1 : 0), data + size);
    util::Bytes plain;
    size_t at = 0;
    while (at < rest.size()) {
        const size_t n = std::min<size_t>(1 + (rest[at] % 97), rest.size() - at);
        if (!cipher->Decrypt(std::span<uint8_t>(rest.data() + at, n), plain).empty()) break;
        at += n;
    }
    util::ByteReader frames(plain);
    while (!frames.empty()) {
        const uint16_t length = frames.ReadU16BE();
        if (length == 0 || length > MAX_PACKET) __builtin_trap();
        (void)frames.ReadSpan(length);
        if (frames.failed()) __builtin_trap();
    }
    return 0;
}
