// Wallet RPC methods over the WalletManager (see rpc_wallet.h).
#include "bitcoin/node/rpc_wallet.h"

#include "bitcoin/node/rpc_wallet_shared.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <limits>
#include <set>

#include "bitcoin/encoding/address.h"
#include "bitcoin/node/json_views.h"
#include "bitcoin/node/rpc_util.h"
#include "bitcoin/rpc/amount.h"
#include "util/hex.h"

namespace tonari::bitcoin::node {
namespace wallet_rpc {

// Core's GetWalletForJSONRPCRequest.
util::Result<Selected, RpcError> SelectWallet(const WalletManager& wallets, const rpc::Request& req) {
    if (const auto& name = req.wallet_name()) {
        if (auto* w = wallets.Find(*name)) return Selected{*name, w};
        return util::Fail(
            RpcFail(RpcErrorCode::WALLET_NOT_FOUND, "Requested wallet does not exist or is not loaded"));
    }
    if (auto single = wallets.Single()) return Selected{single->first, single->second};
    if (wallets.Count() == 0) {
        return util::Fail(
            RpcFail(RpcErrorCode::WALLET_NOT_FOUND,
                    "No wallet is loaded. Load a wallet using loadwallet or create a new one with "
                    "createwallet. (Note: A default wallet is no longer automatically created)"));
    }
    return util::Fail(
        RpcFail(RpcErrorCode::WALLET_NOT_SPECIFIED,
                "Wallet file not specified (must request wallet RPC through /wallet/<filename> uri-path)."));
}

// Core's GetAvoidReuseFlag for a wallet without the avoid_reuse flag (none here has it).
util::Result<void, RpcError> CheckAvoidReuse(const rpc::Request& req) {
    const Json& v = req.Arg("avoid_reuse");
    if (v.IsBool() && v.GetBool()) {
        return util::Fail(
            RpcFail(RpcErrorCode::WALLET_ERROR, "wallet does not have the \"avoid reuse\" feature enabled"));
    }
    return {};
}

bool BoolArg(const rpc::Request& req, std::string_view name) {
    const Json& v = req.Arg(name);
    return v.IsBool() && v.GetBool();
}

}  // namespace wallet_rpc

namespace {

using namespace wallet_rpc;

// Core's latest wallet version number (FEATURE_LATEST), which getwalletinfo reports.
constexpr int64_t WALLET_VERSION = 169'900;
// listunspent's default maxconf, as Core.
constexpr int64_t DEFAULT_MAX_CONF = 9'999'999;

// An int parameter the way Core's getInt<int> reads it.
util::Result<int, RpcError> IntArg(const rpc::Request& req, std::string_view name) {
    const auto v = req.Arg(name).GetInt64();
    if (!v || *v < std::numeric_limits<int>::min() || *v > std::numeric_limits<int>::max()) {
        return util::Fail(RpcFail(RpcErrorCode::MISC_ERROR, "JSON integer out of range"));
    }
    return static_cast<int>(*v);
}

Json LastProcessedBlockJson(const std::optional<wallet::BestBlock>& best) {
    Json o = Json::MakeObject();
    o.Set("hash", best ? best->hash.ToHex() : std::string(64, '0'));
    o.Set("height", int64_t{best ? best->height : -1});
    return o;
}

bool SignalsRbf(const primitives::Tx& tx) {
    return std::any_of(tx.inputs.begin(), tx.inputs.end(),
                       [](const auto& in) { return in.sequence < 0xfffffffe; });
}

// Core's isRBFOptIn: the wallet cannot see the mempool, so it says "unknown" for an
// unconfirmed non-signalling transaction; the mempool settles it through the ancestors.
std::string Bip125(NodeStorage& s, const wallet::WalletTxFields& f) {
    if (f.bip125_replaceable != "unknown") return f.bip125_replaceable;
    const auto* entry = s.Mempool().Get(f.txid);
    if (entry == nullptr) return "unknown";
    for (const auto* a : s.Mempool().AncestorsOf(entry->tx->inputs)) {
        if (SignalsRbf(*a->tx)) return "yes";
    }
    return "no";
}

// Core's WalletTxToJSON.
void AppendTxFields(NodeStorage& s, const wallet::WalletTxFields& f, Json& o) {
    o.Set("confirmations", int64_t{f.confirmations});
    if (f.generated) o.Set("generated", true);
    if (f.block_hash) {
        o.Set("blockhash", f.block_hash->ToHex());
        o.Set("blockheight", int64_t{f.block_height.value_or(-1)});
        o.Set("blockindex", int64_t{f.block_index.value_or(0)});
        o.Set("blocktime", f.block_time.value_or(0));
    } else if (f.trusted) {
        o.Set("trusted", *f.trusted);
    }
    o.Set("txid", f.txid.ToHex());
    o.Set("wtxid", f.wtxid.ToHex());
    Json conflicts = Json::MakeArray();
    for (const auto& c : f.wallet_conflicts) conflicts.PushBack(c.ToHex());
    o.Set("walletconflicts", std::move(conflicts));
    o.Set("time", f.time);
    o.Set("timereceived", f.time_received);
    o.Set("bip125-replaceable", Bip125(s, f));
}

// Core puts every address the wallet hands out (and every receive address a scan finds) in
// its address book with the default label ""; change addresses have no entry.
bool HasDefaultLabel(const wallet::Wallet& w, std::string_view address, encoding::Network network) {
    const auto script = encoding::DecodeAddress(address, network);
    if (!script) return false;
    const auto origin = w.GetKeyOrigin(*script);
    return origin && !origin->IsChange();
}

// One listtransactions row or gettransaction "details" entry, in Core's field order.
Json EntryJson(NodeStorage& s, const wallet::Wallet& w, const wallet::TxListEntry& e, bool with_fields,
               encoding::Network network) {
    Json o = Json::MakeObject();
    if (e.address) o.Set("address", *e.address);
    o.Set("category", e.category);
    o.Set("amount", AmountToJson(e.amount));
    if (e.address && HasDefaultLabel(w, *e.address, network)) o.Set("label", "");
    o.Set("vout", int64_t{e.vout});
    if (e.fee) o.Set("fee", AmountToJson(*e.fee));
    if (with_fields) AppendTxFields(s, e.tx, o);
    if (e.abandoned) o.Set("abandoned", *e.abandoned);
    return o;
}

RpcError LoadErrorToRpc(const WalletLoadError& e) {
    using Kind = WalletLoadError::Kind;
    switch (e.kind) {
        case Kind::NotFound:
        case Kind::BadFormat:
            return RpcFail(RpcErrorCode::WALLET_NOT_FOUND, e.message);
        case Kind::AlreadyLoaded:
            return RpcFail(RpcErrorCode::WALLET_ALREADY_LOADED, e.message);
        case Kind::InvalidMnemonic:
            return RpcFail(RpcErrorCode::INVALID_ADDRESS_OR_KEY, "Invalid mnemonic: " + e.message);
        case Kind::InvalidName:
        case Kind::AlreadyExists:
        case Kind::Failed:
            break;
    }
    return RpcFail(RpcErrorCode::WALLET_ERROR, e.message);
}

Json NameAndWarnings(const std::string& name, const std::vector<std::string>& warnings) {
    Json o = Json::MakeObject();
    o.Set("name", name);
    // Core's PushWarnings: the field only when there is something to say.
    if (!warnings.empty()) {
        Json list = Json::MakeArray();
        for (const auto& w : warnings) list.PushBack(w);
        o.Set("warnings", std::move(list));
    }
    return o;
}

// Loading at start-up is the node's -wallet setting; an RPC cannot change it, and says so as
// Core does when it cannot update its settings file.
void AddStartupWarning(const rpc::Request& req, std::vector<std::string>& warnings) {
    if (!BoolArg(req, "load_on_startup")) return;
    warnings.push_back(
        "Wallet load on startup setting could not be updated, so wallet may not be loaded next node "
        "startup.");
}

Reply CreateWallet(NodeContext& node, WalletManager& wallets, const rpc::Request& req) {
    // Each refusal names what this wallet cannot do, in Core's manner ("Compiled without ...").
    auto refuse = [](std::string message) {
        return util::Fail(RpcFail(RpcErrorCode::WALLET_ERROR, std::move(message)));
    };
    if (BoolArg(req, "disable_private_keys")) {
        return refuse("Wallets without private keys (disable_private_keys) are not supported by Tonari");
    }
    if (BoolArg(req, "blank")) {
        return refuse(
            "Blank wallets are not supported by Tonari: every wallet has an HD seed (restore one with the "
            "mnemonic parameter)");
    }
    std::vector<std::string> warnings;
    if (const Json& pass = req.Arg("passphrase"); pass.IsString()) {
        if (!pass.GetString().empty()) {
            return refuse(
                "Wallet encryption is not supported by Tonari: create the wallet without a passphrase");
        }
        warnings.push_back("Empty string given as passphrase, wallet will not be encrypted.");
    }
    if (BoolArg(req, "avoid_reuse")) return refuse("avoid_reuse wallets are not supported by Tonari");
    if (!req.Arg("descriptors").GetBool())
        return refuse("Compiled without bdb support (required for legacy wallets)");
    if (BoolArg(req, "external_signer")) {
        return refuse("Compiled without external signing support (required for external signing)");
    }
    AddStartupWarning(req, warnings);
    CreateWalletRequest request;
    if (const Json& words = req.Arg("mnemonic"); words.IsString()) request.mnemonic = words.GetString();
    if (const Json& pass = req.Arg("bip39_passphrase"); pass.IsString())
        request.bip39_passphrase = pass.GetString();
    const std::string name = req.Arg("wallet_name").GetString();
    return node.WithChain([&](NodeStorage& s) -> Reply {
        auto created = wallets.Create(s, name, std::move(request));
        if (!created) return util::Fail(LoadErrorToRpc(created.error()));
        return NameAndWarnings(name, warnings);
    });
}

Reply LoadWallet(NodeContext& node, WalletManager& wallets, const rpc::Request& req) {
    std::vector<std::string> warnings;
    AddStartupWarning(req, warnings);
    const std::string name = req.Arg("filename").GetString();
    return node.WithChain([&](NodeStorage& s) -> Reply {
        auto loaded = wallets.Load(s, name);
        if (!loaded) return util::Fail(LoadErrorToRpc(loaded.error()));
        return NameAndWarnings(name, warnings);
    });
}

Reply GetNewAddress(WalletManager& wallets, const rpc::Request& req) {
    auto selected = SelectWallet(wallets, req);
    if (!selected) return util::Fail(selected.error());
    // Labels are not kept (every address has the default label ""), but "*" is refused as Core does.
    if (req.Arg("label").GetString() == "*")
        return util::Fail(RpcFail(RpcErrorCode::WALLET_INVALID_LABEL_NAME, "Invalid label name"));
    wallet::OutputType type = wallet::OutputType::Bech32;
    if (const Json& t = req.Arg("address_type"); t.IsString()) {
        const auto parsed = wallet::ParseOutputType(t.GetString());
        if (!parsed) {
            return util::Fail(RpcFail(RpcErrorCode::INVALID_ADDRESS_OR_KEY,
                                      "Unknown address type '" + t.GetString() + "'"));
        }
        type = *parsed;
    }
    auto address = selected->wallet->GetNewAddress(type);
    if (!address) {
        const auto code = address.error().code == wallet::WalletErrorCode::KeypoolExhausted
                              ? RpcErrorCode::WALLET_KEYPOOL_RAN_OUT
                              : RpcErrorCode::WALLET_ERROR;
        return util::Fail(RpcFail(code, address.error().message));
    }
    return Json(*address);
}

// listunspent's query_options, as Core's CoinFilterParams.
struct CoinFilter {
    primitives::Amount min_amount = 0;
    primitives::Amount max_amount = primitives::MAX_MONEY;
    std::optional<primitives::Amount> min_sum;
    std::optional<int64_t> max_count;
};

util::Result<CoinFilter, RpcError> ParseQueryOptions(const Json& options) {
    CoinFilter f;
    if (options.IsNull()) return f;
    for (const auto& field : options.GetObject()) {
        // Named references rather than a structured binding: clang 14 cannot capture those.
        const std::string& key = field.first;
        const Json& value = field.second;
        auto type_error = [&](std::string_view expected) {
            return util::Fail(RpcFail(RpcErrorCode::TYPE_ERROR,
                                      "JSON value of type " + std::string(rpc::JsonTypeName(value.type())) +
                                          " for field " + key + " is not of expected type " +
                                          std::string(expected)));
        };
        if (value.IsNull()) continue;
        if (key == "minimumAmount" || key == "maximumAmount" || key == "minimumSumAmount") {
            auto amount = rpc::AmountFromValue(value);
            if (!amount) return util::Fail(amount.error());
            if (key == "minimumAmount") f.min_amount = *amount;
            if (key == "maximumAmount") f.max_amount = *amount;
            if (key == "minimumSumAmount") f.min_sum = *amount;
        } else if (key == "maximumCount") {
            if (!value.IsNumber()) return type_error("number");
            const auto n = value.GetInt64();
            if (!n) return util::Fail(RpcFail(RpcErrorCode::MISC_ERROR, "JSON integer out of range"));
            f.max_count = *n;
        } else if (key == "include_immature_coinbase") {
            if (!value.IsBool()) return type_error("bool");
            if (value.GetBool()) {
                return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER,
                                          "include_immature_coinbase is not supported by Tonari's wallet"));
            }
        } else {
            return util::Fail(RpcFail(RpcErrorCode::TYPE_ERROR, "Unexpected key " + key));
        }
    }
    return f;
}

