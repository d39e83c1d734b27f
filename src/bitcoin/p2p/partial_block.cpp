// Compact block building and reconstruction (BIP152 version 2); see partial_block.h.
#include "bitcoin/p2p/partial_block.h"

#include <random>
#include <utility>

#include "bitcoin/primitives/merkle.h"
#include "crypto/siphash.h"

namespace tonari::bitcoin::p2p {

wire::CmpctBlockMsg BuildCompactBlock(const primitives::Block& block, uint64_t nonce) {
    wire::CmpctBlockMsg msg;
    msg.header = block.header;
    msg.nonce = nonce;
    if (block.txs.empty()) return msg;
    msg.prefilled.push_back({0, block.txs.front()});
    const wire::ShortIdKeys keys = wire::ComputeShortIdKeys(block.header, nonce);
    msg.short_ids.reserve(block.txs.size() - 1);
    for (size_t i = 1; i < block.txs.size(); ++i) {
        msg.short_ids.push_back(wire::ShortTxId(keys, primitives::ComputeWtxid(block.txs[i]).get()));
    }
    return msg;
}

size_t ShortIdHasher::operator()(uint64_t short_id) const {
    uint8_t bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(short_id >> (8 * i));
    return static_cast<size_t>(crypto::SipHash24(k0, k1, util::ByteSpan(bytes, sizeof bytes)));
}

PartialBlock::Status PartialBlock::Init(const wire::CmpctBlockMsg& msg) {
    const size_t total = msg.short_ids.size() + msg.prefilled.size();
    if (total == 0) return Status::Invalid;
    m_header = msg.header;
    m_hash = msg.header.ComputeHash();
    m_keys = wire::ComputeShortIdKeys(msg.header, msg.nonce);
    m_slots.assign(total, nullptr);
    m_collided.assign(total, 0);
    for (const wire::PrefilledTx& p : msg.prefilled) {
        if (p.index >= total || m_slots[p.index] != nullptr) return Status::Invalid;
        if (p.tx.inputs.empty() && p.tx.outputs.empty()) return Status::Invalid;
        m_slots[p.index] = std::make_shared<const primitives::Tx>(p.tx);
    }
    m_prefilled = msg.prefilled.size();
    std::random_device entropy;
    const ShortIdHasher salted{(uint64_t{entropy()} << 32) | entropy(), (uint64_t{entropy()} << 32) | entropy()};
    m_by_short_id = std::unordered_map<uint64_t, uint32_t, ShortIdHasher>(msg.short_ids.size(), salted);
    size_t next_short = 0;
    for (uint32_t i = 0; i < total; ++i) {
        if (m_slots[i] != nullptr) continue;
        const bool inserted = m_by_short_id.emplace(msg.short_ids[next_short++], i).second;
        if (!inserted) return Status::Failed;
    }
    m_missing = msg.short_ids.size();
    m_from_pool = 0;
    return Status::Ok;
}

void PartialBlock::Offer(const primitives::Wtxid& wtxid, const std::shared_ptr<const primitives::Tx>& tx) {
    if (m_by_short_id.empty() || tx == nullptr) return;
    const auto it = m_by_short_id.find(wire::ShortTxId(m_keys, wtxid.get()));
    if (it == m_by_short_id.end()) return;
    const uint32_t slot = it->second;
    if (m_collided[slot] != 0) return;
    if (m_slots[slot] == nullptr) {
        m_slots[slot] = tx;
        --m_missing;
        ++m_from_pool;
        return;
    }
    if (primitives::ComputeWtxid(*m_slots[slot]) == wtxid) return;  // offered twice
    m_slots[slot].reset();
    m_collided[slot] = 1;
    ++m_missing;
    --m_from_pool;
}

std::vector<uint32_t> PartialBlock::MissingIndexes() const {
    std::vector<uint32_t> out;
    out.reserve(m_missing);
    for (uint32_t i = 0; i < m_slots.size(); ++i) {
        if (m_slots[i] == nullptr) out.push_back(i);
    }
    return out;
}

util::Result<primitives::Block, PartialBlock::Status> PartialBlock::Finish(std::vector<primitives::Tx> missing) const {
    if (missing.size() != m_missing) return util::Fail(Status::Invalid);
    primitives::Block block;
    block.header = m_header;
    block.txs.reserve(m_slots.size());
    size_t next = 0;
    for (const auto& slot : m_slots) {
        if (slot != nullptr) {
            block.txs.push_back(*slot);
        } else {
            block.txs.push_back(std::move(missing[next++]));
        }
    }
    const primitives::MerkleRoot root = primitives::BlockMerkleRoot(block);
    if (root.mutated || root.root != m_header.merkle_root) return util::Fail(Status::Failed);
    return block;
}

}  // namespace tonari::bitcoin::p2p
