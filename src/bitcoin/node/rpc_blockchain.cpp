// Blockchain RPC methods. Every read of the chain runs on the validation strand.
#include "bitcoin/node/rpc_blockchain.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "bitcoin/chain/block_index.h"
#include "bitcoin/chain/block_verify.h"
#include "bitcoin/chain/prune.h"
#include "bitcoin/chain/undo.h"
#include "bitcoin/consensus/subsidy.h"
#include "bitcoin/mempool/accept.h"
#include "bitcoin/node/block_stats.h"
#include "bitcoin/node/json_views.h"
#include "bitcoin/node/rpc_util.h"
#include "bitcoin/primitives/block.h"
#include "bitcoin/rpc/amount.h"
#include "util/hex.h"

namespace tonari::bitcoin::node {
namespace {

using rpc::ParamSpec;
using rpc::ParamType;
using rpc::RpcError;
using rpc::RpcErrorCode;
using util::Json;
using Reply = util::Result<Json, RpcError>;

util::Result<const chain::BlockIndex*, RpcError> FindBlock(NodeStorage& storage, const primitives::BlockHash& hash) {
    const chain::BlockIndex* index = storage.Chain().Tree().Lookup(hash);
    if (!index) return util::Fail(RpcFail(RpcErrorCode::INVALID_ADDRESS_OR_KEY, "Block not found"));
    return index;
}

Reply GetBlock(NodeContext& node, const rpc::Request& req) {
    auto hash = ParseBlockHash(req.Arg("blockhash"), "blockhash");
    if (!hash) return util::Fail(hash.error());
    int64_t verbosity = 1;
    const Json& v = req.Arg("verbosity");
    if (v.IsBool()) {
        verbosity = v.GetBool() ? 1 : 0;
    } else if (v.IsNumber()) {
        verbosity = v.GetInt64().value_or(1);
    }
    return node.WithChain([&](NodeStorage& storage) -> Reply {
        auto index = FindBlock(storage, *hash);
        if (!index) return util::Fail(index.error());
        if (auto missing = CheckBlockDataAvailable(storage.Chain(), **index, false)) return util::Fail(*missing);
        auto block = storage.Blocks().ReadBlock((*index)->data_pos);
        if (!block) return util::Fail(RpcFail(RpcErrorCode::MISC_ERROR, "Block not found on disk: " + block.error().message));
        if (verbosity <= 0) return Json(util::HexEncode(primitives::SerializeBlock(*block)));
        // Core's order: the header fields, then the sizes, the coinbase and the transactions.
        Json out = HeaderToJson(storage.Chain(), **index);
        out.Set("strippedsize", static_cast<uint64_t>(primitives::SerializedSize(*block, false)));
        out.Set("size", static_cast<uint64_t>(primitives::SerializedSize(*block, true)));
        out.Set("weight", primitives::BlockWeight(*block));
        if (!block->txs.empty()) out.Set("coinbase_tx", CoinbaseTxToJson(block->txs[0]));
        // Verbosity 2 and 3 give each transaction's fee (and at 3 the coins it spent), from
        // the block's undo data when the node has it.
        std::optional<chain::BlockUndo> undo;
        if (verbosity >= 2 && (*index)->prev && (*index)->HasStatus(chain::BLOCK_HAVE_UNDO)) {
            auto read = storage.Blocks().ReadUndo((*index)->undo_pos, (*index)->prev->hash);
            if (!read || read->txs.size() + 1 != block->txs.size()) {
                return util::Fail(RpcFail(RpcErrorCode::INTERNAL_ERROR,
                                          "Undo data expected but can't be read. This could be due to disk corruption "
                                          "or a conflict with a pruning event."));
            }
            undo = std::move(*read);
        }
        Json txs = Json::MakeArray();
        for (size_t i = 0; i < block->txs.size(); ++i) {
            const auto& tx = block->txs[i];
            if (verbosity == 1) {
                txs.PushBack(primitives::ComputeTxid(tx).ToHex());
            } else {
                const std::vector<chain::Coin>* spent = (undo && i > 0) ? &undo->txs[i - 1].spent : nullptr;
                txs.PushBack(BlockTxToJson(tx, node.Network(), spent, verbosity >= 3));
            }
        }
        out.Set("tx", std::move(txs));
        return out;
    });
}

// Core's ParseHashOrHeight: a height on the active chain, or any known block's hash.
util::Result<const chain::BlockIndex*, RpcError> BlockByHashOrHeight(NodeStorage& storage, const Json& param) {
    const auto& active = storage.Chain().Chain();
    if (param.IsNumber()) {
        const auto height = param.GetInt64();
        if (!height || *height < INT32_MIN || *height > INT32_MAX) {
            return util::Fail(RpcFail(RpcErrorCode::MISC_ERROR, "JSON integer out of range"));
        }
        if (*height < 0) {
            return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER,
                                      "Target block height " + std::to_string(*height) + " is negative"));
        }
        if (*height > active.Height()) {
            return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER, "Target block height " + std::to_string(*height) +
                                                                           " after current tip " +
                                                                           std::to_string(active.Height())));
        }
        return active[static_cast<int>(*height)];
    }
    auto hash = ParseBlockHash(param, "hash_or_height");
    if (!hash) return util::Fail(hash.error());
    return FindBlock(storage, *hash);
}

