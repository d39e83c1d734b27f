// TokenKeeper: rotating secrets and SHA-1 tokens.
#include "torrent/dht/token_keeper.h"

#include "crypto/hmac.h"
#include "util/bytes.h"

namespace tonari::torrent::dht {

TokenKeeper::TokenKeeper(RandomSource random) : m_random(std::move(random)) {
    m_random(m_current);
    m_random(m_previous);
}

void TokenKeeper::Rotate(int64_t now_us) {
    if (m_rotated_us < 0) {
        m_rotated_us = now_us;
        return;
    }
    if (now_us - m_rotated_us < TOKEN_ROTATION_US) return;
    m_previous = m_current;
    m_random(m_current);
    if (now_us - m_rotated_us >= 2 * TOKEN_ROTATION_US) m_random(m_previous);  // both expired
    m_rotated_us = now_us;
}

std::string TokenKeeper::For(const std::array<uint8_t, 20>& secret, const std::string& ip) const {
    util::Bytes data(secret.begin(), secret.end());
    util::Append(data, util::AsBytes(ip));
    const auto digest = crypto::Sha1(data);
    return std::string(reinterpret_cast<const char*>(digest.data()), TOKEN_SIZE);
}

std::string TokenKeeper::Make(const std::string& ip, int64_t now_us) {
    Rotate(now_us);
    return For(m_current, ip);
}

bool TokenKeeper::Check(const std::string& token, const std::string& ip, int64_t now_us) {
    Rotate(now_us);
    return token == For(m_current, ip) || token == For(m_previous, ip);
}

}  // namespace tonari::torrent::dht