Reply ListUnspent(NodeContext& node, WalletManager& wallets, const rpc::Request& req) {
    auto selected = SelectWallet(wallets, req);
    if (!selected) return util::Fail(selected.error());
    auto minconf = IntArg(req, "minconf");
    if (!minconf) return util::Fail(minconf.error());
    auto maxconf = IntArg(req, "maxconf");
    if (!maxconf) return util::Fail(maxconf.error());
    std::set<util::Bytes> scripts;
    for (const Json& item : req.Arg("addresses").GetArray()) {
        if (!item.IsString()) {
            return util::Fail(RpcFail(RpcErrorCode::TYPE_ERROR,
                                      "JSON value of type " + std::string(rpc::JsonTypeName(item.type())) +
                                          " is not of expected type string"));
        }
        auto script = encoding::DecodeAddress(item.GetString(), node.Network());
        if (!script) {
            return util::Fail(RpcFail(RpcErrorCode::INVALID_ADDRESS_OR_KEY,
                                      "Invalid Bitcoin address: " + item.GetString()));
        }
        if (!scripts.insert(*script).second) {
            return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER,
                                      "Invalid parameter, duplicated address: " + item.GetString()));
        }
    }
    const bool include_unsafe = req.Arg("include_unsafe").GetBool();
    auto filter = ParseQueryOptions(req.Arg("query_options"));
    if (!filter) return util::Fail(filter.error());
    return node.WithChain([&](NodeStorage& s) -> Reply {
        const wallet::Wallet& w = *selected->wallet;
        Json out = Json::MakeArray();
        primitives::Amount sum = 0;
        int64_t count = 0;
        for (const auto& u : w.ListUnspent(*minconf, *maxconf, s.Chain().Chain().Height())) {
            if (!include_unsafe && !u.safe) continue;
            if (!scripts.empty() && !scripts.count(u.script_pubkey)) continue;
            if (u.amount < filter->min_amount || u.amount > filter->max_amount) continue;
            Json o = Json::MakeObject();
            o.Set("txid", u.outpoint.txid.ToHex());
            o.Set("vout", int64_t{u.outpoint.index});
            if (!u.address.empty()) o.Set("address", u.address);
            if (!u.origin.IsChange()) o.Set("label", "");
            o.Set("scriptPubKey", util::HexEncode(u.script_pubkey));
            o.Set("amount", AmountToJson(u.amount));
            o.Set("confirmations", int64_t{u.confirmations});
            if (u.confirmations == 0) {
                if (const auto* e = s.Mempool().Get(u.outpoint.txid)) {
                    o.Set("ancestorcount", e->ancestors.count);
                    o.Set("ancestorsize", e->ancestors.vsize);
                    o.Set("ancestorfees", e->ancestors.fees);
                }
            }
            o.Set("spendable", u.spendable);
            o.Set("solvable", u.solvable);
            o.Set("safe", u.safe);
            out.PushBack(std::move(o));
            sum += u.amount;
            ++count;
            if (filter->min_sum && sum >= *filter->min_sum) break;
            if (filter->max_count && count >= *filter->max_count) break;
        }
        return out;
    });
}

