// StreamHandshake: a byte-level exchange that a protocol runs on a fresh TCP connection before
// any framing, and the StreamCipher it leaves in place for the rest of the connection. This
// is how an encrypted transport (BitTorrent's MSE/PE now, Bitcoin's BIP324 later) sits below
// PeerNetwork's frames: the network writes what the handshake says, feeds it what arrives,
// and once it is done hands the plaintext on to the frame reader and encrypts every frame it
// sends. The handshake is pure logic (no sockets), so it is tested and fuzzed on its own.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "util/bytes.h"

namespace tonari::netcore {

// Transforms the connection's bytes in place, in the order they cross the socket. Used only
// by the connection's io thread.
class StreamCipher {
public:
    virtual ~StreamCipher() = default;
    virtual void Encrypt(std::span<uint8_t> outgoing) = 0;
    virtual void Decrypt(std::span<uint8_t> incoming) = 0;
};

class StreamHandshake {
public:
    struct Step {
        util::Bytes send;   // raw bytes to write now (may be empty)
        bool done = false;  // the handshake is complete: framing starts
        std::string error;  // non-empty: the handshake failed; the connection is closed
    };
    virtual ~StreamHandshake() = default;
    // Called once, first: what to send before anything is read.
    virtual Step Start() = 0;
    // Every byte read from the socket, in order, until done or an error. A call may carry
    // bytes past the end of the handshake; they belong to the stream (see TakeStreamBytes).
    virtual Step Receive(util::ByteSpan bytes) = 0;
    // Once done: stream bytes already received past the handshake, decrypted.
    virtual util::Bytes TakeStreamBytes() = 0;
    // Once done: the cipher for the rest of the connection; null when it continues in plain.
    virtual std::unique_ptr<StreamCipher> TakeCipher() = 0;
    // Once done: what the connection ended up as, for logs and peer info ("rc4", "plaintext").
    virtual std::string Transport() const = 0;
    // After an outbound failure: whether to dial the peer again without any handshake (a
    // peer that does not speak the encrypted protocol hangs up on it).
    virtual bool RetryPlain() const = 0;
};

}  // namespace tonari::netcore
