// Hole punching (spec "NAT ping packets" and "Hole punching"): the NAT ping a friend answers
// through the nodes that know it, and the addresses we then ping so that our NAT and the
// friend's both let the other's packets in. Pure data and arithmetic; DhtNode runs it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "netcore/peer_network.h"
#include "util/bytes.h"

namespace tonari::tox::dht {

// The first plaintext byte of a NAT ping inside a DHT request packet (c-toxcore's
// CRYPTO_PACKET_NAT_PING), then a type byte and the 8-byte ping id.
inline constexpr uint8_t NAT_PING_KIND = 0xfe;
inline constexpr size_t NAT_PING_SIZE = 10;
// A NAT ping request goes out this often while a friend is unreachable; a punching round is
// made at most this often, and only while the friend's own NAT pings arrived in the last two.
inline constexpr int64_t PUNCH_INTERVAL_US = 3'000'000;
// A friend not punched for this long starts over with the ports nearest those named.
inline constexpr int64_t PUNCH_RESET_US = 40'000'000;
// Pings per round at a symmetric NAT's guessed ports, and per round from port 1024 up once
// MAX_NORMAL_PUNCHING_TRIES rounds failed (c-toxcore's numbers). Each goes to an address the
// friend's close nodes named: the cap bounds what nodes lying about a friend's address can
// make us send at a victim (at most 96 pings every 3 s, and only while the friend itself
// answers our NAT pings).
inline constexpr size_t MAX_PUNCHING_PORTS = 48;
inline constexpr uint32_t MAX_NORMAL_PUNCHING_TRIES = 5;
// The lowest port the second guessing sweep starts from: many symmetric NATs count from it.
inline constexpr uint16_t PUNCH_SWEEP_FIRST_PORT = 1024;

struct NatPing {
    bool response = false;
    uint64_t id = 0;
};
util::Bytes EncodeNatPing(const NatPing& ping);
// `plain` is the DHT request's whole plaintext, NAT_PING_KIND first; none unless it is exactly
// a NAT ping.
std::optional<NatPing> DecodeNatPing(util::ByteSpan plain);

// What one friend's punching has done so far.
struct PunchState {
    uint64_t ping_id = 0;            // the id our next NAT ping request carries
    int64_t ping_sent_us = 0;        // our last NAT ping request
    bool ping_answered = false;      // the friend answered it: a punching round may follow
    int64_t friend_pinged_us = 0;    // the friend's last NAT ping request to us
    int64_t punched_us = 0;          // our last punching round
    uint32_t tries = 0;
    uint32_t index = 0;   // where the guessing around the named ports goes on
    uint32_t index2 = 0;  // where the sweep from port 1024 goes on
};

// The address at least `min_count` of `named` share (the first such one in list order).
std::optional<std::string> CommonAddress(const std::vector<netcore::PeerEndpoint>& named, size_t min_count);

// The ports one punching round pings at the friend's common address, given the ports the
// nodes named there, in c-toxcore's order: one port when all agree (a cone NAT), else
// MAX_PUNCHING_PORTS guesses spreading out from each named port (a symmetric NAT), plus a
// sweep from port 1024 after MAX_NORMAL_PUNCHING_TRIES rounds. Advances `state`.
std::vector<uint16_t> PunchPorts(const std::vector<uint16_t>& named_ports, PunchState& state);

}  // namespace tonari::tox::dht