// Core's pruneblockchain: a height, or a time (above a billion) naming the first block whose
// chain reached it, less Core's two-hour window for blocks with early timestamps.
Reply PruneBlockchain(NodeContext& node, const rpc::Request& req) {
    return node.WithChain([&](NodeStorage& storage) -> Reply {
        chain::Chainstate& chainstate = storage.Chain();
        if (!chainstate.IsPruneMode()) {
            return util::Fail(RpcFail(RpcErrorCode::MISC_ERROR, "Cannot prune blocks because node is not in prune mode."));
        }
        const auto param = req.Arg("height").GetInt64();
        if (!param || *param > INT32_MAX || *param < INT32_MIN) {
            return util::Fail(RpcFail(RpcErrorCode::MISC_ERROR, "JSON integer out of range"));
        }
        int64_t height = *param;
        if (height < 0) return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER, "Negative block height."));
        const auto& active = chainstate.Chain();
        if (height > 1'000'000'000) {
            constexpr int64_t TIMESTAMP_WINDOW = 2 * 60 * 60;
            int64_t max_time = 0;
            std::optional<int> found;
            for (int h = 0; h <= active.Height(); ++h) {
                max_time = std::max(max_time, active[h]->Time());
                if (max_time >= height - TIMESTAMP_WINDOW) {
                    found = h;
                    break;
                }
            }
            if (!found) {
                return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER,
                                          "Could not find block with at least the specified timestamp."));
            }
            height = *found;
        }
        const int chain_height = active.Height();
        if (chain_height < chainstate.Pruning().prune_after_height) {
            return util::Fail(RpcFail(RpcErrorCode::MISC_ERROR, "Blockchain is too short for pruning."));
        }
        if (height > chain_height) {
            return util::Fail(
                RpcFail(RpcErrorCode::INVALID_PARAMETER, "Blockchain is shorter than the attempted prune height."));
        }
        height = std::min<int64_t>(height, chain_height - chain::MIN_BLOCKS_TO_KEEP);
        if (auto pruned = chainstate.PruneManual(static_cast<int>(height)); !pruned) {
            node.AbortNode("pruning failed: " + pruned.error().message);
            return util::Fail(RpcFail(RpcErrorCode::MISC_ERROR, pruned.error().message));
        }
        const auto last = chainstate.PruneHeight();
        return Json(int64_t{last ? *last : -1});
    });
}

