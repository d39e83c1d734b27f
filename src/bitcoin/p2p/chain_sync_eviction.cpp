// Outbound eviction of peers whose chain stays behind ours (Bitcoin Core's ConsiderEviction):
// the defence that frees a node whose automatic outbound peers feed it nothing.
#include "bitcoin/p2p/peer_manager.h"

namespace tonari::bitcoin::p2p {

void PeerManager::ConsiderEviction(Peer& peer, int64_t now) {
    // Manual peers are the user's choice; inbound ones are not ours to keep.
    if (peer.disconnecting || !peer.sync_started) return;
    if (peer.type != ConnectionType::OutboundFullRelay && peer.type != ConnectionType::BlockRelayOnly) return;
    const chain::BlockIndex* tip = m_deps.chain.Tip();
    // At the genesis block a peer in step has no header to send us (its best known block stays
    // unset): nobody can be judged behind until there is a chain.
    if (tip == nullptr || tip->prev == nullptr) return;
    const bool caught_up = peer.best_known != nullptr && peer.best_known->chain_work >= tip->chain_work;
    // As Core: only full-relay peers are protected; block-relay-only ones can always be replaced.
    if (caught_up && !peer.chain_sync_protected && peer.type == ConnectionType::OutboundFullRelay &&
        m_outbound_protected < MAX_OUTBOUND_PEERS_TO_PROTECT) {
        peer.chain_sync_protected = true;
        ++m_outbound_protected;
    }
    if (peer.chain_sync_protected) return;
    if (caught_up) {
        peer.chain_sync_timeout_us = 0;
        peer.chain_sync_work = nullptr;
        peer.chain_sync_sent_getheaders = false;
        return;
    }
    const bool reached_old_mark = peer.chain_sync_work != nullptr && peer.best_known != nullptr &&
                                  peer.best_known->chain_work >= peer.chain_sync_work->chain_work;
    if (peer.chain_sync_timeout_us == 0 || reached_old_mark) {
        // Behind (again): it has CHAIN_SYNC_TIMEOUT_US to reach the tip we have now.
        peer.chain_sync_timeout_us = now + CHAIN_SYNC_TIMEOUT_US;
        peer.chain_sync_work = tip;
        peer.chain_sync_sent_getheaders = false;
        return;
    }
    if (now <= peer.chain_sync_timeout_us) return;
    if (peer.chain_sync_sent_getheaders) {
        Log("outbound peer=" + std::to_string(peer.id) + " dropped for an old chain: its best known block is " +
            (peer.best_known != nullptr ? std::to_string(peer.best_known->height) : std::string("none")) +
            ", our tip " + std::to_string(tip->height));
        Disconnect(peer, "outbound peer with an old chain");
        return;
    }
    // A last chance: ask for headers from just below the mark, so a peer in step answers with
    // at least the mark itself.
    // Not while another getheaders to it is unanswered (its answer will tell us as much).
    const chain::BlockIndex* work = peer.chain_sync_work;
    if (peer.headers_requested_us == 0) SendGetHeaders(peer, work->prev != nullptr ? work->prev : work);
    peer.chain_sync_sent_getheaders = true;
    peer.chain_sync_timeout_us = now + HEADERS_RESPONSE_TIMEOUT_US;
}

}  // namespace tonari::bitcoin::p2p
