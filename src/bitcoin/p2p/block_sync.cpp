// PeerManager, headers and blocks: headers-first sync (with the low-work presync), parallel
// block download within a moving window, stall detection, serving headers and blocks, and
// announcing new tips.
#include <algorithm>
#include <cstdio>
#include <string>

#include "bitcoin/chain/header_check.h"
#include "bitcoin/consensus/pow.h"
#include "bitcoin/consensus/validation_error.h"
#include "bitcoin/p2p/peer_manager.h"
#include "bitcoin/wire/block_msg.h"
#include "bitcoin/wire/headers.h"
#include "bitcoin/wire/inventory.h"
#include "bitcoin/wire/locator.h"
#include "bitcoin/wire/protocol.h"

namespace tonari::bitcoin::p2p {
namespace {

// "3.4 s", for the stalling-timeout log lines.
std::string FormatSeconds(int64_t us) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(us) / 1e6);
    return buf;
}

}  // namespace

bool PeerManager::IsInitialBlockDownload() const {
    return m_deps.chain.IsInitialBlockDownload(NowSeconds());
}

void PeerManager::SendGetHeaders(Peer& peer, const chain::BlockIndex* from) {
    wire::GetHeadersMsg msg;
    msg.locator = chain::LocatorFor(from);
    Send(peer, msg);
    peer.headers_requested_us = Now();
}

void PeerManager::SendPresyncGetHeaders(Peer& peer) {
    wire::GetHeadersMsg msg;
    msg.locator = peer.presync->NextLocator();
    Send(peer, msg);
    peer.headers_requested_us = Now();
}

void PeerManager::HeadersSyncEnded(Peer& peer) {
    if (m_headers_sync_peer != peer.id) return;
    m_headers_sync_peer = 0;
    for (auto& [id, p] : m_peers) StartHeadersSync(*p);
}

void PeerManager::StartHeadersSync(Peer& peer) {
    if (peer.sync_started || !peer.HandshakeDone()) return;
    const chain::BlockIndex& best = m_deps.chain.Tree().BestHeader();
    // While far behind, headers come from one peer at a time: asking everyone would download
    // the same hundreds of thousands of headers from each of them.
    const bool far_behind = best.Time() < NowSeconds() - chain::MAX_TIP_AGE_SECONDS;
    if (far_behind && m_headers_sync_peer != 0 && m_headers_sync_peer != peer.id) return;
    if (far_behind) m_headers_sync_peer = peer.id;
    peer.sync_started = true;
    // From the parent of our best header, so the answer is never empty when in step.
    SendGetHeaders(peer, best.prev != nullptr ? best.prev : &best);
}

void PeerManager::UpdateBestKnown(Peer& peer, const chain::BlockIndex* index) {
    if (index == nullptr) return;
    if (peer.best_known == nullptr || index->chain_work > peer.best_known->chain_work) peer.best_known = index;
}

void PeerManager::OnHeaders(Peer& peer, util::ByteSpan payload) {
    auto msg = wire::HeadersMsg::Decode(payload);
    if (!msg) return Misbehaving(peer, std::string("malformed headers: ") + wire::ToString(msg.error()));
    peer.headers_requested_us = 0;
    ProcessHeaders(peer, msg->headers, msg->headers.size() == wire::MAX_HEADERS_RESULTS);
}