Reply GetBlockStats(NodeContext& node, const rpc::Request& req) {
    // The filter: every stat when absent or empty; names are checked after the computation, in
    // sorted order, as Core does.
    std::set<std::string> selected;
    if (req.Has("stats")) {
        for (const Json& name : req.Arg("stats").GetArray()) {
            if (!name.IsString()) {
                return util::Fail(RpcFail(RpcErrorCode::TYPE_ERROR, "JSON value of type " +
                                                                        std::string(rpc::JsonTypeName(name.type())) +
                                                                        " is not of expected type string"));
            }
            selected.insert(name.GetString());
        }
    }
    return node.WithChain([&](NodeStorage& storage) -> Reply {
        auto index = BlockByHashOrHeight(storage, req.Arg("hash_or_height"));
        if (!index) return util::Fail(index.error());
        const chain::BlockIndex& bi = **index;
        if (auto missing = CheckBlockDataAvailable(storage.Chain(), bi, false)) return util::Fail(*missing);
        auto block = storage.Blocks().ReadBlock(bi.data_pos);
        if (!block) return util::Fail(RpcFail(RpcErrorCode::MISC_ERROR, "Block not found on disk"));
        std::optional<chain::BlockUndo> undo;
        if (bi.prev) {
            if (auto missing = CheckBlockDataAvailable(storage.Chain(), bi, true)) return util::Fail(*missing);
            auto read = storage.Blocks().ReadUndo(bi.undo_pos, bi.prev->hash);
            if (!read || read->txs.size() + 1 != block->txs.size()) {
                return util::Fail(RpcFail(RpcErrorCode::MISC_ERROR, "Can't read undo data from disk"));
            }
            undo = std::move(*read);
        }
        const Json all = ComputeBlockStats({.block = &*block,
                                            .undo = undo ? &*undo : nullptr,
                                            .height = bi.height,
                                            .hash = bi.hash,
                                            .time = int64_t{bi.time},
                                            .median_time = bi.GetMedianTimePast(),
                                            .subsidy = consensus::GetBlockSubsidy(bi.height, storage.Chain().Params()),
                                            .outputs_never_in_utxo_set =
                                                bi.height == 0 || chain::IsBip30Repeat(bi.height, bi.hash)});
        if (selected.empty()) return all;
        Json out = Json::MakeObject();
        for (const std::string& name : selected) {
            const Json* value = all.Find(name);
            if (!value) return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER, "Invalid selected statistic '" + name + "'"));
            out.Set(name, *value);
        }
        return out;
    });
}

Reply GetBlockchainInfo(NodeContext& node) {
    return node.WithChain([&](NodeStorage& storage) -> Reply {
        const auto& chain = storage.Chain();
        const chain::BlockIndex& tip = *chain.Tip();
        Json o = Json::MakeObject();
        o.Set("chain", std::string(storage.Chain().Params().name));
        o.Set("blocks", int64_t{tip.height});
        o.Set("headers", int64_t{chain.Tree().BestHeader().height});
        o.Set("bestblockhash", tip.hash.ToHex());
        o.Set("bits", HexU32(tip.bits));
        o.Set("target", TargetHex(tip.bits));
        o.Set("difficulty", DoubleJson(DifficultyFromBits(tip.bits)));
        o.Set("time", int64_t{tip.time});
        o.Set("mediantime", tip.GetMedianTimePast());
        o.Set("verificationprogress", 1);
        o.Set("initialblockdownload", storage.Chain().IsInitialBlockDownload(UnixNow()));
        o.Set("chainwork", tip.chain_work.ToHex());
        const chain::Chainstate& chainstate = storage.Chain();
        o.Set("size_on_disk", chainstate.BlockFilesSize());
        o.Set("pruned", chainstate.IsPruneMode());
        if (chainstate.IsPruneMode()) {
            // Core: the first block kept, all below it pruned.
            const auto prune_height = chainstate.PruneHeight();
            o.Set("pruneheight", prune_height ? int64_t{*prune_height} + 1 : int64_t{0});
            const uint64_t target = chainstate.Pruning().target_bytes;
            o.Set("automatic_pruning", target != 0);
            if (target != 0) o.Set("prune_target_size", target);
        }
        const auto& params = storage.Chain().Params();
        if (params.signet_blocks) o.Set("signet_challenge", util::HexEncode(params.signet_challenge));
        o.Set("warnings", Json::MakeArray());
        return o;
    });
}

