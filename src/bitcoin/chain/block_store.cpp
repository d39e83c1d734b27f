// The in-memory BlockStore.
#include "bitcoin/chain/block_store.h"

#include <map>

namespace tonari::bitcoin::chain {
namespace {

class MemoryBlockStore final : public BlockStore {
public:
    util::Result<DiskPos, StoreError> WriteBlock(const primitives::Block& block) override {
        m_blocks.push_back(primitives::SerializeBlock(block));
        return DiskPos{0, static_cast<uint32_t>(m_blocks.size() - 1)};
    }
    util::Result<primitives::Block, StoreError> ReadBlock(DiskPos pos) const override {
        if (pos.file != 0 || pos.offset >= m_blocks.size()) return util::Fail(StoreError{"no block at position"});
        auto block = primitives::DecodeBlock(m_blocks[pos.offset]);
        if (!block) return util::Fail(StoreError{"stored block does not decode"});
        return std::move(*block);
    }
    util::Result<DiskPos, StoreError> WriteUndo(const BlockUndo& undo, const primitives::BlockHash& prev_hash) override {
        m_undo.push_back(MakeUndoRecord(prev_hash, undo));
        return DiskPos{0, static_cast<uint32_t>(m_undo.size() - 1)};
    }
    util::Result<BlockUndo, StoreError> ReadUndo(DiskPos pos, const primitives::BlockHash& prev_hash) const override {
        if (pos.file != 0 || pos.offset >= m_undo.size()) return util::Fail(StoreError{"no undo record at position"});
        auto undo = ReadUndoRecord(prev_hash, m_undo[pos.offset]);
        if (!undo) return util::Fail(StoreError{std::string("undo record: ") + std::string(CoinsDecodeErrorMessage(undo.error()))});
        return std::move(*undo);
    }
    util::Result<void, StoreError> Flush() override { return {}; }
    util::Result<void, StoreError> WriteIndex(const std::vector<DiskBlockIndex>& entries) override {
        for (const auto& e : entries) m_index.insert_or_assign(e.header.ComputeHash(), e);
        return {};
    }
    util::Result<std::vector<DiskBlockIndex>, StoreError> LoadIndex() const override {
        std::vector<DiskBlockIndex> out;
        for (const auto& [hash, e] : m_index) out.push_back(e);
        return out;
    }

private:
    std::vector<util::Bytes> m_blocks;
    std::vector<util::Bytes> m_undo;
    std::map<primitives::BlockHash, DiskBlockIndex> m_index;
};

}  // namespace

std::unique_ptr<BlockStore> MakeMemoryBlockStore() { return std::make_unique<MemoryBlockStore>(); }

}  // namespace tonari::bitcoin::chain