Reply ListTransactions(NodeContext& node, WalletManager& wallets, const rpc::Request& req) {
    auto selected = SelectWallet(wallets, req);
    if (!selected) return util::Fail(selected.error());
    bool label_filter = false;
    if (const Json& label = req.Arg("label"); label.IsString() && label.GetString() != "*") {
        if (label.GetString().empty()) {
            return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER,
                                      "Label argument must be a valid label name or \"*\"."));
        }
        // Only incoming payments to addresses with this label: every address here has the
        // default label "", so none.
        label_filter = true;
    }
    auto count = IntArg(req, "count");
    if (!count) return util::Fail(count.error());
    auto skip = IntArg(req, "skip");
    if (!skip) return util::Fail(skip.error());
    if (*count < 0) return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER, "Negative count"));
    if (*skip < 0) return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER, "Negative from"));
    if (label_filter) return Json::MakeArray();
    return node.WithChain([&](NodeStorage& s) -> Reply {
        const wallet::Wallet& w = *selected->wallet;
        Json out = Json::MakeArray();
        for (const auto& e : w.ListTransactions(static_cast<size_t>(*count), static_cast<size_t>(*skip))) {
            out.PushBack(EntryJson(s, w, e, /*with_fields=*/true, node.Network()));
        }
        return out;
    });
}

