// PiecePicker: which blocks to ask which peer for, and the pieces being assembled.
//
// Policy (BEP 3 practice, as libtorrent and Transmission do it): finish pieces already
// started before opening new ones; open the rarest piece the peer has (random among equally
// rare ones), but the first few pieces at random so a new peer soon has something to trade;
// `sequential` opens the lowest piece instead (streaming). End game: once every block still
// missing is requested, a peer with nothing new to fetch may ask for blocks already asked of
// someone else (one duplicate per block), so one slow peer cannot hold back the last piece.
//
// Pieces in progress keep their bytes here until complete, bounded by MAX_PARTIAL_BYTES:
// a swarm of peers each starting different pieces cannot make us buffer without limit.
// Every requested block records who asked, so a choke, a reject or a disconnect returns it
// to the pool, and so a piece that fails its hash check names the peers that sent it.
//
// Not thread-safe: owned by one swarm on one strand. Deterministic for a given seed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <vector>

#include "torrent/metainfo/metainfo.h"
#include "torrent/wire/message.h"
#include "util/bytes.h"

namespace tonari::torrent::picker {

// Attack/limit: pieces started by many peers at once each hold a piece-sized buffer.
inline constexpr uint64_t MAX_PARTIAL_BYTES = 64ull << 20;
// Pieces opened at random before rarest-first takes over.
inline constexpr uint64_t RANDOM_FIRST_PIECES = 4;

using PeerKey = uint64_t;

class PiecePicker {
public:
    PiecePicker(const metainfo::Metainfo& meta, uint64_t seed, bool sequential = false);

    // --- what we have -------------------------------------------------------------------
    bool Have(uint64_t piece) const { return m_have[piece]; }
    void SetHave(uint64_t piece);
    uint64_t HaveCount() const { return m_have_count; }
    bool Complete() const { return m_have_count == m_have.size(); }
    uint64_t PieceCount() const { return m_have.size(); }
    const std::vector<bool>& HaveBits() const { return m_have; }

    // --- what peers have (availability for rarest-first) --------------------------------
    void AddPeerPieces(const std::vector<bool>& pieces);
    void RemovePeerPieces(const std::vector<bool>& pieces);
    void AddPeerPiece(uint64_t piece);
    // True if the peer has a piece we still need.
    bool Wants(const std::vector<bool>& peer_pieces) const;

    // --- requests -----------------------------------------------------------------------
    // Up to `max` blocks for this peer, each marked as requested by it. New pieces are opened
    // only among those no more than `max_availability` peers have (used to keep seeds for
    // the pieces nobody else can give); pieces already started are always continued.
    std::vector<wire::BlockRef> Pick(const std::vector<bool>& peer_pieces, PeerKey peer, size_t max,
                                     uint32_t max_availability = UINT32_MAX);
    // The peer will not send this block (choke, reject, disconnect, timeout).
    void Unrequest(const wire::BlockRef& block, PeerKey peer);
    // Other peers that were asked for this block (end game), to send them a cancel.
    std::vector<PeerKey> OtherRequesters(const wire::BlockRef& block, PeerKey peer) const;

    enum class BlockResult : uint8_t { Unwanted, Stored, PieceDone };
    // A block arrived. Unwanted: not part of a piece in progress, a wrong size, or already
    // received (an end-game duplicate). PieceDone: every block of the piece is here.
    BlockResult AddBlock(uint32_t piece, uint32_t offset, util::ByteSpan data, PeerKey peer);
    // The bytes of a completed piece, and the peers that sent its blocks; the piece leaves
    // the in-progress set (SetHave it once checked and written, or it will be picked again).
    util::Bytes TakePiece(uint64_t piece, std::vector<PeerKey>* senders);

    size_t PartialCount() const { return m_partial.size(); }

    // The blocks a peer sent, in a finished piece (before TakePiece): for smart bans.
    struct SentBlock {
        uint32_t offset;
        uint32_t length;
        PeerKey sender;
    };
    std::vector<SentBlock> Senders(uint64_t piece) const;
    // Forgets every block this peer sent to pieces still in progress (a banned peer's data
    // must not complete a piece and get an honest peer blamed).
    void DiscardBlocksFrom(PeerKey peer);

private:
    struct Block {
        uint8_t state = 0;  // 0 free, 1 requested, 2 received
        PeerKey first = 0;  // who asked (0 none)
        PeerKey second = 0; // a second asker in end game
        PeerKey sender = 0;
    };
    struct Partial {
        util::Bytes data;
        std::vector<Block> blocks;
        size_t received = 0;
        size_t free = 0;
    };

    uint32_t BlockCount(uint64_t piece) const;
    uint32_t BlockLength(uint64_t piece, uint32_t block) const;
    std::optional<uint64_t> ChooseNewPiece(const std::vector<bool>& peer_pieces, uint32_t max_availability);
    Partial& Open(uint64_t piece);

    const metainfo::Metainfo& m_meta;
    std::mt19937_64 m_rng;
    bool m_sequential;
    std::vector<bool> m_have;
    uint64_t m_have_count = 0;
    std::vector<uint32_t> m_availability;
    std::map<uint64_t, Partial> m_partial;
};

}  // namespace tonari::torrent::picker
