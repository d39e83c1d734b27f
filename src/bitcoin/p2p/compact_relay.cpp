// PeerManager, compact blocks (BIP152 version 2, high-bandwidth mode): choosing which peers
// push new blocks to us, pushing ours to the peers that chose us, serving `getdata` for
// compact blocks and `getblocktxn`, and rebuilding blocks from `cmpctblock` + mempool +
// `blocktxn`. A new block then crosses a hop in one message when the mempools agree.
#include <algorithm>

#include "bitcoin/chain/header_check.h"
#include "bitcoin/consensus/pow.h"
#include "bitcoin/p2p/peer_manager.h"
#include "bitcoin/wire/block_msg.h"
#include "bitcoin/wire/compact_block.h"
#include "bitcoin/wire/sendcmpct.h"

namespace tonari::bitcoin::p2p {

void PeerManager::OnSendCmpct(Peer& peer, util::ByteSpan payload) {
    auto sc = wire::SendCmpctMsg::Decode(payload);
    if (!sc) return Misbehaving(peer, "malformed sendcmpct");
    // Version 1 (txid short ids) predates segwit; Core ignores it now, and so do we.
    if (sc->version != 2) return;
    peer.supports_compact = true;
    peer.compact_high_bandwidth = sc->announce;
}

std::shared_ptr<const primitives::Block> PeerManager::LoadBlock(const chain::BlockIndex* index) {
    if (m_recent_block != nullptr && m_recent_hash == index->hash) return m_recent_block;
    if (!index->HaveData()) return nullptr;
    auto block = m_deps.blocks.ReadBlock(index->data_pos);
    if (!block) {
        Log("cannot read block " + index->hash.ToHex() + ": " + block.error().message);
        return nullptr;
    }
    m_recent_block = std::make_shared<const primitives::Block>(std::move(*block));
    m_recent_hash = index->hash;
    m_recent_compact.clear();
    return m_recent_block;
}

bool PeerManager::SendCompactBlock(Peer& peer, const chain::BlockIndex* index) {
    const auto block = LoadBlock(index);
    if (block == nullptr) return false;
    if (m_recent_compact.empty()) m_recent_compact = BuildCompactBlock(*block, Random64()).Encode();
    SendRaw(peer, wire::CmpctBlockMsg::COMMAND, m_recent_compact);
    return true;
}

void PeerManager::ServeCompactBlock(Peer& peer, const primitives::BlockHash& hash, std::vector<wire::Inv>& not_found) {
    const chain::BlockIndex* index = m_deps.chain.Tree().Lookup(hash);
    const chain::BlockIndex* tip = m_deps.chain.Tip();
    if (index != nullptr && index->HaveData() && !index->IsFailed() &&
        index->height >= tip->height - MAX_CMPCTBLOCK_DEPTH && SendCompactBlock(peer, index)) {
        return;
    }
    ServeBlock(peer, hash, true, not_found);
}

void PeerManager::MaybeSetHighBandwidth(Peer& peer) {
    // Without transaction relay the mempool is empty and compact blocks would cost a round trip.
    if (!peer.supports_compact || !m_options.relay_txs || IsInitialBlockDownload()) return;
    if (peer.compact_hb_to) {
        // Already pushing to us: it moves to the back, the last to be dropped.
        std::erase(m_hb_peers, peer.id);
        m_hb_peers.push_back(peer.id);
        return;
    }
    if (m_hb_peers.size() >= MAX_HIGH_BANDWIDTH_PEERS) {
        // Drop the longest-serving one, but keep an outbound peer among them when the newcomer
        // is inbound: inbound peers are the ones an attacker can line up cheaply.
        auto victim = m_hb_peers.begin();
        if (peer.IsInbound()) {
            const auto outbound = [this](PeerId id) {
                const Peer* p = Find(id);
                return p != nullptr && !p->IsInbound();
            };
            if (outbound(*victim) && std::count_if(m_hb_peers.begin(), m_hb_peers.end(), outbound) == 1) ++victim;
        }
        if (Peer* old = Find(*victim)) {
            Send(*old, wire::SendCmpctMsg{false, 2});
            old->compact_hb_to = false;
        }
        m_hb_peers.erase(victim);
    }
    Send(peer, wire::SendCmpctMsg{true, 2});
    peer.compact_hb_to = true;
    m_hb_peers.push_back(peer.id);
}

void PeerManager::RequestFullBlock(Peer& peer, const primitives::BlockHash& hash) {
    wire::GetDataMsg getdata;
    getdata.items.push_back({wire::MSG_WITNESS_BLOCK, hash.get()});
    Send(peer, getdata);
    MarkBlockInFlight(peer, hash);
}

void PeerManager::OnCmpctBlock(Peer& peer, util::ByteSpan payload) {
    auto msg = wire::CmpctBlockMsg::Decode(payload);
    if (!msg) return Misbehaving(peer, std::string("malformed cmpctblock: ") + wire::ToString(msg.error()));
    chain::BlockTree& tree = m_deps.chain.Tree();
    const chain::BlockIndex* prev = tree.Lookup(msg->header.prev_block);
    if (prev == nullptr) {
        // A block on something we have not seen: fetch the headers leading to it.
        if (!IsInitialBlockDownload()) SendGetHeaders(peer, &tree.BestHeader());
        return;
    }
    // A header is cheap to make on a low-work fork; storing it must cost the sender real work.
    const auto claimed = prev->chain_work + consensus::GetBlockProof(msg->header.bits);
    if (claimed < AntiDosWorkThreshold(*m_deps.chain.Tip(), *m_options.params)) return;
    const bool watch_header = m_deps.watch.header_from && !IsInitialBlockDownload() &&
                              tree.Lookup(msg->header.ComputeHash()) == nullptr;
    auto accepted = chain::AcceptHeader(tree, msg->header, NowSeconds());
    if (!accepted) {
        const std::string reason(consensus::ReasonString(accepted.error()));
        if (!ShouldPunishHeader(peer, msg->header.ComputeHash(), accepted.error(), true)) {
            return Log("ignoring cmpctblock from peer=" + std::to_string(peer.id) + ": " + reason);
        }
        return Misbehaving(peer, "invalid header in cmpctblock: " + reason);
    }
    const chain::BlockIndex* index = *accepted;
    if (watch_header) m_deps.watch.header_from(*index, peer);
    UpdateBestKnown(peer, index);
    const auto request = m_block_requests.find(index->hash);
    const bool ours_in_flight = request != m_block_requests.end() && request->second.peer == peer.id;
    const bool others_in_flight = request != m_block_requests.end() && !ours_in_flight;
    const chain::BlockIndex* tip = m_deps.chain.Tip();
    if (index->HaveData() || index->chain_work <= tip->chain_work) {
        if (ours_in_flight) BlockReceived(index->hash);  // no longer wanted: free the slot
        return;
    }
    // Only a block on our tip can be rebuilt from our mempool; anything else is downloaded.
    if (index->prev != tip || IsInitialBlockDownload()) {
        if (ours_in_flight) return RequestFullBlock(peer, index->hash);
        return RequestBlocks(peer);
    }
    if (peer.partial_block && peer.partial_block->Hash() == index->hash) return;  // already asked
    if (peer.partial_block) {
        // A sibling replaces the block this peer was completing: free that request so it is
        // fetched again if still wanted, rather than timing the peer out for it.
        BlockReceived(peer.partial_block->Hash());
        peer.partial_block.reset();
    }

    auto partial = std::make_unique<PartialBlock>();
    switch (partial->Init(*msg)) {
        case PartialBlock::Status::Invalid: return Misbehaving(peer, "invalid cmpctblock " + index->hash.ToHex());
        case PartialBlock::Status::Failed:
            if (!others_in_flight) RequestFullBlock(peer, index->hash);
            return;
        case PartialBlock::Status::Ok: break;
    }
    for (const mempool::MempoolEntry* entry : m_deps.pool.Entries()) {
        partial->Offer(entry->wtxid, entry->tx);
        if (partial->IsComplete()) break;
    }
    if (partial->IsComplete()) {
        auto block = partial->Finish({});
        if (!block) {
            if (!others_in_flight) RequestFullBlock(peer, index->hash);
            return;
        }
        Log("rebuilt block " + index->hash.ToHex() + " from cmpctblock of peer=" + std::to_string(peer.id) + " (" +
            std::to_string(partial->PrefilledCount()) + " prefilled, " + std::to_string(partial->FromMempoolCount()) +
            " from the mempool)");
        BlockReceived(index->hash);
        return ProcessNewBlock(peer, std::make_shared<const primitives::Block>(std::move(*block)), true);
    }
    // Someone is already sending the whole block; waiting for it costs less than a round trip.
    if (others_in_flight) return;
    wire::GetBlockTxnMsg get;
    get.block_hash = index->hash;
    get.indexes = partial->MissingIndexes();
    Log("cmpctblock " + index->hash.ToHex() + " from peer=" + std::to_string(peer.id) + ": asking for " +
        std::to_string(get.indexes.size()) + " of " + std::to_string(partial->TxCount()) + " transactions");
    Send(peer, get);
    if (!ours_in_flight) MarkBlockInFlight(peer, index->hash);
    peer.partial_block = std::move(partial);
}

void PeerManager::OnBlockTxn(Peer& peer, util::ByteSpan payload) {
    auto msg = wire::BlockTxnMsg::Decode(payload);
    if (!msg) return Misbehaving(peer, std::string("malformed blocktxn: ") + wire::ToString(msg.error()));
    // Unasked-for answers are ignored, as in Core (they may be late answers to a block that
    // arrived another way).
    if (!peer.partial_block || peer.partial_block->Hash() != msg->block_hash) return;
    const std::unique_ptr<PartialBlock> partial = std::move(peer.partial_block);
    auto block = partial->Finish(std::move(msg->txs));
    if (!block) {
        if (block.error() == PartialBlock::Status::Invalid) {
            return Misbehaving(peer, "blocktxn does not fill cmpctblock " + msg->block_hash.ToHex());
        }
        return RequestFullBlock(peer, msg->block_hash);  // a collision: the real block, please
    }
    BlockReceived(msg->block_hash);
    ProcessNewBlock(peer, std::make_shared<const primitives::Block>(std::move(*block)), true);
}

void PeerManager::OnGetBlockTxn(Peer& peer, util::ByteSpan payload) {
    auto msg = wire::GetBlockTxnMsg::Decode(payload);
    if (!msg) return Misbehaving(peer, std::string("malformed getblocktxn: ") + wire::ToString(msg.error()));
    const chain::BlockIndex* index = m_deps.chain.Tree().Lookup(msg->block_hash);
    if (index == nullptr || !index->HaveData() || index->IsFailed()) {
        Log("peer=" + std::to_string(peer.id) + " asked for transactions of unknown block " + msg->block_hash.ToHex());
        return;
    }
    std::vector<wire::Inv> not_found;
    if (index->height < m_deps.chain.Tip()->height - MAX_BLOCKTXN_DEPTH) {
        ServeBlock(peer, msg->block_hash, true, not_found);
        return;
    }
    const auto block = LoadBlock(index);
    if (block == nullptr) return;
    wire::BlockTxnMsg reply;
    reply.block_hash = msg->block_hash;
    reply.txs.reserve(msg->indexes.size());
    for (const uint32_t i : msg->indexes) {
        if (i >= block->txs.size()) return Misbehaving(peer, "getblocktxn index out of range");
        reply.txs.push_back(block->txs[i]);
    }
    Send(peer, reply);
}

}  // namespace tonari::bitcoin::p2p
