// Mining and control RPC methods.
#include "bitcoin/node/rpc_mining.h"

#include <chrono>
#include <map>
#include <set>

#include "bitcoin/encoding/address.h"
#include "bitcoin/chain/block_verify.h"
#include "bitcoin/chain/header_check.h"
#include "bitcoin/rpc/amount.h"
#include "bitcoin/consensus/block_check.h"
#include "bitcoin/consensus/pow.h"
#include "bitcoin/consensus/subsidy.h"
#include "bitcoin/miner/miner.h"
#include "bitcoin/miner/tx_selection.h"
#include "bitcoin/node/json_views.h"
#include "bitcoin/node/rpc_util.h"
#include "bitcoin/primitives/block.h"
#include "util/hex.h"

namespace tonari::bitcoin::node {
namespace {

using rpc::ParamType;
using rpc::RpcError;
using rpc::RpcErrorCode;
using util::Json;
using Reply = util::Result<Json, RpcError>;

// Core's default for generatetoaddress's maxtries.
constexpr int64_t DEFAULT_MAX_TRIES = 1'000'000;

// Mines `count` blocks paying `script` on the tip, one at a time; each is processed as if it
// had arrived from a peer. Returns their hashes.
Reply GenerateBlocks(NodeContext& node, const util::Bytes& script, int64_t count, int64_t max_tries) {
    Json hashes = Json::MakeArray();
    uint64_t extra_nonce = 0;
    for (int64_t i = 0; i < count && !node.ShutdownRequested(); ++i) {
        std::optional<primitives::Block> solved;
        while (!solved && max_tries > 0 && !node.ShutdownRequested()) {
            // A fresh coinbase nonce every attempt, so exhausting the 2^32 header nonces
            // moves on to a new search space (and two runs never make the same block).
            ++extra_nonce;
            util::Bytes extra;
            for (uint64_t v = extra_nonce; v > 0; v >>= 8) extra.push_back(static_cast<uint8_t>(v));
            primitives::Block candidate = node.WithChain([&](NodeStorage& s) {
                const miner::Selection selection = miner::SelectTransactions(s.Mempool(), s.Selection());
                std::vector<primitives::Tx> txs;
                txs.reserve(selection.entries.size());
                for (const auto* e : selection.entries) txs.push_back(*e->tx);
                primitives::Block built = miner::CreateBlockTemplate(
                    s.Chain(), {.payout_script = script, .txs = std::move(txs), .fees = selection.fees,
                                .coinbase_extra = std::move(extra), .now = UnixNow()});
                s.NoteTemplate(built);
                return built;
            });
            const uint64_t budget = std::min<uint64_t>(static_cast<uint64_t>(max_tries), uint64_t{1} << 32);
            auto result = miner::SolveBlock(std::move(candidate), node.Params(), node.MinerPool(), budget);
            solved = std::move(result.block);
            max_tries -= static_cast<int64_t>(result.tries);
        }
        if (!solved) break;  // out of tries: Core returns the blocks found so far
        const primitives::Block& block = *solved;
        auto processed = node.WithChain([&](NodeStorage& s) {
            auto r = s.Chain().ProcessBlock(block, UnixNow());
            s.ChainSettled(UnixNow());
            return r;
        });
        if (!processed) {
            if (!processed.error().IsInvalid()) node.AbortNode("cannot store a mined block: " + processed.error().message);
            return util::Fail(RpcFail(RpcErrorCode::INTERNAL_ERROR, "ProcessNewBlock, block not accepted: " + processed.error().message));
        }
        hashes.PushBack(block.header.ComputeHash().ToHex());
    }
    return hashes;
}

Reply SubmitBlock(NodeContext& node, const rpc::Request& req) {
    const auto bytes = util::HexDecode(req.Arg("hexdata").GetString());
    if (!bytes) return util::Fail(RpcFail(RpcErrorCode::DESERIALIZATION_ERROR, "Block decode failed"));
    auto block = primitives::DecodeBlock(*bytes);
    if (!block || block->txs.empty() || !block->txs[0].IsCoinbase()) {
        return util::Fail(RpcFail(RpcErrorCode::DESERIALIZATION_ERROR, "Block does not start with a coinbase"));
    }
    return node.WithChain([&](NodeStorage& s) -> Reply {
        auto& chain = s.Chain();
        const auto hash = block->header.ComputeHash();
        if (const auto* known = chain.Tree().Lookup(hash)) {
            if (known->IsFailed()) return Json("duplicate-invalid");
            if (known->HasStatus(chain::BLOCK_SCRIPTS_VALID)) return Json("duplicate");
        }
        auto processed = chain.ProcessBlock(*block, UnixNow());
        s.ChainSettled(UnixNow());
        if (processed) return Json();
        if (!processed.error().IsInvalid()) {
            node.AbortNode("cannot store a submitted block: " + processed.error().message);
            return util::Fail(RpcFail(RpcErrorCode::INTERNAL_ERROR, processed.error().message));
        }
        if (processed.error().invalid.reason == consensus::BlockError::PrevBlockNotFound) return Json("inconclusive");
        return Json(processed.error().message);
    });
}

// generateblock: a block of exactly the given transactions (mempool txids or raw hex), in
// that order, paying the subsidy to `output` (as Core does, the fees are not claimed).
// Core's submitheader: a header joins the block tree (and may become the best header) without
// its block, as headers from a peer do.
Reply SubmitHeader(NodeContext& node, const rpc::Request& req) {
    const auto bytes = util::HexDecode(req.Arg("hexdata").GetString());
    if (!bytes) return util::Fail(RpcFail(RpcErrorCode::DESERIALIZATION_ERROR, "Block header decode failed"));
    auto header = primitives::DecodeHeader(*bytes);
    if (!header) return util::Fail(RpcFail(RpcErrorCode::DESERIALIZATION_ERROR, "Block header decode failed"));
    return node.WithChain([&](NodeStorage& s) -> Reply {
        auto& tree = s.Chain().Tree();
        if (const auto* known = tree.Lookup(header->ComputeHash()); known && known->IsFailed()) {
            return util::Fail(RpcFail(RpcErrorCode::VERIFY_ERROR, "duplicate-invalid"));
        }
        if (!tree.Lookup(header->prev_block)) {
            return util::Fail(RpcFail(RpcErrorCode::VERIFY_ERROR,
                                      "Must submit previous header (" + header->prev_block.ToHex() + ") first"));
        }
        auto accepted = chain::AcceptHeader(tree, *header, UnixNow());
        if (!accepted) return util::Fail(RpcFail(RpcErrorCode::VERIFY_ERROR, std::string(consensus::ReasonString(accepted.error()))));
        return Json();
    });
}

Reply GenerateBlock(NodeContext& node, const rpc::Request& req) {
    auto script = encoding::DecodeAddress(req.Arg("output").GetString(), node.Network());
    if (!script) return util::Fail(RpcFail(RpcErrorCode::INVALID_ADDRESS_OR_KEY, "Error: Invalid address or descriptor"));
    const bool submit = req.Arg("submit").IsNull() || req.Arg("submit").GetBool();
    std::vector<std::string> items;
    for (const Json& item : req.Arg("transactions").GetArray()) {
        if (!item.IsString()) return util::Fail(RpcFail(RpcErrorCode::TYPE_ERROR, "JSON value is not a string as expected"));
        items.push_back(item.GetString());
    }
    auto built = node.WithChain([&](NodeStorage& s) -> util::Result<primitives::Block, RpcError> {
        std::vector<primitives::Tx> txs;
        for (const std::string& item : items) {
            if (item.size() == 64) {
                auto txid = ParseTxid(Json(item), "txid");
                if (txid) {
                    const auto* e = s.Mempool().Get(*txid);
                    if (e == nullptr) {
                        return util::Fail(RpcFail(RpcErrorCode::INVALID_ADDRESS_OR_KEY, "Transaction " + item + " not in mempool."));
                    }
                    txs.push_back(*e->tx);
                    continue;
                }
            }
            const auto bytes = util::HexDecode(item);
            auto tx = bytes ? primitives::DecodeTx(*bytes) : util::Result<primitives::Tx, primitives::DecodeError>(
                                                                  util::Fail(primitives::DecodeError{}));
            if (!tx || tx->inputs.empty()) {
                return util::Fail(RpcFail(RpcErrorCode::DESERIALIZATION_ERROR,
                                          "Transaction decode failed for " + item + ". Make sure the tx has at least one input."));
            }
            txs.push_back(std::move(*tx));
        }
        // Core builds an empty template here (no mempool transactions) and fills in the given ones.
        s.NoteTemplate(primitives::Block{});
        primitives::Block block = miner::CreateBlockTemplate(
            s.Chain(), {.payout_script = *script, .txs = std::move(txs), .fees = 0, .coinbase_extra = {}, .now = UnixNow()});
        if (auto valid = s.Chain().TestBlockValidity(block, UnixNow(), false); !valid) {
            return util::Fail(RpcFail(RpcErrorCode::VERIFY_ERROR, "TestBlockValidity failed: " + valid.error().message));
        }
        return block;
    });
    if (!built) return util::Fail(built.error());
    auto solved = miner::SolveBlock(std::move(*built), node.Params(), node.MinerPool(), DEFAULT_MAX_TRIES);
    if (!solved.block) return util::Fail(RpcFail(RpcErrorCode::MISC_ERROR, "Failed to make block."));
    const primitives::Block& block = *solved.block;
    Json o = Json::MakeObject();
    o.Set("hash", block.header.ComputeHash().ToHex());
    if (!submit) {
        o.Set("hex", util::HexEncode(primitives::SerializeBlock(block)));
        return o;
    }
    auto processed = node.WithChain([&](NodeStorage& s) {
        auto r = s.Chain().ProcessBlock(block, UnixNow());
        s.ChainSettled(UnixNow());
        return r;
    });
    if (!processed) {
        if (!processed.error().IsInvalid()) node.AbortNode("cannot store a mined block: " + processed.error().message);
        return util::Fail(RpcFail(RpcErrorCode::INTERNAL_ERROR, "ProcessNewBlock, block not accepted: " + processed.error().message));
    }
    return o;
}

// getblocktemplate (BIP22/BIP23 template mode): everything an external miner needs to build
// and solve the next block itself.
Reply GetBlockTemplate(NodeContext& node, const rpc::Request& req) {
    const Json& request = req.Arg("template_request");
    std::string mode = "template";
    bool segwit = false;
    if (request.IsObject()) {
        if (const Json* m = request.Find("mode"); m != nullptr && !m->IsNull()) {
            if (!m->IsString()) return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER, "Invalid mode"));
            mode = m->GetString();
        }
        if (const Json* rules = request.Find("rules"); rules != nullptr && rules->IsArray()) {
            for (const Json& r : rules->GetArray()) segwit = segwit || (r.IsString() && r.GetString() == "segwit");
        }
    }
    if (mode == "proposal") {
        // BIP23 block proposal: would this block be valid on the tip (proof of work aside)?
        const Json* data = request.Find("data");
        if (data == nullptr || !data->IsString()) {
            return util::Fail(RpcFail(RpcErrorCode::TYPE_ERROR, "Missing data String key for proposal"));
        }
        const auto bytes = util::HexDecode(data->GetString());
        if (!bytes) return util::Fail(RpcFail(RpcErrorCode::DESERIALIZATION_ERROR, "Block decode failed"));
        auto block = primitives::DecodeBlock(*bytes);
        if (!block) return util::Fail(RpcFail(RpcErrorCode::DESERIALIZATION_ERROR, "Block decode failed"));
        return node.WithChain([&](NodeStorage& s) -> Reply {
            auto& chain = s.Chain();
            if (const auto* known = chain.Tree().Lookup(block->header.ComputeHash())) {
                if (known->IsFailed()) return Json("duplicate-invalid");
                if (known->HasStatus(chain::BLOCK_SCRIPTS_VALID)) return Json("duplicate");
                return Json("duplicate-inconclusive");
            }
            if (block->header.prev_block != chain.Tip()->hash) return Json("inconclusive-not-best-prevblk");
            auto valid = chain.TestBlockValidity(*block, UnixNow(), false);
            if (valid) return Json();
            if (!valid.error().IsInvalid()) return util::Fail(RpcFail(RpcErrorCode::INTERNAL_ERROR, valid.error().message));
            return Json(std::string(consensus::ReasonString(valid.error().invalid)));
        });
    }
    if (mode != "template") return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER, "Invalid mode"));
    if (!segwit) {
        return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER,
                                  "getblocktemplate must be called with the segwit rule set (call with {\"rules\": [\"segwit\"]})"));
    }
    if (node.Network() == encoding::Network::Main) {
        // No peers yet on this node: a template for mainnet would mine on a stale tip.
        return util::Fail(RpcFail(RpcErrorCode::CLIENT_NOT_CONNECTED, "Tonari is not connected!"));
    }
    return node.WithChain([&](NodeStorage& s) -> Reply {
        const auto& chain = s.Chain();
        const chain::BlockIndex& tip = *chain.Tip();
        const auto& params = chain.Params();
        const miner::Selection selection = miner::SelectTransactions(s.Mempool(), s.Selection());
        std::vector<primitives::Tx> txs;
        for (const auto* e : selection.entries) txs.push_back(*e->tx);
        // Built in full to take the witness commitment and the required bits from it.
        const primitives::Block block = miner::CreateBlockTemplate(
            chain, {.payout_script = {0x51}, .txs = txs, .fees = selection.fees, .coinbase_extra = {}, .now = UnixNow()});
        s.NoteTemplate(block);

        Json o = Json::MakeObject();
        Json capabilities = Json::MakeArray();
        capabilities.PushBack("proposal");
        o.Set("capabilities", std::move(capabilities));
        o.Set("version", int64_t{block.header.version});
        Json rules = Json::MakeArray();
        rules.PushBack("csv");
        rules.PushBack("!segwit");
        rules.PushBack("taproot");
        o.Set("rules", std::move(rules));
        o.Set("vbavailable", Json::MakeObject());
        o.Set("vbrequired", 0);
        o.Set("previousblockhash", tip.hash.ToHex());
        Json list = Json::MakeArray();
        std::map<primitives::Txid, size_t> position;  // 1-based, as BIP22's depends
        for (size_t i = 0; i < selection.entries.size(); ++i) {
            const auto* e = selection.entries[i];
            position[e->txid] = i + 1;
            Json t = Json::MakeObject();
            t.Set("data", util::HexEncode(primitives::SerializeTx(*e->tx)));
            t.Set("txid", e->txid.ToHex());
            t.Set("hash", e->wtxid.ToHex());
            Json depends = Json::MakeArray();
            std::set<size_t> parents;
            for (const auto& in : e->tx->inputs) {
                if (auto it = position.find(in.prevout.txid); it != position.end()) parents.insert(it->second);
            }
            for (size_t p : parents) depends.PushBack(static_cast<int64_t>(p));
            t.Set("depends", std::move(depends));
            t.Set("fee", e->fee);
            t.Set("sigops", e->sigop_cost);
            t.Set("weight", e->weight);
            list.PushBack(std::move(t));
        }
        o.Set("transactions", std::move(list));
        o.Set("coinbaseaux", Json::MakeObject());
        o.Set("coinbasevalue", consensus::GetBlockSubsidy(tip.height + 1, params) + selection.fees);
        o.Set("longpollid", tip.hash.ToHex() + std::to_string(s.Mempool().Sequence()));
        const auto target = consensus::DeriveTarget(block.header.bits, params.pow_limit);
        o.Set("target", target ? target->ToUint256().ToHex() : std::string(64, '0'));
        o.Set("mintime", tip.GetMedianTimePast() + 1);
        Json mutables = Json::MakeArray();
        mutables.PushBack("time");
        mutables.PushBack("transactions");
        mutables.PushBack("prevblock");
        o.Set("mutable", std::move(mutables));
        o.Set("noncerange", "00000000ffffffff");
        o.Set("sigoplimit", consensus::MAX_BLOCK_SIGOPS_COST);
        o.Set("sizelimit", static_cast<int64_t>(consensus::MAX_BLOCK_SERIALIZED_SIZE));
        o.Set("weightlimit", consensus::MAX_BLOCK_WEIGHT);
        o.Set("curtime", int64_t{block.header.time});
        o.Set("bits", HexU32(block.header.bits));
        o.Set("height", int64_t{tip.height + 1});
        if (const auto commitment = consensus::FindWitnessCommitment(block)) {
            o.Set("default_witness_commitment", util::HexEncode(block.txs[0].outputs[*commitment].script_pubkey));
        }
        return o;
    });
}