void PeerManager::ProcessHeaders(Peer& peer, const std::vector<primitives::BlockHeader>& headers, bool more_may_follow) {
    chain::BlockTree& tree = m_deps.chain.Tree();
    if (headers.empty()) {
        // The peer has nothing more: let other peers sync headers now.
        if (peer.presync) {
            Log("headers presync with peer=" + std::to_string(peer.id) + " abandoned: it has no more headers");
            peer.presync.reset();
        }
        if (m_headers_sync_peer == peer.id) m_headers_sync_peer = 0;
        for (auto& [id, p] : m_peers) StartHeadersSync(*p);
        RequestBlocks(peer);
        return;
    }
    for (size_t i = 1; i < headers.size(); ++i) {
        if (headers[i].prev_block != headers[i - 1].ComputeHash()) {
            return Misbehaving(peer, "non-continuous headers sequence");
        }
    }
    std::vector<primitives::BlockHeader> to_store;
    bool more = more_may_follow;
    bool presync_continues = false;
    if (peer.presync && headers.front().prev_block == peer.presync->ExpectedPrev()) {
        HeadersPresync& presync = *peer.presync;
        auto result = presync.Process(headers, more_may_follow);
        if (!result.ok) {
            peer.presync.reset();
            if (result.punish) return Misbehaving(peer, "headers presync: " + result.error);
            Log("headers presync with peer=" + std::to_string(peer.id) + " abandoned: " + result.error);
            return HeadersSyncEnded(peer);
        }
        Log("headers presync with peer=" + std::to_string(peer.id) + (presync.Redownloading() ? ": redownloading" : ": presync") +
            " at height " + std::to_string(presync.PresyncHeight()) + ", " + std::to_string(result.to_store.size()) +
            " headers proven");
        presync_continues = !presync.Finished();
        if (!presync_continues) peer.presync.reset();
        if (result.to_store.empty()) {
            if (result.request_more && presync_continues) SendPresyncGetHeaders(peer);
            return;
        }
        to_store = std::move(result.to_store);
        more = result.request_more;
    } else {
        const chain::BlockIndex* prev = tree.Lookup(headers.front().prev_block);
        if (prev == nullptr) {
            // A new block announced while we presync the peer's chain: the presync gets there.
            if (peer.presync) return;
            // A reorg announcement or a gap: ask for what leads to it, within limits.
            if (++peer.unconnecting_headers > MAX_UNCONNECTING_HEADERS) {
                return Misbehaving(peer, "too many headers that do not connect");
            }
            SendGetHeaders(peer, &tree.BestHeader());
            return;
        }
        peer.unconnecting_headers = 0;
        if (tree.Lookup(headers.back().ComputeHash()) == nullptr) {
            consensus::ArithUint256 work = prev->chain_work;
            for (const auto& h : headers) work += consensus::GetBlockProof(h.bits);
            const auto threshold = AntiDosWorkThreshold(*m_deps.chain.Tip(), *m_options.params);
            if (work < threshold) {
                if (!more_may_follow) {
                    Log("ignoring low-work headers from peer=" + std::to_string(peer.id));
                    return HeadersSyncEnded(peer);
                }
                // Each peer gets its own presync (a new one replaces an old one): one peer
                // cannot hold the others' syncs. The salt must be unpredictable to the peer.
                peer.presync = std::make_unique<HeadersPresync>(peer.id, *prev, threshold, *m_options.params,
                                                                NowSeconds(), KeyRandom64(), KeyRandom64());
                return ProcessHeaders(peer, headers, more_may_follow);
            }
        }
        to_store = headers;
    }
    const chain::BlockIndex* last = nullptr;
    const int64_t now = NowSeconds();
    const bool watch_headers = m_deps.watch.header_from && !IsInitialBlockDownload();
    for (const auto& h : to_store) {
        const bool known = watch_headers && tree.Lookup(h.ComputeHash()) != nullptr;
        auto accepted = chain::AcceptHeader(tree, h, now);
        if (!accepted) {
            const std::string what = "invalid header " + h.ComputeHash().ToHex() + ": " +
                                     std::string(consensus::ReasonString(accepted.error()));
            peer.presync.reset();  // released headers that fail: the presync is over either way
            if (!ShouldPunishHeader(peer, h.ComputeHash(), accepted.error(), false)) {
                Log("ignoring " + what);
                return HeadersSyncEnded(peer);
            }
            return Misbehaving(peer, what);
        }
        last = *accepted;
        if (watch_headers && !known) m_deps.watch.header_from(*last, peer);
    }
    UpdateBestKnown(peer, last);
    if (peer.last_unknown && tree.Lookup(*peer.last_unknown) != nullptr) {
        UpdateBestKnown(peer, tree.Lookup(*peer.last_unknown));
        peer.last_unknown.reset();
    }
    if (more && presync_continues) {
        SendPresyncGetHeaders(peer);
    } else if (more) {
        SendGetHeaders(peer, last);
    } else {
        HeadersSyncEnded(peer);
    }
    RequestBlocks(peer);
}

