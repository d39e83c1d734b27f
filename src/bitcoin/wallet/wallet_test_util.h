// Test-only helpers for the wallet tests (not library API): a little regtest chain of blocks
// built by hand, funding transactions from outside the wallet, a settable clock, and a
// script check of every input with the real interpreter.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bitcoin/encoding/address.h"
#include "bitcoin/primitives/block.h"
#include "bitcoin/primitives/transaction.h"
#include "bitcoin/script/interpreter.h"
#include "bitcoin/script/script_flags.h"
#include "bitcoin/script/sighash.h"
#include "bitcoin/wallet/wallet.h"
#include "crypto/sha256.h"

namespace tonari::bitcoin::wallet::test {

inline constexpr const char* ABANDON_MNEMONIC =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

// A script nobody in the tests holds keys for: OP_0 <20 bytes of tag>.
inline util::Bytes ForeignScript(uint8_t tag) {
    util::Bytes s = {0x00, 0x14};
    s.resize(22, tag);
    return s;
}

inline util::Bytes ScriptFor(const std::string& address) {
    auto s = encoding::DecodeAddress(address, encoding::Network::Regtest);
    EXPECT_TRUE(s.has_value()) << address;
    return s ? *s : util::Bytes{};
}

// A transaction from outside the wallet: spends a made-up coin `tag` and pays `outputs`.
inline primitives::Tx ExternalTx(uint8_t tag, std::vector<primitives::TxOut> outputs) {
    primitives::Tx tx;
    primitives::TxIn in;
    util::Uint256 prev;
    prev.data()[0] = tag;
    prev.data()[1] = 0xee;
    in.prevout = {primitives::Txid(prev), 0};
    in.sequence = 0xfffffffe;
    tx.inputs.push_back(in);
    tx.outputs = std::move(outputs);
    return tx;
}

inline primitives::Tx PayTo(uint8_t tag, const util::Bytes& script, primitives::Amount amount) {
    return ExternalTx(tag, {{amount, script}});
}

// Blocks on top of each other, starting above a made-up genesis at height 0.
class TestChain {
public:
    // A block at the next height with a coinbase paying `coinbase_script` 50 BTC plus `txs`.
    primitives::Block Next(std::vector<primitives::Tx> txs = {},
                           const util::Bytes& coinbase_script = ForeignScript(0xcb)) {
        primitives::Block block;
        block.header.version = 0x20000000;
        block.header.prev_block = Tip();
        block.header.time = 1'700'000'000 + static_cast<uint32_t>(Height() + 1) * 600;
        block.header.bits = 0x207fffff;
        block.header.nonce = m_salt + static_cast<uint32_t>(Height() + 1);
        primitives::Tx coinbase;
        primitives::TxIn in;
        in.script_sig = {0x03, static_cast<uint8_t>(Height() + 1), static_cast<uint8_t>((Height() + 1) >> 8),
                         static_cast<uint8_t>(m_salt)};
        coinbase.inputs.push_back(in);
        coinbase.outputs.push_back({50 * primitives::COIN, coinbase_script});
        block.txs.push_back(coinbase);
        for (auto& tx : txs) block.txs.push_back(std::move(tx));
        m_blocks.push_back(block);
        return block;
    }
    primitives::Block Pop() {
        primitives::Block b = m_blocks.back();
        m_blocks.pop_back();
        return b;
    }
    int32_t Height() const { return static_cast<int32_t>(m_blocks.size()); }
    primitives::BlockHash Tip() const {
        return m_blocks.empty() ? primitives::BlockHash() : m_blocks.back().header.ComputeHash();
    }
    // Changes what later blocks hash to (a competing branch after a reorg).
    void SetSalt(uint32_t salt) { m_salt = salt; }

private:
    std::vector<primitives::Block> m_blocks;
    uint32_t m_salt = 0;
};

// Connects `chain.Next(txs, coinbase_script)` to the wallet.
inline primitives::Block Mine(Wallet& w, TestChain& chain, std::vector<primitives::Tx> txs = {},
                              const util::Bytes& coinbase_script = ForeignScript(0xcb)) {
    primitives::Block b = chain.Next(std::move(txs), coinbase_script);
    auto r = w.BlockConnected(b, chain.Height());
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return b;
}

inline void Unmine(Wallet& w, TestChain& chain) {
    const int32_t height = chain.Height();
    primitives::Block b = chain.Pop();
    auto r = w.BlockDisconnected(b, height);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
}

// Every input of `tx` passes the interpreter with Core's standard flags against `spent`.
inline ::testing::AssertionResult AllInputsVerify(const primitives::Tx& tx,
                                                  const std::vector<primitives::TxOut>& spent) {
    script::PrecomputedTxData txdata;
    txdata.Init(tx, spent, true);
    for (size_t i = 0; i < tx.inputs.size(); ++i) {
        auto r = script::VerifyTxInput(tx, i, txdata, script::STANDARD_SCRIPT_VERIFY_FLAGS);
        if (!r)
            return ::testing::AssertionFailure()
                   << "input " << i << " fails: " << script::ScriptErrorName(r.error());
    }
    return ::testing::AssertionSuccess();
}

inline WalletOptions TestOptions(int64_t* clock_now = nullptr) {
    WalletOptions o;
    o.rng_seed = 42;
    if (clock_now) {
        o.clock = [clock_now] { return *clock_now; };
    } else {
        o.clock = [] { return int64_t{1'750'000'000}; };
    }
    return o;
}

inline std::unique_ptr<Wallet> NewWallet(const char* mnemonic = ABANDON_MNEMONIC,
                                         WalletOptions options = TestOptions()) {
    auto w = Wallet::Create(storage::KvStore::MakeMemoryKv(), encoding::Network::Regtest,
                            mnemonic ? std::optional<std::string>(mnemonic) : std::nullopt, "",
                            std::move(options));
    EXPECT_TRUE(w.has_value()) << (w ? "" : w.error().message);
    return w ? std::move(*w) : nullptr;
}

}  // namespace tonari::bitcoin::wallet::test
