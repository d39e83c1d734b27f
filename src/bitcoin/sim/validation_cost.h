// What checking a block costs a simulated node: CPU time, per kilobyte of block, during which
// the node relays nothing and reads no message (SimNetwork::Busy). The figures are measured on
// this project's machine with the connect benchmark (bitcoin/chain/connect_bench.cpp, blocks
// of 500 transactions, about 750 inputs, of mixed P2WPKH / P2TR / P2WSH / P2PKH spends into an
// in-memory chainstate):
//
//   build/default/bench/tonari_bench --benchmark_filter='ConnectMixed' 
//
// `per_kB` of the run on 2 threads gives Full (every signature checked, as for transactions
// never seen before), of the run with scripts skipped gives Cached (the transactions were in
// the node's mempool, so their signatures sit in its signature cache and the block costs the
// rest: hashing, the UTXO set, undo data). A simulated block stands in for full blocks by its
// size (padding), so the cost is charged by size. The machines of 2014, which read coins from
// a disk, were slower than this one: the table is a floor, not a reconstruction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tonari::bitcoin::sim {

enum class ValidationModel : uint8_t {
    None,    // blocks cost no time (the simulator before the table)
    Cached,  // signatures already checked in the mempool (the default)
    Full,    // every signature checked
};

// Microseconds per 1,000 bytes of block, the median of three runs as above (2-core AMD EPYC,
// release build; blocks of 180 kB with 749 inputs): scripts skipped 12.32 µs/kB (2.2 ms a
// block), every script on 2 threads 152.0 µs/kB (27.3 ms a block; 256.5 µs/kB on 1 thread). A
// 400 kB block of 2014 costs 4.9 ms cached, 61 ms in full; a 1.5 MB block of today 18 ms and
// 228 ms.
inline constexpr double CACHED_US_PER_KB = 12.32;
inline constexpr double FULL_US_PER_KB = 152.0;

// "none", "cached", "full".
std::string_view ValidationModelName(ValidationModel model);
std::optional<ValidationModel> ParseValidationModel(std::string_view name);

// The simulated CPU time to check a block of `block_bytes` bytes.
int64_t ValidationUs(ValidationModel model, size_t block_bytes);

}  // namespace tonari::bitcoin::sim
