// HeadersPresync: the defence against low-work header spam. Headers cost nothing to make on
// a test network and little on a forked one, so a peer could fill our block tree (memory and
// disk) with a long chain that could never become our tip. Headers that fork from our chain
// and do not reach the anti-DoS work threshold — max(minimum chain work, our tip's work minus
// 144 blocks' worth, Core's rule) — are therefore not stored. While the peer says more may
// follow (full 2,000-header messages), they are held here, checked for continuity and proof
// of work only; once their chain reaches the threshold they are released to full header
// validation and stored. A chain that ends below the threshold is dropped.
//
// Bitcoin Core keeps only commitments and downloads the headers twice, so its presync needs
// almost no memory; this simpler form holds the headers themselves, bounded by
// MAX_PRESYNC_HEADERS, with one presync at a time in the whole node.
// Not thread-safe: owned by the PeerManager on the validation strand.
#pragma once

#include <cstdint>
#include <vector>

#include "bitcoin/chain/block_index.h"
#include "bitcoin/consensus/arith_uint256.h"
#include "bitcoin/consensus/params.h"
#include "bitcoin/primitives/block.h"

namespace tonari::bitcoin::p2p {

// Headers held in a presync (80 bytes each: 20 MB). A low-work chain longer than this is
// dropped; it bounds what one peer can make us hold.
inline constexpr size_t MAX_PRESYNC_HEADERS = 250'000;
// Blocks of work below our tip that a fork may lack and still be stored at once (Core: 144).
inline constexpr int ANTI_DOS_WORK_BLOCKS = 144;

// The work a headers chain must reach before it is stored.
consensus::ArithUint256 AntiDosWorkThreshold(const chain::BlockIndex& tip, const consensus::ConsensusParams& params);

class HeadersPresync {
public:
    enum class Outcome {
        NeedMore,       // continuity and proof of work fine, still below the threshold
        ReachedWork,    // Headers() now reach the threshold: validate and store them
        Invalid,        // a header without valid proof of work, or not continuing the chain
        TooMany,        // over MAX_PRESYNC_HEADERS
    };

    HeadersPresync(uint64_t peer, const chain::BlockIndex& fork, consensus::ArithUint256 threshold,
                   const consensus::ConsensusParams& params);

    Outcome Add(const std::vector<primitives::BlockHeader>& headers);
    uint64_t Peer() const { return m_peer; }
    const chain::BlockIndex& Fork() const { return *m_fork; }
    const std::vector<primitives::BlockHeader>& Headers() const { return m_headers; }
    const primitives::BlockHash& LastHash() const { return m_last_hash; }

private:
    uint64_t m_peer;
    const chain::BlockIndex* m_fork;
    consensus::ArithUint256 m_threshold;
    const consensus::ConsensusParams& m_params;
    consensus::ArithUint256 m_work;
    primitives::BlockHash m_last_hash;
    std::vector<primitives::BlockHeader> m_headers;
};

}  // namespace tonari::bitcoin::p2p
