// Announce tokens (BEP 5): a get_peers answer carries a token the asker must return with its
// announce_peer, proving it receives packets at the address it claims — so nobody can
// announce someone else's address into the swarm. token = SHA-1(secret, IP) cut to 8 bytes;
// the secret changes every 5 minutes and the previous one is still accepted.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "torrent/dht/node_id.h"

namespace tonari::torrent::dht {

inline constexpr int64_t TOKEN_ROTATION_US = 5LL * 60 * 1'000'000;
inline constexpr size_t TOKEN_SIZE = 8;

class TokenKeeper {
public:
    explicit TokenKeeper(RandomSource random);
    std::string Make(const std::string& ip, int64_t now_us);
    bool Check(const std::string& token, const std::string& ip, int64_t now_us);

private:
    void Rotate(int64_t now_us);
    std::string For(const std::array<uint8_t, 20>& secret, const std::string& ip) const;

    RandomSource m_random;
    std::array<uint8_t, 20> m_current{};
    std::array<uint8_t, 20> m_previous{};
    int64_t m_rotated_us = -1;
};

}  // namespace tonari::torrent::dht
