// Deterministic synthetic regtest chain: coin pool, transaction building and signing, block
// assembly; and the block-record framing.
#include "bitcoin/chain/chain_generator.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "bitcoin/chain/block_assembler.h"
#include "bitcoin/consensus/limits.h"
#include "bitcoin/consensus/subsidy.h"
#include "bitcoin/script/script.h"
#include "bitcoin/script/sighash.h"
#include "crypto/sha256.h"
#include "util/byte_writer.h"

namespace tonari::bitcoin::chain {
namespace {

using primitives::Amount;
using script::Opcode;
using script::ScriptBuilder;

// Coins below this value are left unspent rather than pooled: spending them would be mostly
// fee, and splitting them further would breed dust.
constexpr Amount MIN_POOL_VALUE = 20'000;
// Non-final sequence (so the anti-fee-sniping locktime is enforced), signalling BIP125 as
// wallets do; bit 31 set, so no BIP68 relative lock applies.
constexpr uint32_t INPUT_SEQUENCE = 0xfffffffd;
constexpr int32_t BLOCK_VERSION = 0x20000000;

// Weight of each input and output kind when signed (DER signatures counted at their 72-byte
// maximum), and of a segwit transaction's fixed fields (version, locktime, counts, marker
// and flag). Used to price fees before signing and to keep blocks within their budgets.
constexpr std::array<int64_t, GENERATED_OUTPUT_KINDS> INPUT_WEIGHT = {
    41 * 4 + 108,        // P2WPKH: outpoint, empty scriptSig, sequence; witness sig + key
    41 * 4 + 66,         // P2TR: one 64-byte signature
    41 * 4 + 254,        // 2-of-3 P2WSH: dummy, two signatures, the 105-byte witness script
    (41 + 107) * 4 + 1,  // P2PKH: scriptSig sig + key; an empty witness
};
constexpr std::array<int64_t, GENERATED_OUTPUT_KINDS> OUTPUT_WEIGHT = {31 * 4, 43 * 4, 43 * 4, 34 * 4};
constexpr int64_t TX_OVERHEAD_WEIGHT = 10 * 4 + 2;
// Upper bounds per item, for the block budget: counts above 252 take more bytes.
constexpr int64_t MAX_INPUT_WEIGHT = 600;
constexpr int64_t MAX_OUTPUT_WEIGHT = 180;
// Sigop cost: a 2-of-3 witness multisig costs 3, a P2PKH output 4 (legacy sigops count 4x).
constexpr int64_t MAX_INPUT_SIGOPS = 3;
constexpr int64_t MAX_OUTPUT_SIGOPS = 4;

void PutU64(util::ByteWriter& w, uint64_t v) {
    w.WriteU64LE(v);
}

util::Bytes P2pkhScript(const util::Uint160& hash) {
    return ScriptBuilder()
        .Op(Opcode::OP_DUP)
        .Op(Opcode::OP_HASH160)
        .Push(hash.span())
        .Op(Opcode::OP_EQUALVERIFY)
        .Op(Opcode::OP_CHECKSIG)
        .Take();
}

util::Bytes MultisigScript(const std::array<crypto::PubKey, 3>& pubs) {
    ScriptBuilder b;
    b.Op(Opcode::OP_2);
    for (const auto& pub : pubs) b.Push(pub.bytes());
    return b.Op(Opcode::OP_3).Op(Opcode::OP_CHECKMULTISIG).Take();
}

util::Bytes WithHashType(util::Bytes der_sig) {
    der_sig.push_back(script::SIGHASH_ALL);
    return der_sig;
}

}  // namespace

std::string_view GeneratedOutputKindName(GeneratedOutputKind kind) {
    switch (kind) {
        case GeneratedOutputKind::P2WPKH:
            return "p2wpkh";
        case GeneratedOutputKind::P2TR:
            return "p2tr";
        case GeneratedOutputKind::P2WSH_MULTISIG_2OF3:
            return "p2wsh-multisig-2of3";
        case GeneratedOutputKind::P2PKH:
            return "p2pkh";
    }
    return "unknown";
}

ChainGenerator::ChainGenerator(const consensus::ConsensusParams& params, Options options)
    : m_params(params),
      m_options(options),
      m_rng_state(options.seed ^ 0x746f6e6172692e67ULL),  // "tonari.g": seed 0 is fine too
      m_tip_hash(params.genesis_hash),
      m_tip_time(params.genesis.header.time) {
    m_options.block_interval = std::max<uint32_t>(m_options.block_interval, 1);
    m_options.min_inputs = std::max<size_t>(m_options.min_inputs, 1);
    m_options.max_inputs = std::max(m_options.max_inputs, m_options.min_inputs);
    m_options.outputs_per_tx = std::max<size_t>(m_options.outputs_per_tx, 1);
    m_options.coinbase_outputs = std::max<size_t>(m_options.coinbase_outputs, 1);
    m_options.fee_rate = std::max<Amount>(m_options.fee_rate, 0);
}

// splitmix64: tiny, fast and fully specified, so the chain is the same everywhere.
uint64_t ChainGenerator::NextRandom() {
    uint64_t z = (m_rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t ChainGenerator::RandomBelow(uint64_t n) {
    return n == 0 ? 0 : NextRandom() % n;
}

GeneratedOutputKind ChainGenerator::PickKind() {
    const OutputMix& m = m_options.mix;
    const uint64_t total = uint64_t{m.p2wpkh} + m.p2tr + m.p2wsh_multisig + m.p2pkh;
    if (total == 0) return GeneratedOutputKind::P2WPKH;
    uint64_t r = RandomBelow(total);
    if (r < m.p2wpkh) return GeneratedOutputKind::P2WPKH;
    r -= m.p2wpkh;
    if (r < m.p2tr) return GeneratedOutputKind::P2TR;
    r -= m.p2tr;
    if (r < m.p2wsh_multisig) return GeneratedOutputKind::P2WSH_MULTISIG_2OF3;
    return GeneratedOutputKind::P2PKH;
}

// Key n of output key_index: TaggedHash(seed || key_index || n || attempt). A hash is a valid
// secret key except with probability ~2^-128; the attempt counter makes even that case total.
crypto::PrivKey ChainGenerator::Key(uint64_t key_index, uint32_t n) const {
    for (uint32_t attempt = 0;; ++attempt) {
        util::ByteWriter w(24);
        PutU64(w, m_options.seed);
        PutU64(w, key_index);
        w.WriteU32LE(n);
        w.WriteU32LE(attempt);
        const util::Uint256 h = crypto::TaggedHash("TonariChainGenerator/key", w.data());
        if (auto key = crypto::PrivKey::FromBytes(h.span())) return *key;
    }
}

ChainGenerator::OwnedCoin ChainGenerator::MakeOutput(GeneratedOutputKind kind, Amount value) {
    OwnedCoin coin;
    coin.kind = kind;
    coin.key_index = m_next_key++;
    coin.out.value = value;
    const crypto::PrivKey k0 = Key(coin.key_index, 0);
    switch (kind) {
        case GeneratedOutputKind::P2WPKH:
            coin.out.script_pubkey =
                ScriptBuilder().Op(Opcode::OP_0).Push(k0.GetPubKey(m_ctx).GetId().span()).Take();
            break;
        case GeneratedOutputKind::P2TR: {
            // BIP86-style: no script tree, the output key commits to the internal key alone.
            const auto output = k0.GetPubKey(m_ctx).XOnly().CreateTapTweak(nullptr);
            coin.out.script_pubkey = ScriptBuilder().Op(Opcode::OP_1).Push(output->first.bytes()).Take();
            break;
        }
        case GeneratedOutputKind::P2WSH_MULTISIG_2OF3: {
            const std::array<crypto::PubKey, 3> pubs = {k0.GetPubKey(m_ctx),
                                                        Key(coin.key_index, 1).GetPubKey(m_ctx),
                                                        Key(coin.key_index, 2).GetPubKey(m_ctx)};
            const auto hash = crypto::Sha256Hash(MultisigScript(pubs));
            coin.out.script_pubkey = ScriptBuilder().Op(Opcode::OP_0).Push(hash).Take();
            break;
        }
        case GeneratedOutputKind::P2PKH:
            coin.out.script_pubkey = P2pkhScript(k0.GetPubKey(m_ctx).GetId());
            break;
    }
    return coin;
}

void ChainGenerator::Sign(primitives::Tx& tx, const std::vector<OwnedCoin>& spent) {
    std::vector<primitives::TxOut> spent_outs;
    spent_outs.reserve(spent.size());
    for (const auto& coin : spent) spent_outs.push_back(coin.out);
    // Sighashes commit to neither witnesses nor (except legacy's own input) scriptSigs, so
    // every input can be signed against the unsigned transaction's hashes.
    script::PrecomputedTxData txdata;
    txdata.Init(tx, std::move(spent_outs), true);

    for (size_t i = 0; i < spent.size(); ++i) {
        const OwnedCoin& coin = spent[i];
        primitives::TxIn& in = tx.inputs[i];
        const crypto::PrivKey k0 = Key(coin.key_index, 0);
        switch (coin.kind) {
            case GeneratedOutputKind::P2WPKH: {
                const crypto::PubKey pub = k0.GetPubKey(m_ctx);
                const util::Bytes code = P2pkhScript(pub.GetId());
                const auto h =
                    script::SegwitV0SignatureHash(code, tx, i, script::SIGHASH_ALL, coin.out.value, txdata);
                in.witness = {WithHashType(k0.SignEcdsa(m_ctx, h)),
                              util::Bytes(pub.bytes().begin(), pub.bytes().end())};
                m_stats.signatures += 1;
                break;
            }
            case GeneratedOutputKind::P2TR: {
                const auto tweaked = k0.TapTweak(m_ctx, nullptr);
                const auto h = script::TaprootSignatureHash(tx, i, script::SIGHASH_DEFAULT, txdata);
                util::ByteWriter aux_seed(16);
                PutU64(aux_seed, m_options.seed);
                PutU64(aux_seed, coin.key_index);
                const util::Uint256 aux = crypto::TaggedHash("TonariChainGenerator/aux", aux_seed.data());
                const auto sig = tweaked->SignSchnorr(m_ctx, *h, aux);
                in.witness = {util::Bytes(sig.begin(), sig.end())};
                m_stats.signatures += 1;
                break;
            }
            case GeneratedOutputKind::P2WSH_MULTISIG_2OF3: {
                const crypto::PrivKey k1 = Key(coin.key_index, 1);
                const crypto::PrivKey k2 = Key(coin.key_index, 2);
                const util::Bytes ws =
                    MultisigScript({k0.GetPubKey(m_ctx), k1.GetPubKey(m_ctx), k2.GetPubKey(m_ctx)});
                const auto h =
                    script::SegwitV0SignatureHash(ws, tx, i, script::SIGHASH_ALL, coin.out.value, txdata);
                // Keys 1 and 2 in key order: CHECKMULTISIG then needs exactly two curve checks,
                // both succeeding. The leading empty element is its extra pop (BIP147: empty).
                in.witness = {util::Bytes{}, WithHashType(k1.SignEcdsa(m_ctx, h)),
                              WithHashType(k2.SignEcdsa(m_ctx, h)), ws};
                m_stats.signatures += 2;
                break;
            }
            case GeneratedOutputKind::P2PKH: {
                const crypto::PubKey pub = k0.GetPubKey(m_ctx);
                const auto h =
                    script::LegacySignatureHash(coin.out.script_pubkey, tx, i, script::SIGHASH_ALL);
                in.script_sig =
                    ScriptBuilder().Push(WithHashType(k0.SignEcdsa(m_ctx, h))).Push(pub.bytes()).Take();
                m_stats.signatures += 1;
                break;
            }
        }
    }
}

bool ChainGenerator::MakeTx(int height, primitives::Tx& tx) {
    if (m_pool.empty()) return false;
    const size_t span = m_options.max_inputs - m_options.min_inputs + 1;
    const size_t wanted = m_options.min_inputs + static_cast<size_t>(RandomBelow(span));
    const size_t n_inputs = std::min(wanted, m_pool.size());

    std::vector<OwnedCoin> spent;
    spent.reserve(n_inputs);
    Amount total_in = 0;
    int64_t weight = TX_OVERHEAD_WEIGHT;
    for (size_t k = 0; k < n_inputs; ++k) {
        const size_t idx = static_cast<size_t>(RandomBelow(m_pool.size()));
        spent.push_back(std::move(m_pool[idx]));
        m_pool[idx] = std::move(m_pool.back());
        m_pool.pop_back();
        total_in += spent.back().out.value;
        weight += INPUT_WEIGHT[static_cast<size_t>(spent.back().kind)];
    }
    std::vector<GeneratedOutputKind> kinds(m_options.outputs_per_tx);
    for (auto& kind : kinds) {
        kind = PickKind();
        weight += OUTPUT_WEIGHT[static_cast<size_t>(kind)];
    }
    // Fee on the estimated virtual size; never more than half the inputs, so that tiny fee
    // rates or huge ones both still give a valid transaction.
    const Amount fee = std::min<Amount>(m_options.fee_rate * ((weight + 3) / 4), total_in / 2);
    const Amount to_pay = total_in - fee;

    tx = primitives::Tx{};
    tx.version = 2;
    tx.locktime = static_cast<uint32_t>(height - 1);  // anti-fee-sniping, as wallets do
    for (const auto& coin : spent) {
        primitives::TxIn in;
        in.prevout = coin.outpoint;
        in.sequence = INPUT_SEQUENCE;
        tx.inputs.push_back(std::move(in));
    }
    // Uneven shares (weights 1..4), the last output taking the remainder.
    std::vector<uint64_t> shares(kinds.size());
    uint64_t share_sum = 0;
    for (auto& s : shares) share_sum += (s = 1 + RandomBelow(4));
    std::vector<OwnedCoin> created;
    created.reserve(kinds.size());
    Amount paid = 0;
    for (size_t o = 0; o < kinds.size(); ++o) {
        const Amount value = o + 1 == kinds.size()
                                 ? to_pay - paid
                                 : to_pay / static_cast<Amount>(share_sum) * static_cast<Amount>(shares[o]);
        paid += value;
        created.push_back(MakeOutput(kinds[o], value));
        tx.outputs.push_back(created.back().out);
    }
    Sign(tx, spent);

    const primitives::Txid txid = primitives::ComputeTxid(tx);
    for (size_t o = 0; o < created.size(); ++o) {
        OwnedCoin& coin = created[o];
        coin.outpoint = {txid, static_cast<uint32_t>(o)};
        coin.height = height;
        // Into the pool at once: later transactions of this very block may spend it.
        if (coin.out.value >= MIN_POOL_VALUE) m_pool.push_back(std::move(coin));
    }
    for (const auto& coin : spent) {
        m_stats.inputs_by_kind[static_cast<size_t>(coin.kind)] += 1;
        if (coin.coinbase) m_stats.coinbase_spends += 1;
        if (!coin.coinbase && coin.height == height) m_stats.same_block_spends += 1;
    }
    m_stats.inputs += spent.size();
    m_stats.txs += 1;
    m_stats.fees += fee;
    return true;
}

primitives::Block ChainGenerator::Next() {
    return Next(m_options.txs_per_block);
}

primitives::Block ChainGenerator::Next(size_t tx_count) {
    const int height = m_height + 1;
    // Coinbase outputs become spendable COINBASE_MATURITY blocks after their own.
    size_t matured = 0;
    while (matured < m_immature.size() && height - m_immature[matured].height >= m_params.coinbase_maturity) {
        for (auto& coin : m_immature[matured].coins) m_pool.push_back(std::move(coin));
        ++matured;
    }
    m_immature.erase(m_immature.begin(), m_immature.begin() + static_cast<std::ptrdiff_t>(matured));

    // Budgets left after the coinbase (header, its input, outputs, commitment): each new
    // transaction must fit even at its largest.
    const int64_t coinbase_weight = 4 * (200 + 43 * static_cast<int64_t>(m_options.coinbase_outputs));
    const int64_t weight_budget = consensus::MAX_BLOCK_WEIGHT - coinbase_weight;
    const int64_t sigop_budget = consensus::MAX_BLOCK_SIGOPS_COST -
                                 MAX_OUTPUT_SIGOPS * static_cast<int64_t>(m_options.coinbase_outputs);
    const int64_t tx_max_weight = TX_OVERHEAD_WEIGHT + 16 +
                                  MAX_INPUT_WEIGHT * static_cast<int64_t>(m_options.max_inputs) +
                                  MAX_OUTPUT_WEIGHT * static_cast<int64_t>(m_options.outputs_per_tx);
    const int64_t tx_max_sigops = MAX_INPUT_SIGOPS * static_cast<int64_t>(m_options.max_inputs) +
                                  MAX_OUTPUT_SIGOPS * static_cast<int64_t>(m_options.outputs_per_tx);

    const Amount fees_before = m_stats.fees;
    std::vector<primitives::Tx> txs;
    txs.reserve(tx_count);
    int64_t weight = 0;
    int64_t sigops = 0;
    while (txs.size() < tx_count && weight + tx_max_weight <= weight_budget &&
           sigops + tx_max_sigops <= sigop_budget) {
        primitives::Tx tx;
        if (!MakeTx(height, tx)) break;
        weight += primitives::TxWeight(tx);
        sigops += tx_max_sigops;
        txs.push_back(std::move(tx));
    }
    const Amount fees = m_stats.fees - fees_before;

    // The coinbase: subsidy + fees split evenly over several outputs of mixed kinds.
    const Amount reward = consensus::GetBlockSubsidy(height, m_params) + fees;
    const size_t n_out = m_options.coinbase_outputs;
    std::vector<OwnedCoin> cb_coins;
    cb_coins.reserve(n_out);
    for (size_t o = 0; o < n_out; ++o) {
        const Amount value = o + 1 == n_out
                                 ? reward - reward / static_cast<Amount>(n_out) * static_cast<Amount>(o)
                                 : reward / static_cast<Amount>(n_out);
        cb_coins.push_back(MakeOutput(PickKind(), value));
    }
    primitives::Tx coinbase = MakeCoinbase(height, cb_coins[0].out.script_pubkey, cb_coins[0].out.value, {});
    for (size_t o = 1; o < n_out; ++o) coinbase.outputs.push_back(cb_coins[o].out);

    primitives::Block block;
    block.header.version = BLOCK_VERSION;
    block.header.prev_block = m_tip_hash;
    block.header.bits = m_params.genesis.header.bits;  // regtest: the difficulty never changes
    if (height == 1) {
        const uint32_t first = m_options.first_block_time != 0 ? m_options.first_block_time
                                                               : m_tip_time + m_options.block_interval;
        block.header.time = std::max(first, m_tip_time + 1);  // strictly after genesis
    } else {
        block.header.time = m_tip_time + m_options.block_interval;
    }
    block.txs.reserve(txs.size() + 1);
    block.txs.push_back(std::move(coinbase));
    for (auto& tx : txs) block.txs.push_back(std::move(tx));
    AddWitnessCommitment(block);  // also sets the merkle root

    auto solved = SolveBlock(std::move(block), m_params);
    // Only a network with real proof of work gets here: a broken precondition, not input.
    if (!solved) std::abort();

    const primitives::Txid cb_txid = primitives::ComputeTxid(solved->txs[0]);
    ImmatureCoinbase immature{height, {}};
    for (size_t o = 0; o < n_out; ++o) {
        OwnedCoin& coin = cb_coins[o];
        coin.outpoint = {cb_txid, static_cast<uint32_t>(o)};
        coin.height = height;
        coin.coinbase = true;
        if (coin.out.value >= MIN_POOL_VALUE) immature.coins.push_back(std::move(coin));
    }
    m_immature.push_back(std::move(immature));

    m_height = height;
    m_tip_hash = solved->header.ComputeHash();
    m_tip_time = solved->header.time;
    m_stats.blocks += 1;
    return std::move(*solved);
}

// ---------------------------------------------------------------------------------------
// Block records
// ---------------------------------------------------------------------------------------

std::string_view BlockRecordErrorMessage(BlockRecordError e) {
    switch (e) {
        case BlockRecordError::Truncated:
            return "block record truncated";
        case BlockRecordError::TooLarge:
            return "block record length exceeds the maximum block size";
        case BlockRecordError::BadBlock:
            return "block record does not hold exactly one valid block encoding";
    }
    return "unknown block record error";
}

void AppendBlockRecord(util::Bytes& out, const primitives::Block& block) {
    const util::Bytes raw = primitives::SerializeBlock(block);
    util::ByteWriter w(BLOCK_RECORD_HEADER_SIZE);
    w.WriteU32LE(static_cast<uint32_t>(raw.size()));
    util::Append(out, w.data());
    util::Append(out, raw);
}

util::Bytes SerializeBlockRecord(const primitives::Block& block) {
    util::Bytes out;
    AppendBlockRecord(out, block);
    return out;
}

util::Result<uint32_t, BlockRecordError> DecodeBlockRecordLength(util::ByteSpan header) {
    if (header.size() < BLOCK_RECORD_HEADER_SIZE) return util::Fail(BlockRecordError::Truncated);
    util::ByteReader r(header.first(BLOCK_RECORD_HEADER_SIZE));
    const uint32_t length = r.ReadU32LE();
    if (length > MAX_BLOCK_RECORD_SIZE) return util::Fail(BlockRecordError::TooLarge);
    return length;
}

util::Result<primitives::Block, BlockRecordError> ReadBlockRecord(util::ByteReader& reader) {
    const util::ByteSpan header = reader.ReadSpan(BLOCK_RECORD_HEADER_SIZE);
    if (reader.failed()) return util::Fail(BlockRecordError::Truncated);
    auto length = DecodeBlockRecordLength(header);
    if (!length) {
        reader.Fail();
        return util::Fail(length.error());
    }
    const util::ByteSpan body = reader.ReadSpan(*length);
    if (reader.failed()) return util::Fail(BlockRecordError::Truncated);
    auto block = primitives::DecodeBlock(body);
    if (!block) {
        reader.Fail();
        return util::Fail(BlockRecordError::BadBlock);
    }
    return std::move(*block);
}

util::Result<std::vector<primitives::Block>, BlockRecordError> DecodeBlockRecords(util::ByteSpan bytes) {
    util::ByteReader reader(bytes);
    std::vector<primitives::Block> blocks;
    while (!reader.empty()) {
        auto block = ReadBlockRecord(reader);
        if (!block) return util::Fail(block.error());
        blocks.push_back(std::move(*block));
    }
    return blocks;
}

}  // namespace tonari::bitcoin::chain