// Core's GetNetworkHashPS: work done over the last `lookup` blocks (-1: since the last
// difficulty change) divided by the time they spanned.
util::Result<Json, RpcError> NetworkHashPs(const chain::Chainstate& chain, int64_t lookup, int64_t height) {
    const auto& active = chain.Chain();
    if (lookup < -1 || lookup == 0) {
        return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER, "Invalid nblocks. Must be a positive number or -1."));
    }
    if (height < -1 || height > active.Height()) {
        return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER, "Block does not exist at specified height"));
    }
    const chain::BlockIndex* pb = height >= 0 ? active[static_cast<int>(height)] : chain.Tip();
    if (pb == nullptr || pb->height == 0) return Json(0);
    if (lookup == -1) lookup = pb->height % chain.Params().DifficultyAdjustmentInterval() + 1;
    lookup = std::min<int64_t>(lookup, pb->height);
    const chain::BlockIndex* pb0 = pb;
    int64_t min_time = pb->time;
    int64_t max_time = min_time;
    for (int64_t i = 0; i < lookup; ++i) {
        pb0 = pb0->prev;
        min_time = std::min<int64_t>(min_time, pb0->time);
        max_time = std::max<int64_t>(max_time, pb0->time);
    }
    if (min_time == max_time) return Json(0);
    // Core's arith_uint256::getdouble, 32 bits at a time.
    const consensus::ArithUint256 work = pb->chain_work - pb0->chain_work;
    double work_diff = 0;
    double factor = 1;
    for (int limb = 0; limb < 4; ++limb) {
        const uint64_t v = work.Limb(limb);
        work_diff += factor * static_cast<double>(v & 0xffffffffULL);
        factor *= 4294967296.0;
        work_diff += factor * static_cast<double>(v >> 32);
        factor *= 4294967296.0;
    }
    return DoubleJson(work_diff / static_cast<double>(max_time - min_time));
}

}  // namespace