void PeerManager::OnGetHeaders(Peer& peer, util::ByteSpan payload) {
    auto msg = wire::GetHeadersMsg::Decode(payload);
    if (!msg) return Misbehaving(peer, std::string("malformed getheaders: ") + wire::ToString(msg.error()));
    const chain::ActiveChain& active = m_deps.chain.Chain();
    const chain::BlockTree& tree = m_deps.chain.Tree();
    const chain::BlockIndex* start = nullptr;
    if (msg->locator.empty()) {
        // Core's rule: no locator means "just the header of hash_stop".
        start = tree.Lookup(msg->stop);
        if (start == nullptr) return;
    } else {
        const chain::BlockIndex* fork = active.FindLocatorFork(tree, msg->locator);
        start = fork == nullptr ? active[0] : active.Next(fork);
    }
    wire::HeadersMsg reply;
    const chain::BlockIndex* last = nullptr;
    for (const chain::BlockIndex* i = start; i != nullptr; i = active.Next(i)) {
        reply.headers.push_back(i->GetHeader());
        last = i;
        if (reply.headers.size() >= wire::MAX_HEADERS_RESULTS || i->hash == msg->stop) break;
        if (msg->locator.empty()) break;
    }
    // What we sent is what the peer now knows of our chain: new blocks are announced after it.
    if (last != nullptr) peer.best_announced = last;
    Send(peer, reply);
}

void PeerManager::OnBlockInv(Peer& peer, const primitives::BlockHash& hash) {
    const chain::BlockIndex* index = m_deps.chain.Tree().Lookup(hash);
    if (index != nullptr) {
        UpdateBestKnown(peer, index);
        RequestBlocks(peer);
        return;
    }
    peer.last_unknown = hash;
    // Core asks for the headers leading to an announced block rather than the block itself.
    if (peer.headers_requested_us == 0 || Now() - peer.headers_requested_us > HEADERS_RESPONSE_TIMEOUT_US) {
        SendGetHeaders(peer, &m_deps.chain.Tree().BestHeader());
    }
}

void PeerManager::FindBlocksToDownload(Peer& peer, size_t count, std::vector<const chain::BlockIndex*>& out,
                                       PeerId& staller) {
    const chain::BlockIndex* tip = m_deps.chain.Tip();
    const chain::BlockIndex* best = peer.best_known;
    if (best == nullptr || tip == nullptr || best->chain_work <= tip->chain_work || best->IsFailed()) return;
    const chain::ActiveChain& active = m_deps.chain.Chain();
    if (peer.last_common == nullptr) peer.last_common = active[std::min(best->height, active.Height())];
    peer.last_common = chain::LastCommonAncestor(peer.last_common, best);
    if (peer.last_common == nullptr || peer.last_common == best) return;
    const int window_end = peer.last_common->height + BLOCK_DOWNLOAD_WINDOW;
    const int max_height = std::min(best->height, window_end + 1);
    bool advancing = true;
    PeerId waiting_for = 0;  // who has the first block in flight
    for (int h = peer.last_common->height + 1; h <= max_height; ++h) {
        const chain::BlockIndex* index = best->GetAncestor(h);
        if (index == nullptr || index->IsFailed()) return;
        if (index->HaveData() || active.Contains(index)) {
            if (advancing && index->HaveChainData()) peer.last_common = index;
            continue;
        }
        advancing = false;
        const auto req = m_block_requests.find(index->hash);
        if (req != m_block_requests.end()) {
            if (waiting_for == 0) waiting_for = req->second.peer;
            continue;
        }
        if (index->height > window_end) {
            // The window is full. Only if this peer could fetch nothing now, but could with a
            // window one larger, does the window's first block hold us up: its peer stalls us
            // (Core's rule). A peer slowly sending the one block everyone wants does not.
            if (out.empty() && waiting_for != 0 && waiting_for != peer.id) staller = waiting_for;
            return;
        }
        // A NODE_NETWORK_LIMITED peer (BIP159, a pruned node) keeps only its last 288 blocks:
        // ask it for nothing deeper (with Core's two blocks of slack for a tip that moves).
        const bool limited_peer = (peer.services & wire::NODE_NETWORK) == 0;
        if (limited_peer &&
            best->height - index->height >= NODE_NETWORK_LIMITED_MIN_BLOCKS - NODE_NETWORK_LIMITED_RACE_BLOCKS) {
            continue;
        }
        out.push_back(index);
        if (out.size() >= count) return;
    }
}