Reply GetTransaction(NodeContext& node, WalletManager& wallets, const rpc::Request& req) {
    auto selected = SelectWallet(wallets, req);
    if (!selected) return util::Fail(selected.error());
    auto txid = ParseTxid(req.Arg("txid"), "txid");
    if (!txid) return util::Fail(txid.error());
    const bool verbose = req.Arg("verbose").GetBool();
    return node.WithChain([&](NodeStorage& s) -> Reply {
        const wallet::Wallet& w = *selected->wallet;
        auto d = w.GetTransaction(*txid);
        if (!d) return util::Fail(RpcFail(RpcErrorCode::INVALID_ADDRESS_OR_KEY, d.error().message));
        Json o = Json::MakeObject();
        o.Set("amount", AmountToJson(d->amount));
        if (d->fee) o.Set("fee", AmountToJson(*d->fee));
        AppendTxFields(s, d->tx, o);
        Json details = Json::MakeArray();
        for (const auto& e : d->details)
            details.PushBack(EntryJson(s, w, e, /*with_fields=*/false, node.Network()));
        o.Set("details", std::move(details));
        o.Set("hex", util::HexEncode(d->hex));
        if (verbose) {
            auto tx = primitives::DecodeTx(d->hex);
            if (tx) o.Set("decoded", TxToJson(*tx, node.Network()));
        }
        o.Set("lastprocessedblock", LastProcessedBlockJson(w.LastProcessedBlock()));
        return o;
    });
}

