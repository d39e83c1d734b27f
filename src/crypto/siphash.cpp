// SipHash-2-4 (Aumasson and Bernstein, 2012): two compression rounds per 8-byte word, four
// finalization rounds, over little-endian words.
#include "crypto/siphash.h"

#include <bit>

namespace tonari::crypto {
namespace {

class SipState {
public:
    SipState(uint64_t k0, uint64_t k1)
        : m_v0(k0 ^ 0x736f6d6570736575ULL),
          m_v1(k1 ^ 0x646f72616e646f6dULL),
          m_v2(k0 ^ 0x6c7967656e657261ULL),
          m_v3(k1 ^ 0x7465646279746573ULL) {}

    void Absorb(uint64_t m) {
        m_v3 ^= m;
        Round();
        Round();
        m_v0 ^= m;
    }

    uint64_t Finish() {
        m_v2 ^= 0xff;
        Round();
        Round();
        Round();
        Round();
        return m_v0 ^ m_v1 ^ m_v2 ^ m_v3;
    }

private:
    void Round() {
        m_v0 += m_v1;
        m_v1 = std::rotl(m_v1, 13);
        m_v1 ^= m_v0;
        m_v0 = std::rotl(m_v0, 32);
        m_v2 += m_v3;
        m_v3 = std::rotl(m_v3, 16);
        m_v3 ^= m_v2;
        m_v0 += m_v3;
        m_v3 = std::rotl(m_v3, 21);
        m_v3 ^= m_v0;
        m_v2 += m_v1;
        m_v1 = std::rotl(m_v1, 17);
        m_v1 ^= m_v2;
        m_v2 = std::rotl(m_v2, 32);
    }

    uint64_t m_v0, m_v1, m_v2, m_v3;
};

uint64_t ReadLe64(const uint8_t* p, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= uint64_t{p[i]} << (8 * i);
    return v;
}

}  // namespace

uint64_t SipHash24(uint64_t k0, uint64_t k1, util::ByteSpan data) {
    SipState s(k0, k1);
    const size_t words = data.size() / 8;
    for (size_t i = 0; i < words; ++i) s.Absorb(ReadLe64(data.data() + 8 * i, 8));
    // Last word: the remaining 0-7 bytes, with the message length (mod 256) in the top byte.
    const size_t tail = data.size() % 8;
    const uint64_t last = (uint64_t{data.size()} << 56) | ReadLe64(data.data() + 8 * words, tail);
    s.Absorb(last);
    return s.Finish();
}

uint64_t SipHash24Uint256(uint64_t k0, uint64_t k1, const util::Uint256& v) {
    SipState s(k0, k1);
    s.Absorb(v.GetUint64(0));
    s.Absorb(v.GetUint64(1));
    s.Absorb(v.GetUint64(2));
    s.Absorb(v.GetUint64(3));
    s.Absorb(uint64_t{32} << 56);  // length 32, no tail bytes
    return s.Finish();
}

}  // namespace tonari::crypto
