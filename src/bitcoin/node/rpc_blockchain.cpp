// Blockchain RPC methods. Every read of the chain runs on the validation strand.
#include "bitcoin/node/rpc_blockchain.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "bitcoin/chain/block_index.h"
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

// Core's blockheaderToJSON fields, in Core's order (nTx and the chain links included).
Json HeaderJson(const chain::Chainstate& chain, const chain::BlockIndex& index) {
    Json o = Json::MakeObject();
    const auto& active = chain.Chain();
    const bool in_chain = active.Contains(&index);
    o.Set("hash", index.hash.ToHex());
    o.Set("confirmations", in_chain ? int64_t{active.Height() - index.height + 1} : int64_t{-1});
    o.Set("height", int64_t{index.height});
    o.Set("version", int64_t{index.version});
    o.Set("versionHex", HexU32(static_cast<uint32_t>(index.version)));
    o.Set("merkleroot", index.merkle_root.ToHex());
    o.Set("time", int64_t{index.time});
    o.Set("mediantime", index.GetMedianTimePast());
    o.Set("nonce", uint64_t{index.nonce});
    o.Set("bits", HexU32(index.bits));
    o.Set("difficulty", DoubleJson(DifficultyFromBits(index.bits)));
    o.Set("chainwork", index.chain_work.ToHex());
    o.Set("nTx", uint64_t{index.tx_count});
    if (index.prev) o.Set("previousblockhash", index.prev->hash.ToHex());
    if (in_chain && index.height < active.Height()) o.Set("nextblockhash", active[index.height + 1]->hash.ToHex());
    return o;
}

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
        if (!(*index)->HaveData()) return util::Fail(RpcFail(RpcErrorCode::MISC_ERROR, "Block not available (not fully downloaded)"));
        auto block = storage.Blocks().ReadBlock((*index)->data_pos);
        if (!block) return util::Fail(RpcFail(RpcErrorCode::MISC_ERROR, "Block not found on disk: " + block.error().message));
        if (verbosity <= 0) return Json(util::HexEncode(primitives::SerializeBlock(*block)));
        Json o = HeaderJson(storage.Chain(), **index);
        const Json body = BlockToJson(*block);
        // Core's order: header fields with size, strippedsize and weight after confirmations.
        Json out = Json::MakeObject();
        for (const auto& [key, value] : o.GetObject()) {
            if (key == "nTx" || key == "previousblockhash" || key == "nextblockhash") continue;
            out.Set(key, value);
            if (key == "confirmations") {
                out.Set("strippedsize", *body.Find("strippedsize"));
                out.Set("size", *body.Find("size"));
                out.Set("weight", *body.Find("weight"));
            }
        }
        Json txs = Json::MakeArray();
        for (const auto& tx : block->txs) {
            if (verbosity == 1) {
                txs.PushBack(primitives::ComputeTxid(tx).ToHex());
            } else {
                txs.PushBack(TxToJson(tx, node.Network()));
            }
        }
        out.Set("tx", std::move(txs));
        for (const char* key : {"nTx", "previousblockhash", "nextblockhash"}) {
            if (const Json* value = o.Find(key)) out.Set(key, *value);
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
        o.Set("difficulty", DoubleJson(DifficultyFromBits(tip.bits)));
        o.Set("time", int64_t{tip.time});
        o.Set("mediantime", tip.GetMedianTimePast());
        o.Set("verificationprogress", 1);
        o.Set("initialblockdownload", false);
        o.Set("chainwork", tip.chain_work.ToHex());
        uint64_t size_on_disk = 0;
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(storage.NetworkDir() / "blocks", ec)) {
            if (entry.is_regular_file(ec)) size_on_disk += entry.file_size(ec);
        }
        o.Set("size_on_disk", size_on_disk);
        o.Set("pruned", false);
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
    return node.WithChain([&](NodeStorage& storage) -> Reply {
        auto& chain = storage.Chain();
        const auto coin = chain.Coins().GetCoin({*txid, static_cast<uint32_t>(*n)});
        if (!coin) return Json();
        Json o = Json::MakeObject();
        o.Set("bestblock", chain.Tip()->hash.ToHex());
        o.Set("confirmations", int64_t{chain.Chain().Height() - static_cast<int>(coin->height) + 1});
        o.Set("value", rpc::ValueFromAmount(coin->out.value));
        o.Set("scriptPubKey", ScriptPubKeyToJson(coin->out.script_pubkey, node.Network()));
        o.Set("coinbase", coin->coinbase);
        return o;
    });
}

