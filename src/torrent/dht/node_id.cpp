// Node-id arithmetic and BEP 42.
#include "torrent/dht/node_id.h"

#include <arpa/inet.h>

#include "netcore/address_scope.h"
#include "util/crc32c.h"
#include "util/hex.h"

namespace tonari::torrent::dht {
namespace {

// BEP 42's masks: the bits of the address that count, so a node may move within its /22
// (IPv4) or its /38-ish (IPv6) network without a new id, but not pick from many networks.
constexpr std::array<uint8_t, 4> V4_MASK = {0x03, 0x0f, 0x3f, 0xff};
constexpr std::array<uint8_t, 8> V6_MASK = {0x01, 0x03, 0x07, 0x0f, 0x1f, 0x3f, 0x7f, 0xff};

// The 32-bit CRC BEP 42 takes over the masked address with r in its top bits.
bool Bep42Crc(const std::string& ip, uint8_t rand, uint32_t& crc) {
    const uint8_t r = rand & 0x07;
    std::array<uint8_t, 16> address{};
    if (inet_pton(AF_INET, ip.c_str(), address.data()) == 1) {
        std::array<uint8_t, 4> masked{};
        for (size_t i = 0; i < 4; ++i) masked[i] = address[i] & V4_MASK[i];
        masked[0] |= static_cast<uint8_t>(r << 5);
        crc = util::Crc32c(masked);
        return true;
    }
    if (inet_pton(AF_INET6, ip.c_str(), address.data()) == 1) {
        std::array<uint8_t, 8> masked{};
        for (size_t i = 0; i < 8; ++i) masked[i] = address[i] & V6_MASK[i];
        masked[0] |= static_cast<uint8_t>(r << 5);
        crc = util::Crc32c(masked);
        return true;
    }
    return false;
}

}  // namespace

NodeId Xor(const NodeId& a, const NodeId& b) {
    NodeId out{};
    for (size_t i = 0; i < out.size(); ++i) out[i] = a[i] ^ b[i];
    return out;
}

bool Closer(const NodeId& target, const NodeId& a, const NodeId& b) {
    for (size_t i = 0; i < target.size(); ++i) {
        const uint8_t da = a[i] ^ target[i];
        const uint8_t db = b[i] ^ target[i];
        if (da != db) return da < db;
    }
    return false;
}

int CommonPrefixBits(const NodeId& a, const NodeId& b) {
    for (size_t i = 0; i < a.size(); ++i) {
        const uint8_t x = a[i] ^ b[i];
        if (x == 0) continue;
        int bits = static_cast<int>(i) * 8;
        for (uint8_t mask = 0x80; (x & mask) == 0; mask >>= 1) ++bits;
        return bits;
    }
    return 160;
}

NodeId RandomIdInBucket(const NodeId& base, int bits, const RandomSource& random) {
    NodeId id{};
    random(id);
    for (int i = 0; i < bits; ++i) {
        const uint8_t mask = static_cast<uint8_t>(0x80 >> (i % 8));
        id[i / 8] = static_cast<uint8_t>((id[i / 8] & ~mask) | (base[i / 8] & mask));
    }
    if (bits < 160) {
        const uint8_t mask = static_cast<uint8_t>(0x80 >> (bits % 8));
        id[bits / 8] = static_cast<uint8_t>((id[bits / 8] & ~mask) | (~base[bits / 8] & mask));
    }
    return id;
}

NodeId NodeIdForAddress(const std::string& ip, uint8_t rand, const RandomSource& random) {
    NodeId id{};
    random(id);
    uint32_t crc = 0;
    if (!Bep42Crc(ip, rand, crc)) return id;
    id[0] = static_cast<uint8_t>(crc >> 24);
    id[1] = static_cast<uint8_t>(crc >> 16);
    id[2] = static_cast<uint8_t>(((crc >> 8) & 0xf8) | (id[2] & 0x07));
    id[19] = rand;
    return id;
}

bool NodeIdMatchesAddress(const NodeId& id, const std::string& ip) {
    if (netcore::IsLocalAddress(ip)) return true;
    uint32_t crc = 0;
    if (!Bep42Crc(ip, id[19], crc)) return true;
    return id[0] == static_cast<uint8_t>(crc >> 24) && id[1] == static_cast<uint8_t>(crc >> 16) &&
           (id[2] & 0xf8) == (static_cast<uint8_t>(crc >> 8) & 0xf8);
}

std::string ToHex(const NodeId& id) { return util::HexEncode(id); }

}  // namespace tonari::torrent::dht
