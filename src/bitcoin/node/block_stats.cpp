// getblockstats, following Core's rpc/blockchain.cpp formulas: fee rates in sat/vB as
// fee * 4 / weight with integer division, percentiles by weight, truncated medians.
#include "bitcoin/node/block_stats.h"

#include <algorithm>
#include <array>
#include <utility>

#include "bitcoin/consensus/limits.h"
#include "bitcoin/script/script.h"

namespace tonari::bitcoin::node {
namespace {

using primitives::Amount;
using util::Json;

// Core's PER_UTXO_OVERHEAD: an outpoint (36 bytes) and the height/coinbase word (4 bytes).
constexpr uint64_t PER_UTXO_OVERHEAD = 36 + 4;
constexpr int64_t MAX_BLOCK_SERIALIZED_SIZE = static_cast<int64_t>(consensus::MAX_BLOCK_SERIALIZED_SIZE);
using consensus::WITNESS_SCALE_FACTOR;
using primitives::MAX_MONEY;

template <class T>
T TruncatedMedian(std::vector<T> values) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    if (n % 2 == 0) return (values[n / 2 - 1] + values[n / 2]) / 2;
    return values[n / 2];
}

// Core's CalculatePercentilesByWeight: the fee rate at which 10/25/50/75/90% of the block's
// weight (sorted by fee rate) is reached.
std::array<Amount, 5> PercentilesByWeight(std::vector<std::pair<Amount, int64_t>> scores, int64_t total_weight) {
    std::array<Amount, 5> result{};
    if (scores.empty()) return result;
    std::sort(scores.begin(), scores.end());
    const double weights[5] = {total_weight / 10.0, total_weight / 4.0, total_weight / 2.0, (total_weight * 3.0) / 4.0,
                               (total_weight * 9.0) / 10.0};
    size_t next = 0;
    int64_t cumulative = 0;
    for (const auto& [rate, weight] : scores) {
        cumulative += weight;
        while (next < 5 && static_cast<double>(cumulative) >= weights[next]) result[next++] = rate;
    }
    for (size_t i = next; i < 5; ++i) result[i] = scores.back().first;
    return result;
}

}  // namespace

const std::vector<std::string>& BlockStatNames() {
    static const std::vector<std::string> names = {
        "avgfee",      "avgfeerate", "avgtxsize",    "blockhash",          "feerate_percentiles", "height",
        "ins",         "maxfee",     "maxfeerate",   "maxtxsize",          "medianfee",           "mediantime",
        "mediantxsize", "minfee",    "minfeerate",   "mintxsize",          "outs",                "subsidy",
        "swtotal_size", "swtotal_weight", "swtxs",   "time",               "total_out",           "total_size",
        "total_weight", "totalfee",  "txs",          "utxo_increase",      "utxo_size_inc",       "utxo_increase_actual",
        "utxo_size_inc_actual"};
    return names;
}

