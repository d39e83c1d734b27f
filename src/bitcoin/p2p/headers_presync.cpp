// HeadersPresync: low-work headers are presynced as commitments, then redownloaded and
// checked against them before anything is stored; see headers_presync.h.
#include "bitcoin/p2p/headers_presync.h"

#include <algorithm>

#include "bitcoin/chain/active_chain.h"
#include "bitcoin/chain/header_check.h"
#include "bitcoin/consensus/pow.h"
#include "crypto/siphash.h"

namespace tonari::bitcoin::p2p {

consensus::ArithUint256 AntiDosWorkThreshold(const chain::BlockIndex& tip, const consensus::ConsensusParams& params) {
    const auto minimum = consensus::ArithUint256::FromUint256(params.minimum_chain_work);
    const consensus::ArithUint256 buffer = consensus::GetBlockProof(tip.bits) * consensus::ArithUint256(ANTI_DOS_WORK_BLOCKS);
    if (tip.chain_work < buffer) return minimum;
    const consensus::ArithUint256 near_tip = tip.chain_work - buffer;
    return near_tip < minimum ? minimum : near_tip;
}

HeadersPresync::HeadersPresync(uint64_t peer, const chain::BlockIndex& fork, consensus::ArithUint256 threshold,
                               const consensus::ConsensusParams& params, int64_t now, uint64_t k0, uint64_t k1,
                               PresyncTuning tuning)
    : m_peer(peer), m_fork(&fork), m_threshold(threshold), m_params(params), m_tuning(tuning), m_k0(k0), m_k1(k1),
      m_offset(static_cast<size_t>(k0 % std::max<size_t>(tuning.commitment_period, 1))),
      m_height(fork.height), m_work(fork.chain_work), m_last_hash(fork.hash), m_redownload_height(fork.height),
      m_redownload_work(fork.chain_work), m_redownload_last(fork.hash) {
    const int64_t span = std::max<int64_t>(0, now - fork.GetMedianTimePast()) + chain::MAX_FUTURE_BLOCK_TIME;
    m_max_commitments = static_cast<size_t>(6 * span) / std::max<size_t>(m_tuning.commitment_period, 1) + 1;
}

bool HeadersPresync::CommitmentBit(const primitives::BlockHash& hash) const {
    return (crypto::SipHash24Uint256(m_k0, m_k1, hash.get()) & 1) != 0;
}

bool HeadersPresync::AtCommitment(int height) const {
    return static_cast<size_t>(height) % m_tuning.commitment_period == m_offset;
}

const primitives::BlockHash& HeadersPresync::ExpectedPrev() const {
    return m_phase == Phase::Presync ? m_last_hash : m_redownload_last;
}

std::vector<primitives::BlockHash> HeadersPresync::NextLocator() const {
    std::vector<primitives::BlockHash> locator = chain::LocatorFor(m_fork);
    const primitives::BlockHash& last = ExpectedPrev();
    if (last != m_fork->hash) locator.insert(locator.begin(), last);
    return locator;
}

HeadersPresync::Result HeadersPresync::Fail(std::string error, bool punish) {
    m_phase = Phase::Done;
    m_commitments.clear();
    m_buffer.clear();
    Result r;
    r.ok = false;
    r.punish = punish;
    r.error = std::move(error);
    return r;
}

HeadersPresync::Result HeadersPresync::Process(const std::vector<primitives::BlockHeader>& headers, bool full_message) {
    if (m_phase == Phase::Done) return Fail("headers sync already finished", false);
    if (m_phase == Phase::Presync) {
        for (const auto& h : headers) {
            if (h.prev_block != m_last_hash) return Fail("non-continuous headers in presync", true);
            const primitives::BlockHash hash = h.ComputeHash();
            if (!consensus::CheckProofOfWork(hash, h.bits, m_params)) return Fail("header with invalid proof of work", true);
            ++m_height;
            m_work += consensus::GetBlockProof(h.bits);
            m_last_hash = hash;
            if (AtCommitment(m_height)) {
                // Faster than the timestamps allow: a cheap endless chain, not a real one.
                if (m_commitments.size() >= m_max_commitments) return Fail("presync chain too long for its time", false);
                m_commitments.push_back(CommitmentBit(hash));
            }
        }
        if (m_work >= m_threshold) {
            // Enough work: fetch the same chain again from the fork point. The commitments
            // run to the end of this message; later headers are judged by the redownload.
            m_phase = Phase::Redownload;
            Result r;
            r.request_more = true;
            return r;
        }
        if (!full_message) return Fail("headers chain ends below the work threshold", false);
        Result r;
        r.request_more = true;
        return r;
    }

    Result r;
    for (const auto& h : headers) {
        if (h.prev_block != m_redownload_last) return Fail("redownloaded headers do not continue the chain", false);
        const primitives::BlockHash hash = h.ComputeHash();
        if (!consensus::CheckProofOfWork(hash, h.bits, m_params)) return Fail("header with invalid proof of work", true);
        ++m_redownload_height;
        m_redownload_work += consensus::GetBlockProof(h.bits);
        // Once the redownloaded chain itself has the work, the commitments have done their job.
        if (!m_release_all && AtCommitment(m_redownload_height)) {
            if (m_next_commitment == m_commitments.size()) return Fail("redownload is longer than the presync", false);
            const bool expected = m_commitments[m_next_commitment++];
            if (CommitmentBit(hash) != expected) return Fail("redownloaded headers differ from the presynced chain", false);
        }
        m_redownload_last = hash;
        m_buffer.push_back(h);
        if (m_redownload_work >= m_threshold) m_release_all = true;
    }
    while (!m_buffer.empty() && (m_release_all || m_buffer.size() > m_tuning.redownload_buffer)) {
        r.to_store.push_back(m_buffer.front());
        m_buffer.pop_front();
    }
    if (m_release_all) {
        // Everything is proven; later headers take the normal path.
        m_phase = Phase::Done;
        m_commitments.clear();
        r.request_more = full_message;
        return r;
    }
    if (!full_message) return Fail("redownload ended below the work threshold", false);
    r.request_more = true;
    return r;
}

}  // namespace tonari::bitcoin::p2p
