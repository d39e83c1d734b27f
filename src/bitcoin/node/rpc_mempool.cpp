// Mempool and transaction-broadcast RPC methods: getmempoolinfo, getrawmempool,
// getmempoolentry, testmempoolaccept, sendrawtransaction, getrawtransaction, savemempool.
#include "bitcoin/node/rpc_mempool.h"

#include <chrono>

#include "bitcoin/chain/block_index.h"
#include "bitcoin/chain/undo.h"
#include "bitcoin/node/json_views.h"
#include "bitcoin/node/rpc_util.h"
#include "bitcoin/rpc/amount.h"
#include "bitcoin/script/script.h"
#include "util/hex.h"

namespace tonari::bitcoin::node {
namespace {

using rpc::ParamType;
using rpc::RpcError;
using rpc::RpcErrorCode;
using util::Json;
using Reply = util::Result<Json, RpcError>;

// Core's default -maxfeerate for sendrawtransaction/testmempoolaccept: 0.10 BTC/kvB. A typo
// in a hand-made transaction must not hand the change to a miner.
constexpr primitives::Amount DEFAULT_MAX_RAW_TX_FEE_RATE = 10'000'000;  // sat per kvB
// testmempoolaccept checks at most this many transactions per call (Core's package limit).
constexpr size_t MAX_TEST_ACCEPT_TXS = 25;

Json FeeRateJson(policy::FeeRate rate) { return AmountToJson(rate.SatPerKvB()); }

// BIP125 signalling: the transaction or any in-pool ancestor has an input sequence below
// 0xfffffffe (this node replaces anything anyway: full RBF).
bool SignalsReplaceability(const mempool::TxMempool& pool, const mempool::MempoolEntry& e) {
    auto signals = [](const primitives::Tx& tx) {
        for (const auto& in : tx.inputs) {
            if (in.sequence < 0xfffffffe) return true;
        }
        return false;
    };
    if (signals(*e.tx)) return true;
    for (const auto* a : pool.AncestorsOf(e.tx->inputs)) {
        if (signals(*a->tx)) return true;
    }
    return false;
}

Json EntryToJson(const NodeStorage& s, const mempool::TxMempool& pool, const mempool::MempoolEntry& e) {
    Json o = Json::MakeObject();
    o.Set("vsize", e.vsize);
    o.Set("weight", e.weight);
    o.Set("time", e.time);
    o.Set("height", int64_t{e.height});
    o.Set("descendantcount", e.descendants.count);
    o.Set("descendantsize", e.descendants.vsize);
    o.Set("ancestorcount", e.ancestors.count);
    o.Set("ancestorsize", e.ancestors.vsize);
    o.Set("wtxid", e.wtxid.ToHex());
    Json fees = Json::MakeObject();
    fees.Set("base", AmountToJson(e.fee));
    fees.Set("modified", AmountToJson(e.fee));
    fees.Set("ancestor", AmountToJson(e.ancestors.fees));
    fees.Set("descendant", AmountToJson(e.descendants.fees));
    o.Set("fees", std::move(fees));
    Json depends = Json::MakeArray();
    for (const auto* p : e.parents) depends.PushBack(p->txid.ToHex());
    o.Set("depends", std::move(depends));
    Json spentby = Json::MakeArray();
    for (const auto* c : e.children) spentby.PushBack(c->txid.ToHex());
    o.Set("spentby", std::move(spentby));
    o.Set("bip125-replaceable", SignalsReplaceability(pool, e));
    o.Set("unbroadcast", s.IsUnbroadcast(e.txid));
    return o;
}

util::Result<primitives::Tx, RpcError> DecodeRawTx(const std::string& hex, const std::string& message) {
    const auto bytes = util::HexDecode(hex);
    if (!bytes) return util::Fail(RpcFail(RpcErrorCode::DESERIALIZATION_ERROR, message));
    auto tx = primitives::DecodeTx(*bytes);
    if (!tx || tx->inputs.empty()) return util::Fail(RpcFail(RpcErrorCode::DESERIALIZATION_ERROR, message));
    return *tx;
}

util::Result<policy::FeeRate, RpcError> ParseMaxFeeRate(const rpc::Request& req) {
    const Json& value = req.Arg("maxfeerate");
    if (value.IsNull()) return policy::FeeRate(DEFAULT_MAX_RAW_TX_FEE_RATE);
    auto rate = rpc::AmountFromValue(value);
    if (!rate) return util::Fail(rate.error());
    return policy::FeeRate(*rate);
}

Reply SendRawTransaction(NodeContext& node, const rpc::Request& req) {
    auto tx = DecodeRawTx(req.Arg("hexstring").GetString(), "TX decode failed. Make sure the tx has at least one input.");
    if (!tx) return util::Fail(tx.error());
    auto max_rate = ParseMaxFeeRate(req);
    if (!max_rate) return util::Fail(max_rate.error());
    primitives::Amount max_burn = 0;
    if (!req.Arg("maxburnamount").IsNull()) {
        auto burn = rpc::AmountFromValue(req.Arg("maxburnamount"));
        if (!burn) return util::Fail(burn.error());
        max_burn = *burn;
    }
    for (const auto& out : tx->outputs) {
        if ((script::IsUnspendable(out.script_pubkey)) && out.value > max_burn) {
            return util::Fail(RpcFail(RpcErrorCode::VERIFY_ERROR,
                                      "Unspendable output exceeds maximum configured by user (maxburnamount)"));
        }
    }
    return node.WithChain([&](NodeStorage& s) -> Reply {
        auto& gate = s.MempoolGate();
        const primitives::Txid txid = primitives::ComputeTxid(*tx);
        // Already there with the same witness: Core answers with the txid and announces it again.
        if (const auto* entry = s.Mempool().GetByWtxid(primitives::ComputeWtxid(*tx))) {
            s.Rebroadcast(*entry);
            return Json(txid.ToHex());
        }
        const int64_t now = UnixNow();
        mempool::AcceptOptions test;
        test.test_only = true;
        auto checked = gate.Accept(*tx, now, test);
        if (checked && max_rate->SatPerKvB() != 0 && checked->fee > max_rate->GetFee(checked->vsize)) {
            return util::Fail(RpcFail(RpcErrorCode::VERIFY_ERROR, "Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)"));
        }
        auto accepted = checked ? gate.Accept(*tx, now) : checked;
        if (accepted) return Json(txid.ToHex());
        const auto& why = accepted.error();
        using Kind = mempool::Rejection::Kind;
        switch (why.kind) {
            case Kind::MissingInputs: return util::Fail(RpcFail(RpcErrorCode::VERIFY_ERROR, why.reason));
            case Kind::AlreadyInChain:
                return util::Fail(RpcFail(RpcErrorCode::VERIFY_ALREADY_IN_CHAIN, "Transaction outputs already in utxo set"));
            case Kind::AlreadyInPool: return Json(txid.ToHex());
            case Kind::Io: return util::Fail(RpcFail(RpcErrorCode::INTERNAL_ERROR, why.reason));
            case Kind::Consensus:
            case Kind::Policy: break;
        }
        return util::Fail(RpcFail(RpcErrorCode::VERIFY_REJECTED, why.ToString()));
    });
}

Reply TestMempoolAccept(NodeContext& node, const rpc::Request& req) {
    const auto& raw = req.Arg("rawtxs").GetArray();
    if (raw.empty() || raw.size() > MAX_TEST_ACCEPT_TXS) {
        return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER, "Array must contain between 1 and 25 transactions."));
    }
    auto max_rate = ParseMaxFeeRate(req);
    if (!max_rate) return util::Fail(max_rate.error());
    std::vector<primitives::Tx> txs;
    for (const Json& item : raw) {
        if (!item.IsString()) return util::Fail(RpcFail(RpcErrorCode::TYPE_ERROR, "JSON value of type " + std::string(rpc::JsonTypeName(item.type())) +
                                                                             " is not of expected type string"));
        auto tx = DecodeRawTx(item.GetString(), "TX decode failed: " + item.GetString() + " Make sure the tx has at least one input.");
        if (!tx) return util::Fail(tx.error());
        txs.push_back(std::move(*tx));
    }
    if (txs.size() > 1) {
        // Packages need the transactions judged together (a child of a parent in the same
        // call); this node checks them one at a time against the pool as it stands.
        return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER, "testmempoolaccept checks one transaction at a time on this node"));
    }
    return node.WithChain([&](NodeStorage& s) -> Reply {
        Json results = Json::MakeArray();
        for (const auto& tx : txs) {
            Json r = Json::MakeObject();
            r.Set("txid", primitives::ComputeTxid(tx).ToHex());
            r.Set("wtxid", primitives::ComputeWtxid(tx).ToHex());
            mempool::AcceptOptions test;
            test.test_only = true;
            auto checked = s.MempoolGate().Accept(tx, UnixNow(), test);
            if (checked && max_rate->SatPerKvB() != 0 && checked->fee > max_rate->GetFee(checked->vsize)) {
                r.Set("allowed", false);
                r.Set("reject-reason", "max-fee-exceeded");
            } else if (checked) {
                r.Set("allowed", true);
                r.Set("vsize", checked->vsize);
                Json fees = Json::MakeObject();
                fees.Set("base", AmountToJson(checked->fee));
                fees.Set("effective-feerate", FeeRateJson(policy::FeeRate::FromFee(checked->fee, checked->vsize)));
                Json includes = Json::MakeArray();
                includes.PushBack(checked->wtxid.ToHex());
                fees.Set("effective-includes", std::move(includes));
                r.Set("fees", std::move(fees));
            } else {
                r.Set("allowed", false);
                // As Core: missing inputs are reported as such, without details; every other
                // refusal carries its reason and the "reason, detail" text.
                if (checked.error().reason == "bad-txns-inputs-missingorspent") {
                    r.Set("reject-reason", "missing-inputs");
                } else {
                    r.Set("reject-reason", checked.error().reason);
                    r.Set("reject-details", checked.error().ToString());
                }
            }
            results.PushBack(std::move(r));
        }
        return results;
    });
}

