// Inbound eviction choice; see eviction.h. Each protection step sorts the candidates so the
// most deserving are last, then removes up to k of them from the end.
#include "bitcoin/p2p/eviction.h"

#include <algorithm>
#include <functional>
#include <map>

#include "bitcoin/wire/net_address.h"

namespace tonari::bitcoin::p2p {
namespace {

using Candidates = std::vector<EvictionCandidate>;
using Less = std::function<bool(const EvictionCandidate&, const EvictionCandidate&)>;

void ProtectLast(Candidates& c, const Less& less, size_t k,
                 const std::function<bool(const EvictionCandidate&)>& eligible = nullptr) {
    std::sort(c.begin(), c.end(), less);
    size_t removed = 0;
    for (auto it = c.end(); it != c.begin() && removed < k;) {
        --it;
        if (eligible && !eligible(*it)) continue;
        it = c.erase(it);
        ++removed;
    }
}

bool Younger(const EvictionCandidate& a, const EvictionCandidate& b) { return a.connected_us > b.connected_us; }

// Half of what is left survives by uptime; a quarter is reserved for loopback peers, which
// would otherwise lose to clearnet peers that are merely older.
void ProtectByUptime(Candidates& c) {
    const size_t total = c.size() / 2;
    const size_t before = c.size();
    ProtectLast(c, Younger, c.size() / 4, [](const EvictionCandidate& e) { return e.is_local; });
    ProtectLast(c, Younger, total - (before - c.size()));
}

}  // namespace

std::optional<uint64_t> SelectPeerToEvict(Candidates c) {
    // Ties go to the older connection throughout, so the choice is deterministic.
    ProtectLast(c,
                [](const auto& a, const auto& b) {
                    if (a.keyed_netgroup != b.keyed_netgroup) return a.keyed_netgroup < b.keyed_netgroup;
                    return Younger(a, b);
                },
                EVICTION_PROTECT_NETGROUP);
    ProtectLast(c,
                [](const auto& a, const auto& b) {
                    if (a.min_ping_us != b.min_ping_us) return a.min_ping_us > b.min_ping_us;
                    return Younger(a, b);
                },
                EVICTION_PROTECT_PING);
    ProtectLast(c,
                [](const auto& a, const auto& b) {
                    if (a.last_tx_us != b.last_tx_us) return a.last_tx_us < b.last_tx_us;
                    if (a.relays_txs != b.relays_txs) return b.relays_txs;
                    return Younger(a, b);
                },
                EVICTION_PROTECT_TX);
    ProtectLast(c,
                [](const auto& a, const auto& b) {
                    if (a.relays_txs != b.relays_txs) return a.relays_txs;
                    if (a.last_block_us != b.last_block_us) return a.last_block_us < b.last_block_us;
                    if (a.relevant_services != b.relevant_services) return b.relevant_services;
                    return Younger(a, b);
                },
                EVICTION_PROTECT_BLOCK_RELAY_ONLY,
                [](const auto& e) { return !e.relays_txs && e.relevant_services; });
    ProtectLast(c,
                [](const auto& a, const auto& b) {
                    if (a.last_block_us != b.last_block_us) return a.last_block_us < b.last_block_us;
                    if (a.relevant_services != b.relevant_services) return b.relevant_services;
                    return Younger(a, b);
                },
                EVICTION_PROTECT_BLOCK);
    ProtectByUptime(c);
    if (c.empty()) return std::nullopt;
    // Discouraged peers that were let in while slots were free go before anyone else.
    if (std::any_of(c.begin(), c.end(), [](const auto& e) { return e.prefer_evict; })) {
        std::erase_if(c, [](const auto& e) { return !e.prefer_evict; });
    }
    // The most crowded network group (ties: the one with the most recent arrival) loses its
    // youngest member.
    std::map<uint64_t, std::vector<const EvictionCandidate*>> groups;
    for (const auto& e : c) groups[e.keyed_netgroup].push_back(&e);
    const EvictionCandidate* victim = nullptr;
    size_t best_size = 0;
    for (auto& [group, members] : groups) {
        const EvictionCandidate* youngest = *std::min_element(
            members.begin(), members.end(), [](const auto* a, const auto* b) { return Younger(*a, *b); });
        if (members.size() > best_size ||
            (members.size() == best_size && youngest->connected_us > victim->connected_us)) {
            best_size = members.size();
            victim = youngest;
        }
    }
    return victim->id;
}

std::vector<uint8_t> NetGroup(std::string_view address) {
    const auto parsed = wire::NetAddress::Parse(address, 0);
    if (!parsed) return {0xff};
    if (parsed->IsLocal()) return {0x00};
    const size_t prefix = parsed->IsIPv4() ? 2 : 4;  // /16 or /32
    std::vector<uint8_t> out{static_cast<uint8_t>(parsed->net)};
    out.insert(out.end(), parsed->addr.begin(), parsed->addr.begin() + std::min(prefix, parsed->addr.size()));
    return out;
}

}  // namespace tonari::bitcoin::p2p
