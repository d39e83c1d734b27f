// Where a node with an empty address table finds its first peers: Bitcoin Core's DNS seeds
// (host names whose A/AAAA answers are currently reachable nodes) and a short list of fixed
// seed addresses (nodes that were reliable when the list was made), per network. Regtest has
// neither: it never reaches outside loopback unless told to.
//
// Seeder decides when to use them, as Core does: DNS seeds at once when the table is empty,
// otherwise after 11 s (5 minutes with 1,000 addresses or more) and only while fewer than two
// outbound connections are up, three seeds per round; fixed seeds when the table is still
// empty a minute after start, or at once when neither DNS seeds nor -addnode/-seednode can help.
// Plain values; single thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "bitcoin/encoding/network.h"

namespace tonari::bitcoin::p2p {

struct NetworkSeeds {
    std::vector<std::string_view> dns;    // host names, queried at the network's default port
    std::vector<std::string_view> fixed;  // "ip:port" / "[ipv6]:port"
};
const NetworkSeeds& SeedsFor(encoding::Network network);

// Wait before DNS seeding when the address table already has entries: connections from it
// usually come up first, and every DNS query tells a seed operator that we run a node.
inline constexpr int64_t DNS_SEED_DELAY_US = 11'000'000;
// With a well-filled table the wait is longer still (Core: 5 minutes past 1,000 addresses).
inline constexpr size_t DNS_SEED_MANY_ADDRESSES = 1'000;
inline constexpr int64_t DNS_SEED_DELAY_MANY_US = 300'000'000;
// Seeds asked per round; the next round waits DNS_SEED_DELAY_US and is skipped once enough
// outbound peers are up, so as few operators as needed learn about us.
inline constexpr size_t DNS_SEEDS_PER_ROUND = 3;
// Outbound connections that make (more) DNS seeding unnecessary.
inline constexpr int DNS_SEED_ENOUGH_OUTBOUND = 2;
// Fixed seeds are a fallback used only after this long with an empty table (at once when
// neither DNS seeds nor -addnode/-seednode could help).
inline constexpr int64_t FIXED_SEED_DELAY_US = 60'000'000;
// Addresses taken from one DNS answer: a hostile resolver cannot flood the address table.
inline constexpr size_t MAX_ADDRESSES_PER_DNS_SEED = 256;

class Seeder {
public:
    enum class Action { None, QueryDns, AddFixed };
    struct Step {
        Action action = Action::None;
        std::vector<std::string_view> hosts;  // for QueryDns
    };

    // `use_dns` (-dnsseed) and `use_fixed` (-fixedseeds) apply only with automatic outbound
    // connections (no -connect); `other_sources`: -addnode or -seednode peers were given.
    // `seeds` may be empty (regtest); DNS seeds are asked in the given order.
    Seeder(NetworkSeeds seeds, bool use_dns, bool use_fixed, bool automatic_outbound, bool other_sources,
           int64_t start_us);

    // What to do now, given the address table size and the outbound peers connected.
    Step Next(int64_t now_us, size_t known_addresses, int outbound_connected);

    const NetworkSeeds& Seeds() const { return m_seeds; }

private:
    NetworkSeeds m_seeds;
    size_t m_next_seed = 0;       // DNS seeds before this one have been asked (or skipped)
    int64_t m_next_dns_us = -1;   // -1: not scheduled yet (decided on the first call)
    bool m_fixed_pending;
    bool m_fixed_at_once;
    int64_t m_start_us;
};

}  // namespace tonari::bitcoin::p2p