Reply GetRawTransaction(NodeContext& node, const rpc::Request& req) {
    auto txid = ParseTxid(req.Arg("txid"), "parameter 1");
    if (!txid) return util::Fail(txid.error());
    int64_t verbosity = 0;
    const Json& verbose = req.Arg("verbosity");
    if (verbose.IsBool()) {
        verbosity = verbose.GetBool() ? 1 : 0;
    } else if (!verbose.IsNull()) {
        auto v = verbose.GetInt64();
        if (!v) return util::Fail(RpcFail(RpcErrorCode::TYPE_ERROR, "Invalid verbosity value"));
        verbosity = *v;
    }
    std::optional<primitives::BlockHash> block_hash;
    if (!req.Arg("blockhash").IsNull()) {
        auto h = ParseBlockHash(req.Arg("blockhash"), "parameter 3");
        if (!h) return util::Fail(h.error());
        block_hash = *h;
    }
    return node.WithChain([&](NodeStorage& s) -> Reply {
        std::optional<primitives::Tx> found;
        std::optional<std::vector<chain::Coin>> spent;
        const chain::BlockIndex* in_block = nullptr;
        if (!block_hash) {
            if (const auto* e = s.Mempool().Get(*txid)) found = *e->tx;
            if (!found) {
                return util::Fail(RpcFail(RpcErrorCode::INVALID_ADDRESS_OR_KEY,
                                          "No such mempool transaction. Use -txindex or provide a block hash to enable "
                                          "blockchain transaction queries. Use gettransaction for wallet transactions."));
            }
        } else {
            in_block = s.Chain().Tree().Lookup(*block_hash);
            if (in_block == nullptr) return util::Fail(RpcFail(RpcErrorCode::INVALID_ADDRESS_OR_KEY, "Block hash not found"));
            if (!in_block->HaveData()) return util::Fail(RpcFail(RpcErrorCode::MISC_ERROR, "Block not available"));
            auto block = s.Blocks().ReadBlock(in_block->data_pos);
            if (!block) return util::Fail(RpcFail(RpcErrorCode::INTERNAL_ERROR, "Block not found on disk"));
            for (size_t i = 0; i < block->txs.size(); ++i) {
                if (primitives::ComputeTxid(block->txs[i]) != *txid) continue;
                found = block->txs[i];
                // Verbosity 2: the coins it spent, from the block's undo data (as Core; none
                // for the coinbase).
                if (verbosity >= 2 && i > 0 && in_block->prev && in_block->HasStatus(chain::BLOCK_HAVE_UNDO)) {
                    auto undo = s.Blocks().ReadUndo(in_block->undo_pos, in_block->prev->hash);
                    if (undo && i - 1 < undo->txs.size()) spent = std::move(undo->txs[i - 1].spent);
                }
            }
            if (!found) {
                return util::Fail(RpcFail(RpcErrorCode::INVALID_ADDRESS_OR_KEY,
                                          "No such transaction found in the provided block. Use gettransaction for "
                                          "wallet transactions."));
            }
        }
        const std::string hex = util::HexEncode(primitives::SerializeTx(*found));
        if (verbosity <= 0) return Json(hex);
        Json o = Json::MakeObject();
        if (in_block != nullptr) o.Set("in_active_chain", s.Chain().Chain().Contains(in_block));
        Json fields = spent ? BlockTxToJson(*found, node.Network(), &*spent, true) : TxToJson(*found, node.Network());
        for (const auto& [key, value] : fields.GetObject()) o.Set(key, value);
        o.Set("hex", hex);
        if (in_block != nullptr) {
            o.Set("blockhash", in_block->hash.ToHex());
            const bool active = s.Chain().Chain().Contains(in_block);
            o.Set("confirmations", active ? int64_t{s.Chain().Chain().Height() - in_block->height + 1} : int64_t{0});
            o.Set("time", int64_t{in_block->time});
            o.Set("blocktime", int64_t{in_block->time});
        }
        return o;
    });
}

}  // namespace

