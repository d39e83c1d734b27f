// Chainstate: block acceptance, best-chain activation (connect, disconnect, reorganise) and
// flushing, over the block tree, the block store and the coins cache.
#include "bitcoin/chain/chainstate.h"

#include <algorithm>
#include <limits>
#include <set>
#include <vector>

#include "bitcoin/chain/block_verify.h"
#include "bitcoin/chain/header_check.h"
#include "bitcoin/consensus/block_check.h"
#include "bitcoin/consensus/pow.h"

namespace tonari::bitcoin::chain {
namespace {

// Failures that do not prove the block itself invalid: the transactions or witnesses we got
// do not match the header, which a relaying peer can cause. The hash must stay acceptable,
// or the genuine block would be refused when it arrives.
bool IsMutated(consensus::BlockError e) {
    using consensus::BlockError;
    return consensus::IsMutation(e) || e == BlockError::BadWitnessNonceSize || e == BlockError::BadWitnessMerkleMatch ||
           e == BlockError::UnexpectedWitness;
}

ChainError IoError(const std::string& what, const std::string& detail) {
    return ChainError::Io(what + ": " + detail + " (restart with -reindex to rebuild the chain state)");
}

// A write that failed (a full disk): what is on disk is still consistent, so a restart once
// the cause is fixed carries on; no rebuild is needed.
ChainError WriteError(const std::string& what, const std::string& detail) {
    return ChainError::Io(what + ": " + detail);
}

}  // namespace

ChainError ChainError::Rejected(const consensus::BlockValidationError& e) {
    return {Kind::Invalid, e, std::string(consensus::ReasonString(e))};
}

Chainstate::Chainstate(BlockTree& tree, BlockStore& store, CoinsView& coins_db, ChainstateOptions options)
    : m_tree(tree),
      m_store(store),
      m_coins_db(coins_db),
      m_options(options),
      m_coins(std::make_unique<CoinsViewCache>(coins_db)) {}

util::Result<void, ChainError> Chainstate::Load() {
    auto records = m_store.LoadIndex();
    if (!records) return util::Fail(IoError("cannot read the block index", records.error().message));
    if (!records->empty()) {
        if (auto loaded = m_tree.Load(*records); !loaded) {
            return util::Fail(IoError("the stored block index is inconsistent",
                                      "load error " + std::to_string(static_cast<int>(loaded.error()))));
        }
    }
    const primitives::BlockHash best = m_coins_db.GetBestBlock();
    if (auto read_error = m_coins_db.ReadError()) return util::Fail(IoError("cannot read the coins database", *read_error));
    if (best.IsNull()) {
        BlockIndex& genesis = m_tree.Genesis();
        if (!genesis.HaveData()) {
            auto pos = m_store.WriteBlock(m_tree.Params().genesis);
            if (!pos) return util::Fail(WriteError("cannot store the genesis block", pos.error().message));
            m_tree.ReceivedBlockData(genesis, static_cast<uint32_t>(m_tree.Params().genesis.txs.size()), *pos);
        }
        if (auto r = ConnectTip(genesis, &m_tree.Params().genesis); !r) return r;
    } else {
        const BlockIndex* tip = m_tree.Lookup(best);
        if (tip == nullptr) {
            return util::Fail(IoError("the coins database refers to block " + best.ToHex(),
                                      "which the block index does not hold"));
        }
        m_chain.SetTip(tip);
        if (!IsPruneMode()) {
            // Core's rule: blocks deleted by pruning cannot come back without a new download.
            for (const BlockIndex* p = tip; p != nullptr && p->height > 0; p = p->prev) {
                if (p->tx_count != 0 && !p->HaveData()) {
                    return util::Fail(ChainError::Io(
                        "You need to rebuild the database using -reindex to go back to unpruned mode.  This will "
                        "redownload the entire blockchain"));
                }
            }
        }
    }
    return ActivateBestChain();
}

util::Result<BlockIndex*, ChainError> Chainstate::AcceptBlock(const primitives::Block& block, int64_t now,
                                                              const DiskPos* stored_at) {
    const consensus::ConsensusParams& params = m_tree.Params();
    auto accepted = AcceptHeader(m_tree, block.header, now);
    if (!accepted) return util::Fail(ChainError::Rejected(accepted.error()));
    BlockIndex* index = *accepted;
    if (index->HaveData()) return index;

    if (auto checked = consensus::CheckBlock(block, params, true, true); !checked) {
        if (!IsMutated(checked.error().reason)) m_tree.MarkFailed(*index, checked.error());
        return util::Fail(ChainError::Rejected(checked.error()));
    }
    const int64_t prev_mtp = index->prev != nullptr ? index->prev->GetMedianTimePast() : 0;
    if (auto contextual = ContextualCheckBlock(block, index->height, prev_mtp, params); !contextual) {
        if (!IsMutated(contextual.error().reason)) m_tree.MarkFailed(*index, contextual.error());
        return util::Fail(ChainError::Rejected(contextual.error()));
    }
    DiskPos pos;
    if (stored_at != nullptr) {
        pos = *stored_at;
    } else {
        auto written = m_store.WriteBlock(block);
        if (!written) return util::Fail(WriteError("cannot store block " + index->hash.ToHex(), written.error().message));
        pos = *written;
    }
    m_tree.ReceivedBlockData(*index, static_cast<uint32_t>(block.txs.size()), pos);
    return index;
}

util::Result<void, ChainError> Chainstate::ActivateBestChain() {
    while (true) {
        BlockIndex* best = m_tree.BestChainCandidate();
        const BlockIndex* tip = m_chain.Tip();
        if (best == nullptr || best == tip) break;
        if (tip != nullptr && !BetterChain(*best, *tip)) break;

        const BlockIndex* fork = LastCommonAncestor(best, tip);
        if (!Reachable(*best, fork)) {
            // A fork deeper than the pruned node keeps: not a tip it can move to.
            m_tree.DropCandidate(*best);
            continue;
        }
        while (m_chain.Tip() != fork) {
            if (auto r = DisconnectTip(); !r) return r;
        }
        std::vector<BlockIndex*> path;
        for (BlockIndex* p = best; p != fork; p = p->prev) path.push_back(p);
        for (auto it = path.rbegin(); it != path.rend(); ++it) {
            auto connected = ConnectTip(**it, nullptr);
            if (connected) continue;
            if (!connected.error().IsInvalid()) return connected;
            // The branch is invalid from here on: remember that and choose again. The tip
            // may now have less work than before; the next round moves back if so.
            m_tree.MarkFailed(**it, connected.error().invalid);
            break;
        }
    }
    return Flush(false);
}

util::Result<void, ChainError> Chainstate::ProcessBlock(const primitives::Block& block, int64_t now,
                                                        const DiskPos* stored_at) {
    auto index = AcceptBlock(block, now, stored_at);
    if (!index) return util::Fail(index.error());
    m_pending_block = &block;
    m_pending_index = *index;
    auto activated = ActivateBestChain();
    m_pending_block = nullptr;
    m_pending_index = nullptr;
    if (!activated) return activated;
    if ((*index)->IsFailed()) {
        // Found invalid while connecting: its own reason, or that an ancestor was invalid.
        const auto reason = m_tree.FailureReason(**index);
        return util::Fail(ChainError::Rejected(
            reason ? *reason : consensus::BlockValidationError{.reason = consensus::BlockError::BadPrevBlock}));
    }
    return {};
}

int64_t BlockProofEquivalentTime(const BlockIndex& to, const BlockIndex& from, const BlockIndex& tip,
                                 const consensus::ConsensusParams& params) {
    consensus::ArithUint256 r;
    int64_t sign = 1;
    if (to.chain_work > from.chain_work) {
        r = to.chain_work - from.chain_work;
    } else {
        r = from.chain_work - to.chain_work;
        sign = -1;
    }
    const consensus::ArithUint256 tip_proof = consensus::GetBlockProof(tip.bits);
    if (tip_proof.IsZero()) return sign * std::numeric_limits<int64_t>::max();
    r = r * consensus::ArithUint256(static_cast<uint64_t>(params.pow_target_spacing)) / tip_proof;
    if (r.Bits() > 63) return sign * std::numeric_limits<int64_t>::max();
    return sign * static_cast<int64_t>(r.Low64());
}

bool IsInitialBlockDownload(const BlockIndex* tip, const consensus::ConsensusParams& params, int64_t now) {
    if (tip == nullptr) return true;
    if (tip->chain_work < consensus::ArithUint256::FromUint256(params.minimum_chain_work)) return true;
    return tip->Time() < now - MAX_TIP_AGE_SECONDS;
}

bool Chainstate::IsInitialBlockDownload(int64_t now) {
    if (m_left_ibd) return false;
    if (chain::IsInitialBlockDownload(Tip(), Params(), now)) return true;
    m_left_ibd = true;
    return false;
}

bool Chainstate::SkipScripts(const BlockIndex& index) const {
    if (m_options.assume_valid.IsNull()) return false;
    const BlockIndex* assumed = m_tree.Lookup(m_options.assume_valid);
    if (assumed == nullptr || assumed->GetAncestor(index.height) != &index) return false;
    const BlockIndex& best = m_tree.BestHeader();
    if (best.GetAncestor(index.height) != &index) return false;
    if (best.chain_work < consensus::ArithUint256::FromUint256(Params().minimum_chain_work)) return false;
    return BlockProofEquivalentTime(best, index, best, Params()) > ASSUME_VALID_MIN_DEPTH_SECONDS;
}

util::Result<void, ChainError> Chainstate::ConnectTip(BlockIndex& index, const primitives::Block* block) {
    primitives::Block loaded;
    if (block == nullptr && m_pending_index == &index) block = m_pending_block;
    if (block == nullptr) {
        auto read = m_store.ReadBlock(index.data_pos);
        if (!read) return util::Fail(IoError("cannot read block " + index.hash.ToHex(), read.error().message));
        loaded = std::move(*read);
        block = &loaded;
    }
    CoinsViewCache view(static_cast<CoinsView&>(*m_coins));  // a child cache, not a copy
    ConnectOptions connect = m_options.connect;
    if (connect.check_scripts && SkipScripts(index)) {
        connect.check_scripts = false;
        ++m_assumed_valid_blocks;
    }
    auto undo = ConnectBlock(*block, index, view, m_tree.Params(), connect);
    // A coin the database failed to read looks missing: that must not condemn the block.
    if (auto read_error = m_coins->ReadError()) return util::Fail(IoError("cannot read the coins database", *read_error));
    if (!undo) return util::Fail(ChainError::Rejected(undo.error()));
    if (index.prev != nullptr) {
        auto pos = m_store.WriteUndo(*undo, index.prev->hash);
        if (!pos) return util::Fail(WriteError("cannot store undo data", pos.error().message));
        m_tree.SetUndoPos(index, *pos);
    }
    m_tree.RaiseStatus(index, BLOCK_TRANSACTIONS_VALID | BLOCK_SCRIPTS_VALID);
    if (auto merged = view.Flush(); !merged) return util::Fail(ChainError::Io(merged.error().message));
    m_chain.SetTip(&index);
    ++m_blocks_since_flush;
    if (m_observer != nullptr) m_observer->BlockConnected(*block, index);
    return Flush(false);
}

util::Result<void, ChainError> Chainstate::DisconnectTip() {
    const BlockIndex* tip = m_chain.Tip();
    if (tip == nullptr || tip->prev == nullptr) return util::Fail(ChainError::Io("cannot disconnect the genesis block"));
    auto block = m_store.ReadBlock(tip->data_pos);
    if (!block) return util::Fail(IoError("cannot read block " + tip->hash.ToHex(), block.error().message));
    auto undo = m_store.ReadUndo(tip->undo_pos, tip->prev->hash);
    if (!undo) return util::Fail(IoError("cannot read undo data of " + tip->hash.ToHex(), undo.error().message));
    CoinsViewCache view(static_cast<CoinsView&>(*m_coins));  // a child cache, not a copy
    const DisconnectResult result = DisconnectBlock(*block, *tip, *undo, view);
    if (auto read_error = m_coins->ReadError()) return util::Fail(IoError("cannot read the coins database", *read_error));
    if (result == DisconnectResult::Failed) {
        return util::Fail(IoError("undo data does not fit block " + tip->hash.ToHex(), "corrupt block files"));
    }
    if (auto merged = view.Flush(); !merged) return util::Fail(ChainError::Io(merged.error().message));
    m_chain.SetTip(tip->prev);
    if (m_observer != nullptr) m_observer->BlockDisconnected(*block, *tip);
    return {};
}

util::Result<void, ChainError> Chainstate::TestBlockValidity(const primitives::Block& block, int64_t now,
                                                             bool check_pow) {
    const consensus::ConsensusParams& params = m_tree.Params();
    const BlockIndex* tip = m_chain.Tip();
    if (block.header.prev_block != tip->hash) {
        return util::Fail(ChainError::Rejected(consensus::BlockRejection(consensus::BlockError::BadPrevBlock)));
    }
    if (auto r = consensus::CheckBlock(block, params, check_pow, true); !r) return util::Fail(ChainError::Rejected(r.error()));
    if (auto r = ContextualCheckBlockHeader(block.header, *tip, now, params); !r) {
        return util::Fail(ChainError::Rejected(r.error()));
    }
    if (auto r = ContextualCheckBlock(block, tip->height + 1, tip->GetMedianTimePast(), params); !r) {
        return util::Fail(ChainError::Rejected(r.error()));
    }
    // A throwaway entry for the candidate, linked to the tip but not to the tree.
    BlockIndex candidate;
    candidate.hash = block.header.ComputeHash();
    candidate.version = block.header.version;
    candidate.time = block.header.time;
    candidate.bits = block.header.bits;
    candidate.nonce = block.header.nonce;
    candidate.merkle_root = block.header.merkle_root;
    candidate.height = tip->height + 1;
    candidate.prev = const_cast<BlockIndex*>(tip);
    BuildSkip(candidate);
    CoinsViewCache view(static_cast<CoinsView&>(*m_coins));  // discarded: nothing reaches the chain
    auto connected = ConnectBlock(block, candidate, view, params, m_options.connect);
    if (auto read_error = m_coins->ReadError()) return util::Fail(IoError("cannot read the coins database", *read_error));
    if (!connected) return util::Fail(ChainError::Rejected(connected.error()));
    return {};
}

util::Result<void, ChainError> Chainstate::InvalidateBlock(BlockIndex& index) {
    if (index.prev == nullptr) {
        return util::Fail(ChainError{ChainError::Kind::Invalid, {}, "the genesis block cannot be invalidated"});
    }
    while (m_chain.Contains(&index)) {
        if (auto r = DisconnectTip(); !r) return r;
    }
    m_tree.MarkFailed(index, std::nullopt);
    return ActivateBestChain();
}

util::Result<void, ChainError> Chainstate::ReconsiderBlock(BlockIndex& index) {
    m_tree.ClearFailure(index);
    return ActivateBestChain();
}

bool Chainstate::Reachable(const BlockIndex& best, const BlockIndex* fork) const {
    for (const BlockIndex* p = m_chain.Tip(); p != nullptr && p != fork; p = p->prev) {
        if (!p->HaveData() || !p->HasStatus(BLOCK_HAVE_UNDO)) return false;
    }
    for (const BlockIndex* p = &best; p != nullptr && p != fork; p = p->prev) {
        if (!p->HaveData()) return false;
    }
    return true;
}

util::Result<void, ChainError> Chainstate::Flush(bool force) {
    if (auto pruned = MaybePrune(); !pruned) return pruned;
    const bool periodic = m_options.flush_every_blocks != 0 && m_blocks_since_flush >= m_options.flush_every_blocks;
    if (!force && !periodic && m_coins->DynamicMemoryUsage() <= m_options.coins_cache_bytes) return {};
    return WriteOut();
}

util::Result<void, ChainError> Chainstate::WriteOut() {
    m_blocks_since_flush = 0;
    // Order matters for crash safety: data before the index that points at it, the index
    // before the coins whose best block it must contain.
    if (auto synced = m_store.Flush(); !synced) return util::Fail(WriteError("cannot sync block files", synced.error().message));
    const std::vector<const BlockIndex*> dirty = m_tree.TakeDirty();
    std::vector<DiskBlockIndex> entries;
    for (const BlockIndex* e : dirty) entries.push_back(ToDisk(*e));
    if (!entries.empty()) {
        if (auto written = m_store.WriteIndex(entries); !written) {
            // Still to be written: a later prune must not mistake files these entries left for
            // files nothing on disk refers to.
            m_tree.RestoreDirty(dirty);
            return util::Fail(WriteError("cannot write the block index", written.error().message));
        }
    }
    if (auto flushed = m_coins->Flush(); !flushed) {
        return util::Fail(WriteError("cannot write the coins database", flushed.error().message));
    }
    return {};
}

std::optional<int> Chainstate::PruneHeight() const {
    const BlockIndex* tip = m_chain.Tip();
    if (tip == nullptr || tip->height < 1) return std::nullopt;
    const auto complete = [](const BlockIndex& e) { return e.HaveData() && e.HasStatus(BLOCK_HAVE_UNDO); };
    if (!complete(*tip)) return tip->height;
    // The genesis has no undo record and is never pruned: the walk stops at height 1.
    const BlockIndex* first = tip;
    while (first->height > 1 && complete(*first->prev)) first = first->prev;
    if (first->height == 1) return std::nullopt;
    return first->prev->height;
}

util::Result<void, ChainError> Chainstate::PruneManual(int height) {
    const BlockIndex* tip = m_chain.Tip();
    if (tip == nullptr) return {};
    return PruneFiles(std::min(height, tip->height - MIN_BLOCKS_TO_KEEP), std::nullopt);
}

util::Result<void, ChainError> Chainstate::MaybePrune() {
    const PruneOptions& prune = m_options.prune;
    const BlockIndex* tip = m_chain.Tip();
    if (!prune.enabled || prune.target_bytes == 0 || tip == nullptr) return {};
    if (tip->height <= prune.prune_after_height) return {};
    if (m_store.FilesSize() + PRUNE_BUFFER_BYTES < prune.target_bytes) return {};
    if (tip->height < m_prune_retry_height && m_store.Files().size() == m_prune_retry_files) return {};
    return PruneFiles(tip->height - MIN_BLOCKS_TO_KEEP, prune.target_bytes);
}

util::Result<void, ChainError> Chainstate::PruneFiles(int last_prunable_height, std::optional<uint64_t> target) {
    const std::vector<BlockFileInfo> files = m_store.Files();
    FileLastHeights heights;
    const auto note = [&heights](BlockFileKind kind, DiskPos pos, int height) {
        auto [it, inserted] = heights.try_emplace({kind, pos.file}, height);
        if (!inserted) it->second = std::max(it->second, height);
    };
    m_tree.ForEachEntry([&note](const BlockIndex& e) {
        if (e.HaveData()) note(BlockFileKind::Blocks, e.data_pos, e.height);
        if (e.HasStatus(BLOCK_HAVE_UNDO)) note(BlockFileKind::Undo, e.undo_pos, e.height);
    });
    const std::vector<BlockFileInfo> chosen = ChooseFilesToPrune(files, heights, last_prunable_height, target);

    // Until one of the files kept becomes prunable or a new file starts, another scan would
    // choose the same nothing.
    m_prune_retry_files = files.size();
    m_prune_retry_height = std::numeric_limits<int>::max();
    for (const auto& f : files) {
        const auto it = heights.find({f.kind, f.file});
        if (f.appending || it == heights.end() || it->second <= last_prunable_height) continue;
        m_prune_retry_height = std::min(m_prune_retry_height, it->second + MIN_BLOCKS_TO_KEEP);
    }
    if (chosen.empty()) return {};

    // The coins go to disk at the tip first: were the index below written with the marks and
    // the coins not (a crash in between), a restart would come up at an older best block with
    // the blocks it must connect next marked pruned.
    if (auto written = WriteOut(); !written) return written;
    std::set<BlockFileKey> doomed;
    for (const auto& f : chosen) doomed.insert({f.kind, f.file});
    m_tree.ForEachEntry([&](BlockIndex& e) {
        if (e.HaveData() && doomed.contains({BlockFileKind::Blocks, e.data_pos.file})) m_tree.PrunedBlockData(e);
        if (e.HasStatus(BLOCK_HAVE_UNDO) && doomed.contains({BlockFileKind::Undo, e.undo_pos.file})) {
            m_tree.PrunedUndoData(e);
        }
    });
    // The index must stop pointing into the files, and the coins must be past every block in
    // them, before the files go: a crash in between leaves files nothing refers to, which the
    // next prune deletes.
    if (auto written = WriteOut(); !written) return written;
    for (const auto& f : chosen) {
        if (auto removed = m_store.RemoveFile(f.kind, f.file); !removed) {
            return util::Fail(ChainError::Io("cannot delete a pruned block file: " + removed.error().message));
        }
    }
    return {};
}

}  // namespace tonari::bitcoin::chain
