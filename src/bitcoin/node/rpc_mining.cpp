// Mining and control RPC methods.
#include "bitcoin/node/rpc_mining.h"

#include <chrono>

#include "bitcoin/encoding/address.h"
#include "bitcoin/node/miner.h"
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

int64_t UnixNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

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
                return CreateBlockTemplate(s.Chain(), {.payout_script = script, .txs = {}, .fees = 0,
                                                       .coinbase_extra = std::move(extra), .now = UnixNow()});
            });
            const uint64_t budget = std::min<uint64_t>(static_cast<uint64_t>(max_tries), uint64_t{1} << 32);
            auto result = SolveBlock(std::move(candidate), node.Params(), node.MinerPool(), budget);
            solved = std::move(result.block);
            max_tries -= static_cast<int64_t>(result.tries);
        }
        if (!solved) break;  // out of tries: Core returns the blocks found so far
        const primitives::Block& block = *solved;
        auto processed = node.WithChain([&](NodeStorage& s) { return s.Chain().ProcessBlock(block, UnixNow()); });
        if (!processed) {
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
            if (known->HasStatus(chain::BLOCK_SCRIPTS_VALID)) return Json("duplicate");
            if (known->IsFailed()) return Json("duplicate-invalid");
        }
        auto processed = chain.ProcessBlock(*block, UnixNow());
        if (processed) return Json();
        if (!processed.error().IsInvalid()) {
            return util::Fail(RpcFail(RpcErrorCode::INTERNAL_ERROR, processed.error().message));
        }
        if (processed.error().invalid.reason == consensus::BlockError::PrevBlockNotFound) return Json("inconclusive");
        return Json(processed.error().message);
    });
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
    add({.name = "submitblock",
         .category = "Mining",
         .description = "Attempts to submit new block to network.",
         .params = {{.name = "hexdata", .type = ParamType::HEX, .help = "the hex-encoded block data to submit"},
                    {.name = "dummy", .type = ParamType::STRING, .required = false, .default_hint = "ignored",
                     .help = "dummy value, for compatibility with BIP22. This value is ignored."}},
         .result_help = "null if accepted, else a string with the reject reason (\"duplicate\", \"inconclusive\", ...)",
         .examples = "",
         .handler = [&node](const rpc::Request& req) { return SubmitBlock(node, req); }});
    add({.name = "getmininginfo",
         .category = "Mining",
         .description = "Returns a json object containing mining-related information.",
         .params = {},
         .result_help = "{blocks, bits, difficulty, target, networkhashps, pooledtx, chain, warnings}",
         .examples = "",
         .handler = [&node](const rpc::Request&) -> Reply {
             return node.WithChain([&](NodeStorage& s) -> Reply {
                 const auto& tip = *s.Chain().Tip();
                 Json o = Json::MakeObject();
                 o.Set("blocks", int64_t{tip.height});
                 o.Set("bits", HexU32(tip.bits));
                 o.Set("difficulty", DoubleJson(DifficultyFromBits(tip.bits)));
                 o.Set("pooledtx", 0);
                 o.Set("chain", std::string(s.Chain().Params().name));
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