void PeerManager::RequestBlocks(Peer& peer) {
    if (!peer.HandshakeDone() || (peer.services & wire::NODE_WITNESS) == 0) return;
    // Full nodes serve every block; pruned ones (NETWORK_LIMITED) only recent ones, which is
    // of use once we are caught up (Core's rule).
    const bool full = (peer.services & wire::NODE_NETWORK) != 0;
    const bool limited = (peer.services & wire::NODE_NETWORK_LIMITED) != 0;
    if (!full && !(limited && !IsInitialBlockDownload())) return;
    if (peer.blocks_in_flight.size() >= MAX_BLOCKS_IN_TRANSIT_PER_PEER) return;
    std::vector<const chain::BlockIndex*> wanted;
    PeerId staller = 0;
    FindBlocksToDownload(peer, MAX_BLOCKS_IN_TRANSIT_PER_PEER - peer.blocks_in_flight.size(), wanted, staller);
    const int64_t now = Now();
    if (wanted.empty()) {
        // This peer could help but the window waits on another peer's block: that one stalls.
        if (staller != 0 && peer.blocks_in_flight.empty()) {
            if (Peer* s = Find(staller); s != nullptr && s->stalling_since_us == 0) s->stalling_since_us = now;
        }
        return;
    }
    // A single new block on our tip is asked for in compact form: the mempool most likely
    // holds its transactions already.
    const bool compact = wanted.size() == 1 && peer.supports_compact && m_options.relay_txs &&
                         wanted.front()->prev == m_deps.chain.Tip() && !IsInitialBlockDownload();
    wire::GetDataMsg getdata;
    for (const chain::BlockIndex* index : wanted) {
        getdata.items.push_back({compact ? wire::MSG_CMPCT_BLOCK : wire::MSG_WITNESS_BLOCK, index->hash.get()});
        MarkBlockInFlight(peer, index->hash);
    }
    Send(peer, getdata);
}

void PeerManager::RequestBlocksFromAll() {
    for (auto& [id, p] : m_peers) RequestBlocks(*p);
}

void PeerManager::CheckStalls(Peer& peer, int64_t now) {
    if (peer.stalling_since_us != 0 && now - peer.stalling_since_us > m_block_stalling_timeout_us) {
        Disconnect(peer, "stalling block download");
        const int64_t longer = std::min(2 * m_block_stalling_timeout_us, BLOCK_STALLING_TIMEOUT_MAX_US);
        if (longer != m_block_stalling_timeout_us) {
            m_block_stalling_timeout_us = longer;
            Log("increased stalling timeout temporarily to " + FormatSeconds(longer));
        }
        return;
    }
    for (const auto& [hash, when] : peer.blocks_in_flight) {
        if (now - when > BLOCK_DOWNLOAD_TIMEOUT_US) return Disconnect(peer, "block download timeout");
    }
}

void PeerManager::BlockReceived(const primitives::BlockHash& hash) {
    const auto it = m_block_requests.find(hash);
    if (it == m_block_requests.end()) return;
    if (Peer* p = Find(it->second.peer)) {
        p->blocks_in_flight.erase(hash);
        p->stalling_since_us = 0;
    }
    if (m_block_stalling_timeout_us != BLOCK_STALLING_TIMEOUT_US) {
        m_block_stalling_timeout_us =
            std::max(m_block_stalling_timeout_us * 85 / 100, BLOCK_STALLING_TIMEOUT_US);
        Log("decreased stalling timeout to " + FormatSeconds(m_block_stalling_timeout_us));
    }
    m_block_requests.erase(it);
}

void PeerManager::OnBlock(Peer& peer, util::ByteSpan payload) {
    auto msg = wire::BlockMsg::Decode(payload);
    if (!msg) return Misbehaving(peer, std::string("malformed block: ") + wire::ToString(msg.error()));
    auto block = std::make_shared<const primitives::Block>(std::move(msg->block));
    const primitives::BlockHash hash = block->header.ComputeHash();
    const bool requested = peer.blocks_in_flight.count(hash) != 0;
    BlockReceived(hash);
    if (peer.partial_block && peer.partial_block->Hash() == hash) peer.partial_block.reset();
    if (!requested) {
        // Unrequested blocks are taken only when they could become the tip right away
        // (a peer pushing a new block); anything else is disk-filling spam.
        const chain::BlockTree& tree = m_deps.chain.Tree();
        const chain::BlockIndex* prev = tree.Lookup(block->header.prev_block);
        const chain::BlockIndex* known = tree.Lookup(hash);
        if (known != nullptr && known->HaveData()) return;
        if (prev == nullptr || prev != m_deps.chain.Tip()) return;
    }
    ProcessNewBlock(peer, std::move(block), false);
}

