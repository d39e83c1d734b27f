// One iterative lookup (BEP 5, Kademlia): ask the α closest nodes we know for the target,
// learn closer ones from their answers, and go on until the k closest have all answered (or
// failed). A get_peers lookup also gathers the peers and each answering node's token, for the
// announce_peer that follows. Pure state, driven by DhtNode; bounded in every list.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "torrent/dht/krpc.h"
#include "torrent/dht/node_id.h"

namespace tonari::torrent::dht {

// Queries in flight at once per lookup (BEP 5's α).
inline constexpr size_t ALPHA = 3;
// Attack: answers that keep offering new "closer" nodes to run a lookup for ever. At most
// this many candidates are kept (the closest) and at most this many queries sent in all.
inline constexpr size_t MAX_LOOKUP_CANDIDATES = 100;
inline constexpr size_t MAX_LOOKUP_QUERIES = 200;
// Peers gathered by one lookup.
inline constexpr size_t MAX_LOOKUP_PEERS = 1000;

class Lookup {
public:
    enum class Kind { FindNode, GetPeers };
    Lookup(Kind kind, const NodeId& target) : m_kind(kind), m_target(target) {}

    Kind kind() const { return m_kind; }
    const NodeId& Target() const { return m_target; }
    // Candidates: from the routing table at the start, or bootstrap routers (id unknown).
    // A node an answer named is dropped when it would be a second candidate at a public IP
    // (one machine must not fill the k closest with made-up ids) or, named by a node at a
    // public address, when its address is a local one (a public node steering our queries
    // into our own network).
    void AddCandidate(const NodeInfo& node, bool id_known = true, bool referred_by_public = false);
    // Nodes to query now (marks them in flight); none once Done.
    std::vector<NodeInfo> Next();
    void OnAnswer(const netcore::PeerEndpoint& from, const NodeId& id, const std::vector<NodeInfo>& nodes,
                  const std::vector<netcore::PeerEndpoint>& values, const std::optional<std::string>& token);
    void OnFailure(const netcore::PeerEndpoint& from);
    bool Done() const;
    // Peers found so far (get_peers), without duplicates, and those not yet handed out.
    std::vector<netcore::PeerEndpoint> TakeNewPeers();
    size_t PeerCount() const { return m_peers_seen.size(); }
    // The k closest nodes that answered with a token: where to announce.
    std::vector<std::pair<NodeInfo, std::string>> AnnounceTargets(size_t k) const;
    size_t Answered() const { return m_answered; }

private:
    enum class State { New, InFlight, Answered, Failed };
    struct Candidate {
        NodeInfo node;
        State state = State::New;
        std::string token;
        bool has_token = false;
    };
    // Keyed by distance to the target; routers (id unknown) go by endpoint.
    std::map<NodeId, Candidate> m_candidates;
    std::map<std::string, Candidate> m_routers;
    Candidate* Find(const netcore::PeerEndpoint& from);

    Kind m_kind;
    NodeId m_target;
    size_t m_in_flight = 0;
    size_t m_sent = 0;
    size_t m_answered = 0;
    std::set<std::string> m_peers_seen;
    std::set<std::string> m_public_ips;  // public addresses among the candidates
    std::vector<netcore::PeerEndpoint> m_new_peers;
};

}  // namespace tonari::torrent::dht
