// Tests for BIP325 signet block solutions: the default signet's real blocks 1 and 2 verify
// (their solutions are pushed with PUSHDATA1, so this also pins how the commitment is rebuilt
// without the solution), changes to what the signature commits to break them (but the nonce
// does not), and blocks signed here with our own keys under bare-multisig and P2WPKH
// challenges pass or fail as BIP325 says: missing, unparsable or wrong solutions, the first
// solution push wins, the flags (NULLDUMMY) apply, trivial challenges need no solution.
#include <gtest/gtest.h>

#include <iostream>

#include "bitcoin/consensus/params.h"
#include "bitcoin/consensus/signet.h"
#include "bitcoin/encoding/compact_size.h"
#include "bitcoin/primitives/merkle.h"
#include "bitcoin/script/opcodes.h"
#include "bitcoin/script/script.h"
#include "bitcoin/script/script_error.h"
#include "bitcoin/script/sighash.h"
#include "crypto/keys.h"
#include "test_data.h"
#include "util/byte_writer.h"

namespace tonari::bitcoin::consensus {
namespace {

using encoding::Network;
using primitives::Block;
using script::Opcode;
using script::ScriptBuilder;

// Blocks 1 and 2 of the default signet, as Bitcoin Core's feature_signet.py carries them.
constexpr const char* SIGNET_BLOCK_1 =
    "00000020f61eee3b63a380a477a063af32b2bbc97c9ff9f01f2c4225e973988108000000f575c83235984e7dc4afc1f30944c170"
    "462e84437ab6f2d52e16878a79e4678bd1914d5fae77031eccf40700010100000000010100000000000000000000000000000000"
    "00"
    "000000000000000000000000000000ffffffff025151feffffff0200f2052a010000001600149243f727dd5343293eb831743240"
    "19"
    "ec16c2630f0000000000000000776a24aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf9"
    "4c"
    "4fecc7daa2490047304402205e423a8754336ca99dbe16509b877ef1bf98d008836c725005b3c787c41ebe46022047246e4467ad"
    "7c"
    "c7f1ad98662afcaf14c115e0095a227c7b05c5182591c23e7e010001200000000000000000000000000000000000000000000000"
    "00"
    "000000000000000000000000";
constexpr const char* SIGNET_BLOCK_2 =
    "00000020533b53ded9bff4adc94101d32400a144c54edc5ed492a3b26c63b2d686000000b38fef50592017cfafbcab88eb3d9cf5"
    "0b"
    "2c801711cad8299495d26df5e54812e7914d5fae77031ecfdd0b0001010000000001010000000000000000000000000000000000"
    "000000000000000000000000000000ffffffff025251feffffff0200f2052a01000000160014fd09839740f0e0b4fc6d5e2527e4"
    "02"
    "2aa9b89dfa0000000000000000776a24aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf9"
    "4c"
    "4fecc7daa24900473044022031d64a1692cdad1fc0ced69838169fe19ae01be524d831b95fcf5ea4e6541c3c02204f9dea0801df"
    "8b"
    "4d0cd0857c62ab35c6c25cc47c930630dc7fe723531daa3e9b010001200000000000000000000000000000000000000000000000"
    "00"
    "000000000000000000000000";

const ConsensusParams& Signet() {
    return GetParams(Network::Signet);
}

Block Decode(const char* hex) {
    auto b = primitives::DecodeBlock(test::ParseHexOrFail(hex));
    EXPECT_TRUE(b);
    return b ? std::move(*b) : Block{};
}

bool Passes(const Block& b, const ConsensusParams& p) {
    return CheckSignetBlockSolution(b, p).has_value();
}

BlockError Fails(const Block& b, const ConsensusParams& p) {
    auto r = CheckSignetBlockSolution(b, p);
    EXPECT_FALSE(r);
    return r ? BlockError::HighHash : r.error().reason;
}

// Signet parameters with another challenge.
ConsensusParams WithChallenge(util::Bytes challenge) {
    ConsensusParams p = Signet();
    p.signet_challenge = std::move(challenge);
    return p;
}

util::Bytes Concat(std::initializer_list<util::ByteSpan> parts) {
    util::Bytes out;
    for (auto p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

// --- the real default-signet blocks -----------------------------------------------------------

TEST(Signet, RealBlocksVerify) {
    const Block b1 = Decode(SIGNET_BLOCK_1);
    const Block b2 = Decode(SIGNET_BLOCK_2);
    EXPECT_EQ(b1.header.prev_block, Signet().genesis_hash);
    EXPECT_EQ(b2.header.prev_block, b1.header.ComputeHash());
    int checked = 0;
    for (const Block* b : {&b1, &b2}) {
        auto r = CheckSignetBlockSolution(*b, Signet());
        EXPECT_TRUE(r) << (r ? ""
                             : script::ScriptErrorName(
                                   static_cast<script::ScriptError>(r.error().script_error)));
        ++checked;
    }
    std::cout << "[vectors] default signet blocks 1-2: " << checked << " solutions verified\n";
    EXPECT_EQ(checked, 2);
    // The genesis has no solution and needs none; networks other than signet check nothing.
    EXPECT_TRUE(Passes(Signet().genesis, Signet()));
    EXPECT_TRUE(Passes(Block{}, GetParams(Network::Main)));
    EXPECT_TRUE(Passes(b1, GetParams(Network::Regtest)));
}

TEST(Signet, CommitmentRebuiltWithoutTheSolution) {
    // The solution is pushed with PUSHDATA1 (4c 4f ...); the cleared commitment must hold the
    // bare header as a direct push (04 ecc7daa2), as the signer computed it.
    const Block b1 = Decode(SIGNET_BLOCK_1);
    Block cleared = b1;
    auto& spk = cleared.txs[0].outputs[1].script_pubkey;
    ASSERT_EQ(spk.size(), 38u + 2u + 79u);
    ASSERT_EQ(spk[38], 0x4c);
    spk.resize(38);
    const util::Bytes bare = {0x04, 0xec, 0xc7, 0xda, 0xa2};
    spk.insert(spk.end(), bare.begin(), bare.end());
    const auto root = SignetMerkleRoot(b1);
    ASSERT_TRUE(root);
    EXPECT_EQ(*root, primitives::BlockMerkleRoot(cleared).root);
    EXPECT_NE(*root, b1.header.merkle_root);
    // With no solution, nothing is rebuilt: the root is the block's.
    EXPECT_EQ(SignetMerkleRoot(cleared), primitives::BlockMerkleRoot(cleared).root);

    const auto txs = CreateSignetTxs(b1, Signet().signet_challenge);
    ASSERT_TRUE(txs);
    EXPECT_EQ(txs->to_spend.version, 0u);
    EXPECT_EQ(txs->to_spend.inputs[0].sequence, 0u);
    EXPECT_TRUE(txs->to_spend.inputs[0].prevout.IsNull());
    EXPECT_EQ(txs->to_spend.inputs[0].script_sig.size(), 2u + 72u);  // OP_0, push 72
    EXPECT_EQ(txs->to_spend.outputs[0].script_pubkey, Signet().signet_challenge);
    EXPECT_EQ(txs->to_sign.inputs[0].prevout.txid, primitives::ComputeTxid(txs->to_spend));
    EXPECT_EQ(txs->to_sign.inputs[0].script_sig.size(), 73u);
    EXPECT_TRUE(txs->to_sign.inputs[0].witness.empty());
    EXPECT_EQ(txs->to_sign.outputs[0].script_pubkey, util::Bytes{0x6a});
}

TEST(Signet, WhatTheSignatureCovers) {
    const Block b1 = Decode(SIGNET_BLOCK_1);
    int checked = 0;
    Block nonce = b1;
    nonce.header.nonce += 1;  // not committed: miners roll it freely
    EXPECT_TRUE(Passes(nonce, Signet()));
    ++checked;
    Block time = b1;
    time.header.time += 1;
    Block version = b1;
    version.header.version ^= 4;
    Block prev = b1;
    prev.header.prev_block.get().data()[5] ^= 1;
    Block value = b1;
    value.txs[0].outputs[0].value -= 1;  // changes the coinbase, so the signet merkle root
    Block sig = b1;
    sig.txs[0].outputs[1].script_pubkey[50] ^= 1;  // inside the DER signature
    for (const Block* b : {&time, &version, &prev, &value, &sig}) {
        EXPECT_EQ(Fails(*b, Signet()), BlockError::BadSignetSignature);
        ++checked;
    }
    // Checked against the other block's context, the solution fails too.
    Block swapped = Decode(SIGNET_BLOCK_2);
    swapped.txs[0].outputs[1].script_pubkey = b1.txs[0].outputs[1].script_pubkey;
    EXPECT_EQ(Fails(swapped, Signet()), BlockError::BadSignetSignature);
    ++checked;
    EXPECT_EQ(checked, 7);
}

TEST(Signet, MissingOrMalformedSolutions) {
    const Block b1 = Decode(SIGNET_BLOCK_1);
    const ConsensusParams op_true = WithChallenge({0x51});
    int checked = 0;

    Block no_solution = b1;
    no_solution.txs[0].outputs[1].script_pubkey.resize(38);
    EXPECT_EQ(Fails(no_solution, Signet()), BlockError::BadSignetSignature);  // 1-of-2 needs a signature
    EXPECT_TRUE(Passes(no_solution, op_true));  // a trivial challenge needs no solution
    // A solution must be parseable even when the challenge is trivial...
    Block trailing = b1;
    auto& spk = trailing.txs[0].outputs[1].script_pubkey;
    spk[39] += 1;      // PUSHDATA1 length 0x50: one byte more
    spk.push_back(0);  // the extra byte after the witness stack
    EXPECT_EQ(Fails(trailing, op_true), BlockError::BadSignetSignature);
    Block truncated = b1;
    auto& spk2 = truncated.txs[0].outputs[1].script_pubkey;
    spk2[39] -= 1;  // drop the witness count
    spk2.pop_back();
    EXPECT_EQ(Fails(truncated, op_true), BlockError::BadSignetSignature);
    // ...and any that leaves true on the stack satisfies it (no clean-stack rule applies).
    EXPECT_TRUE(Passes(b1, op_true));
    checked += 5;

    // No witness commitment at all: refused whatever the challenge.
    Block no_commitment = b1;
    no_commitment.txs[0].outputs.pop_back();
    EXPECT_EQ(Fails(no_commitment, op_true), BlockError::BadSignetSignature);
    Block empty;
    empty.header = b1.header;
    EXPECT_EQ(Fails(empty, op_true), BlockError::BadSignetSignature);
    checked += 2;
    std::cout << "[cases] signet missing/malformed solutions: " << checked << " checks\n";
    EXPECT_EQ(checked, 7);
}

// --- blocks signed here ----------------------------------------------------------------------

class SignedBlocks : public ::testing::Test {
protected:
    SignedBlocks()
        : key(*crypto::PrivKey::FromBytes(util::Bytes(32, 0x11))),
          other(*crypto::PrivKey::FromBytes(util::Bytes(32, 0x22))),
          pubkey(key.GetPubKey(ctx)) {}

    // A block on the signet genesis with a coinbase and one more transaction; the commitment
    // output carries `pushes` after the 36-byte commitment.
    Block Template(const std::vector<util::Bytes>& pushes) const {
        Block b;
        b.header.version = 0x20000000;
        b.header.prev_block = Signet().genesis_hash;
        b.header.time = 1700000000;
        b.header.bits = 0x1e0377ae;
        primitives::Tx cb;
        cb.inputs.resize(1);
        cb.inputs[0].script_sig = {0x01, 0x01};
        cb.inputs[0].witness = {util::Bytes(32, 0)};
        cb.outputs.push_back({.value = 50'0000'0000, .script_pubkey = {0x51}});
        util::Bytes commitment = {0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed};
        commitment.resize(38, 0x5a);
        for (const auto& p : pushes) script::AppendPush(commitment, p);
        cb.outputs.push_back({.value = 0, .script_pubkey = commitment});
        primitives::Tx spend;
        spend.inputs.resize(1);
        spend.inputs[0].prevout.txid.get().data()[0] = 7;
        spend.inputs[0].prevout.index = 0;
        spend.outputs.push_back({.value = 1000, .script_pubkey = {0x51}});
        b.txs = {cb, spend};
        b.header.merkle_root = primitives::BlockMerkleRoot(b).root;
        return b;
    }

    static util::Bytes Solution(util::ByteSpan script_sig, const std::vector<util::Bytes>& witness) {
        util::ByteWriter w;
        encoding::WriteCompactSize(w, script_sig.size());
        w.WriteBytes(script_sig);
        encoding::WriteCompactSize(w, witness.size());
        for (const auto& item : witness) {
            encoding::WriteCompactSize(w, item.size());
            w.WriteBytes(item);
        }
        return Concat({SIGNET_HEADER, w.data()});
    }

    // The to_sign transaction of a block whose solution will sit at pushes[index]. Its digest
    // does not depend on the solution's content (legacy and BIP143 digests skip scriptSigs
    // and witnesses), so a placeholder stands in while signing.
    primitives::Tx ToSign(std::vector<util::Bytes> pushes, size_t index, const util::Bytes& challenge) const {
        pushes.insert(pushes.begin() + static_cast<std::ptrdiff_t>(index), Solution({}, {}));
        auto txs = CreateSignetTxs(Template(pushes), challenge);
        EXPECT_TRUE(txs);
        return txs ? txs->to_sign : primitives::Tx{};
    }

    util::Bytes Multisig() const {
        return ScriptBuilder()
            .Op(Opcode::OP_1)
            .Push(pubkey.bytes())
            .Op(Opcode::OP_1)
            .Op(Opcode::OP_CHECKMULTISIG)
            .Take();
    }

    // A block whose solution spends the 1-of-1 multisig challenge with `signer`'s signature.
    Block SignMultisig(const crypto::PrivKey& signer, std::vector<util::Bytes> pushes = {}, size_t index = 0,
                       Opcode dummy = Opcode::OP_0) const {
        const primitives::Tx to_sign = ToSign(pushes, index, Multisig());
        const util::Uint256 digest = script::LegacySignatureHash(Multisig(), to_sign, 0, script::SIGHASH_ALL);
        util::Bytes sig = signer.SignEcdsa(ctx, digest);
        sig.push_back(script::SIGHASH_ALL);
        const util::Bytes script_sig = ScriptBuilder().Op(dummy).Push(sig).Take();
        pushes.insert(pushes.begin() + static_cast<std::ptrdiff_t>(index), Solution(script_sig, {}));
        return Template(pushes);
    }

    crypto::KeyContext ctx;
    crypto::PrivKey key;
    crypto::PrivKey other;
    crypto::PubKey pubkey;
};

TEST_F(SignedBlocks, BareMultisigChallenge) {
    const ConsensusParams params = WithChallenge(Multisig());
    EXPECT_TRUE(Passes(SignMultisig(key), params));
    EXPECT_EQ(Fails(SignMultisig(other), params), BlockError::BadSignetSignature);
    // NULLDUMMY is enforced: the extra CHECKMULTISIG argument must be empty.
    auto r = CheckSignetBlockSolution(SignMultisig(key, {}, 0, Opcode::OP_1), params);
    ASSERT_FALSE(r);
    EXPECT_EQ(static_cast<script::ScriptError>(r.error().script_error), script::ScriptError::SIG_NULLDUMMY);
    // A different challenge rejects the same block.
    EXPECT_EQ(Fails(SignMultisig(key), Signet()), BlockError::BadSignetSignature);
}

TEST_F(SignedBlocks, OnlyTheFirstSolutionPushCounts) {
    const ConsensusParams params = WithChallenge(Multisig());
    const util::Bytes bare_header(SIGNET_HEADER.begin(), SIGNET_HEADER.end());
    const util::Bytes unrelated = {1, 2, 3, 4, 5, 6};
    const util::Bytes garbage = Concat({SIGNET_HEADER, util::Bytes{0xff, 0xff}});
    // A bare header push (no data) and unrelated pushes are skipped; a later header push is
    // ignored even though it would not parse.
    EXPECT_TRUE(Passes(SignMultisig(key, {bare_header, unrelated, garbage}, 2), params));
    // An unparsable first solution is fatal, whatever follows, even for a trivial challenge.
    const Block bad_first = Template({garbage, Solution({}, {})});
    EXPECT_EQ(Fails(bad_first, WithChallenge({0x51})), BlockError::BadSignetSignature);
    EXPECT_TRUE(Passes(Template({bare_header, Solution({}, {}), garbage}), WithChallenge({0x51})));
}

TEST_F(SignedBlocks, WitnessChallenge) {
    const util::Uint160 keyhash = pubkey.GetId();
    const util::Bytes challenge = ScriptBuilder().Op(Opcode::OP_0).Push(keyhash.span()).Take();
    const ConsensusParams params = WithChallenge(challenge);
    const util::Bytes script_code = ScriptBuilder()
                                        .Op(Opcode::OP_DUP)
                                        .Op(Opcode::OP_HASH160)
                                        .Push(keyhash.span())
                                        .Op(Opcode::OP_EQUALVERIFY)
                                        .Op(Opcode::OP_CHECKSIG)
                                        .Take();
    auto sign = [&](const crypto::PrivKey& signer) {
        const primitives::Tx to_sign = ToSign({}, 0, challenge);
        const util::Uint256 digest = script::SegwitV0SignatureHash(
            script_code, to_sign, 0, script::SIGHASH_ALL, 0, script::PrecomputedTxData{});
        util::Bytes sig = signer.SignEcdsa(ctx, digest);
        sig.push_back(script::SIGHASH_ALL);
        const util::Bytes pub(pubkey.bytes().begin(), pubkey.bytes().end());
        return Template({Solution({}, {sig, pub})});
    };
    EXPECT_TRUE(Passes(sign(key), params));
    EXPECT_EQ(Fails(sign(other), params), BlockError::BadSignetSignature);
    // The witness is required: an empty solution does not spend a P2WPKH challenge.
    EXPECT_EQ(Fails(Template({Solution({}, {})}), params), BlockError::BadSignetSignature);
}

}  // namespace
}  // namespace tonari::bitcoin::consensus
