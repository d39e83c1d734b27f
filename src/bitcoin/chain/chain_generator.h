// A deterministic synthetic regtest chain: block after block of really signed transactions,
// for the crash test, the functional tests and the connect benchmarks. Every block is valid
// under full consensus on top of the previous one (BIP34 height, witness commitment, fees
// claimed by the coinbase, strictly increasing timestamps, regtest proof of work).
//
// The generator keeps its own wallet: every output it creates (coinbase outputs included,
// once mature) goes into a pool of coins it can spend, with keys derived from the seed, so
// it needs no node. Transactions spend 1..max_inputs coins picked at random from the pool,
// which includes outputs confirmed long ago, outputs of the previous block and outputs of
// earlier transactions of the same block; outputs are P2WPKH, P2TR (key path), 2-of-3 P2WSH
// multisig and P2PKH in the proportions of OutputMix. Same params + options = same blocks,
// byte for byte, on every machine.
//
// Also here: the framing of a file of blocks (4-byte little-endian length + serialized
// block, repeated) as pure byte functions; the kernel does no file I/O, the app does.
//
// Not thread-safe: one generator per thread. It signs with its own KeyContext.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "bitcoin/consensus/params.h"
#include "bitcoin/primitives/block.h"
#include "bitcoin/primitives/transaction.h"
#include "crypto/keys.h"
#include "util/byte_reader.h"
#include "util/bytes.h"
#include "util/result.h"

namespace tonari::bitcoin::chain {

// The kinds of output the generator pays to (and later spends).
enum class GeneratedOutputKind : uint8_t {
    P2WPKH,               // spent with an ECDSA signature and the key in the witness
    P2TR,                 // key-path spend: one BIP340 signature
    P2WSH_MULTISIG_2OF3,  // OP_2 <k0> <k1> <k2> OP_3 OP_CHECKMULTISIG, signed by k1 and k2
    P2PKH,                // legacy: signature and key in the scriptSig
};
inline constexpr size_t GENERATED_OUTPUT_KINDS = 4;

std::string_view GeneratedOutputKindName(GeneratedOutputKind kind);

// Relative weights of the output kinds (any scale; all zero is treated as P2WPKH only).
struct OutputMix {
    uint32_t p2wpkh = 3;
    uint32_t p2tr = 3;
    uint32_t p2wsh_multisig = 3;
    uint32_t p2pkh = 1;
};

struct ChainGeneratorOptions {
    uint64_t seed = 1;
    // Transactions per block once there are coins to spend (Next() without a count); fewer
    // when the pool runs dry or the block would exceed its weight or sigop budget.
    size_t txs_per_block = 20;
    // Inputs per transaction: uniform in [min_inputs, max_inputs] (clamped to the pool).
    size_t min_inputs = 1;
    size_t max_inputs = 2;
    size_t outputs_per_tx = 2;
    // Outputs of each coinbase (split evenly), so that every mature coinbase adds several
    // coins to the pool.
    size_t coinbase_outputs = 8;
    OutputMix mix;
    // Fee rate in satoshis per virtual byte (on an estimate of the transaction's size).
    primitives::Amount fee_rate = 2;
    // Timestamp of block 1 (0: genesis time + block_interval) and the step between blocks.
    uint32_t first_block_time = 0;
    uint32_t block_interval = 600;
};

// Running totals over every block generated so far.
struct ChainGeneratorStats {
    uint64_t blocks = 0;
    uint64_t txs = 0;     // excluding coinbases
    uint64_t inputs = 0;  // excluding coinbases
    std::array<uint64_t, GENERATED_OUTPUT_KINDS> inputs_by_kind{};
    uint64_t signatures = 0;         // signatures created (a multisig input has two)
    uint64_t same_block_spends = 0;  // inputs spending an output of the same block
    uint64_t coinbase_spends = 0;    // inputs spending a coinbase output
    primitives::Amount fees = 0;
};

class ChainGenerator {
public:
    using Options = ChainGeneratorOptions;