Reply GetWalletInfo(NodeContext& node, WalletManager& wallets, const rpc::Request& req) {
    auto selected = SelectWallet(wallets, req);
    if (!selected) return util::Fail(selected.error());
    return node.WithChain([&](NodeStorage&) -> Reply {
        const wallet::WalletInfo info = selected->wallet->GetWalletInfo();
        Json o = Json::MakeObject();
        o.Set("walletname", selected->name);
        o.Set("walletversion", WALLET_VERSION);
        o.Set("format", "rocksdb");
        o.Set("txcount", static_cast<int64_t>(info.tx_count));
        o.Set("keypoolsize", int64_t{info.keypool_size});
        o.Set("keypoolsize_hd_internal", int64_t{info.keypool_size_internal});
        o.Set("paytxfee", AmountToJson(0));
        o.Set("private_keys_enabled", info.private_keys_enabled);
        o.Set("avoid_reuse", false);
        o.Set("scanning", false);
        o.Set("descriptors", info.descriptors);
        o.Set("external_signer", false);
        o.Set("blank", false);
        o.Set("birthtime", info.birth_time);
        o.Set("lastprocessedblock", LastProcessedBlockJson(info.last_processed_block));
        return o;
    });
}

Reply GetBalances(NodeContext& node, WalletManager& wallets, const rpc::Request& req) {
    auto selected = SelectWallet(wallets, req);
    if (!selected) return util::Fail(selected.error());
    return node.WithChain([&](NodeStorage& s) -> Reply {
        const wallet::Wallet& w = *selected->wallet;
        const wallet::Balances b = w.GetBalances(s.Chain().Chain().Height(), 0);
        Json mine = Json::MakeObject();
        mine.Set("trusted", AmountToJson(b.trusted));
        mine.Set("untrusted_pending", AmountToJson(b.untrusted_pending));
        mine.Set("immature", AmountToJson(b.immature));
        Json o = Json::MakeObject();
        o.Set("mine", std::move(mine));
        o.Set("lastprocessedblock", LastProcessedBlockJson(w.LastProcessedBlock()));
        return o;
    });
}