void PeerManager::ProcessNewBlock(Peer& peer, std::shared_ptr<const primitives::Block> block, bool via_compact) {
    const primitives::BlockHash hash = block->header.ComputeHash();
    const chain::BlockIndex* old_tip = m_deps.chain.Tip();
    const chain::BlockIndex* before = m_deps.chain.Tree().Lookup(hash);
    const bool is_new = before == nullptr || !before->HaveData();
    if (is_new && m_deps.watch.block_from) m_deps.watch.block_from(hash, peer);
    const int64_t now = NowSeconds();
    auto processed = m_deps.chain.ProcessBlock(*block, now);
    if (!processed) {
        const chain::ChainError& e = processed.error();
        if (e.kind == chain::ChainError::Kind::Io) {
            Log("error storing block " + hash.ToHex() + ": " + e.message);
            if (m_fatal) m_fatal(e.message);
        } else if (!via_compact && !(before != nullptr && before->IsFailed() && peer.IsInbound())) {
            // (An inbound peer sending a block we already found invalid may just be behind:
            // Core's BLOCK_CACHED_INVALID rule punishes only outbound peers for that.)
            Misbehaving(peer, "invalid block " + hash.ToHex() + ": " + e.message);
        } else if (!via_compact) {
            Log("ignoring known-invalid block " + hash.ToHex() + " from inbound peer=" + std::to_string(peer.id));
        } else if (consensus::IsMutation(e.invalid.reason)) {
            // Rebuilt with a transaction that was not the block's (a short-id collision): the
            // block itself may be fine.
            RequestFullBlock(peer, hash);
        } else {
            Log("compact block " + hash.ToHex() + " from peer=" + std::to_string(peer.id) + " is invalid (" +
                e.message + "); it was relayed before validation, so the peer is not punished");
        }
    } else {
        m_orphans.EraseForBlock(*block);
        // Kept for the announcements that follow: the next hops ask for this block first.
        // Only a block that passed validation is cached: a mutated copy shares the hash.
        m_recent_block = block;
        m_recent_hash = hash;
        m_recent_compact.clear();
        const chain::BlockIndex* index = m_deps.chain.Tree().Lookup(hash);
        UpdateBestKnown(peer, index);
        if (is_new) peer.last_block_us = Now();
        if (m_deps.chain.Tip() == index && index != old_tip) MaybeSetHighBandwidth(peer);
    }
    // The mempool, wallets and announcements follow the new tip (TipChanged via the node).
    if (m_deps.chain_settled) m_deps.chain_settled(now);
    RequestBlocksFromAll();
}

bool PeerManager::ShouldPunishHeader(const Peer& peer, const primitives::BlockHash& hash,
                                     const consensus::BlockValidationError& error, bool via_compact) const {
    // A clock a little behind ours is no offence (Core: BLOCK_TIME_FUTURE is never punished).
    if (error.reason == consensus::BlockError::TimeTooNew) return false;
    // A header we already found invalid: high-bandwidth peers relay before validating, and an
    // inbound peer may simply not have caught up; only an outbound peer on it is punished
    // (Core's BLOCK_CACHED_INVALID rule).
    const chain::BlockIndex* known = m_deps.chain.Tree().Lookup(hash);
    if (known != nullptr && known->IsFailed()) return !via_compact && !peer.IsInbound();
    return true;
}

void PeerManager::MarkBlockInFlight(Peer& peer, const primitives::BlockHash& hash) {
    const auto previous = m_block_requests.find(hash);
    if (previous != m_block_requests.end() && previous->second.peer != peer.id) {
        if (Peer* owner = Find(previous->second.peer)) owner->blocks_in_flight.erase(hash);
    }
    const int64_t now = Now();
    peer.blocks_in_flight[hash] = now;
    m_block_requests[hash] = {peer.id, now};
}

