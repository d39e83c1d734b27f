// ConsensusParams: everything that differs between Bitcoin networks and decides which blocks
// are valid, plus the two network identifiers a node needs before it can talk to a peer
// (message start bytes and default port).
//
// Values are Bitcoin Core's (kernel/chainparams.cpp, checked against Core at commit
// 284c42a3, 2025-09). GetParams returns one immutable object per network, built on first
// use (function-local static, so thread-safe initialisation); share the reference freely.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "bitcoin/encoding/network.h"
#include "bitcoin/primitives/amount.h"
#include "bitcoin/primitives/block.h"
#include "bitcoin/primitives/ids.h"
#include "util/blob.h"
#include "util/bytes.h"

namespace tonari::bitcoin::consensus {

// A BIP9 version-bits deployment. Taproot is the only one Core still carries; it is kept in
// this form (rather than buried at a height) because Core validates it that way.
struct Bip9Deployment {
    // Start time meaning "active from the genesis block" (taproot on test networks).
    static constexpr int64_t ALWAYS_ACTIVE = -1;
    // Start time meaning "never signalled for" (the test dummy on public networks).
    static constexpr int64_t NEVER_ACTIVE = -2;
    // Timeout meaning "no timeout".
    static constexpr int64_t NO_TIMEOUT = INT64_MAX;

    int bit = 0;
    int64_t start_time = NEVER_ACTIVE;  // median time past, seconds
    int64_t timeout = NO_TIMEOUT;
    int min_activation_height = 0;
    int threshold = 0;  // signalling blocks per period needed to lock in
    int period = 0;     // blocks per signalling period
};

// A block validated under fewer script rules than its height implies, because it was mined
// before the rule was enforced and breaks it. Only the rules flagged here apply to it.
struct ScriptFlagException {
    primitives::BlockHash block;
    bool verify_p2sh = false;
    bool verify_witness = false;
};

struct ConsensusParams {
    encoding::Network network = encoding::Network::Main;
    std::string_view name;  // Core's chain name: "main", "test", "testnet4", "signet", "regtest"

    // --- P2P identity -------------------------------------------------------------------
    std::array<uint8_t, 4> message_start{};  // first four bytes of every P2P message
    uint16_t default_port = 0;

    // --- genesis ------------------------------------------------------------------------
    primitives::Block genesis;           // built from its definition (genesis.h)
    primitives::BlockHash genesis_hash;  // the published hash the built block must have
    util::Uint256 genesis_merkle_root;   // likewise, its published merkle root

    // --- proof of work ------------------------------------------------------------------
    util::Uint256 pow_limit;                       // easiest allowed target (internal byte order)
    int64_t pow_target_timespan = 0;               // seconds per difficulty period
    int64_t pow_target_spacing = 0;                // seconds per block
    bool pow_allow_min_difficulty_blocks = false;  // testnets: 20-minute min-difficulty rule
    bool pow_no_retargeting = false;               // regtest: difficulty never changes
    bool enforce_bip94 = false;                    // testnet4: timewarp fix, retarget from period start

    // --- money --------------------------------------------------------------------------
    int subsidy_halving_interval = 0;
    int coinbase_maturity = 0;  // blocks before a coinbase output may be spent

    // --- buried deployments: heights from which each rule is enforced --------------------
    int bip34_height = 0;              // height in coinbase
    primitives::BlockHash bip34_hash;  // block at bip34_height (null where it is 1)
    int bip65_height = 0;              // OP_CHECKLOCKTIMEVERIFY
    int bip66_height = 0;              // strict DER signatures
    int csv_height = 0;                // BIP68/112/113 relative lock-times
    int segwit_height = 0;             // BIP141/143/147
    int min_bip9_warning_height = 0;

    // --- version-bits deployments ---------------------------------------------------------
    Bip9Deployment testdummy;
    Bip9Deployment taproot;  // BIP340-342
    std::vector<ScriptFlagException> script_flag_exceptions;

    // --- sync shortcuts (change every Core release; Core values at the commit above) -----
    util::Uint256 minimum_chain_work;            // headers chains with less work are not synced
    primitives::BlockHash default_assume_valid;  // scripts below this block are not checked

    // --- signet (BIP325) ------------------------------------------------------------------
    bool signet_blocks = false;
    util::Bytes signet_challenge;  // script every block's solution must satisfy

    int64_t DifficultyAdjustmentInterval() const { return pow_target_timespan / pow_target_spacing; }
};

// Parameters of a network. Never fails: every Network value has parameters.
const ConsensusParams& GetParams(encoding::Network network);

// Message start bytes of a signet with the given challenge: the first four bytes of the
// double SHA-256 of the challenge serialized with its CompactSize length (BIP325).
std::array<uint8_t, 4> SignetMessageStart(util::ByteSpan challenge);

}  // namespace tonari::bitcoin::consensus
