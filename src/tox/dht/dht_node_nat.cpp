// The DHT node's hole punching: the addresses a friend's close nodes give for it, NAT pings
// routed through them, and punching rounds at the address most of them agree on.
#include <algorithm>

#include "tox/dht/dht_node.h"

namespace tonari::tox::dht {
namespace {

// The members of a search list that gave an address for its key lately, with that address.
std::vector<const Client*> Returners(const ClientList& list, int64_t now_us) {
    std::vector<const Client*> out;
    for (const auto& c : list.Clients()) {
        if (c.returned && now_us - c.returned_us < BAD_NODE_TIMEOUT_US) out.push_back(&c);
    }
    return out;
}

}  // namespace

bool DhtNode::IsFriendSearch(const PublicKey& key) const {
    return m_searches.count(key) != 0 &&
           std::find(m_random_searches.begin(), m_random_searches.end(), key) == m_random_searches.end();
}

void DhtNode::NoteReturned(const PublicKey& responder, const std::vector<NodeInfo>& nodes, int64_t now_us) {
    for (const auto& n : nodes) {
        auto it = m_searches.find(n.public_key);
        if (it == m_searches.end()) continue;
        for (auto& c : it->second.list.MutableClients()) {
            if (c.node.public_key != responder) continue;
            c.returned = n.endpoint;
            c.returned_us = now_us;
        }
    }
}

std::vector<netcore::PeerEndpoint> DhtNode::ReturnedAddresses(const PublicKey& key) const {
    std::vector<netcore::PeerEndpoint> out;
    auto it = m_searches.find(key);
    if (it == m_searches.end() || it->second.found) return out;
    for (const Client* c : Returners(it->second.list, m_now_us)) out.push_back(*c->returned);
    return out;
}

void DhtNode::HandleNatPing(const PublicKey& sender, const NatPing& ping, int64_t now_us) {
    // Only friends: a NAT ping from anyone else would make us route packets for strangers.
    if (!IsFriendSearch(sender)) {
        ++m_stats.unhandled;
        return;
    }
    Search& search = m_searches.at(sender);
    if (ping.response) {
        if (ping.id == search.punch.ping_id) {
            // The friend is online and searching for us: a punching round may start.
            search.punch.ping_id = m_rng() | 1;
            search.punch.ping_answered = true;
        } else {
            ++m_stats.unsolicited;
        }
        return;
    }
    search.punch.friend_pinged_us = now_us;
    // The answer goes back through one node that knows the friend; with none, it is dropped.
    const auto returners = Returners(search.list, now_us);
    auto key = SharedKey(sender);
    if (returners.empty() || !key) return;
    const Client* via = returners[std::uniform_int_distribution<size_t>(0, returners.size() - 1)(m_rng)];
    Send(via->node.endpoint, DhtRequestPacket(sender, *key, EncodeNatPing({.response = true, .id = ping.id})));
    ++m_stats.nat_pings_answered;
}

void DhtNode::DoNat(int64_t now_us) {
    for (auto& [key, search] : m_searches) {
        // A friend that answers us directly needs no punching; one that fewer than half its
        // close nodes know is probably offline.
        if (search.found || !IsFriendSearch(key)) continue;
        const auto returners = Returners(search.list, now_us);
        if (returners.size() < SEARCH_LIST_SIZE / 2) continue;
        PunchState& punch = search.punch;
        if (punch.ping_sent_us == 0 || now_us - punch.ping_sent_us >= PUNCH_INTERVAL_US) {
            punch.ping_sent_us = now_us;
            if (auto shared = SharedKey(key)) {
                const util::Bytes packet =
                    DhtRequestPacket(key, *shared, EncodeNatPing({.response = false, .id = punch.ping_id}));
                for (const Client* c : returners) Send(c->node.endpoint, packet);
            }
        }
        // Punch only while both sides try: the friend answered our NAT ping and sent its own.
        if (!punch.ping_answered || punch.friend_pinged_us == 0 || now_us - punch.punched_us < PUNCH_INTERVAL_US ||
            now_us - punch.friend_pinged_us > 2 * PUNCH_INTERVAL_US) {
            continue;
        }
        std::vector<netcore::PeerEndpoint> named;
        for (const Client* c : returners) named.push_back(*c->returned);
        // Addresses that disagree are a NAT that cannot be punched or a stale entry: only the
        // one at least half agree on is tried.
        const auto address = CommonAddress(named, SEARCH_LIST_SIZE / 2);
        if (!address) continue;
        if (now_us - punch.punched_us > PUNCH_RESET_US) {
            punch.tries = 0;
            punch.index = 0;
            punch.index2 = 0;
        }
        std::vector<uint16_t> ports;
        for (const auto& e : named) {
            if (e.address == *address) ports.push_back(e.port);
        }
        // Punching may take at most half the requests in flight: unreachable friends must not
        // crowd out the DHT's own requests.
        if (m_pending.size() + 2 * MAX_PUNCHING_PORTS > MAX_PENDING_REQUESTS / 2) continue;
        for (uint16_t port : PunchPorts(ports, punch)) {
            SendPing({.tcp = false, .endpoint = {*address, port}, .public_key = key}, now_us);
            ++m_stats.punch_pings;
        }
        punch.punched_us = now_us;
        punch.ping_answered = false;
    }
}

}  // namespace tonari::tox::dht