Reply GetTxOutSetInfo(NodeContext& node) {
    return node.WithChain([&](NodeStorage& storage) -> Reply {
        auto stats = storage.ComputeUtxoStats();
        if (!stats) return util::Fail(RpcFail(RpcErrorCode::INTERNAL_ERROR, "Unable to read UTXO set: " + stats.error()));
        const auto& tip = *storage.Chain().Tip();
        Json o = Json::MakeObject();
        o.Set("height", int64_t{tip.height});
        o.Set("bestblock", tip.hash.ToHex());
        o.Set("txouts", stats->coins);
        o.Set("bogosize", stats->bogo_size);
        o.Set("hash_serialized_3", stats->hash_serialized.ToHex());
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
                 return HeaderJson(s.Chain(), **index);
             });
         }});
    add({.name = "getblock",
         .category = "Blockchain",
         .description = "If verbosity is 0, returns a string that is serialized, hex-encoded data for block 'hash'.\n"
                        "If verbosity is 1, returns an Object with information about block <hash>.\n"
                        "If verbosity is 2, returns an Object with information about block <hash> and information about each transaction.",
         .params = {blockhash,
                    {.name = "verbosity", .type = ParamType::ANY, .required = false, .default_value = Json(1),
                     .help = "0 for hex-encoded data, 1 for a JSON object, 2 for JSON object with transaction data",
                     .type_text = "numeric"}},
         .result_help = "the block, as Bitcoin Core's getblock",
         .examples = "",
         .handler = [&node](const rpc::Request& req) { return GetBlock(node, req); }});
    add({.name = "getblockchaininfo",
         .category = "Blockchain",
         .description = "Returns an object containing various state info regarding blockchain processing.",
         .params = {},
         .result_help = "{...}    chain, blocks, headers, bestblockhash, bits, difficulty, time, mediantime, "
                        "verificationprogress, initialblockdownload, chainwork, size_on_disk, pruned, warnings",
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
                     .default_value = Json("hash_serialized_3"), .help = "Which UTXO set hash should be calculated. Options: 'hash_serialized_3' (the legacy algorithm)."}},
         .result_help = "{height, bestblock, txouts, bogosize, hash_serialized_3, total_amount, transactions, disk_size}",
         .examples = "",
         .handler = [&node](const rpc::Request& req) -> Reply {
             const Json& type = req.Arg("hash_type");
             if (type.GetString() != "hash_serialized_3") {
                 return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER, type.GetString() + " is not a valid hash_type"));
             }
             return GetTxOutSetInfo(node);
         }});
    // invalidateblock / reconsiderblock: a user overrules the chain choice.
    auto chain_override = [&node](const rpc::Request& req, bool invalidate) -> Reply {
        auto hash = ParseBlockHash(req.Arg("blockhash"), "blockhash");
        if (!hash) return util::Fail(hash.error());
        return node.WithChain([&](NodeStorage& s) -> Reply {
            chain::BlockIndex* index = s.Chain().Tree().Lookup(*hash);
            if (index == nullptr) return util::Fail(RpcFail(RpcErrorCode::INVALID_ADDRESS_OR_KEY, "Block not found"));
            const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                    std::chrono::system_clock::now().time_since_epoch()).count();
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
