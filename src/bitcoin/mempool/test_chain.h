// Test and benchmark fixture only (not library API; nothing in the node includes this): an
// in-memory regtest chain whose coinbases pay a P2WPKH key, and really signed P2WPKH spends
// of them, for the mempool and miner tests and benchmarks. Header-only.
#pragma once

#include <cstdint>
#include <vector>

#include "bitcoin/chain/block_assembler.h"
#include "bitcoin/chain/test_node.h"
#include "bitcoin/script/script.h"
#include "bitcoin/script/sighash.h"
#include "crypto/keys.h"
#include "crypto/sha256.h"

namespace tonari::bitcoin::mempool::fixture {

// A spendable output: where it is and what it holds.
struct Utxo {
    primitives::OutPoint outpoint;
    primitives::Amount value = 0;
};

// The outputs of `tx` as spendable coins.
inline std::vector<Utxo> OutputsOf(const primitives::Tx& tx) {
    std::vector<Utxo> out;
    const primitives::Txid txid = primitives::ComputeTxid(tx);
    for (uint32_t i = 0; i < tx.outputs.size(); ++i) out.push_back({{txid, i}, tx.outputs[i].value});
    return out;
}

struct TestChain : chain::fixture::MemoryNode {
    crypto::KeyContext ctx;
    crypto::PrivKey key = *crypto::PrivKey::FromBytes(crypto::Sha256Hash(util::Bytes{'k', 'e', 'y'}));
    util::Bytes script;       // P2WPKH of key
    util::Bytes script_code;  // its BIP143 script code
    util::Bytes pubkey;
    uint32_t next_extra = 0;
    std::vector<primitives::Tx> coinbases;  // of the blocks Mine made, in order

    // Loads the chain and mines `blocks` blocks paying the key (101 gives one mature coinbase).
    explicit TestChain(int blocks = 0) {
        const util::Uint160 h = key.GetPubKey(ctx).GetId();
        script = script::ScriptBuilder().Op(script::Opcode::OP_0).Push(h.span()).Take();
        script_code = script::ScriptBuilder()
                          .Op(script::Opcode::OP_DUP)
                          .Op(script::Opcode::OP_HASH160)
                          .Push(h.span())
                          .Op(script::Opcode::OP_EQUALVERIFY)
                          .Op(script::Opcode::OP_CHECKSIG)
                          .Take();
        const auto pub = key.GetPubKey(ctx);
        pubkey.assign(pub.bytes().begin(), pub.bytes().end());
        (void)chain.Load();
        for (int i = 0; i < blocks; ++i) (void)Mine({});
    }

    // A block on the tip with `txs` (fees paid to the key), solved and processed. Returns it.
    primitives::Block Mine(std::vector<primitives::Tx> txs, primitives::Amount fees = 0) {
        const chain::BlockIndex& tip = *chain.Tip();
        chain::BlockTemplate tmpl;
        tmpl.prev_hash = tip.hash;
        tmpl.height = tip.height + 1;
        tmpl.time = static_cast<uint32_t>(tip.GetMedianTimePast() + 1);
        tmpl.bits = tip.bits;
        tmpl.payout_script = script;
        tmpl.txs = std::move(txs);
        tmpl.fees = fees;
        const uint32_t extra = next_extra++;
        tmpl.coinbase_extra = {static_cast<uint8_t>(extra), static_cast<uint8_t>(extra >> 8), 0x01};
        auto block = chain::SolveBlock(chain::AssembleBlock(tmpl, chain::fixture::Regtest()), chain::fixture::Regtest());
        if (!block) return {};
        if (chain.ProcessBlock(*block, chain::fixture::NOW)) coinbases.push_back(block->txs[0]);
        return *block;
    }

    // Output 0 of the coinbase of the i-th block this fixture mined (height i + 1 when the
    // fixture mined every block since the genesis).
    Utxo Coinbase(size_t i) const {
        const primitives::Tx& cb = coinbases.at(i);
        return {{primitives::ComputeTxid(cb), 0}, cb.outputs[0].value};
    }

    // A transaction spending `inputs` (all paying the key) into outputs of `values`, each to
    // the key, signed with SIGHASH_ALL. nSequence signals replaceability.
    primitives::Tx Spend(const std::vector<Utxo>& inputs, const std::vector<primitives::Amount>& values,
                         uint32_t locktime = 0) const {
        primitives::Tx tx;
        tx.locktime = locktime;
        std::vector<primitives::TxOut> spent;
        for (const Utxo& u : inputs) {
            primitives::TxIn in;
            in.prevout = u.outpoint;
            in.sequence = 0xfffffffd;
            tx.inputs.push_back(in);
            spent.push_back({u.value, script});
        }
        for (primitives::Amount v : values) tx.outputs.push_back({v, script});
        Sign(tx, spent);
        return tx;
    }

    // Splits the coinbase of the i-th mined block into `count` equal outputs paying the key
    // (fee 10,000 sat), mines that transaction, and returns the outputs. Benchmarks use it
    // to get thousands of mature coins from one coinbase.
    std::vector<Utxo> FanOut(size_t i, size_t count) {
        const Utxo coin = Coinbase(i);
        const primitives::Amount each = (coin.value - 10'000) / static_cast<primitives::Amount>(count);
        const primitives::Tx tx = Spend({coin}, std::vector<primitives::Amount>(count, each));
        Mine({tx}, coin.value - each * static_cast<primitives::Amount>(count));
        return OutputsOf(tx);
    }

    void Sign(primitives::Tx& tx, const std::vector<primitives::TxOut>& spent) const {
        script::PrecomputedTxData txdata;
        txdata.Init(tx, spent, true);
        for (size_t i = 0; i < tx.inputs.size(); ++i) {
            const auto h = script::SegwitV0SignatureHash(script_code, tx, i, script::SIGHASH_ALL, spent[i].value, txdata);
            util::Bytes sig = key.SignEcdsa(ctx, h);
            sig.push_back(script::SIGHASH_ALL);
            tx.inputs[i].witness = {sig, pubkey};
        }
    }
};

}  // namespace tonari::bitcoin::mempool::fixture
