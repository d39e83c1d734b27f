// RC4 key schedule and keystream (the textbook algorithm).
#include "crypto/rc4.h"

#include <utility>

namespace tonari::crypto {

Rc4::Rc4(util::ByteSpan key) {
    for (size_t i = 0; i < 256; ++i) m_s[i] = static_cast<uint8_t>(i);
    if (key.empty()) return;
    uint8_t j = 0;
    for (size_t i = 0; i < 256; ++i) {
        j = static_cast<uint8_t>(j + m_s[i] + key[i % key.size()]);
        std::swap(m_s[i], m_s[j]);
    }
}

void Rc4::Discard(size_t n) {
    uint8_t i = m_i;
    uint8_t j = m_j;
    for (; n > 0; --n) {
        i = static_cast<uint8_t>(i + 1);
        j = static_cast<uint8_t>(j + m_s[i]);
        std::swap(m_s[i], m_s[j]);
    }
    m_i = i;
    m_j = j;
}

void Rc4::Apply(std::span<uint8_t> data) {
    uint8_t i = m_i;
    uint8_t j = m_j;
    for (auto& byte : data) {
        i = static_cast<uint8_t>(i + 1);
        const uint8_t si = m_s[i];
        j = static_cast<uint8_t>(j + si);
        const uint8_t sj = m_s[j];
        m_s[i] = sj;
        m_s[j] = si;
        byte ^= m_s[static_cast<uint8_t>(si + sj)];
    }
    m_i = i;
    m_j = j;
}

}  // namespace tonari::crypto
