// Inbound eviction (Core's SelectNodeToEvict): when every inbound slot is taken and another
// peer connects, one inbound peer makes room — never one that is useful or hard to replace.
// An attacker who opens many connections should end up evicting only their own: peers are
// protected for a diverse network group, a low ping, recently relaying us new transactions or
// blocks, and long uptime; among the rest, the youngest peer of the most crowded network
// group goes.
//
// A pure function over snapshots; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace tonari::bitcoin::p2p {

struct EvictionCandidate {
    uint64_t id = 0;
    int64_t connected_us = 0;          // when the connection opened
    int64_t min_ping_us = INT64_MAX;   // best round trip seen; INT64_MAX when none yet
    int64_t last_block_us = 0;         // last time it gave us a new valid block; 0: never
    int64_t last_tx_us = 0;            // last time it gave us a transaction we accepted; 0: never
    bool relays_txs = false;
    bool relevant_services = false;    // offers NODE_NETWORK | NODE_WITNESS
    bool is_local = false;             // loopback: how Tor and I2P peers reach us, hard to replace
    uint64_t keyed_netgroup = 0;       // NetGroup hashed with our secret key
    bool prefer_evict = false;         // discouraged: goes first among the unprotected
};

// Counts protected per characteristic, as in Bitcoin Core.
inline constexpr size_t EVICTION_PROTECT_NETGROUP = 4;
inline constexpr size_t EVICTION_PROTECT_PING = 8;
inline constexpr size_t EVICTION_PROTECT_TX = 4;
inline constexpr size_t EVICTION_PROTECT_BLOCK_RELAY_ONLY = 8;
inline constexpr size_t EVICTION_PROTECT_BLOCK = 4;

// The peer to disconnect, or nothing when every candidate is protected (then the newcomer is
// the one turned away).
std::optional<uint64_t> SelectPeerToEvict(std::vector<EvictionCandidate> candidates);

// The network group of a textual IP address: IPv4 /16, IPv6 /32, one group for all loopback
// and one for anything unparsable. Connections from one group are cheap to make in bulk.
std::vector<uint8_t> NetGroup(std::string_view address);

}  // namespace tonari::bitcoin::p2p