util::Result<void, std::string> RegisterMiningRpcs(rpc::MethodTable& table, NodeContext& node) {
    Registrar registrar(table);
    auto add = [&registrar](rpc::Method m) { registrar.Add(std::move(m)); };
    add({.name = "generatetoaddress",
         .category = "Generating",
         .description = "Mine blocks immediately to a specified address (before the RPC call returns)",
         .params = {{.name = "nblocks", .type = ParamType::NUMBER, .help = "How many blocks are generated."},
                    {.name = "address", .type = ParamType::STRING, .help = "The address to send the newly generated bitcoin to."},
                    {.name = "maxtries", .type = ParamType::NUMBER, .required = false,
                     .default_value = Json(DEFAULT_MAX_TRIES), .help = "How many iterations to try."}},
         .result_help = "[\"hex\", ...]    (json array) hashes of blocks generated",
         .examples = "",
         .handler = [&node](const rpc::Request& req) -> Reply {
             const auto count = req.Arg("nblocks").GetInt64();
             const auto max_tries = req.Arg("maxtries").GetInt64();
             if (!count || *count < 0) return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER, "Invalid nblocks"));
             if (!max_tries || *max_tries < 0) return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER, "Invalid maxtries"));
             auto script = encoding::DecodeAddress(req.Arg("address").GetString(), node.Network());
             if (!script) return util::Fail(RpcFail(RpcErrorCode::INVALID_ADDRESS_OR_KEY, "Error: Invalid address"));
             return GenerateBlocks(node, *script, *count, *max_tries);
         }});
    add({.name = "generateblock",
         .category = "Generating",
         .description = "Mine a set of ordered transactions to a specified address and return the block hash.",
         .params = {{.name = "output", .type = ParamType::STRING, .help = "The address to send the newly generated bitcoin to."},
                    {.name = "transactions", .type = ParamType::ARRAY,
                     .help = "An array of hex strings which are either txids or raw transactions. Txids must reference "
                             "transactions currently in the mempool. All transactions must be valid and in valid order, "
                             "otherwise the block will be rejected."},
                    {.name = "submit", .type = ParamType::BOOL, .required = false, .default_value = Json(true),
                     .help = "Whether to submit the block before the RPC call returns or to return it as hex."}},
         .result_help = "{\"hash\": \"hex\", \"hex\": \"str\"}    hash of generated block; hex only when submit=false",
         .examples = "",
         .handler = [&node](const rpc::Request& req) { return GenerateBlock(node, req); }});
    add({.name = "getblocktemplate",
         .category = "Mining",
         .description = "Returns data needed to construct a block to work on (BIP22, BIP23 template mode; the segwit "
                        "rule is required).",
         .params = {{.name = "template_request", .type = ParamType::OBJECT, .required = false,
                     .default_hint = "{\"rules\": [\"segwit\"]} must be given",
                     .help = "Format of the template: {\"mode\": \"template\", \"rules\": [\"segwit\"]}"}},
         .result_help = "{version, rules, previousblockhash, transactions[{data, txid, hash, depends, fee, sigops, weight}], "
                        "coinbasevalue, target, mintime, curtime, bits, height, default_witness_commitment, ...}",
         .examples = "",
         .handler = [&node](const rpc::Request& req) { return GetBlockTemplate(node, req); }});
    add({.name = "submitblock",
         .category = "Mining",
         .description = "Attempts to submit new block to network.",
         .params = {{.name = "hexdata", .type = ParamType::HEX, .help = "the hex-encoded block data to submit"},
                    {.name = "dummy", .type = ParamType::STRING, .required = false, .default_hint = "ignored",
                     .help = "dummy value, for compatibility with BIP22. This value is ignored."}},
         .result_help = "null if accepted, else a string with the reject reason (\"duplicate\", \"inconclusive\", ...)",
         .examples = "",
         .handler = [&node](const rpc::Request& req) { return SubmitBlock(node, req); }});
    add({.name = "getnetworkhashps",
         .category = "Mining",
         .description = "Returns the estimated network hashes per second based on the last n blocks.\n"
                        "Pass in [blocks] to override # of blocks, -1 specifies since last difficulty change.\n"
                        "Pass in [height] to estimate the network speed at the time when a certain block was found.",
         .params = {{.name = "nblocks", .type = ParamType::NUMBER, .required = false, .default_value = Json(120),
                     .help = "The number of previous blocks to calculate estimate from, or -1 for blocks since last "
                             "difficulty change."},
                    {.name = "height", .type = ParamType::NUMBER, .required = false, .default_value = Json(-1),
                     .help = "To estimate at the time of the given height."}},
         .result_help = "n    (numeric) Hashes per second estimated",
         .examples = "",
         .handler = [&node](const rpc::Request& req) -> Reply {
             // Core reads both as int.
             const auto nblocks = req.Arg("nblocks").GetInt64();
             const auto height = req.Arg("height").GetInt64();
             const auto in_int = [](const std::optional<int64_t>& v) { return v && *v >= INT32_MIN && *v <= INT32_MAX; };
             if (!in_int(nblocks) || !in_int(height)) {
                 return util::Fail(RpcFail(RpcErrorCode::MISC_ERROR, "JSON integer out of range"));
             }
             return node.WithChain([&](NodeStorage& s) -> Reply { return NetworkHashPs(s.Chain(), *nblocks, *height); });
         }});
    add({.name = "submitheader",
         .category = "Mining",
         .description = "Decode the given hexdata as a header and submit it as a candidate chain tip if valid.\n"
                        "Throws when the header is invalid.",
         .params = {{.name = "hexdata", .type = ParamType::HEX, .help = "the hex-encoded block header data"}},
         .result_help = "null    (json null) None",
         .examples = "> tonari-cli submitheader \"aabbcc\"",
         .handler = [&node](const rpc::Request& req) { return SubmitHeader(node, req); }});
    add({.name = "getmininginfo",
         .category = "Mining",
         .description = "Returns a json object containing mining-related information.",
         .params = {},
         .result_help = "{blocks, currentblockweight?, currentblocktx?, bits, difficulty, target, networkhashps, pooledtx, "
                        "blockmintxfee, chain, next: {height, bits, difficulty, target}, warnings}",
         .examples = "",
         .handler = [&node](const rpc::Request&) -> Reply {
             return node.WithChain([&](NodeStorage& s) -> Reply {
                 const auto& tip = *s.Chain().Tip();
                 Json o = Json::MakeObject();
                 o.Set("blocks", int64_t{tip.height});
                 if (const auto& last = s.LastTemplate()) {
                     o.Set("currentblockweight", last->weight);
                     o.Set("currentblocktx", last->txs);
                 }
                 o.Set("bits", HexU32(tip.bits));
                 o.Set("difficulty", DoubleJson(DifficultyFromBits(tip.bits)));
                 o.Set("target", TargetHex(tip.bits));
                 auto hashps = NetworkHashPs(s.Chain(), 120, -1);
                 o.Set("networkhashps", hashps ? *hashps : Json(0));
                 o.Set("pooledtx", static_cast<int64_t>(s.Mempool().Size()));
                 o.Set("blockmintxfee", rpc::ValueFromAmount(s.Selection().min_fee_rate.SatPerKvB()));
                 o.Set("chain", std::string(s.Chain().Params().name));
                 // The block a miner would build next: its time as a template would set it,
                 // and the difficulty that time requires.
                 primitives::BlockHeader next_header;
                 next_header.time = static_cast<uint32_t>(std::max<int64_t>(tip.GetMedianTimePast() + 1, UnixNow()));
                 const uint32_t next_bits = chain::GetNextWorkRequired(tip, next_header, s.Chain().Params());
                 Json next = Json::MakeObject();
                 next.Set("height", int64_t{tip.height + 1});
                 next.Set("bits", HexU32(next_bits));
                 next.Set("difficulty", DoubleJson(DifficultyFromBits(next_bits)));
                 next.Set("target", TargetHex(next_bits));
                 o.Set("next", std::move(next));
                 const auto& params = s.Chain().Params();
                 if (params.signet_blocks) o.Set("signet_challenge", util::HexEncode(params.signet_challenge));
                 o.Set("warnings", Json::MakeArray());
                 return o;
             });
         }});
    return registrar.Finish();
}

util::Result<void, std::string> RegisterControlRpcs(rpc::MethodTable& table, NodeContext& node) {
    Registrar registrar(table);
    auto add = [&registrar](rpc::Method m) { registrar.Add(std::move(m)); };
    add({.name = "uptime",
         .category = "Control",
         .description = "Returns the total uptime of the server.",
         .params = {},
         .result_help = "ttt    (numeric) The number of seconds that the server has been running",
         .examples = "",
         .handler = [&node](const rpc::Request&) -> Reply { return Json(UnixNow() - node.StartTime()); }});
    add({.name = "stop",
         .category = "Control",
         .description = "Request a graceful shutdown of Tonari.",
         .params = {{.name = "wait", .type = ParamType::NUMBER, .required = false, .help = "how long to wait in ms",
                     .type_text = "numeric"}},
         .result_help = "\"str\"    (string) A string with the content 'Tonari server stopping'",
         .examples = "",
         .handler = [&node](const rpc::Request&) -> Reply {
             node.RequestShutdown();
             return Json("Tonari server stopping");
         }});
    return registrar.Finish();
}

}  // namespace tonari::bitcoin::node
