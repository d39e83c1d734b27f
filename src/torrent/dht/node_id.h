// DHT node ids (160 bits, the same space as info-hashes): XOR distance, ordering by closeness
// to a target, and BEP 42's rule tying an id to its node's IP address (so that an attacker
// cannot pick ids next to a target info-hash from one machine).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "netcore/address_scope.h"

namespace tonari::torrent::dht {

using NodeId = std::array<uint8_t, 20>;
using RandomSource = std::function<void(std::span<uint8_t>)>;

NodeId Xor(const NodeId& a, const NodeId& b);
// True when a is strictly closer to target than b (XOR metric).
bool Closer(const NodeId& target, const NodeId& a, const NodeId& b);
// Leading bits a and b share (0..160).
int CommonPrefixBits(const NodeId& a, const NodeId& b);
// An id sharing exactly `bits` leading bits with `base` (bits < 160), the rest random: a
// target inside one bucket, for refreshing it.
NodeId RandomIdInBucket(const NodeId& base, int bits, const RandomSource& random);

// BEP 42 exempts the addresses netcore::IsLocalAddress names (loopback, private, link-local,
// unique-local): only nodes at public addresses must match.
using netcore::IsLocalAddress;
// BEP 42: an id for this IP with the given random byte; the remaining bits from `random`.
// For a non-literal address the whole id is random.
NodeId NodeIdForAddress(const std::string& ip, uint8_t rand, const RandomSource& random);
// BEP 42: the id's first 21 bits match the CRC-32C of the masked IP and the id's last byte.
// Local addresses always pass.
bool NodeIdMatchesAddress(const NodeId& id, const std::string& ip);

std::string ToHex(const NodeId& id);

}  // namespace tonari::torrent::dht
