// The MSE state machine. Each role consumes m_in state by state; every search for the other
// side's marker and every length field is bounded by the specification's limits, so a hostile
// peer costs at most a few kilobytes and two modular exponentiations before it is dropped.
#include "torrent/mse/handshake.h"

#include <algorithm>
#include <cstring>

#include "crypto/hmac.h"
#include "crypto/mod_exp.h"
#include "crypto/random.h"
#include "util/hex.h"

namespace tonari::torrent::mse {
namespace {

constexpr const char* PRIME_HEX =
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF"
    "9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090563";
constexpr size_t VC_BYTES = 8;
constexpr size_t HASH_BYTES = 20;
// VC, crypto_provide/select and a two-byte padding length.
constexpr size_t CRYPTO_FIELD_BYTES = VC_BYTES + 4 + 2;
constexpr std::string_view PLAIN_PROTOCOL = "\x13" "BitTorrent protocol";

const util::Bytes& Prime() {
    static const util::Bytes prime = *util::HexDecode(PRIME_HEX);
    return prime;
}

const util::Bytes& PrimeMinusOne() {
    static const util::Bytes p_minus_1 = [] {
        std::string hex = PRIME_HEX;
        hex.back() = '2';  // p ends in 0x63
        return *util::HexDecode(hex);
    }();
    return p_minus_1;
}

Key20 Hash(std::string_view label, util::ByteSpan a, util::ByteSpan b = {}) {
    util::Bytes data(label.begin(), label.end());
    util::Append(data, a);
    util::Append(data, b);
    return crypto::Sha1(data);
}

uint32_t ReadU32(const uint8_t* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

void PutU32(util::Bytes& out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

void PutU16(util::Bytes& out, size_t v) {
    out.push_back(static_cast<uint8_t>(v >> 8));
    out.push_back(static_cast<uint8_t>(v));
}

// Y must lie in [2, p - 2]: 0, 1 and p - 1 force the shared secret to a value anyone knows.
bool UsablePublicKey(util::ByteSpan y) {
    const auto& p = Prime();
    if (std::lexicographical_compare(p.begin(), p.end(), y.begin(), y.end())) return false;  // > p
    const auto& p_minus_1 = PrimeMinusOne();
    if (!std::lexicographical_compare(y.begin(), y.end(), p_minus_1.begin(), p_minus_1.end())) return false;
    const bool small = std::all_of(y.begin(), y.end() - 1, [](uint8_t b) { return b == 0; }) && y.back() < 2;
    return !small;
}

class Rc4Cipher final : public netcore::StreamCipher {
public:
    Rc4Cipher(crypto::Rc4 send, crypto::Rc4 recv) : m_send(send), m_recv(recv) {}
    void Encrypt(util::Bytes& outgoing) override { m_send.Apply(outgoing); }
    std::string Decrypt(std::span<uint8_t> incoming, util::Bytes& plain) override {
        m_recv.Apply(incoming);
        plain.insert(plain.end(), incoming.begin(), incoming.end());
        return {};
    }

private:
    crypto::Rc4 m_send;
    crypto::Rc4 m_recv;
};

}  // namespace

bool ParsePolicy(const std::string& text, Policy& out) {
    if (text == "off") {
        out = Policy::Off;
    } else if (text == "prefer") {
        out = Policy::Prefer;
    } else if (text == "require") {
        out = Policy::Require;
    } else {
        return false;
    }
    return true;
}

const char* PolicyName(Policy policy) {
    switch (policy) {
        case Policy::Off: return "off";
        case Policy::Prefer: return "prefer";
        case Policy::Require: return "require";
    }
    return "?";
}

std::unique_ptr<MseHandshake> MseHandshake::Initiator(Policy policy, const Key20& skey, RandomSource random) {
    return std::unique_ptr<MseHandshake>(new MseHandshake(true, policy, {skey}, std::move(random)));
}

std::unique_ptr<MseHandshake> MseHandshake::Responder(Policy policy, std::vector<Key20> skeys, RandomSource random) {
    return std::unique_ptr<MseHandshake>(new MseHandshake(false, policy, std::move(skeys), std::move(random)));
}

MseHandshake::MseHandshake(bool initiator, Policy policy, std::vector<Key20> skeys, RandomSource random)
    : m_initiator(initiator),
      m_policy(policy),
      m_skeys(std::move(skeys)),
      m_random(random ? std::move(random) : RandomSource([](std::span<uint8_t> out) { crypto::RandomBytes(out); })),
      m_state(initiator ? State::WaitYb : State::Detect) {
    m_random(m_private);
}

size_t MseHandshake::RandomPadLength() {
    std::array<uint8_t, 2> r{};
    m_random(r);
    return ((size_t{r[0]} << 8) | r[1]) % (MAX_PAD + 1);
}

util::Bytes MseHandshake::OurPublicKeyAndPad() {
    const util::Bytes generator{2};
    auto y = crypto::ModExp(generator, m_private, Prime());
    if (!y) return {};
    util::Bytes out = std::move(*y);
    util::Bytes pad(RandomPadLength());
    m_random(pad);
    util::Append(out, pad);
    return out;
}

bool MseHandshake::AcceptPeerKey(util::ByteSpan peer_key, std::string& error) {
    if (!UsablePublicKey(peer_key)) {
        error = "a degenerate Diffie-Hellman key";
        return false;
    }
    auto secret = crypto::ModExp(peer_key, m_private, Prime());
    if (!secret) {
        error = secret.error();
        return false;
    }
    m_secret = std::move(*secret);
    return true;
}

void MseHandshake::SetUpCiphers(const Key20& skey) {
    const auto key_a = Hash("keyA", m_secret, skey);
    const auto key_b = Hash("keyB", m_secret, skey);
    m_send = std::make_unique<crypto::Rc4>(m_initiator ? key_a : key_b);
    m_recv = std::make_unique<crypto::Rc4>(m_initiator ? key_b : key_a);
    m_send->Discard(RC4_DISCARD);
    m_recv->Discard(RC4_DISCARD);
}

netcore::StreamHandshake::Step MseHandshake::Fail(std::string why) {
    m_state = State::Failed;
    Step step;
    step.error = std::move(why);
    return step;
}

netcore::StreamHandshake::Step MseHandshake::Start() {
    if (!m_initiator) return {};
    auto hello = OurPublicKeyAndPad();
    if (hello.empty()) return Fail("cannot make a Diffie-Hellman key");
    Step step;
    step.send = std::move(hello);
    return step;
}

netcore::StreamHandshake::Step MseHandshake::Receive(util::ByteSpan bytes) {
    if (m_state == State::Failed) return Fail("the handshake already failed");
    if (m_state == State::Done) {
        // Only reachable if a caller keeps feeding after done: the bytes are stream bytes.
        util::Bytes more(bytes.begin(), bytes.end());
        if (m_recv && m_select == CRYPTO_RC4) m_recv->Apply(more);
        util::Append(m_stream, more);
        Step done;
        done.done = true;
        return done;
    }
    util::Append(m_in, bytes);
    return Advance();
}

netcore::StreamHandshake::Step MseHandshake::Advance() {
    Step step;
    while (m_state != State::Done && m_state != State::Failed) {
        const bool progressed = m_initiator ? StepInitiator(step) : StepResponder(step);
        if (!step.error.empty()) {
            m_state = State::Failed;
            return step;
        }
        if (!progressed) break;
    }
    step.done = m_state == State::Done;
    return step;
}

bool MseHandshake::StepInitiator(Step& step) {
    switch (m_state) {
        case State::WaitYb: {
            if (m_in.size() < DH_KEY_BYTES) return false;
            if (!AcceptPeerKey(util::ByteSpan(m_in.data(), DH_KEY_BYTES), step.error)) return false;
            m_in.erase(m_in.begin(), m_in.begin() + DH_KEY_BYTES);
            const Key20& skey = m_skeys.front();
            SetUpCiphers(skey);
            const auto req1 = Hash("req1", m_secret);
            const auto req2 = Hash("req2", skey);
            const auto req3 = Hash("req3", m_secret);
            util::Append(step.send, req1);
            for (size_t i = 0; i < HASH_BYTES; ++i) step.send.push_back(req2[i] ^ req3[i]);
            util::Bytes crypto(VC_BYTES, 0);
            PutU32(crypto, m_policy == Policy::Require || m_policy == Policy::Prefer ? CRYPTO_RC4
                                                                                       : CRYPTO_PLAINTEXT);
            const size_t pad_c = RandomPadLength();
            PutU16(crypto, pad_c);
            util::Bytes pad(pad_c);
            m_random(pad);
            util::Append(crypto, pad);
            PutU16(crypto, 0);  // no initial payload: the BitTorrent handshake follows as stream
            m_send->Apply(crypto);
            util::Append(step.send, crypto);
            // The marker: VC as the responder's first encrypted bytes.
            crypto::Rc4 peek = *m_recv;
            m_sync.assign(VC_BYTES, 0);
            peek.Apply(m_sync);
            m_state = State::FindVc;
            return true;
        }
        case State::FindVc: {
            const auto found = std::search(m_in.begin(), m_in.end(), m_sync.begin(), m_sync.end());
            if (found == m_in.end()) {
                if (m_in.size() >= MAX_PAD + VC_BYTES) step.error = "no verification constant within 512 bytes of padding";
                return false;
            }
            if (static_cast<size_t>(found - m_in.begin()) > MAX_PAD) {
                step.error = "padding longer than 512 bytes";
                return false;
            }
            m_in.erase(m_in.begin(), found);  // PadB
            m_state = State::ReadSelect;
            return true;
        }
        case State::ReadSelect: {
            if (m_in.size() < CRYPTO_FIELD_BYTES) return false;
            m_recv->Apply(std::span<uint8_t>(m_in.data(), CRYPTO_FIELD_BYTES));
            m_select = ReadU32(m_in.data() + VC_BYTES);
            m_pad_left = (size_t{m_in[VC_BYTES + 4]} << 8) | m_in[VC_BYTES + 5];
            m_in.erase(m_in.begin(), m_in.begin() + CRYPTO_FIELD_BYTES);
            const uint32_t offered = m_policy == Policy::Off ? CRYPTO_PLAINTEXT : CRYPTO_RC4;
            if (m_select != CRYPTO_RC4 && m_select != CRYPTO_PLAINTEXT) {
                step.error = "the peer selected an unknown crypto method";
                return false;
            }
            if ((m_select & offered) == 0) {
                step.error = "the peer selected a crypto method we did not offer";
                return false;
            }
            if (m_pad_left > MAX_PAD) {
                step.error = "padding longer than 512 bytes";
                return false;
            }
            m_state = State::SkipPadD;
            return true;
        }
        case State::SkipPadD: {
            if (m_in.size() < m_pad_left) return false;
            m_recv->Apply(std::span<uint8_t>(m_in.data(), m_pad_left));
            m_in.erase(m_in.begin(), m_in.begin() + static_cast<ptrdiff_t>(m_pad_left));
            Finish();
            return true;
        }
        default:
            return false;
    }
}

bool MseHandshake::StepResponder(Step& step) {
    switch (m_state) {
        case State::Detect: {
            const size_t n = std::min(m_in.size(), PLAIN_PROTOCOL.size());
            if (n == 0) return false;
            if (std::memcmp(m_in.data(), PLAIN_PROTOCOL.data(), n) != 0) {
                m_state = State::WaitYa;
                return true;
            }
            if (n < PLAIN_PROTOCOL.size()) return false;
            if (m_policy == Policy::Require) {
                step.error = "a plain BitTorrent handshake, and encryption is required";
                return false;
            }
            m_select = CRYPTO_PLAINTEXT;
            m_stream = std::move(m_in);
            m_in.clear();
            m_state = State::Done;
            return true;
        }
        case State::WaitYa: {
            if (m_in.size() < DH_KEY_BYTES) return false;
            if (!AcceptPeerKey(util::ByteSpan(m_in.data(), DH_KEY_BYTES), step.error)) return false;
            m_in.erase(m_in.begin(), m_in.begin() + DH_KEY_BYTES);
            auto hello = OurPublicKeyAndPad();
            if (hello.empty()) {
                step.error = "cannot make a Diffie-Hellman key";
                return false;
            }
            util::Append(step.send, hello);
            const auto req1 = Hash("req1", m_secret);
            m_sync.assign(req1.begin(), req1.end());
            m_state = State::FindReq1;
            return true;
        }
        case State::FindReq1: {
            const auto found = std::search(m_in.begin(), m_in.end(), m_sync.begin(), m_sync.end());
            if (found == m_in.end()) {
                if (m_in.size() >= MAX_PAD + HASH_BYTES) step.error = "no HASH('req1', S) within 512 bytes of padding";
                return false;
            }
            if (static_cast<size_t>(found - m_in.begin()) > MAX_PAD) {
                step.error = "padding longer than 512 bytes";
                return false;
            }
            m_in.erase(m_in.begin(), found + HASH_BYTES);
            m_state = State::ReadReq2;
            return true;
        }
        case State::ReadReq2: {
            if (m_in.size() < HASH_BYTES) return false;
            const auto req3 = Hash("req3", m_secret);
            Key20 wanted{};
            for (size_t i = 0; i < HASH_BYTES; ++i) wanted[i] = m_in[i] ^ req3[i];
            m_in.erase(m_in.begin(), m_in.begin() + HASH_BYTES);
            const auto match = std::find_if(m_skeys.begin(), m_skeys.end(),
                                            [&](const Key20& skey) { return Hash("req2", skey) == wanted; });
            if (match == m_skeys.end()) {
                step.error = "the peer asked for a torrent we do not serve";
                return false;
            }
            SetUpCiphers(*match);
            m_state = State::ReadProvide;
            return true;
        }
        case State::ReadProvide: {
            if (m_in.size() < CRYPTO_FIELD_BYTES) return false;
            m_recv->Apply(std::span<uint8_t>(m_in.data(), CRYPTO_FIELD_BYTES));
            const bool vc_zero = std::all_of(m_in.begin(), m_in.begin() + VC_BYTES, [](uint8_t b) { return b == 0; });
            const uint32_t provide = ReadU32(m_in.data() + VC_BYTES);
            m_pad_left = (size_t{m_in[VC_BYTES + 4]} << 8) | m_in[VC_BYTES + 5];
            m_in.erase(m_in.begin(), m_in.begin() + CRYPTO_FIELD_BYTES);
            if (!vc_zero) {
                step.error = "a wrong verification constant";
                return false;
            }
            if (m_pad_left > MAX_PAD) {
                step.error = "padding longer than 512 bytes";
                return false;
            }
            if ((provide & CRYPTO_RC4) != 0) {
                m_select = CRYPTO_RC4;
            } else if ((provide & CRYPTO_PLAINTEXT) != 0 && m_policy != Policy::Require) {
                m_select = CRYPTO_PLAINTEXT;
            } else {
                step.error = m_policy == Policy::Require ? "the peer does not offer RC4, and encryption is required"
                                                        : "the peer offers no crypto method we know";
                return false;
            }
            m_state = State::ReadPadCAndIaLength;
            return true;
        }
        case State::ReadPadCAndIaLength: {
            if (m_in.size() < m_pad_left + 2) return false;
            m_recv->Apply(std::span<uint8_t>(m_in.data(), m_pad_left + 2));
            m_ia_length = (size_t{m_in[m_pad_left]} << 8) | m_in[m_pad_left + 1];
            m_in.erase(m_in.begin(), m_in.begin() + static_cast<ptrdiff_t>(m_pad_left + 2));
            m_state = State::ReadIa;
            return true;
        }
        case State::ReadIa: {
            if (m_in.size() < m_ia_length) return false;
            // The initial payload is RC4 even when plain was selected.
            m_recv->Apply(std::span<uint8_t>(m_in.data(), m_ia_length));
            util::Bytes reply(VC_BYTES, 0);
            PutU32(reply, m_select);
            const size_t pad_d = RandomPadLength();
            PutU16(reply, pad_d);
            util::Bytes pad(pad_d);
            m_random(pad);
            util::Append(reply, pad);
            m_send->Apply(reply);
            util::Append(step.send, reply);
            m_stream.assign(m_in.begin(), m_in.begin() + static_cast<ptrdiff_t>(m_ia_length));
            m_in.erase(m_in.begin(), m_in.begin() + static_cast<ptrdiff_t>(m_ia_length));
            Finish();
            return true;
        }
        default:
            return false;
    }
}

void MseHandshake::Finish() {
    if (m_select == CRYPTO_RC4) m_recv->Apply(m_in);
    util::Append(m_stream, m_in);
    m_in.clear();
    m_state = State::Done;
}

util::Bytes MseHandshake::TakeStreamBytes() { return std::move(m_stream); }

std::unique_ptr<netcore::StreamCipher> MseHandshake::TakeCipher() {
    if (m_state != State::Done || m_select != CRYPTO_RC4 || !m_send || !m_recv) return nullptr;
    return std::make_unique<Rc4Cipher>(*m_send, *m_recv);
}

std::string MseHandshake::Transport() const {
    if (m_state != State::Done) return "none";
    if (m_select == CRYPTO_RC4) return "rc4";
    return m_initiator || m_recv ? "mse-plaintext" : "plaintext";
}

bool MseHandshake::RetryPlain() const { return m_initiator && m_policy == Policy::Prefer; }

}  // namespace tonari::torrent::mse