Reply GetChainTips(NodeContext& node) {
    return node.WithChain([&](NodeStorage& storage) -> Reply {
        const auto& chain = storage.Chain();
        const auto entries = chain.Tree().AllEntries();
        std::set<const chain::BlockIndex*> has_child;
        for (const auto* e : entries) {
            if (e->prev) has_child.insert(e->prev);
        }
        std::vector<const chain::BlockIndex*> tips;
        for (const auto* e : entries) {
            if (!has_child.contains(e)) tips.push_back(e);
        }
        if (std::find(tips.begin(), tips.end(), chain.Tip()) == tips.end()) tips.push_back(chain.Tip());
        std::sort(tips.begin(), tips.end(), [](const auto* a, const auto* b) {
            return a->height != b->height ? a->height > b->height : a->hash.get() < b->hash.get();
        });
        Json out = Json::MakeArray();
        for (const auto* t : tips) {
            const chain::BlockIndex* fork = chain.Chain().FindFork(t);
            Json o = Json::MakeObject();
            o.Set("height", int64_t{t->height});
            o.Set("hash", t->hash.ToHex());
            o.Set("branchlen", int64_t{t->height - (fork ? fork->height : 0)});
            std::string status;
            if (chain.Chain().Contains(t)) {
                status = "active";
            } else if (t->IsFailed()) {
                status = "invalid";
            } else if (!t->HaveChainData()) {
                status = "headers-only";
            } else if (t->HasStatus(chain::BLOCK_SCRIPTS_VALID)) {
                status = "valid-fork";
            } else {
                status = "valid-headers";
            }
            o.Set("status", status);
            out.PushBack(std::move(o));
        }
        return out;
    });
}

Reply GetTxOut(NodeContext& node, const rpc::Request& req) {
    auto txid = ParseTxid(req.Arg("txid"), "txid");
    if (!txid) return util::Fail(txid.error());
    const auto n = req.Arg("n").GetInt64();
    if (!n || *n < 0 || *n > UINT32_MAX) return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER, "Invalid n"));
    const bool include_mempool = req.Arg("include_mempool").GetBool();
    return node.WithChain([&](NodeStorage& storage) -> Reply {
        auto& chain = storage.Chain();
        const primitives::OutPoint outpoint{*txid, static_cast<uint32_t>(*n)};
        std::optional<chain::Coin> coin;
        if (include_mempool) {
            // Core's view through the mempool: spent there is gone, created there counts.
            const auto& pool = storage.Mempool();
            if (pool.Spender(outpoint)) return Json();
            coin = chain.Coins().GetCoin(outpoint);
            if (!coin) {
                if (const auto* created = pool.Output(outpoint)) coin = chain::Coin{*created, mempool::MEMPOOL_HEIGHT, false};
            }
        } else {
            coin = chain.Coins().GetCoin(outpoint);
        }
        if (!coin) return Json();
        Json o = Json::MakeObject();
        o.Set("bestblock", chain.Tip()->hash.ToHex());
        if (coin->height == mempool::MEMPOOL_HEIGHT) {
            o.Set("confirmations", int64_t{0});
        } else {
            o.Set("confirmations", int64_t{chain.Chain().Height() - static_cast<int>(coin->height) + 1});
        }
        o.Set("value", rpc::ValueFromAmount(coin->out.value));
        o.Set("scriptPubKey", ScriptPubKeyToJson(coin->out.script_pubkey, node.Network()));
        o.Set("coinbase", coin->coinbase);
        return o;
    });
}

Reply GetTxOutSetInfo(NodeContext& node, chain::UtxoHashType type) {
    return node.WithChain([&](NodeStorage& storage) -> Reply {
        auto stats = storage.ComputeUtxoStats(type);
        if (!stats) return util::Fail(RpcFail(RpcErrorCode::INTERNAL_ERROR, "Unable to read UTXO set: " + stats.error()));
        const auto& tip = *storage.Chain().Tip();
        Json o = Json::MakeObject();
        o.Set("height", int64_t{tip.height});
        o.Set("bestblock", tip.hash.ToHex());
        o.Set("txouts", stats->coins);
        o.Set("bogosize", stats->bogo_size);
        if (type == chain::UtxoHashType::HashSerialized) o.Set("hash_serialized_3", stats->hash_serialized.ToHex());
        if (type == chain::UtxoHashType::MuHash) o.Set("muhash", stats->muhash.ToHex());
        if (stats->total_amount) o.Set("total_amount", rpc::ValueFromAmount(*stats->total_amount));
        o.Set("transactions", stats->transactions);
        uint64_t disk = 0;
        std::error_code ec;
        for (const auto& entry :
             std::filesystem::recursive_directory_iterator(storage.NetworkDir() / "chainstate", ec)) {
            if (entry.is_regular_file(ec)) disk += entry.file_size(ec);
        }
        o.Set("disk_size", disk);
        return o;
    });
}

}  // namespace