void PeerManager::ServeBlock(Peer& peer, const primitives::BlockHash& hash, bool witness,
                             std::vector<wire::Inv>& not_found) {
    const chain::BlockIndex* index = m_deps.chain.Tree().Lookup(hash);
    // A node that serves only recent blocks (BIP159, a pruned node) hangs up on a peer asking
    // for older ones, as Core does: that peer mistook it for a full archive.
    // (Only for blocks of the active chain: any other is simply not found.)
    const chain::BlockIndex* tip = m_deps.chain.Tip();
    if (index != nullptr && (m_options.local_services & wire::NODE_NETWORK) == 0 && tip != nullptr &&
        m_deps.chain.Chain().Contains(index) &&
        tip->height - index->height > NODE_NETWORK_LIMITED_MIN_BLOCKS + NODE_NETWORK_LIMITED_RACE_BLOCKS) {
        Disconnect(peer, "asked for block " + hash.ToHex() + " below the NODE_NETWORK_LIMITED window");
        return;
    }
    if (index == nullptr || !index->HaveData() || index->IsFailed()) {
        not_found.push_back({witness ? wire::MSG_WITNESS_BLOCK : wire::MSG_BLOCK, hash.get()});
        return;
    }
    auto block = m_deps.blocks.ReadBlock(index->data_pos);
    if (!block) {
        Log("cannot read block " + hash.ToHex() + " to serve it: " + block.error().message);
        not_found.push_back({witness ? wire::MSG_WITNESS_BLOCK : wire::MSG_BLOCK, hash.get()});
        return;
    }
    const util::Bytes bytes = primitives::SerializeBlock(*block, witness);
    SendRaw(peer, wire::BlockMsg::COMMAND, bytes);
}

void PeerManager::TipChanged() {
    const chain::BlockIndex* tip = m_deps.chain.Tip();
    if (tip == m_last_announced_tip) return;
    m_last_announced_tip = tip;
    if (IsInitialBlockDownload()) return;  // nobody wants our stale tip
    for (auto& [id, p] : m_peers) {
        if (p->HandshakeDone()) AnnounceBlocks(*p);
    }
}

bool PeerManager::PeerHasHeader(const Peer& peer, const chain::BlockIndex* index) const {
    for (const chain::BlockIndex* known : {peer.best_known, peer.best_announced}) {
        if (known != nullptr && known->GetAncestor(index->height) == index) return true;
    }
    return false;
}

void PeerManager::AnnounceBlocks(Peer& peer) {
    const chain::BlockIndex* tip = m_deps.chain.Tip();
    // A high-bandwidth peer that has the parent gets the block itself, in compact form.
    if (peer.compact_high_bandwidth && tip->prev != nullptr && !PeerHasHeader(peer, tip) &&
        PeerHasHeader(peer, tip->prev) && SendCompactBlock(peer, tip)) {
        peer.best_announced = tip;
        return;
    }
    const chain::BlockIndex* known = peer.best_announced;
    if (peer.best_known != nullptr && (known == nullptr || peer.best_known->chain_work > known->chain_work)) {
        known = peer.best_known;
    }
    if (known != nullptr && tip->GetAncestor(known->height) == known && known == tip) return;
    if (peer.best_known != nullptr && peer.best_known->GetAncestor(tip->height) == tip) return;  // it has more
    if (peer.prefers_headers && known != nullptr) {
        const chain::BlockIndex* fork = chain::LastCommonAncestor(known, tip);
        const int count = fork == nullptr ? 0 : tip->height - fork->height;
        if (count >= 1 && static_cast<size_t>(count) <= MAX_BLOCKS_TO_ANNOUNCE) {
            wire::HeadersMsg msg;
            msg.headers.resize(static_cast<size_t>(count));
            const chain::BlockIndex* i = tip;
            for (int k = count - 1; k >= 0; --k, i = i->prev) msg.headers[static_cast<size_t>(k)] = i->GetHeader();
            Send(peer, msg);
            peer.best_announced = tip;
            return;
        }
    }
    wire::InvMsg inv;
    inv.items.push_back({wire::MSG_BLOCK, tip->hash.get()});
    Send(peer, inv);
    peer.best_announced = tip;
}

}  // namespace tonari::bitcoin::p2p