util::Result<void, std::string> RegisterMempoolRpcs(rpc::MethodTable& table, NodeContext& node, MempoolPersister* persister) {
    Registrar registrar(table);
    auto add = [&registrar](rpc::Method m) { registrar.Add(std::move(m)); };
    add({.name = "getmempoolinfo",
         .category = "Blockchain",
         .description = "Returns details on the active state of the TX memory pool.",
         .params = {},
         .result_help = "{loaded, size, bytes, usage, total_fee, maxmempool, mempoolminfee, minrelaytxfee, "
                        "incrementalrelayfee, unbroadcastcount, permitbaremultisig, maxdatacarriersize}",
         .examples = "",
         .handler = [&node](const rpc::Request&) -> Reply {
             return node.WithChain([&](NodeStorage& s) -> Reply {
                 auto& pool = s.Mempool();
                 const auto& options = s.MempoolGate().Options();
                 Json o = Json::MakeObject();
                 o.Set("loaded", true);
                 o.Set("size", static_cast<int64_t>(pool.Size()));
                 o.Set("bytes", pool.TotalVsize());
                 o.Set("usage", static_cast<int64_t>(pool.DynamicMemoryUsage()));
                 o.Set("total_fee", AmountToJson(pool.TotalFees()));
                 o.Set("maxmempool", static_cast<int64_t>(options.max_bytes));
                 o.Set("mempoolminfee", FeeRateJson(s.MempoolGate().MinFeeRate(UnixNow())));
                 o.Set("minrelaytxfee", FeeRateJson(options.min_relay_fee));
                 o.Set("incrementalrelayfee", FeeRateJson(options.incremental_relay_fee));
                 o.Set("unbroadcastcount", static_cast<int64_t>(s.UnbroadcastCount()));
                 o.Set("permitbaremultisig", options.policy.permit_bare_multisig);
                 o.Set("maxdatacarriersize", static_cast<int64_t>(
                                                 options.policy.accept_datacarrier ? options.policy.max_datacarrier_bytes : 0));
                 return o;
             });
         }});
    add({.name = "getrawmempool",
         .category = "Blockchain",
         .description = "Returns all transaction ids in memory pool as a json array of string transaction ids.",
         .params = {{.name = "verbose", .type = ParamType::BOOL, .required = false, .default_value = Json(false),
                     .help = "True for a json object, false for array of transaction ids"},
                    {.name = "mempool_sequence", .type = ParamType::BOOL, .required = false, .default_value = Json(false),
                     .help = "If verbose=false, returns a json object with transaction list and mempool sequence number attached."}},
         .result_help = "[\"hex\", ...] or {txid: entry, ...} or {txids, mempool_sequence}",
         .examples = "",
         .handler = [&node](const rpc::Request& req) -> Reply {
             const bool verbose = req.Arg("verbose").GetBool();
             const bool sequence = req.Arg("mempool_sequence").GetBool();
             if (verbose && sequence) {
                 return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER,
                                           "Verbose results cannot contain mempool sequence values."));
             }
             return node.WithChain([&](NodeStorage& s) -> Reply {
                 auto& pool = s.Mempool();
                 if (verbose) {
                     Json o = Json::MakeObject();
                     for (const auto* e : pool.Entries()) o.Set(e->txid.ToHex(), EntryToJson(s, pool, *e));
                     return o;
                 }
                 Json ids = Json::MakeArray();
                 for (const auto* e : pool.Entries()) ids.PushBack(e->txid.ToHex());
                 if (!sequence) return ids;
                 Json o = Json::MakeObject();
                 o.Set("txids", std::move(ids));
                 o.Set("mempool_sequence", static_cast<int64_t>(pool.Sequence()));
                 return o;
             });
         }});
    add({.name = "getmempoolentry",
         .category = "Blockchain",
         .description = "Returns mempool data for given transaction",
         .params = {{.name = "txid", .type = ParamType::STRING, .help = "The transaction id (must be in mempool)"}},
         .result_help = "{vsize, weight, time, height, descendantcount, descendantsize, ancestorcount, ancestorsize, "
                        "wtxid, fees, depends, spentby, bip125-replaceable, unbroadcast}",
         .examples = "",
         .handler = [&node](const rpc::Request& req) -> Reply {
             auto txid = ParseTxid(req.Arg("txid"), "txid");
             if (!txid) return util::Fail(txid.error());
             return node.WithChain([&](NodeStorage& s) -> Reply {
                 const auto* e = s.Mempool().Get(*txid);
                 if (e == nullptr) return util::Fail(RpcFail(RpcErrorCode::INVALID_ADDRESS_OR_KEY, "Transaction not in mempool"));
                 return EntryToJson(s, s.Mempool(), *e);
             });
         }});
    add({.name = "testmempoolaccept",
         .category = "Rawtransactions",
         .description = "Returns result of mempool acceptance tests indicating if raw transaction(s) would be accepted by "
                        "mempool. No transaction is added to the mempool.",
         .params = {{.name = "rawtxs", .type = ParamType::ARRAY, .help = "An array of hex strings of raw transactions."},
                    {.name = "maxfeerate", .type = ParamType::AMOUNT, .required = false, .default_hint = "0.10",
                     .help = "Reject transactions whose fee rate is higher than the specified value, expressed in BTC/kvB"}},
         .result_help = "[{txid, wtxid, allowed, vsize, fees{base, effective-feerate, effective-includes}, reject-reason}]",
         .examples = "",
         .handler = [&node](const rpc::Request& req) { return TestMempoolAccept(node, req); }});
    if (persister != nullptr) {
        add({.name = "savemempool",
             .category = "Blockchain",
             .description = "Dumps the mempool to disk.",
             .params = {},
             .result_help = "{filename}    (string) the directory and file where the mempool was saved",
             .examples = "",
             .handler = [persister](const rpc::Request&) -> Reply {
                 auto saved = persister->Save();
                 if (!saved) return util::Fail(RpcFail(RpcErrorCode::MISC_ERROR, saved.error()));
                 Json o = Json::MakeObject();
                 o.Set("filename", saved->string());
                 return o;
             }});
    }
    add({.name = "sendrawtransaction",
         .category = "Rawtransactions",
         .description = "Submit a raw transaction (serialized, hex-encoded) to local node and network.",
         .params = {{.name = "hexstring", .type = ParamType::STRING, .help = "The hex string of the raw transaction"},
                    {.name = "maxfeerate", .type = ParamType::AMOUNT, .required = false, .default_hint = "0.10",
                     .help = "Reject transactions whose fee rate is higher than the specified value, expressed in BTC/kvB."},
                    {.name = "maxburnamount", .type = ParamType::AMOUNT, .required = false, .default_hint = "0.00",
                     .help = "Reject transactions with provably unspendable outputs (e.g. 'datacarrier' outputs that use "
                             "the OP_RETURN opcode) greater than the specified value, expressed in BTC."}},
         .result_help = "\"hex\"    (string) The transaction hash in hex",
         .examples = "",
         .handler = [&node](const rpc::Request& req) { return SendRawTransaction(node, req); }});
    add({.name = "getrawtransaction",
         .category = "Rawtransactions",
         .description = "Return the raw transaction data. Without -txindex only mempool transactions, or those in the "
                        "block given by blockhash, are found.",
         .params = {{.name = "txid", .type = ParamType::STRING, .help = "The transaction id"},
                    {.name = "verbosity", .type = ParamType::ANY, .required = false, .default_value = Json(0),
                     .help = "0 for hex-encoded data, 1 for a JSON object", .type_text = "numeric"},
                    {.name = "blockhash", .type = ParamType::STRING, .required = false,
                     .help = "The block in which to look for the transaction"}},
         .result_help = "\"hex\" or {in_active_chain, txid, hash, size, vsize, weight, version, locktime, vin, vout, "
                        "hex, blockhash, confirmations, time, blocktime}",
         .examples = "",
         .handler = [&node](const rpc::Request& req) { return GetRawTransaction(node, req); }});
    add({.name = "estimatesmartfee",
         .category = "Util",
         .description = "Estimates the approximate fee per kilobyte needed for a transaction to begin confirmation "
                        "within conf_target blocks, from the transactions this node saw confirm (a simple estimator: "
                        "the lowest fee rate at which 85% of recent transactions paying as much were mined in time).",
         .params = {{.name = "conf_target", .type = ParamType::NUMBER, .help = "Confirmation target in blocks (1 - 1008)"},
                    {.name = "estimate_mode", .type = ParamType::STRING, .required = false, .default_value = Json("economical"),
                     .help = "unset, economical or conservative (this estimator treats them alike)"}},
         .result_help = "{\"feerate\": x.x, \"errors\": [\"str\"], \"blocks\": n}",
         .examples = "",
         .handler = [&node](const rpc::Request& req) -> Reply {
             const auto target = req.Arg("conf_target").GetInt64();
             if (!target || *target < 1 || *target > mempool::MAX_CONFIRMATION_TARGET) {
                 return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER, "Invalid conf_target, must be between 1 and 1008"));
             }
             const std::string mode = req.Arg("estimate_mode").GetString();
             if (mode != "unset" && mode != "economical" && mode != "conservative" && mode != "UNSET" &&
                 mode != "ECONOMICAL" && mode != "CONSERVATIVE") {
                 return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER, "Invalid estimate_mode parameter, must be one of: "
                                                                            "\"unset\", \"economical\", \"conservative\""));
             }
             return node.WithChain([&](NodeStorage& s) -> Reply {
                 auto& gate = s.MempoolGate();
                 Json o = Json::MakeObject();
                 const auto estimate = gate.Estimator().Estimate(static_cast<int>(*target));
                 if (!estimate) {
                     Json errors = Json::MakeArray();
                     errors.PushBack("Insufficient data or no feerate found");
                     o.Set("errors", std::move(errors));
                     o.Set("blocks", 0);
                     return o;
                 }
                 o.Set("feerate", FeeRateJson(std::max(*estimate, gate.MinFeeRate(UnixNow()))));
                 o.Set("blocks", *target);
                 return o;
             });
         }});
    return registrar.Finish();
}

}  // namespace tonari::bitcoin::node
