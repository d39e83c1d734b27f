// Rarest-first piece picking with random first pieces, end game, and piece assembly.
#include "torrent/picker/piece_picker.h"

#include <algorithm>
#include <cstring>

namespace tonari::torrent::picker {

PiecePicker::PiecePicker(const metainfo::Metainfo& meta, uint64_t seed, bool sequential)
    : m_meta(meta),
      m_rng(seed),
      m_sequential(sequential),
      m_have(meta.PieceCount(), false),
      m_availability(meta.PieceCount(), 0) {}

void PiecePicker::SetHave(uint64_t piece) {
    if (piece >= m_have.size() || m_have[piece]) return;
    m_have[piece] = true;
    ++m_have_count;
    m_partial.erase(piece);
}

void PiecePicker::AddPeerPieces(const std::vector<bool>& pieces) {
    for (size_t i = 0; i < pieces.size() && i < m_availability.size(); ++i) {
        if (pieces[i]) ++m_availability[i];
    }
}

void PiecePicker::RemovePeerPieces(const std::vector<bool>& pieces) {
    for (size_t i = 0; i < pieces.size() && i < m_availability.size(); ++i) {
        if (pieces[i] && m_availability[i] > 0) --m_availability[i];
    }
}

void PiecePicker::AddPeerPiece(uint64_t piece) {
    if (piece < m_availability.size()) ++m_availability[piece];
}

bool PiecePicker::Wants(const std::vector<bool>& peer_pieces) const {
    for (size_t i = 0; i < peer_pieces.size() && i < m_have.size(); ++i) {
        if (peer_pieces[i] && !m_have[i]) return true;
    }
    return false;
}

uint32_t PiecePicker::BlockCount(uint64_t piece) const {
    const uint64_t data = m_meta.PieceDataSize(piece);
    return static_cast<uint32_t>((data + wire::BLOCK_SIZE - 1) / wire::BLOCK_SIZE);
}

uint32_t PiecePicker::BlockLength(uint64_t piece, uint32_t block) const {
    const uint64_t data = m_meta.PieceDataSize(piece);
    const uint64_t offset = uint64_t{block} * wire::BLOCK_SIZE;
    return static_cast<uint32_t>(std::min<uint64_t>(wire::BLOCK_SIZE, data - offset));
}

PiecePicker::Partial& PiecePicker::Open(uint64_t piece) {
    Partial& p = m_partial[piece];
    // The whole piece, zeros included: padding and alignment past the data stay zero.
    p.data.assign(m_meta.PieceSize(piece), 0);
    p.blocks.assign(BlockCount(piece), Block{});
    p.free = p.blocks.size();
    return p;
}

std::optional<uint64_t> PiecePicker::ChooseNewPiece(const std::vector<bool>& peer_pieces, uint32_t max_availability) {
    uint64_t best = 0;
    uint32_t best_availability = UINT32_MAX;
    uint64_t ties = 0;
    const bool random_first = m_have_count < RANDOM_FIRST_PIECES && !m_sequential;
    for (uint64_t i = 0; i < m_have.size() && i < peer_pieces.size(); ++i) {
        if (!peer_pieces[i] || m_have[i] || m_partial.count(i) || m_availability[i] > max_availability) continue;
        if (m_sequential) return i;
        const uint32_t a = random_first ? 0 : m_availability[i];
        if (a < best_availability) {
            best = i;
            best_availability = a;
            ties = 1;
        } else if (a == best_availability && std::uniform_int_distribution<uint64_t>(0, ties++)(m_rng) == 0) {
            best = i;  // reservoir sampling: each equally rare piece equally likely
        }
    }
    if (best_availability == UINT32_MAX) return std::nullopt;
    return best;
}

std::vector<wire::BlockRef> PiecePicker::Pick(const std::vector<bool>& peer_pieces, PeerKey peer, size_t max,
                                              uint32_t max_availability) {
    std::vector<wire::BlockRef> out;
    auto take_free = [&](uint64_t piece, Partial& p) {
        for (uint32_t b = 0; b < p.blocks.size() && out.size() < max && p.free > 0; ++b) {
            Block& block = p.blocks[b];
            if (block.state != 0) continue;
            block.state = 1;
            block.first = peer;
            --p.free;
            out.push_back({static_cast<uint32_t>(piece), b * wire::BLOCK_SIZE, BlockLength(piece, b)});
        }
    };
    // 1. Pieces already started.
    for (auto& [piece, p] : m_partial) {
        if (out.size() >= max) return out;
        if (piece < peer_pieces.size() && peer_pieces[piece]) take_free(piece, p);
    }
    // 2. New pieces, while the buffers allow.
    while (out.size() < max && (m_partial.size() + 1) * m_meta.piece_length <= std::max(MAX_PARTIAL_BYTES, 4 * m_meta.piece_length)) {
        auto piece = ChooseNewPiece(peer_pieces, max_availability);
        if (!piece) break;
        take_free(*piece, Open(*piece));
    }
    if (!out.empty()) return out;
    // 3. End game: only once every missing piece has been started, so duplicates are asked
    // for the last blocks of the torrent, not whenever one peer has nothing new to offer.
    if (m_have.size() - m_have_count > m_partial.size()) return out;
    for (auto& [piece, p] : m_partial) {
        if (piece >= peer_pieces.size() || !peer_pieces[piece]) continue;
        for (uint32_t b = 0; b < p.blocks.size() && out.size() < max; ++b) {
            Block& block = p.blocks[b];
            if (block.state != 1 || block.second != 0 || block.first == peer) continue;
            block.second = peer;
            out.push_back({static_cast<uint32_t>(piece), b * wire::BLOCK_SIZE, BlockLength(piece, b)});
        }
    }
    return out;
}

void PiecePicker::Unrequest(const wire::BlockRef& ref, PeerKey peer) {
    auto it = m_partial.find(ref.piece);
    if (it == m_partial.end() || ref.offset % wire::BLOCK_SIZE != 0) return;
    const uint32_t b = ref.offset / wire::BLOCK_SIZE;
    if (b >= it->second.blocks.size()) return;
    Block& block = it->second.blocks[b];
    if (block.state != 1) return;
    if (block.second == peer) {
        block.second = 0;
    } else if (block.first == peer) {
        block.first = block.second;
        block.second = 0;
    }
    if (block.first == 0) {
        block.state = 0;
        ++it->second.free;
    }
}

std::vector<PeerKey> PiecePicker::OtherRequesters(const wire::BlockRef& ref, PeerKey peer) const {
    auto it = m_partial.find(ref.piece);
    if (it == m_partial.end() || ref.offset % wire::BLOCK_SIZE != 0) return {};
    const uint32_t b = ref.offset / wire::BLOCK_SIZE;
    if (b >= it->second.blocks.size()) return {};
    std::vector<PeerKey> out;
    for (PeerKey k : {it->second.blocks[b].first, it->second.blocks[b].second}) {
        if (k != 0 && k != peer) out.push_back(k);
    }
    return out;
}

PiecePicker::BlockResult PiecePicker::AddBlock(uint32_t piece, uint32_t offset, util::ByteSpan data, PeerKey peer) {
    auto it = m_partial.find(piece);
    if (it == m_partial.end() || offset % wire::BLOCK_SIZE != 0) return BlockResult::Unwanted;
    Partial& p = it->second;
    const uint32_t b = offset / wire::BLOCK_SIZE;
    if (b >= p.blocks.size() || data.size() != BlockLength(piece, b)) return BlockResult::Unwanted;
    Block& block = p.blocks[b];
    if (block.state == 2) return BlockResult::Unwanted;
    // A block we did not ask this peer for is still useful: its piece's hash decides.
    if (block.state == 0) --p.free;
    block.state = 2;
    block.sender = peer;
    std::memcpy(p.data.data() + offset, data.data(), data.size());
    ++p.received;
    return p.received == p.blocks.size() ? BlockResult::PieceDone : BlockResult::Stored;
}

std::vector<PiecePicker::SentBlock> PiecePicker::Senders(uint64_t piece) const {
    std::vector<SentBlock> out;
    auto it = m_partial.find(piece);
    if (it == m_partial.end()) return out;
    for (uint32_t b = 0; b < it->second.blocks.size(); ++b) {
        if (it->second.blocks[b].state == 2) out.push_back({b * wire::BLOCK_SIZE, BlockLength(piece, b), it->second.blocks[b].sender});
    }
    return out;
}

void PiecePicker::DiscardBlocksFrom(PeerKey peer) {
    for (auto& [piece, p] : m_partial) {
        for (Block& b : p.blocks) {
            if (b.state != 2 || b.sender != peer) continue;
            b = Block{};
            --p.received;
            ++p.free;
        }
    }
}

util::Bytes PiecePicker::TakePiece(uint64_t piece, std::vector<PeerKey>* senders) {
    auto it = m_partial.find(piece);
    if (it == m_partial.end()) return {};
    if (senders) {
        senders->clear();
        for (const Block& b : it->second.blocks) {
            if (std::find(senders->begin(), senders->end(), b.sender) == senders->end()) senders->push_back(b.sender);
        }
    }
    util::Bytes data = std::move(it->second.data);
    m_partial.erase(it);
    return data;
}

}  // namespace tonari::torrent::picker
