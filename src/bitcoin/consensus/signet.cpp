// BIP325 signet block solutions: extraction, the virtual transactions, and the check.
#include "bitcoin/consensus/signet.h"

#include <algorithm>
#include <vector>

#include "bitcoin/consensus/block_check.h"
#include "bitcoin/encoding/compact_size.h"
#include "bitcoin/primitives/merkle.h"
#include "bitcoin/script/interpreter.h"
#include "bitcoin/script/opcodes.h"
#include "bitcoin/script/script.h"
#include "bitcoin/script/sighash.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::bitcoin::consensus {
namespace {

using script::Opcode;

struct Solution {
    util::Bytes script_sig;
    std::vector<util::Bytes> witness;
};

struct Extracted {
    util::Bytes cleared_commitment;  // the commitment script with the solution removed
    std::optional<util::Bytes> solution;
};

// Walks the commitment script op by op. The first push that starts with SIGNET_HEADER and has
// more bytes after it is the solution; it is cut back to the bare header. The script is
// re-encoded the way Core rebuilds it: each data push with the shortest length prefix, every
// other operation (data-less pushes included) as its opcode byte alone, and nothing after an
// operation that does not parse. Without a solution the script is left untouched.
Extracted ExtractSolution(util::ByteSpan commitment) {
    Extracted out;
    util::Bytes rebuilt;
    size_t pc = 0;
    while (auto op = script::GetOp(commitment, pc)) {
        if (op->data.empty()) {
            rebuilt.push_back(script::ToByte(op->op));
            continue;
        }
        util::ByteSpan data = op->data;
        if (!out.solution && data.size() > SIGNET_HEADER.size() &&
            std::equal(SIGNET_HEADER.begin(), SIGNET_HEADER.end(), data.begin())) {
            out.solution = util::Bytes(data.begin() + SIGNET_HEADER.size(), data.end());
            data = data.first(SIGNET_HEADER.size());
        }
        script::AppendPush(rebuilt, data);
    }
    out.cleared_commitment =
        out.solution ? std::move(rebuilt) : util::Bytes(commitment.begin(), commitment.end());
    return out;
}

// compact_size(len) scriptSig, then the witness stack as BIP141 serializes it; nothing after.
std::optional<Solution> ParseSolution(util::ByteSpan bytes) {
    util::ByteReader r(bytes);
    Solution s;
    const uint64_t sig_len = encoding::ReadCompactSize(r);
    if (!r.CheckCount(sig_len, 1)) return std::nullopt;
    s.script_sig = r.ReadBytes(static_cast<size_t>(sig_len));
    const uint64_t items = encoding::ReadCompactSize(r);
    if (!r.CheckCount(items, 1)) return std::nullopt;
    s.witness.reserve(static_cast<size_t>(items));
    for (uint64_t i = 0; i < items && !r.failed(); ++i) {
        const uint64_t len = encoding::ReadCompactSize(r);
        if (!r.CheckCount(len, 1)) return std::nullopt;
        s.witness.push_back(r.ReadBytes(static_cast<size_t>(len)));
    }
    if (r.failed() || !r.empty()) return std::nullopt;
    return s;
}

struct Prepared {
    util::Uint256 merkle_root;
    Solution solution;
};

std::optional<Prepared> Prepare(const primitives::Block& block) {
    if (block.txs.empty()) return std::nullopt;
    const std::optional<size_t> commitment_index = FindWitnessCommitment(block);
    if (!commitment_index) return std::nullopt;  // signet blocks must commit to witnesses

    primitives::Tx coinbase = block.txs[0];
    util::Bytes& commitment = coinbase.outputs[*commitment_index].script_pubkey;
    Extracted extracted = ExtractSolution(commitment);
    Prepared out;
    if (extracted.solution) {
        auto parsed = ParseSolution(*extracted.solution);
        if (!parsed) return std::nullopt;
        out.solution = std::move(*parsed);
        commitment = std::move(extracted.cleared_commitment);
    }

    std::vector<util::Uint256> leaves;
    leaves.reserve(block.txs.size());
    leaves.push_back(primitives::ComputeTxid(coinbase).get());
    for (size_t i = 1; i < block.txs.size(); ++i)
        leaves.push_back(primitives::ComputeTxid(block.txs[i]).get());
    out.merkle_root = primitives::ComputeMerkleRoot(std::move(leaves)).root;
    return out;
}

}  // namespace

std::optional<util::Uint256> SignetMerkleRoot(const primitives::Block& block) {
    auto prepared = Prepare(block);
    if (!prepared) return std::nullopt;
    return prepared->merkle_root;
}

std::optional<SignetTxs> CreateSignetTxs(const primitives::Block& block, util::ByteSpan challenge) {
    auto prepared = Prepare(block);
    if (!prepared) return std::nullopt;

    // The 72 bytes the signature commits to: the header without its nonce, and with the
    // solution-free merkle root.
    util::ByteWriter data(72);
    data.WriteI32LE(block.header.version);
    data.WriteBytes(block.header.prev_block.get().span());
    data.WriteBytes(prepared->merkle_root.span());
    data.WriteU32LE(block.header.time);

    SignetTxs txs;
    primitives::TxIn spend_in;
    spend_in.prevout = primitives::OutPoint{};  // null: no real coin is spent
    spend_in.sequence = 0;
    spend_in.script_sig = script::ScriptBuilder().Op(Opcode::OP_0).Push(data.data()).Take();
    txs.to_spend.version = 0;
    txs.to_spend.locktime = 0;
    txs.to_spend.inputs.push_back(std::move(spend_in));
    txs.to_spend.outputs.push_back(
        primitives::TxOut{.value = 0, .script_pubkey = util::Bytes(challenge.begin(), challenge.end())});

    primitives::TxIn sign_in;
    sign_in.prevout = primitives::OutPoint{.txid = primitives::ComputeTxid(txs.to_spend), .index = 0};
    sign_in.sequence = 0;
    sign_in.script_sig = std::move(prepared->solution.script_sig);
    sign_in.witness = std::move(prepared->solution.witness);
    txs.to_sign.version = 0;
    txs.to_sign.locktime = 0;
    txs.to_sign.inputs.push_back(std::move(sign_in));
    txs.to_sign.outputs.push_back(
        primitives::TxOut{.value = 0, .script_pubkey = {script::ToByte(Opcode::OP_RETURN)}});
    return txs;
}

util::Result<void, BlockValidationError> CheckSignetBlockSolution(const primitives::Block& block,
                                                                  const ConsensusParams& params) {
    if (!params.signet_blocks) return {};
    if (block.header.ComputeHash() == params.genesis_hash) return {};

    const BlockValidationError bad{.reason = BlockError::BadSignetSignature};
    const std::optional<SignetTxs> txs = CreateSignetTxs(block, params.signet_challenge);
    if (!txs) return util::Fail(bad);

    const primitives::TxOut& spent = txs->to_spend.outputs[0];
    script::PrecomputedTxData txdata;
    txdata.Init(txs->to_sign, {spent});
    const script::TransactionSignatureChecker checker(txs->to_sign, 0, spent.value, txdata);
    const primitives::TxIn& in = txs->to_sign.inputs[0];
    auto verified = script::VerifyScript(in.script_sig, spent.script_pubkey, in.witness,
                                         SIGNET_SCRIPT_VERIFY_FLAGS, checker);
    if (!verified) {
        BlockValidationError err = bad;
        err.script_error = static_cast<uint8_t>(verified.error());
        return util::Fail(err);
    }
    return {};
}

}  // namespace tonari::bitcoin::consensus
