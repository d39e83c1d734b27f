// Tests for the network parameters: every genesis block rebuilt from its definition must hash
// to the published hash, its merkle root must be its coinbase txid, and the rebuilt bytes must
// equal the genesis blocks held in test/data. Also the P2P identities and key parameters.
#include <gtest/gtest.h>

#include <iostream>

#include "bitcoin/consensus/block_check.h"
#include "bitcoin/consensus/genesis.h"
#include "bitcoin/consensus/params.h"
#include "bitcoin/consensus/pow.h"
#include "bitcoin/primitives/merkle.h"
#include "test_data.h"
#include "util/hex.h"

namespace tonari::bitcoin::consensus {
namespace {

using encoding::Network;

struct GenesisFact {
    Network network;
    const char* name;
    const char* hash;         // published block hash
    const char* merkle_root;  // published merkle root
    uint32_t time, nonce, bits;
};

// Published facts, written out here independently of params.cpp.
const GenesisFact GENESIS_FACTS[] = {
    {Network::Main, "main", "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
     "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b", 1231006505, 2083236893, 0x1d00ffff},
    {Network::Testnet3, "test", "000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943",
     "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b", 1296688602, 414098458, 0x1d00ffff},
    {Network::Testnet4, "testnet4", "00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043",
     "7aa0a7ae1e223414cb807e40cd57e667b718e42aaf9306db9102fe28912b7b4e", 1714777860, 393743547, 0x1d00ffff},
    {Network::Signet, "signet", "00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6",
     "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b", 1598918400, 52613770, 0x1e0377ae},
    {Network::Regtest, "regtest", "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206",
     "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b", 1296688602, 2, 0x207fffff},
};

std::string Trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

TEST(Params, EveryGenesisRebuildsToItsPublishedHash) {
    int checked = 0;
    for (const GenesisFact& f : GENESIS_FACTS) {
        const ConsensusParams& p = GetParams(f.network);
        SCOPED_TRACE(f.name);
        EXPECT_EQ(p.network, f.network);
        EXPECT_EQ(p.name, f.name);
        const primitives::Block& g = p.genesis;
        EXPECT_EQ(g.header.ComputeHash().ToHex(), f.hash);
        EXPECT_EQ(p.genesis_hash.ToHex(), f.hash);
        EXPECT_EQ(g.header.merkle_root.ToHex(), f.merkle_root);
        EXPECT_EQ(p.genesis_merkle_root.ToHex(), f.merkle_root);
        ASSERT_EQ(g.txs.size(), 1u);
        EXPECT_EQ(primitives::ComputeTxid(g.txs[0]).get(), g.header.merkle_root);
        EXPECT_TRUE(g.header.prev_block.IsNull());
        EXPECT_EQ(g.header.version, 1);
        EXPECT_EQ(g.header.time, f.time);
        EXPECT_EQ(g.header.nonce, f.nonce);
        EXPECT_EQ(g.header.bits, f.bits);
        EXPECT_EQ(g.txs[0].outputs.at(0).value, 50 * primitives::COIN);
        EXPECT_TRUE(g.txs[0].IsCoinbase());
        // The genesis block passes every context-free check, proof of work included.
        auto checked_block = CheckBlock(g, p);
        EXPECT_TRUE(checked_block) << (checked_block ? "" : ReasonString(checked_block.error()));
        ++checked;
    }
    std::cout << "[vectors] genesis blocks rebuilt: " << checked << " cases passed\n";
    EXPECT_EQ(checked, 5);
}

TEST(Params, GenesisBytesMatchTestData) {
    // Mainnet: byte for byte the block in test/data/blocks.
    const std::string main_hex = Trimmed(test::ReadTestFile("blocks/genesis_mainnet.hex"));
    EXPECT_EQ(util::HexEncode(primitives::SerializeBlock(GetParams(Network::Main).genesis)), main_hex);
    EXPECT_EQ(main_hex.size(), 2u * 285);
    // Testnet3: row 1 (height 0) of Core's blockfilters.json.
    const auto filters = test::ReadTestJson("bitcoin-core/blockfilters.json");
    const auto& row = filters.as_array().at(1).as_array();
    ASSERT_EQ(row.at(0).as_int64(), 0);
    EXPECT_EQ(util::HexEncode(primitives::SerializeBlock(GetParams(Network::Testnet3).genesis)),
              std::string(row.at(2).as_string()));
    // Regtest: blocks[0] of Core's rpc_getblockstats.json.
    const auto stats = test::ReadTestJson("bitcoin-core/rpc_getblockstats.json");
    EXPECT_EQ(util::HexEncode(primitives::SerializeBlock(GetParams(Network::Regtest).genesis)),
              std::string(stats.at("blocks").as_array().at(0).as_string()));
}

TEST(Params, GenesisScripts) {
    // The coinbase scriptSig as Core's chainparams comment prints it.
    EXPECT_EQ(util::HexEncode(GenesisScriptSig(GENESIS_TIMES_HEADLINE)),
              "04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e2062"
              "72696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73");
    // Testnet4's 76-byte message needs OP_PUSHDATA1 (0x4c) with length 0x4c.
    const auto& t4 = GetParams(Network::Testnet4).genesis.txs[0];
    EXPECT_EQ(util::HexEncode(t4.inputs[0].script_sig).substr(0, 20), "04ffff001d01044c4c30");
    EXPECT_EQ(t4.inputs[0].script_sig.size(), 5u + 2u + 2u + 76u);
    EXPECT_EQ(util::HexEncode(t4.outputs[0].script_pubkey), "21" + std::string(66, '0') + "ac");
    EXPECT_EQ(util::HexEncode(GenesisOutputScript()).substr(0, 4), "4104");
    EXPECT_EQ(GenesisOutputScript().size(), 67u);
    EXPECT_EQ(GenesisOutputScript().back(), 0xac);
}

TEST(Params, P2pIdentity) {
    struct Id {
        Network network;
        const char* magic;
        uint16_t port;
    };
    const Id ids[] = {
        {Network::Main, "f9beb4d9", 8333},      {Network::Testnet3, "0b110907", 18333},
        {Network::Testnet4, "1c163f28", 48333}, {Network::Signet, "0a03cf40", 38333},
        {Network::Regtest, "fabfb5da", 18444},
    };
    for (const Id& id : ids) {
        const auto& p = GetParams(id.network);
        EXPECT_EQ(util::HexEncode(p.message_start), id.magic) << p.name;
        EXPECT_EQ(p.default_port, id.port) << p.name;
    }
    // The default signet's magic is derived from its challenge (BIP325), and a different
    // challenge gives a different network.
    EXPECT_EQ(util::HexEncode(SignetMessageStart(GetParams(Network::Signet).signet_challenge)), "0a03cf40");
    const uint8_t op_true[] = {0x51};
    EXPECT_NE(util::HexEncode(SignetMessageStart(op_true)), "0a03cf40");
}

TEST(Params, RuleParameters) {
    const auto& main = GetParams(Network::Main);
    EXPECT_EQ(main.subsidy_halving_interval, 210000);
    EXPECT_EQ(main.coinbase_maturity, 100);
    EXPECT_EQ(main.bip34_height, 227931);
    EXPECT_EQ(main.bip34_hash.ToHex(), "000000000000024b89b42a942fe0d9fea3bb44ab7bd1b19115dd6a759c0808b8");
    EXPECT_EQ(main.bip65_height, 388381);
    EXPECT_EQ(main.bip66_height, 363725);
    EXPECT_EQ(main.csv_height, 419328);
    EXPECT_EQ(main.segwit_height, 481824);
    EXPECT_EQ(main.taproot.min_activation_height, 709632);
    EXPECT_EQ(main.DifficultyAdjustmentInterval(), 2016);
    EXPECT_FALSE(main.pow_allow_min_difficulty_blocks);
    EXPECT_FALSE(main.signet_blocks);
    EXPECT_EQ(main.script_flag_exceptions.size(), 2u);
    EXPECT_EQ(main.pow_limit.ToHex(), "00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff");

    const auto& reg = GetParams(Network::Regtest);
    EXPECT_EQ(reg.subsidy_halving_interval, 150);
    EXPECT_EQ(reg.bip34_height, 1);
    EXPECT_EQ(reg.bip65_height, 1);
    EXPECT_EQ(reg.bip66_height, 1);
    EXPECT_EQ(reg.csv_height, 1);
    EXPECT_EQ(reg.segwit_height, 0);
    EXPECT_TRUE(reg.pow_no_retargeting);
    EXPECT_TRUE(reg.pow_allow_min_difficulty_blocks);
    EXPECT_EQ(reg.pow_target_timespan, 24 * 60 * 60);
    EXPECT_EQ(reg.DifficultyAdjustmentInterval(), 144);
    EXPECT_EQ(reg.taproot.start_time, Bip9Deployment::ALWAYS_ACTIVE);
    EXPECT_EQ(reg.pow_limit.ToHex(), "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    EXPECT_TRUE(reg.minimum_chain_work.IsNull());

    const auto& t4 = GetParams(Network::Testnet4);
    EXPECT_TRUE(t4.enforce_bip94);
    EXPECT_TRUE(t4.pow_allow_min_difficulty_blocks);
    EXPECT_EQ(t4.segwit_height, 1);
    EXPECT_FALSE(GetParams(Network::Testnet3).enforce_bip94);

    const auto& sig = GetParams(Network::Signet);
    EXPECT_TRUE(sig.signet_blocks);
    EXPECT_EQ(sig.signet_challenge.size(), 71u);  // OP_1 <33> <33> OP_2 OP_CHECKMULTISIG
    EXPECT_EQ(sig.pow_limit.ToHex(), "00000377ae000000000000000000000000000000000000000000000000000000");
    // Every network's pow_limit is a valid compact target, and genesis bits are within it.
    for (Network n : encoding::ALL_NETWORKS) {
        const auto& p = GetParams(n);
        EXPECT_TRUE(DeriveTarget(p.genesis.header.bits, p.pow_limit)) << p.name;
        EXPECT_EQ(&GetParams(n), &p) << "GetParams must return the same object every time";
    }
}

}  // namespace
}  // namespace tonari::bitcoin::consensus
