// HeadersPresync: the defence against low-work header spam, as Bitcoin Core does it
// (HeadersSyncState). Headers cost nothing to make on a test network and little on a forked
// one, so a peer could fill our block tree (memory and disk) with a long chain that could
// never become our tip. Headers that fork from our chain below the anti-DoS work threshold —
// max(minimum chain work, our tip's work minus 144 blocks' worth) — are not stored at once.
//
// Phase one (presync): the chain is checked for continuity and proof of work and its work
// added up, but only one bit is kept for every `commitment_period` headers — a secret-salted
// hash bit of the header at that height. A chain that ends below the threshold is dropped; one
// that reaches it is downloaded again from the fork point.
// Phase two (redownload): each header must continue the chain and match the stored bits; the
// headers are held in a buffer of `redownload_buffer` headers and released to full validation
// and storage only behind it, so a peer that serves a different chain the second time is
// caught by a commitment before it can make us store anything; once the redownloaded chain
// itself reaches the threshold, the rest is released.
//
// Memory is tiny and bounded: the commitments of a chain no faster than six blocks a second
// since the fork (the median-time-past rule's limit), plus the buffer. One presync at a time.
// Not thread-safe: owned by the PeerManager on the validation strand.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "bitcoin/chain/block_index.h"
#include "bitcoin/consensus/arith_uint256.h"
#include "bitcoin/consensus/params.h"
#include "bitcoin/primitives/block.h"

namespace tonari::bitcoin::p2p {

// Blocks of work below our tip that a fork may lack and still be stored at once (Core: 144).
inline constexpr int ANTI_DOS_WORK_BLOCKS = 144;

// The work a headers chain must reach before it is stored.
consensus::ArithUint256 AntiDosWorkThreshold(const chain::BlockIndex& tip, const consensus::ConsensusParams& params);

struct PresyncTuning {
    // One commitment bit per this many headers (Core: 624 on mainnet).
    size_t commitment_period = 600;
    // Redownloaded headers held back before release: a fake chain must match
    // redownload_buffer / commitment_period (here 25) secret bits before anything of it is
    // stored, a chance of one in 2^25 per attempt, each attempt costing a whole presync.
    size_t redownload_buffer = 15'000;
};

class HeadersPresync {
public:
    struct Result {
        std::vector<primitives::BlockHeader> to_store;  // proven headers, in chain order
        bool ok = true;             // false: the sync is abandoned (see error)
        bool punish = false;        // with !ok: the peer broke continuity or proof of work
        bool request_more = false;  // ask the peer for more, from NextLocator()
        std::string error;
    };

    // `now`: unix seconds (bounds the commitments); `k0`/`k1`: secret salt of the bits.
    HeadersPresync(uint64_t peer, const chain::BlockIndex& fork, consensus::ArithUint256 threshold,
                   const consensus::ConsensusParams& params, int64_t now, uint64_t k0, uint64_t k1,
                   PresyncTuning tuning = {});

    // The next headers message from the peer; `full_message`: it had the maximum 2,000
    // headers, so more may follow.
    Result Process(const std::vector<primitives::BlockHeader>& headers, bool full_message);

    // Headers continuing the sync start after this hash.
    const primitives::BlockHash& ExpectedPrev() const;
    // Locator for the next getheaders: the last header received, then the fork point's own
    // locator (so a peer that reorganised meanwhile still finds a common block).
    std::vector<primitives::BlockHash> NextLocator() const;

    uint64_t Peer() const { return m_peer; }
    bool Redownloading() const { return m_phase == Phase::Redownload; }
    bool Finished() const { return m_phase == Phase::Done; }
    int PresyncHeight() const { return m_height; }
    size_t Commitments() const { return m_commitments.size() - m_next_commitment; }

private:
    enum class Phase { Presync, Redownload, Done };
    Result Fail(std::string error, bool punish);
    bool CommitmentBit(const primitives::BlockHash& hash) const;
    bool AtCommitment(int height) const;

    uint64_t m_peer;
    const chain::BlockIndex* m_fork;
    consensus::ArithUint256 m_threshold;
    const consensus::ConsensusParams& m_params;
    PresyncTuning m_tuning;
    uint64_t m_k0;
    uint64_t m_k1;
    size_t m_offset;           // commitments at heights ≡ m_offset (mod period), secret
    size_t m_max_commitments;  // six blocks a second since the fork, at most
    Phase m_phase = Phase::Presync;

    // presync
    int m_height;
    consensus::ArithUint256 m_work;
    primitives::BlockHash m_last_hash;
    std::vector<bool> m_commitments;  // packed, one bit each (mainnet from genesis: < 1 MB)
    size_t m_next_commitment = 0;     // the redownload has checked the ones before

    // redownload
    int m_redownload_height;
    consensus::ArithUint256 m_redownload_work;
    primitives::BlockHash m_redownload_last;
    std::deque<primitives::BlockHeader> m_buffer;
    bool m_release_all = false;
};

}  // namespace tonari::bitcoin::p2p