util::Result<void, std::string> RegisterBlockchainRpcs(rpc::MethodTable& table, NodeContext& node) {
    Registrar registrar(table);
    auto add = [&registrar](rpc::Method m) { registrar.Add(std::move(m)); };
    const ParamSpec blockhash{.name = "blockhash", .type = ParamType::HEX, .help = "The block hash"};
    add({.name = "getblockcount",
         .category = "Blockchain",
         .description = "Returns the height of the most-work fully-validated chain.\nThe genesis block has height 0.",
         .params = {},
         .result_help = "n    (numeric) The current block count",
         .examples = "",
         .handler = [&node](const rpc::Request&) -> Reply {
             return node.WithChain([](NodeStorage& s) -> Reply { return Json(int64_t{s.Chain().Chain().Height()}); });
         }});
    add({.name = "getbestblockhash",
         .category = "Blockchain",
         .description = "Returns the hash of the best (tip) block in the most-work fully-validated chain.",
         .params = {},
         .result_help = "\"hex\"    (string) the block hash, hex-encoded",
         .examples = "",
         .handler = [&node](const rpc::Request&) -> Reply {
             return node.WithChain([](NodeStorage& s) -> Reply { return Json(s.Chain().Tip()->hash.ToHex()); });
         }});
    add({.name = "getblockhash",
         .category = "Blockchain",
         .description = "Returns hash of block in best-block-chain at height provided.",
         .params = {{.name = "height", .type = ParamType::NUMBER, .help = "The height index"}},
         .result_help = "\"hex\"    (string) The block hash",
         .examples = "",
         .handler = [&node](const rpc::Request& req) -> Reply {
             const auto height = req.Arg("height").GetInt64();
             return node.WithChain([&](NodeStorage& s) -> Reply {
                 const auto& chain = s.Chain().Chain();
                 if (!height || *height < 0 || *height > chain.Height()) {
                     return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER, "Block height out of range"));
                 }
                 return Json(chain[static_cast<int>(*height)]->hash.ToHex());
             });
         }});
    add({.name = "getblockheader",
         .category = "Blockchain",
         .description = "If verbose is false, returns a string that is serialized, hex-encoded data for blockheader 'hash'.\n"
                        "If verbose is true, returns an Object with information about blockheader <hash>.",
         .params = {blockhash,
                    {.name = "verbose", .type = ParamType::BOOL, .required = false, .default_value = Json(true),
                     .help = "true for a json object, false for the hex-encoded data"}},
         .result_help = "{...}    (json object) the header fields, as Bitcoin Core's",
         .examples = "",
         .handler = [&node](const rpc::Request& req) -> Reply {
             auto hash = ParseBlockHash(req.Arg("blockhash"), "hash");
             if (!hash) return util::Fail(hash.error());
             const bool verbose = req.Arg("verbose").GetBool();
             return node.WithChain([&](NodeStorage& s) -> Reply {
                 auto index = FindBlock(s, *hash);
                 if (!index) return util::Fail(index.error());
                 if (!verbose) return Json(util::HexEncode(primitives::SerializeHeader((*index)->GetHeader())));
                 return HeaderToJson(s.Chain(), **index);
             });
         }});
    add({.name = "getblock",
         .category = "Blockchain",
         .description = "If verbosity is 0, returns a string that is serialized, hex-encoded data for block 'hash'.\n"
                        "If verbosity is 1, returns an Object with information about block <hash>.\n"
                        "If verbosity is 2, returns an Object with information about block <hash> and information about each transaction.",
         .params = {blockhash,
                    {.name = "verbosity", .type = ParamType::ANY, .required = false, .default_value = Json(1),
                     .help = "0 for hex-encoded data, 1 for a JSON object, 2 for JSON object with transaction data, "
                             "and 3 for JSON object with transaction data including prevout information for inputs",
                     .type_text = "numeric"}},
         .result_help = "the block, as Bitcoin Core's getblock",
         .examples = "",
         .handler = [&node](const rpc::Request& req) { return GetBlock(node, req); }});
    add({.name = "getblockstats",
         .category = "Blockchain",
         .description = "Compute per block statistics for a given window. All amounts are in satoshis.\n"
                        "It won't work for some heights with pruning.",
         .params = {{.name = "hash_or_height", .type = ParamType::ANY,
                     .help = "The block hash or height of the target block", .type_text = "string or numeric"},
                    {.name = "stats", .type = ParamType::ARRAY, .required = false, .default_hint = "all values",
                     .help = "Values to plot (see result below)", .oneline = "[\"height\",\"time\",...]"}},
         .result_help = "{avgfee, avgfeerate, avgtxsize, blockhash, feerate_percentiles: [p10, p25, p50, p75, p90], "
                        "height, ins, maxfee, maxfeerate, maxtxsize, medianfee, mediantime, mediantxsize, minfee, "
                        "minfeerate, mintxsize, outs, subsidy, swtotal_size, swtotal_weight, swtxs, time, total_out, "
                        "total_size, total_weight, totalfee, txs, utxo_increase, utxo_size_inc, utxo_increase_actual, "
                        "utxo_size_inc_actual}",
         .examples = "> tonari-cli getblockstats '\"00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09\"' "
                     "'[\"minfeerate\",\"avgfeerate\"]'\n> tonari-cli getblockstats 1000 '[\"minfeerate\",\"avgfeerate\"]'",
         .handler = [&node](const rpc::Request& req) { return GetBlockStats(node, req); }});
    add({.name = "pruneblockchain",
         .category = "Blockchain",
         .description = "Attempts to delete block and undo data up to a specified height or timestamp, if eligible "
                        "for pruning.\nRequires `-prune` to be enabled at startup. Local deletion is irreversible.",
         .params = {{.name = "height", .type = ParamType::NUMBER,
                     .help = "The block height to prune up to. May be set to a discrete height, or to a UNIX epoch "
                             "time\nto prune blocks whose block time is at least 2 hours older than the provided "
                             "timestamp."}},
         .result_help = "n    (numeric) Height of the last block pruned",
         .examples = "> tonari-cli pruneblockchain 1000",
         .handler = [&node](const rpc::Request& req) { return PruneBlockchain(node, req); }});
    add({.name = "getblockchaininfo",
         .category = "Blockchain",
         .description = "Returns an object containing various state info regarding blockchain processing.",
         .params = {},
         .result_help = "{...}    chain, blocks, headers, bestblockhash, bits, difficulty, time, mediantime, "
                        "verificationprogress, initialblockdownload, chainwork, size_on_disk, pruned, "
                        "pruneheight, automatic_pruning, prune_target_size (in prune mode), warnings",
         .examples = "",
         .handler = [&node](const rpc::Request&) { return GetBlockchainInfo(node); }});
    add({.name = "getchaintips",
         .category = "Blockchain",
         .description = "Return information about all known tips in the block tree, including the main chain as well as orphaned branches.",
         .params = {},
         .result_help = "[{height, hash, branchlen, status}, ...]",
         .examples = "",
         .handler = [&node](const rpc::Request&) { return GetChainTips(node); }});
    add({.name = "getdifficulty",
         .category = "Blockchain",
         .description = "Returns the proof-of-work difficulty as a multiple of the minimum difficulty.",
         .params = {},
         .result_help = "n.nnn    (numeric) the proof-of-work difficulty as a multiple of the minimum difficulty.",
         .examples = "",
         .handler = [&node](const rpc::Request&) -> Reply {
             return node.WithChain([](NodeStorage& s) -> Reply { return DoubleJson(DifficultyFromBits(s.Chain().Tip()->bits)); });
         }});
    add({.name = "gettxout",
         .category = "Blockchain",
         .description = "Returns details about an unspent transaction output.",
         .params = {{.name = "txid", .type = ParamType::HEX, .help = "The transaction id"},
                    {.name = "n", .type = ParamType::NUMBER, .help = "vout number"},
                    {.name = "include_mempool", .type = ParamType::BOOL, .required = false, .default_value = Json(true),
                     .help = "Whether to include the mempool."}},
         .result_help = "null if the output is spent or unknown, else {bestblock, confirmations, value, scriptPubKey, coinbase}",
         .examples = "",
         .handler = [&node](const rpc::Request& req) { return GetTxOut(node, req); }});
    add({.name = "gettxoutsetinfo",
         .category = "Blockchain",
         .description = "Returns statistics about the unspent transaction output set.\nNote this call may take some time.",
         .params = {{.name = "hash_type", .type = ParamType::STRING, .required = false,
                     .default_value = Json("hash_serialized_3"),
                     .help = "Which UTXO set hash should be calculated. Options: 'hash_serialized_3' (the legacy "
                             "algorithm), 'muhash', 'none'."},
                    {.name = "hash_or_height", .type = ParamType::ANY, .required = false,
                     .default_hint = "the current best block",
                     .help = "The block hash or height of the target height (only available with coinstatsindex).",
                     .type_text = "string or numeric"},
                    {.name = "use_index", .type = ParamType::BOOL, .required = false, .default_value = Json(true),
                     .help = "Use coinstatsindex, if available."}},
         .result_help = "{height, bestblock, txouts, bogosize, hash_serialized_3 | muhash, total_amount, transactions, "
                        "disk_size}",
         .examples = "",
         .handler = [&node](const rpc::Request& req) -> Reply {
             const std::string& name = req.Arg("hash_type").GetString();
             chain::UtxoHashType type = chain::UtxoHashType::HashSerialized;
             if (name == "muhash") {
                 type = chain::UtxoHashType::MuHash;
             } else if (name == "none") {
                 type = chain::UtxoHashType::None;
             } else if (name != "hash_serialized_3") {
                 return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER, "'" + name + "' is not a valid hash_type"));
             }
             // Past blocks' statistics need Core's coinstatsindex, which Tonari does not keep.
             if (req.Has("hash_or_height")) {
                 return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER,
                                           "Querying specific block heights requires coinstatsindex"));
             }
             return GetTxOutSetInfo(node, type);
         }});
    // invalidateblock / reconsiderblock: a user overrules the chain choice.
    auto chain_override = [&node](const rpc::Request& req, bool invalidate) -> Reply {
        auto hash = ParseBlockHash(req.Arg("blockhash"), "blockhash");
        if (!hash) return util::Fail(hash.error());
        return node.WithChain([&](NodeStorage& s) -> Reply {
            chain::BlockIndex* index = s.Chain().Tree().Lookup(*hash);
            if (index == nullptr) return util::Fail(RpcFail(RpcErrorCode::INVALID_ADDRESS_OR_KEY, "Block not found"));
            const int64_t now = UnixNow();
            auto r = invalidate ? s.Chain().InvalidateBlock(*index) : s.Chain().ReconsiderBlock(*index);
            s.ChainSettled(now);
            if (!r) return util::Fail(RpcFail(RpcErrorCode::DATABASE_ERROR, r.error().message));
            return Json();
        });
    };
    add({.name = "invalidateblock",
         .category = "Blockchain",
         .description = "Permanently marks a block as invalid, as if it violated a consensus rule.",
         .params = {{.name = "blockhash", .type = ParamType::STRING, .help = "the hash of the block to mark as invalid"}},
         .result_help = "null",
         .examples = "",
         .handler = [chain_override](const rpc::Request& req) { return chain_override(req, true); }});
    add({.name = "reconsiderblock",
         .category = "Blockchain",
         .description = "Removes invalidity status of a block, its ancestors and its descendants, reconsider them for "
                        "activation.\nThis can be used to undo the effects of invalidateblock.",
         .params = {{.name = "blockhash", .type = ParamType::STRING, .help = "the hash of the block to reconsider"}},
         .result_help = "null",
         .examples = "",
         .handler = [chain_override](const rpc::Request& req) { return chain_override(req, false); }});
    return registrar.Finish();
}

}  // namespace tonari::bitcoin::node
