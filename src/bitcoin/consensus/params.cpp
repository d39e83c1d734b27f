// The parameters of each Bitcoin network. Every value is a published fact about that network
// (Bitcoin Core's kernel/chainparams.cpp); the genesis blocks are rebuilt from their
// definitions and tests compare them with the published hashes.
#include "bitcoin/consensus/params.h"

#include <cassert>

#include "bitcoin/consensus/genesis.h"
#include "bitcoin/consensus/limits.h"
#include "bitcoin/encoding/compact_size.h"
#include "bitcoin/script/opcodes.h"
#include "bitcoin/script/script.h"
#include "crypto/sha256.h"
#include "util/byte_writer.h"
#include "util/hex.h"

namespace tonari::bitcoin::consensus {
namespace {

using primitives::BlockHash;
using primitives::COIN;

constexpr int64_t TWO_WEEKS = 14 * 24 * 60 * 60;
constexpr int64_t ONE_DAY = 24 * 60 * 60;
constexpr int64_t TEN_MINUTES = 10 * 60;

// Taproot's BIP9 signalling window on mainnet and testnet3 (2021-04-24 to 2021-08-11).
constexpr int64_t TAPROOT_START = 1619222400;
constexpr int64_t TAPROOT_TIMEOUT = 1628640000;

util::Uint256 U256(std::string_view display_hex) {
    const auto v = util::Uint256::FromHex(display_hex);
    assert(v);
    return *v;
}

BlockHash Hash(std::string_view display_hex) {
    return BlockHash(U256(display_hex));
}

util::Bytes HexBytes(std::string_view hex) {
    auto v = util::HexDecode(hex);
    assert(v);
    return *v;
}

Bip9Deployment TestDummy(int threshold, int period) {
    return {.bit = 28,
            .start_time = Bip9Deployment::NEVER_ACTIVE,
            .timeout = Bip9Deployment::NO_TIMEOUT,
            .min_activation_height = 0,
            .threshold = threshold,
            .period = period};
}

Bip9Deployment TaprootAlwaysActive(int threshold, int period) {
    return {.bit = 2,
            .start_time = Bip9Deployment::ALWAYS_ACTIVE,
            .timeout = Bip9Deployment::NO_TIMEOUT,
            .min_activation_height = 0,
            .threshold = threshold,
            .period = period};
}

void SetCommon(ConsensusParams& p) {
    p.coinbase_maturity = COINBASE_MATURITY;
    p.subsidy_halving_interval = 210'000;
    p.pow_target_timespan = TWO_WEEKS;
    p.pow_target_spacing = TEN_MINUTES;
}

ConsensusParams MakeMain() {
    ConsensusParams p;
    SetCommon(p);
    p.network = encoding::Network::Main;
    p.name = "main";
    p.message_start = {0xf9, 0xbe, 0xb4, 0xd9};
    p.default_port = 8333;
    p.genesis = CreateGenesisBlock(GENESIS_TIMES_HEADLINE, GenesisOutputScript(), 1231006505, 2083236893,
                                   0x1d00ffff, 1, 50 * COIN);
    p.genesis_hash = Hash("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
    p.genesis_merkle_root = U256("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");
    p.pow_limit = U256("00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    p.bip34_height = 227931;
    p.bip34_hash = Hash("000000000000024b89b42a942fe0d9fea3bb44ab7bd1b19115dd6a759c0808b8");
    p.bip65_height = 388381;
    p.bip66_height = 363725;
    p.csv_height = 419328;
    p.segwit_height = 481824;
    p.min_bip9_warning_height = 483840;   // segwit height + one confirmation window
    p.testdummy = TestDummy(1815, 2016);  // 90%
    p.taproot = {.bit = 2,
                 .start_time = TAPROOT_START,
                 .timeout = TAPROOT_TIMEOUT,
                 .min_activation_height = 709632,
                 .threshold = 1815,
                 .period = 2016};
    p.script_flag_exceptions = {
        // BIP16: a block before P2SH enforcement that spends a P2SH-looking output invalidly.
        {Hash("00000000000002dc756eebf4f49723ed8d30cc28a5f108eb94b1ba88ac4f9c22"), false, false},
        // Taproot: a block that spends a v1 witness output before taproot was enforced.
        {Hash("0000000000000000000f14c35b2d841e986ab5441de8c585d5ffe55ea1e395ad"), true, true},
    };
    p.minimum_chain_work = U256("0000000000000000000000000000000000000000dee8e2a309ad8a9820433c68");
    p.default_assume_valid =
        Hash("00000000000000000000611fd22f2df7c8fbd0688745c3a6c3bb5109cc2a12cb");  // 912683
    return p;
}

ConsensusParams MakeTestnet3() {
    ConsensusParams p;
    SetCommon(p);
    p.network = encoding::Network::Testnet3;
    p.name = "test";
    p.message_start = {0x0b, 0x11, 0x09, 0x07};
    p.default_port = 18333;
    p.genesis = CreateGenesisBlock(GENESIS_TIMES_HEADLINE, GenesisOutputScript(), 1296688602, 414098458,
                                   0x1d00ffff, 1, 50 * COIN);
    p.genesis_hash = Hash("000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943");
    p.genesis_merkle_root = U256("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");
    p.pow_limit = U256("00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    p.pow_allow_min_difficulty_blocks = true;
    p.bip34_height = 21111;
    p.bip34_hash = Hash("0000000023b3a96d3484e5abb3755c413e7d41500f8e2a5c3f0dd01299cd8ef8");
    p.bip65_height = 581885;
    p.bip66_height = 330776;
    p.csv_height = 770112;
    p.segwit_height = 834624;
    p.min_bip9_warning_height = 836640;
    p.testdummy = TestDummy(1512, 2016);  // 75%
    p.taproot = {.bit = 2,
                 .start_time = TAPROOT_START,
                 .timeout = TAPROOT_TIMEOUT,
                 .min_activation_height = 0,
                 .threshold = 1512,
                 .period = 2016};
    p.script_flag_exceptions = {
        {Hash("00000000dd30457c001f4095d208cc1296b0eed002427aa599874af7a432b105"), false, false},
    };
    p.minimum_chain_work = U256("0000000000000000000000000000000000000000000016dd270dd94fac1d7632");
    p.default_assume_valid =
        Hash("0000000000000065c6c38258e201971a3fdfcc2ceee0dd6e85a6c022d45dee34");  // 4550000
    return p;
}

ConsensusParams MakeTestnet4() {
    ConsensusParams p;
    SetCommon(p);
    p.network = encoding::Network::Testnet4;
    p.name = "testnet4";
    p.message_start = {0x1c, 0x16, 0x3f, 0x28};
    p.default_port = 48333;
    // The message commits to a mainnet block hash of that day, proving the chain is no older.
    // The output pays a 33-byte all-zero "key": provably unspendable.
    const util::Bytes zero_key(33, 0x00);
    const util::Bytes output_script =
        script::ScriptBuilder().Push(zero_key).Op(script::Opcode::OP_CHECKSIG).Take();
    p.genesis =
        CreateGenesisBlock("03/May/2024 000000000000000000001ebd58c244970b3aa9d783bb001011fbe8ea8e98e00e",
                           output_script, 1714777860, 393743547, 0x1d00ffff, 1, 50 * COIN);
    p.genesis_hash = Hash("00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043");
    p.genesis_merkle_root = U256("7aa0a7ae1e223414cb807e40cd57e667b718e42aaf9306db9102fe28912b7b4e");
    p.pow_limit = U256("00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    p.pow_allow_min_difficulty_blocks = true;
    p.enforce_bip94 = true;
    p.bip34_height = 1;
    p.bip65_height = 1;
    p.bip66_height = 1;
    p.csv_height = 1;
    p.segwit_height = 1;
    p.min_bip9_warning_height = 0;
    p.testdummy = TestDummy(1512, 2016);
    p.taproot = TaprootAlwaysActive(1512, 2016);
    p.minimum_chain_work = U256("00000000000000000000000000000000000000000000034a4690fe592dc49c7c");
    p.default_assume_valid =
        Hash("000000000000000180a58e7fa3b0db84b5ea76377524894f53660d93ac839d9b");  // 91000
    return p;
}

ConsensusParams MakeSignet() {
    ConsensusParams p;
    SetCommon(p);
    p.network = encoding::Network::Signet;
    p.name = "signet";
    p.signet_blocks = true;
    // The default signet's challenge: a 1-of-2 bare multisig.
    p.signet_challenge = HexBytes(
        "512103ad5e0edad18cb1f0fc0d28a3d4f1f3e445640337489abb10404f2d1e086be430210359ef5021964fe22d"
        "6f8e05b2463c9540ce96883fe3b278760f048f5189f2e6c452ae");
    p.message_start = SignetMessageStart(p.signet_challenge);
    p.default_port = 38333;
    p.genesis = CreateGenesisBlock(GENESIS_TIMES_HEADLINE, GenesisOutputScript(), 1598918400, 52613770,
                                   0x1e0377ae, 1, 50 * COIN);
    p.genesis_hash = Hash("00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6");
    p.genesis_merkle_root = U256("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");
    p.pow_limit = U256("00000377ae000000000000000000000000000000000000000000000000000000");
    p.bip34_height = 1;
    p.bip65_height = 1;
    p.bip66_height = 1;
    p.csv_height = 1;
    p.segwit_height = 1;
    p.min_bip9_warning_height = 0;
    p.testdummy = TestDummy(1815, 2016);
    p.taproot = TaprootAlwaysActive(1815, 2016);
    p.minimum_chain_work = U256("0000000000000000000000000000000000000000000000000000067d328e681a");
    p.default_assume_valid =
        Hash("000000128586e26813922680309f04e1de713c7542fee86ed908f56368aefe2e");  // 267665
    return p;
}

ConsensusParams MakeRegtest() {
    ConsensusParams p;
    SetCommon(p);
    p.network = encoding::Network::Regtest;
    p.name = "regtest";
    p.message_start = {0xfa, 0xbf, 0xb5, 0xda};
    p.default_port = 18444;
    p.genesis = CreateGenesisBlock(GENESIS_TIMES_HEADLINE, GenesisOutputScript(), 1296688602, 2, 0x207fffff,
                                   1, 50 * COIN);
    p.genesis_hash = Hash("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206");
    p.genesis_merkle_root = U256("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");
    p.subsidy_halving_interval = 150;
    p.pow_limit = U256("7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    p.pow_target_timespan = ONE_DAY;
    p.pow_allow_min_difficulty_blocks = true;
    p.pow_no_retargeting = true;
    p.bip34_height = 1;
    p.bip65_height = 1;
    p.bip66_height = 1;
    p.csv_height = 1;
    p.segwit_height = 0;
    p.min_bip9_warning_height = 0;
    p.testdummy = {.bit = 28,
                   .start_time = 0,
                   .timeout = Bip9Deployment::NO_TIMEOUT,
                   .min_activation_height = 0,
                   .threshold = 108,  // 75% of 144
                   .period = 144};
    p.taproot = TaprootAlwaysActive(108, 144);
    return p;  // minimum chain work and assume-valid stay null: nothing is skipped on regtest
}

}  // namespace

std::array<uint8_t, 4> SignetMessageStart(util::ByteSpan challenge) {
    util::ByteWriter w;
    encoding::WriteCompactSize(w, challenge.size());
    w.WriteBytes(challenge);
    const util::Uint256 hash = crypto::Sha256d(w.data());
    return {hash.data()[0], hash.data()[1], hash.data()[2], hash.data()[3]};
}

const ConsensusParams& GetParams(encoding::Network network) {
    static const ConsensusParams MAIN = MakeMain();
    static const ConsensusParams TESTNET3 = MakeTestnet3();
    static const ConsensusParams TESTNET4 = MakeTestnet4();
    static const ConsensusParams SIGNET = MakeSignet();
    static const ConsensusParams REGTEST = MakeRegtest();
    switch (network) {
        case encoding::Network::Main:
            return MAIN;
        case encoding::Network::Testnet3:
            return TESTNET3;
        case encoding::Network::Testnet4:
            return TESTNET4;
        case encoding::Network::Signet:
            return SIGNET;
        case encoding::Network::Regtest:
            return REGTEST;
    }
    assert(false && "unknown network");
    return MAIN;
}

}  // namespace tonari::bitcoin::consensus
