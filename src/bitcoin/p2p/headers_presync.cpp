// HeadersPresync: holding low-work headers until their chain proves enough work.
#include "bitcoin/p2p/headers_presync.h"

#include "bitcoin/consensus/pow.h"

namespace tonari::bitcoin::p2p {

consensus::ArithUint256 AntiDosWorkThreshold(const chain::BlockIndex& tip, const consensus::ConsensusParams& params) {
    const auto minimum = consensus::ArithUint256::FromUint256(params.minimum_chain_work);
    const consensus::ArithUint256 buffer = consensus::GetBlockProof(tip.bits) * consensus::ArithUint256(ANTI_DOS_WORK_BLOCKS);
    if (tip.chain_work < buffer) return minimum;
    const consensus::ArithUint256 near_tip = tip.chain_work - buffer;
    return near_tip < minimum ? minimum : near_tip;
}

HeadersPresync::HeadersPresync(uint64_t peer, const chain::BlockIndex& fork, consensus::ArithUint256 threshold,
                               const consensus::ConsensusParams& params)
    : m_peer(peer), m_fork(&fork), m_threshold(threshold), m_params(params), m_work(fork.chain_work),
      m_last_hash(fork.hash) {}

HeadersPresync::Outcome HeadersPresync::Add(const std::vector<primitives::BlockHeader>& headers) {
    if (m_headers.size() + headers.size() > MAX_PRESYNC_HEADERS) return Outcome::TooMany;
    for (const auto& h : headers) {
        if (h.prev_block != m_last_hash) return Outcome::Invalid;
        const auto hash = h.ComputeHash();
        if (!consensus::CheckProofOfWork(hash, h.bits, m_params)) return Outcome::Invalid;
        m_work += consensus::GetBlockProof(h.bits);
        m_last_hash = hash;
        m_headers.push_back(h);
    }
    return m_work < m_threshold ? Outcome::NeedMore : Outcome::ReachedWork;
}

}  // namespace tonari::bitcoin::p2p
