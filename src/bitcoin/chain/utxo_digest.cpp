// UTXO set digest (Core's hash_serialized_3) and statistics.
#include "bitcoin/chain/utxo_digest.h"

#include "bitcoin/encoding/compact_size.h"
#include "util/byte_writer.h"

namespace tonari::bitcoin::chain {
namespace {

// Core's GetBogoSize: txid, index, height+coinbase, amount, a 2-byte script length, script.
constexpr uint64_t BOGO_FIXED_SIZE = 32 + 4 + 4 + 8 + 2;

// txid, index, height+coinbase, amount, a CompactSize of at most 9 bytes.
constexpr size_t COIN_FIXED_SIZE = 32 + 4 + 4 + 8 + 9;

// Core's TxOutSer: the bytes both hash types take for one coin.
template <class Writer>
void WriteCoin(Writer& w, const primitives::OutPoint& outpoint, const Coin& coin) {
    w.WriteBytes(outpoint.txid.get().span());
    w.WriteU32LE(outpoint.index);
    w.WriteU32LE((coin.height << 1) | (coin.coinbase ? 1u : 0u));
    w.WriteI64LE(coin.out.value);
    encoding::WriteCompactSize(w, coin.out.script_pubkey.size());
    w.WriteBytes(coin.out.script_pubkey);
}

}  // namespace

bool UtxoDigest::Add(const primitives::OutPoint& outpoint, const Coin& coin) {
    if (m_failed) return false;
    if (m_last && !(*m_last < outpoint)) {
        m_failed = true;
        return false;
    }
    if (!m_last || m_last->txid != outpoint.txid) ++m_stats.transactions;
    m_last = outpoint;

    if (m_type == UtxoHashType::HashSerialized) {
        WriteCoin(m_hasher, outpoint, coin);
    } else if (m_type == UtxoHashType::MuHash) {
        util::ByteWriter element(COIN_FIXED_SIZE + coin.out.script_pubkey.size());
        WriteCoin(element, outpoint, coin);
        m_muhash.Insert(element.data());
    }

    ++m_stats.coins;
    if (m_stats.total_amount) {
        primitives::Amount sum;
        if (__builtin_add_overflow(*m_stats.total_amount, coin.out.value, &sum)) {
            m_stats.total_amount.reset();
        } else {
            m_stats.total_amount = sum;
        }
    }
    m_stats.bogo_size += BOGO_FIXED_SIZE + coin.out.script_pubkey.size();
    return true;
}

util::Result<UtxoStats, UtxoDigestError> UtxoDigest::Finalize() {
    if (m_failed) return util::Fail(UtxoDigestError::OutOfOrder);
    if (m_type == UtxoHashType::HashSerialized) m_stats.hash_serialized = m_hasher.GetHashD();
    if (m_type == UtxoHashType::MuHash) m_stats.muhash = m_muhash.Finalize();
    return m_stats;
}

util::Result<UtxoStats, UtxoDigestError> ComputeUtxoDigest(const ForEachCoinFn& for_each_coin, UtxoHashType type) {
    UtxoDigest digest(type);
    for_each_coin([&](const primitives::OutPoint& outpoint, const Coin& coin) { digest.Add(outpoint, coin); });
    return digest.Finalize();
}

util::Result<UtxoStats, UtxoDigestError> ComputeUtxoDigest(const MemoryCoinsView& view) {
    return ComputeUtxoDigest([&](const CoinVisitor& visit) { view.ForEachCoin(visit); });
}

}  // namespace tonari::bitcoin::chain