Json ComputeBlockStats(const BlockStatsInput& in) {
    const primitives::Block& block = *in.block;
    Amount maxfee = 0, maxfeerate = 0, minfee = MAX_MONEY, minfeerate = MAX_MONEY, total_out = 0, totalfee = 0;
    int64_t inputs = 0, maxtxsize = 0, mintxsize = MAX_BLOCK_SERIALIZED_SIZE, outputs = 0;
    int64_t swtotal_size = 0, swtotal_weight = 0, swtxs = 0, total_size = 0, total_weight = 0, utxos = 0;
    int64_t utxo_size_inc = 0, utxo_size_inc_actual = 0;
    std::vector<Amount> fee_array;
    std::vector<std::pair<Amount, int64_t>> feerate_array;
    std::vector<int64_t> txsize_array;

    for (size_t i = 0; i < block.txs.size(); ++i) {
        const primitives::Tx& tx = block.txs[i];
        const bool coinbase = i == 0;
        outputs += static_cast<int64_t>(tx.outputs.size());
        Amount tx_total_out = 0;
        for (const auto& out : tx.outputs) {
            tx_total_out += out.value;
            const auto out_size = static_cast<int64_t>(primitives::SerializedSize(out) + PER_UTXO_OVERHEAD);
            utxo_size_inc += out_size;
            if (in.outputs_never_in_utxo_set && (in.height == 0 || coinbase)) continue;
            if (script::IsUnspendable(out.script_pubkey)) continue;
            ++utxos;
            utxo_size_inc_actual += out_size;
        }
        if (coinbase) continue;

        inputs += static_cast<int64_t>(tx.inputs.size());
        total_out += tx_total_out;
        const auto tx_size = static_cast<int64_t>(primitives::SerializedSize(tx, true));
        txsize_array.push_back(tx_size);
        maxtxsize = std::max(maxtxsize, tx_size);
        mintxsize = std::min(mintxsize, tx_size);
        total_size += tx_size;
        const int64_t weight = primitives::TxWeight(tx);
        total_weight += weight;
        if (tx.HasWitness()) {
            ++swtxs;
            swtotal_size += tx_size;
            swtotal_weight += weight;
        }
        Amount tx_total_in = 0;
        if (in.undo && i - 1 < in.undo->txs.size()) {
            for (const auto& coin : in.undo->txs[i - 1].spent) {
                tx_total_in += coin.out.value;
                const auto prevout_size = static_cast<int64_t>(primitives::SerializedSize(coin.out) + PER_UTXO_OVERHEAD);
                utxo_size_inc -= prevout_size;
                utxo_size_inc_actual -= prevout_size;
            }
        }
        const Amount txfee = tx_total_in - tx_total_out;
        fee_array.push_back(txfee);
        maxfee = std::max(maxfee, txfee);
        minfee = std::min(minfee, txfee);
        totalfee += txfee;
        const Amount feerate = weight ? (txfee * WITNESS_SCALE_FACTOR) / weight : 0;
        feerate_array.emplace_back(feerate, weight);
        maxfeerate = std::max(maxfeerate, feerate);
        minfeerate = std::min(minfeerate, feerate);
    }

    const auto non_coinbase = static_cast<int64_t>(block.txs.size()) - 1;
    const auto percentiles = PercentilesByWeight(feerate_array, total_weight);
    Json p = Json::MakeArray();
    for (const Amount v : percentiles) p.PushBack(int64_t{v});

    Json o = Json::MakeObject();
    o.Set("avgfee", int64_t{non_coinbase > 0 ? totalfee / non_coinbase : 0});
    o.Set("avgfeerate", int64_t{total_weight ? (totalfee * WITNESS_SCALE_FACTOR) / total_weight : 0});
    o.Set("avgtxsize", int64_t{non_coinbase > 0 ? total_size / non_coinbase : 0});
    o.Set("blockhash", in.hash.ToHex());
    o.Set("feerate_percentiles", std::move(p));
    o.Set("height", int64_t{in.height});
    o.Set("ins", inputs);
    o.Set("maxfee", int64_t{maxfee});
    o.Set("maxfeerate", int64_t{maxfeerate});
    o.Set("maxtxsize", maxtxsize);
    o.Set("medianfee", int64_t{TruncatedMedian(fee_array)});
    o.Set("mediantime", in.median_time);
    o.Set("mediantxsize", TruncatedMedian(txsize_array));
    o.Set("minfee", int64_t{minfee == MAX_MONEY ? 0 : minfee});
    o.Set("minfeerate", int64_t{minfeerate == MAX_MONEY ? 0 : minfeerate});
    o.Set("mintxsize", mintxsize == MAX_BLOCK_SERIALIZED_SIZE ? 0 : mintxsize);
    o.Set("outs", outputs);
    o.Set("subsidy", int64_t{in.subsidy});
    o.Set("swtotal_size", swtotal_size);
    o.Set("swtotal_weight", swtotal_weight);
    o.Set("swtxs", swtxs);
    o.Set("time", in.time);
    o.Set("total_out", int64_t{total_out});
    o.Set("total_size", total_size);
    o.Set("total_weight", total_weight);
    o.Set("totalfee", int64_t{totalfee});
    o.Set("txs", static_cast<int64_t>(block.txs.size()));
    o.Set("utxo_increase", outputs - inputs);
    o.Set("utxo_size_inc", utxo_size_inc);
    o.Set("utxo_increase_actual", utxos - inputs);
    o.Set("utxo_size_inc_actual", utxo_size_inc_actual);
    return o;
}

}  // namespace tonari::bitcoin::node
