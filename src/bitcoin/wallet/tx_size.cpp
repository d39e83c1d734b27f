// Planning sizes, fees and dust (see tx_size.h).
#include "bitcoin/wallet/tx_size.h"

#include "bitcoin/script/script.h"

namespace tonari::bitcoin::wallet {

int64_t OutputSize(util::ByteSpan script_pubkey) {
    const uint64_t n = script_pubkey.size();
    const int64_t len_size = n < 0xfd ? 1 : n <= 0xffff ? 3 : n <= 0xffffffff ? 5 : 9;
    return 8 + len_size + static_cast<int64_t>(n);
}

primitives::Amount FeeFor(policy::FeeRate rate, int64_t vsize) {
    const primitives::Amount per_kvb = rate.SatPerKvB();
    if (per_kvb <= 0 || vsize <= 0) return 0;
    return (per_kvb * vsize + 999) / 1000;
}

primitives::Amount DustThreshold(const primitives::TxOut& out) {
    if (script::IsUnspendable(out.script_pubkey)) return 0;
    int64_t size = OutputSize(out.script_pubkey);
    if (script::IsWitnessProgram(out.script_pubkey)) {
        // The spending input, its witness discounted: 32 + 4 + 1 + 107/4 + 4.
        size += 32 + 4 + 1 + 107 / primitives::WITNESS_SCALE_FACTOR + 4;
    } else {
        size += 32 + 4 + 1 + 107 + 4;
    }
    return FeeFor(policy::FeeRate(DUST_RELAY_FEE_SAT_PER_KVB), size);
}

}  // namespace tonari::bitcoin::wallet
