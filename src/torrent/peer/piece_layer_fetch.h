// PieceLayerFetch: the second step of a v2 magnet link. The info dictionary of a v2 torrent
// names each file's merkle root but not its piece layer (the hash of every piece), which a
// .torrent file carries outside the info dictionary; without it no piece of a file longer than
// one piece can be checked. So the layers are asked of peers with BEP 52 hash requests, in
// runs of 512 pieces (as libtorrent asks), each answer proven against the file's root before
// it is kept. Pure bookkeeping: the MetadataFetcher sends and receives.
//
// Defences: an answer that does not prove against the root names its sender (who is dropped
// and banned by the caller), hashes nobody asked for end the connection, a run asked of a peer
// that does not answer in HASH_REQUEST_TIMEOUT_US is asked of someone else.
//
// Threading: not thread-safe; one strand.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "torrent/metainfo/merkle_proof.h"
#include "torrent/metainfo/metainfo.h"
#include "torrent/wire/message.h"

namespace tonari::torrent::peer {

// Hash requests open with one peer at once (libtorrent keeps two).
inline constexpr size_t HASH_REQUEST_PIPELINE = 2;
// A run not answered in this time is asked of another peer.
inline constexpr int64_t HASH_REQUEST_TIMEOUT_US = 10'000'000;
// A peer that refused a run is asked for it again only after this (it may have the pieces by then).
inline constexpr int64_t HASH_REFUSAL_MEMORY_US = 20'000'000;

class PieceLayerFetch {
public:
    using PeerKey = uint64_t;

    // The runs `meta` (a v2 torrent from its info dictionary) lacks: one per 512 pieces of each
    // file longer than a piece.
    explicit PieceLayerFetch(const metainfo::Metainfo& meta);

    bool Done() const { return m_have == m_runs.size(); }
    size_t RunsHave() const { return m_have; }
    size_t RunsTotal() const { return m_runs.size(); }

    // The next run to ask `peer` for, or nothing (every run asked or had, or refused by it).
    std::optional<wire::HashRequestFields> Next(PeerKey peer, int64_t now_us);
    enum class Answer : uint8_t { Accepted, NotAsked, BadProof };
    Answer OnHashes(PeerKey peer, const wire::Hashes& hashes);
    void OnReject(PeerKey peer, const wire::HashRequestFields& fields, int64_t now_us);
    // True while `peer` has a run asked of it.
    bool Asking(PeerKey peer) const;
    // A peer gone: what it was asked goes back to the pool.
    void OnPeerGone(PeerKey peer);
    // Peers holding a run past the deadline (the caller drops them, which frees the runs).
    std::vector<PeerKey> Late(int64_t now_us) const;

    // Once Done: every file's piece layer, by pieces root, as a .torrent's "piece layers" holds it.
    std::map<metainfo::Sha256Hash, std::vector<metainfo::Sha256Hash>> Layers() const;

private:
    struct Run {
        wire::HashRequestFields fields;
        unsigned tree_height = 0;
        uint64_t file_pieces = 0;     // pieces in the run's file
        bool have = false;
        PeerKey asked = 0;            // 0: nobody now
        int64_t asked_at = 0;
        std::map<PeerKey, int64_t> refused;  // peer -> when it refused
        std::vector<metainfo::Sha256Hash> hashes;  // the file's own pieces of the run
    };
    Run* Find(PeerKey peer, const wire::HashRequestFields& fields);

    std::vector<Run> m_runs;
    size_t m_have = 0;
};

}  // namespace tonari::torrent::peer
