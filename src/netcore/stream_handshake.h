// StreamHandshake: a byte-level exchange that a protocol runs on a fresh TCP connection before
// any framing, and the StreamCipher it leaves in place for the rest of the connection. This
// is how an encrypted transport (BitTorrent's MSE/PE, Bitcoin's BIP324) sits below
// PeerNetwork's frames: the network writes what the handshake says, feeds it what arrives,
// and once it is done hands the plaintext on to the frame reader and encrypts every frame it
// sends. The handshake is pure logic (no sockets), so it is tested and fuzzed on its own.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "util/bytes.h"

namespace tonari::netcore {

// Transforms the connection's bytes after the handshake. Used only by the connection's io
// thread. Two kinds fit: a byte-stream cipher (RC4) that changes bytes in place, and a packet
// transport (BIP324) that wraps each frame in a packet of its own and unwraps whole packets.
class StreamCipher {
public:
    virtual ~StreamCipher() = default;
    // One outgoing frame, in queue order, turned into the bytes written for it: changed in
    // place by a byte-stream cipher, replaced by its packet in a packet transport.
    virtual void Encrypt(util::Bytes& frame) = 0;
    // Bytes as read from the socket, in order (the cipher may overwrite them). Appends the
    // plaintext stream they complete to `plain`: all of them for a byte-stream cipher; each
    // whole packet for a packet transport, which keeps a partial one for the next call. A
    // non-empty answer is why the stream cannot go on (a failed tag, a hostile length): the
    // connection is closed with it.
    virtual std::string Decrypt(std::span<uint8_t> incoming, util::Bytes& plain) = 0;
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
    // Once done: an identifier of the encrypted session both ends can compare (BIP324's
    // session id); empty when the protocol has none.
    virtual util::Bytes SessionId() const { return {}; }
    // After an outbound failure: whether to dial the peer again without any handshake (a
    // peer that does not speak the encrypted protocol hangs up on it).
    virtual bool RetryPlain() const = 0;
};

}  // namespace tonari::netcore