Reply GetBalance(NodeContext& node, WalletManager& wallets, const rpc::Request& req) {
    auto selected = SelectWallet(wallets, req);
    if (!selected) return util::Fail(selected.error());
    if (const Json& dummy = req.Arg("dummy"); dummy.IsString() && dummy.GetString() != "*") {
        return util::Fail(RpcFail(RpcErrorCode::METHOD_DEPRECATED,
                                  "dummy first argument must be excluded or set to \"*\"."));
    }
    auto minconf = IntArg(req, "minconf");
    if (!minconf) return util::Fail(minconf.error());
    if (auto ok = CheckAvoidReuse(req); !ok) return util::Fail(ok.error());
    return node.WithChain([&](NodeStorage& s) -> Reply {
        return AmountToJson(selected->wallet->GetBalances(s.Chain().Chain().Height(), *minconf).trusted);
    });
}

Reply AbandonTransaction(NodeContext& node, WalletManager& wallets, const rpc::Request& req) {
    auto selected = SelectWallet(wallets, req);
    if (!selected) return util::Fail(selected.error());
    auto txid = ParseTxid(req.Arg("txid"), "txid");
    if (!txid) return util::Fail(txid.error());
    return node.WithChain([&](NodeStorage&) -> Reply {
        auto done = selected->wallet->AbandonTransaction(*txid);
        if (done) return Json();
        const auto code = done.error().code;
        const bool caller =
            code == wallet::WalletErrorCode::TxNotFound || code == wallet::WalletErrorCode::TxNotAbandonable;
        return util::Fail(RpcFail(caller ? RpcErrorCode::INVALID_ADDRESS_OR_KEY : RpcErrorCode::WALLET_ERROR,
                                  done.error().message));
    });
}

rpc::ParamSpec Required(std::string name, ParamType type, std::string help) {
    return {.name = std::move(name), .type = type, .help = std::move(help)};
}

// An optional parameter: `fallback` is what Request::Arg gives when it is absent (and the help's
// default); `hint` describes a default computed at run time instead.
rpc::ParamSpec Optional(std::string name, ParamType type, std::optional<Json> fallback, std::string help,
                        std::string hint = {}) {
    return {.name = std::move(name),
            .type = type,
            .required = false,
            .default_value = std::move(fallback),
            .default_hint = std::move(hint),
            .help = std::move(help)};
}

}  // namespace