    // Precondition: params of a network whose proof of work is trivial (regtest), since every
    // block is solved on the calling thread; the chain starts at params.genesis. `params`
    // must outlive the generator (GetParams' objects do).
    ChainGenerator(const consensus::ConsensusParams& params, Options options);
    ChainGenerator(const ChainGenerator&) = delete;
    ChainGenerator& operator=(const ChainGenerator&) = delete;

    // The next block on the generator's own tip, with up to options.txs_per_block (or
    // tx_count) transactions; coinbase-only while nothing is mature yet.
    primitives::Block Next();
    primitives::Block Next(size_t tx_count);

    int Height() const { return m_height; }  // of the last block generated (0: genesis)
    const primitives::BlockHash& TipHash() const { return m_tip_hash; }
    uint32_t TipTime() const { return m_tip_time; }
    size_t SpendableCoins() const { return m_pool.size(); }
    const ChainGeneratorStats& Stats() const { return m_stats; }

private:
    // A coin the generator can spend; its keys are re-derived from key_index when spent.
    struct OwnedCoin {
        primitives::OutPoint outpoint;
        primitives::TxOut out;
        GeneratedOutputKind kind = GeneratedOutputKind::P2WPKH;
        uint64_t key_index = 0;
        int height = 0;
        bool coinbase = false;
    };
    struct ImmatureCoinbase {
        int height = 0;
        std::vector<OwnedCoin> coins;
    };

    uint64_t NextRandom();
    uint64_t RandomBelow(uint64_t n);
    GeneratedOutputKind PickKind();
    crypto::PrivKey Key(uint64_t key_index, uint32_t n) const;
    // A fresh output of `kind`; returns the coin (outpoint unset) with its script.
    OwnedCoin MakeOutput(GeneratedOutputKind kind, primitives::Amount value);
    // Builds and signs one transaction for the block at `height`, putting its outputs into
    // the pool at once; false if the pool is empty.
    bool MakeTx(int height, primitives::Tx& tx);
    void Sign(primitives::Tx& tx, const std::vector<OwnedCoin>& spent);

    const consensus::ConsensusParams& m_params;
    Options m_options;
    crypto::KeyContext m_ctx;
    uint64_t m_rng_state;
    uint64_t m_next_key = 0;

    int m_height = 0;
    primitives::BlockHash m_tip_hash;
    uint32_t m_tip_time = 0;

    std::vector<OwnedCoin> m_pool;             // spendable now
    std::vector<ImmatureCoinbase> m_immature;  // coinbase outputs, oldest first
    ChainGeneratorStats m_stats;
};

// ---------------------------------------------------------------------------------------
// Block records: `u32 little-endian length || serialized block (with witness)`, repeated.
// ---------------------------------------------------------------------------------------

inline constexpr size_t BLOCK_RECORD_HEADER_SIZE = 4;
// A record longer than any valid block is refused before anything is read or allocated for
// it: a corrupt or hostile file must not make the reader buffer gigabytes.
inline constexpr uint32_t MAX_BLOCK_RECORD_SIZE = 4'000'000;

enum class BlockRecordError {
    Truncated,  // the input ends inside a length field or a block
    TooLarge,   // a length above MAX_BLOCK_RECORD_SIZE
    BadBlock,   // the bytes of a record do not decode as exactly one block
};

std::string_view BlockRecordErrorMessage(BlockRecordError e);

// Appends one record for `block` to `out`.
void AppendBlockRecord(util::Bytes& out, const primitives::Block& block);
util::Bytes SerializeBlockRecord(const primitives::Block& block);

// The length announced by a record header (the first BLOCK_RECORD_HEADER_SIZE bytes of
// `header`), for readers that fetch the block's bytes themselves.
util::Result<uint32_t, BlockRecordError> DecodeBlockRecordLength(util::ByteSpan header);

// Reads one record, leaving the reader after it (the reader is failed on error).
util::Result<primitives::Block, BlockRecordError> ReadBlockRecord(util::ByteReader& reader);

// Every record of `bytes`, which must end exactly after the last one.
util::Result<std::vector<primitives::Block>, BlockRecordError> DecodeBlockRecords(util::ByteSpan bytes);

}  // namespace tonari::bitcoin::chain
