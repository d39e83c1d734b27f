// MseHandshake: BitTorrent's Message Stream Encryption (MSE/PE), both roles, as a netcore
// StreamHandshake. A 768-bit Diffie-Hellman exchange, then RC4 keyed by SHA-1 of the shared
// secret and the torrent's info-hash (SKEY), the first 1,024 bytes of keystream discarded:
//
//   A → B  Ya, PadA
//   B → A  Yb, PadB
//   A → B  HASH('req1', S), HASH('req2', SKEY) xor HASH('req3', S),
//          ENCRYPT(VC, crypto_provide, len(PadC), PadC, len(IA)), ENCRYPT(IA)
//   B → A  ENCRYPT(VC, crypto_select, len(PadD), PadD)
//
// after which both directions are RC4 (crypto_select 0x02) or plain (0x01). A responder also
// takes a plain BitTorrent handshake ("\x13BitTorrent protocol") when its policy allows.
// Policies as Transmission's: `prefer` offers RC4 and, when a dial's handshake fails (a peer
// without MSE hangs up), dials again in plain; as responder it selects RC4 whenever offered.
// `require` offers and accepts RC4 only and refuses plain peers. (`off` means no handshake at
// all: the session installs none.)
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "crypto/rc4.h"
#include "netcore/stream_handshake.h"
#include "util/bytes.h"

namespace tonari::torrent::mse {

using Key20 = std::array<uint8_t, 20>;  // an SKEY: a v1 info-hash or a truncated v2 one

enum class Policy { Off, Prefer, Require };
// "off" | "prefer" | "require"; false if the text is none of them.
bool ParsePolicy(const std::string& text, Policy& out);
const char* PolicyName(Policy policy);

// crypto_provide / crypto_select bits.
constexpr uint32_t CRYPTO_PLAINTEXT = 0x01;
constexpr uint32_t CRYPTO_RC4 = 0x02;
// The group: the 768-bit prime of the MSE specification with generator 2.
constexpr size_t DH_KEY_BYTES = 96;
// Secret exponents of 160 bits, as libtorrent and Transmission use.
constexpr size_t PRIVATE_KEY_BYTES = 20;
// Padding fields of at most 512 bytes (the specification's bound). Past that we stop looking
// for the other side's sync marker: a peer that streams noise cannot make us buffer or scan
// without limit.
constexpr size_t MAX_PAD = 512;
// Keystream thrown away at the start of each RC4 direction (the specification's rule).
constexpr size_t RC4_DISCARD = 1024;

// Where the handshake gets its private key and padding from (the OS generator in use; tests
// and fuzzing pass their own to replay a run).
using RandomSource = std::function<void(std::span<uint8_t>)>;

class MseHandshake final : public netcore::StreamHandshake {
public:
    // The dialling side, for one torrent (its SKEY).
    static std::unique_ptr<MseHandshake> Initiator(Policy policy, const Key20& skey, RandomSource random = {});
    // The listening side: the SKEYs of every torrent it serves (a hybrid has two).
    static std::unique_ptr<MseHandshake> Responder(Policy policy, std::vector<Key20> skeys,
                                                   RandomSource random = {});

    Step Start() override;
    Step Receive(util::ByteSpan bytes) override;
    util::Bytes TakeStreamBytes() override;
    std::unique_ptr<netcore::StreamCipher> TakeCipher() override;
    std::string Transport() const override;
    bool RetryPlain() const override;

private:
    enum class State {
        // initiator
        WaitYb,
        FindVc,
        ReadSelect,
        SkipPadD,
        // responder
        Detect,
        WaitYa,
        FindReq1,
        ReadReq2,
        ReadProvide,
        ReadPadCAndIaLength,
        ReadIa,
        // both
        Done,
        Failed,
    };

    MseHandshake(bool initiator, Policy policy, std::vector<Key20> skeys, RandomSource random);
    Step Advance();
    Step Fail(std::string why);
    // One state's work on m_in; false when it needs more bytes.
    bool StepInitiator(Step& step);
    bool StepResponder(Step& step);
    util::Bytes OurPublicKeyAndPad();
    bool AcceptPeerKey(util::ByteSpan peer_key, std::string& error);
    void SetUpCiphers(const Key20& skey);
    void Finish();
    size_t RandomPadLength();

    const bool m_initiator;
    const Policy m_policy;
    const std::vector<Key20> m_skeys;
    RandomSource m_random;
    State m_state;
    util::Bytes m_in;  // received, not yet consumed
    std::array<uint8_t, PRIVATE_KEY_BYTES> m_private{};
    util::Bytes m_secret;  // S, 96 bytes big-endian
    std::unique_ptr<crypto::Rc4> m_send;
    std::unique_ptr<crypto::Rc4> m_recv;
    util::Bytes m_sync;  // the marker being searched for (encrypted VC or HASH('req1', S))
    uint32_t m_select = 0;
    size_t m_pad_left = 0;
    size_t m_ia_length = 0;
    util::Bytes m_stream;  // decrypted stream bytes past the handshake (IA first)
};

}  // namespace tonari::torrent::mse