util::Result<void, std::string> RegisterWalletRpcs(rpc::MethodTable& table, NodeContext& node,
                                                   WalletManager& wallets) {
    Registrar registrar(table);
    auto add = [&registrar](rpc::Method m) {
        m.category = "Wallet";
        registrar.Add(std::move(m));
    };
    using P = ParamType;
    const std::string unsupported = " (not supported)";
    const std::string name_and_warnings =
        "{\"name\": \"str\", \"warnings\": [\"str\", ...]}    warnings only when any";
    const std::string on_startup =
        "Save wallet name to persistent settings and load on startup (not supported: use -wallet)";
    add({.name = "createwallet",
         .description =
             "Creates and loads a new wallet.\nTonari: one BIP39 seed with BIP84 (bech32) and BIP86 "
             "(bech32m) accounts; back it up with getwalletmnemonic.",
         .params = {Required("wallet_name", P::STRING,
                             "The name for the new wallet (one folder name, not a path)."),
                    Optional("disable_private_keys", P::BOOL, Json(false), "Watch-only wallet" + unsupported),
                    Optional("blank", P::BOOL, Json(false), "Create a blank wallet" + unsupported),
                    Optional("passphrase", P::STRING, {},
                             "Encrypt the wallet" + unsupported + "; \"\" is unencrypted"),
                    Optional("avoid_reuse", P::BOOL, Json(false), "Keep track of coin reuse" + unsupported),
                    Optional("descriptors", P::BOOL, Json(true),
                             "Descriptor wallet (false: legacy" + unsupported + ")"),
                    Optional("load_on_startup", P::BOOL, {}, on_startup),
                    Optional("external_signer", P::BOOL, Json(false), "Use an external signer" + unsupported),
                    Optional("mnemonic", P::STRING, {},
                             "Tonari: BIP39 English words to restore (rescans from genesis)",
                             "a new random 12-word mnemonic"),
                    Optional(
                        "bip39_passphrase", P::STRING, Json(""),
                        "Tonari: the BIP39 passphrase the seed is derived with (not an encryption key)")},
         .result_help = name_and_warnings,
         .handler = [&node, &wallets](const rpc::Request& req) { return CreateWallet(node, wallets, req); }});
    add({.name = "loadwallet",
         .description = "Loads a wallet from the wallets directory (<datadir>/<network>/wallets/<filename>).",
         .params = {Required("filename", P::STRING, "The wallet name."),
                    Optional("load_on_startup", P::BOOL, {}, on_startup)},
         .result_help = name_and_warnings,
         .handler = [&node, &wallets](const rpc::Request& req) { return LoadWallet(node, wallets, req); }});
    add({.name = "listwallets",
         .description = "Returns a list of currently loaded wallets.",
         .result_help = "[\"walletname\", ...]",
         .handler = [&wallets](const rpc::Request&) -> Reply {
             Json out = Json::MakeArray();
             for (const auto& name : wallets.Names()) out.PushBack(name);
             return out;
         }});
    add({.name = "getwalletmnemonic",
         .description =
             "Tonari-specific: returns the BIP39 mnemonic of the wallet's seed, to write down as its "
             "backup.\nAnyone who sees these words can spend the wallet's coins. A BIP39 passphrase "
             "given at createwallet is not shown and is needed as well to restore.",
         .result_help = "{\"mnemonic\": \"str\"}    the words, separated by single spaces",
         .handler = [&wallets](const rpc::Request& req) -> Reply {
             auto selected = SelectWallet(wallets, req);
             if (!selected) return util::Fail(selected.error());
             Json o = Json::MakeObject();
             o.Set("mnemonic", selected->wallet->GetMnemonic());
             return o;
         }});
    add({.name = "getnewaddress",
         .description = "Returns a new Bitcoin address for receiving payments.",
         .params = {Optional("label", P::STRING, Json(""), "Accepted; labels are not kept (all are \"\")"),
                    Optional("address_type", P::STRING, {}, "\"bech32\" or \"bech32m\"", "\"bech32\"")},
         .result_help = "\"str\"    (string) The new bitcoin address",
         .handler = [&wallets](const rpc::Request& req) { return GetNewAddress(wallets, req); }});
    add({.name = "getbalance",
         .description = "Returns the total available balance.",
         .params = {Optional("dummy", P::STRING, {}, "Must be excluded or set to \"*\"."),
                    Optional("minconf", P::NUMBER, Json(0),
                             "Only include transactions confirmed at least this many times."),
                    Optional("include_watchonly", P::BOOL, Json(false), "No longer used"),
                    Optional("avoid_reuse", P::BOOL, {}, "(only with the avoid_reuse wallet flag)", "true")},
         .result_help = "n    (numeric) The total amount in BTC received for this wallet.",
         .handler = [&node, &wallets](const rpc::Request& req) { return GetBalance(node, wallets, req); }});
    add({.name = "getbalances",
         .description = "Returns an object with all balances in BTC.",
         .result_help = "{\"mine\": {\"trusted\": n, \"untrusted_pending\": n, \"immature\": n}, "
                        "\"lastprocessedblock\": {\"hash\": \"hex\", \"height\": n}}",
         .handler = [&node, &wallets](const rpc::Request& req) { return GetBalances(node, wallets, req); }});
    add({.name = "listunspent",
         .description =
             "Returns array of unspent transaction outputs with between minconf and maxconf (inclusive) "
             "confirmations, optionally only those paid to the given addresses.",
         .params = {Optional("minconf", P::NUMBER, Json(1), "The minimum confirmations to filter"),
                    Optional("maxconf", P::NUMBER, Json(DEFAULT_MAX_CONF),
                             "The maximum confirmations to filter"),
                    Optional("addresses", P::ARRAY, Json::MakeArray(), "The bitcoin addresses to filter"),
                    Optional("include_unsafe", P::BOOL, Json(true),
                             "Include outputs that are not safe to spend"),
                    Optional("query_options", P::OBJECT, {},
                             "{minimumAmount, maximumAmount, maximumCount, minimumSumAmount}")},
         .result_help = "[{txid, vout, address, label, scriptPubKey, amount, confirmations, ancestorcount, "
                        "ancestorsize, ancestorfees, spendable, solvable, safe}, ...]",
         .handler = [&node, &wallets](const rpc::Request& req) { return ListUnspent(node, wallets, req); }});
    add({.name = "sendtoaddress",
         .description = "Send an amount to a given address.",
         .params =
             {Required("address", P::STRING, "The bitcoin address to send to."),
              Required("amount", P::AMOUNT, "The amount in BTC to send. eg 0.1"),
              Optional("comment", P::STRING, {}, "Accepted, not stored"),
              Optional("comment_to", P::STRING, {}, "Accepted, not stored"),
              Optional("subtractfeefromamount", P::BOOL, Json(false), "The fee is deducted from the amount."),
              Optional("replaceable", P::BOOL, {}, "BIP125 signalling (always on; false is refused)", "true"),
              Optional("conf_target", P::NUMBER, {}, "Confirmation target in blocks", "6 (-txconfirmtarget)"),
              Optional("estimate_mode", P::STRING, Json("unset"),
                       "\"unset\", \"economical\" or \"conservative\""),
              Optional("avoid_reuse", P::BOOL, {}, "(only with the avoid_reuse wallet flag)", "true"),
              Optional("fee_rate", P::AMOUNT, {}, "Specify a fee rate in sat/vB.",
                       "not set, fall back to wallet fee estimation"),
              Optional("verbose", P::BOOL, Json(false), "If true, return {txid, fee_reason}.")},
         .result_help =
             "\"hex\"    (string) The transaction id; verbose: {\"txid\": \"hex\", \"fee_reason\": \"str\"}",
         .handler = [&node, &wallets](const rpc::Request& req) {
             return SendToAddress(node, wallets, req);
         }});
    add({.name = "listtransactions",
         .description =
             "Returns up to 'count' most recent transactions skipping the first 'from' transactions.",
         .params = {Optional("label", P::STRING, {},
                             "\"*\" for all; a label: incoming payments with it only"),
                    Optional("count", P::NUMBER, Json(10), "The number of transactions to return"),
                    Optional("skip", P::NUMBER, Json(0), "The number of transactions to skip"),
                    Optional("include_watchonly", P::BOOL, Json(false), "No longer used")},
         .result_help = "[{address, category, amount, label, vout, fee, confirmations, generated, trusted, "
                        "blockhash, blockheight, blockindex, blocktime, txid, wtxid, walletconflicts, time, "
                        "timereceived, bip125-replaceable, abandoned}, ...]",
         .handler = [&node, &wallets](const rpc::Request& req) {
             return ListTransactions(node, wallets, req);
         }});
    add({.name = "gettransaction",
         .description = "Get detailed information about in-wallet transaction <txid>",
         .params = {Required("txid", P::STRING, "The transaction id"),
                    Optional("include_watchonly", P::BOOL, Json(false), "No longer used"),
                    Optional("verbose", P::BOOL, Json(false), "Whether to include a `decoded` field")},
         .result_help = "{amount, fee, confirmations, ..., details: [...], hex, decoded, lastprocessedblock}",
         .handler = [&node, &wallets](const rpc::Request& req) {
             return GetTransaction(node, wallets, req);
         }});
    add({.name = "getwalletinfo",
         .description = "Returns an object containing various wallet state info.",
         .result_help =
             "{walletname, walletversion, format, txcount, keypoolsize, keypoolsize_hd_internal, "
             "paytxfee, private_keys_enabled, avoid_reuse, scanning, descriptors, external_signer, "
             "blank, birthtime, lastprocessedblock}",
         .handler = [&node, &wallets](const rpc::Request& req) {
             return GetWalletInfo(node, wallets, req);
         }});
    add({.name = "abandontransaction",
         .description =
             "Mark in-wallet transaction <txid> as abandoned, so its inputs can be respent. Only for "
             "transactions neither in a block nor in the mempool.",
         .params = {Required("txid", P::STRING, "The transaction id")},
         .result_help = "null",
         .handler = [&node, &wallets](const rpc::Request& req) {
             return AbandonTransaction(node, wallets, req);
         }});
    return registrar.Finish();
}

}  // namespace tonari::bitcoin::node
