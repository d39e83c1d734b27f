// The wallet RPC methods on a real regtest node (temporary data directory, real mining, real
// mempool), wired as the app wires them: WalletManager attached on the validation strand, the
// mining, mempool, blockchain and wallet methods in one table, /wallet/<name> selection through
// the call context. Covers the whole send path between two wallets, reorgs, restarts (catch-up
// and resubmission), and every error path the methods document, with Core's codes and texts.
#include "bitcoin/node/rpc_wallet.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "bitcoin/node/rpc_blockchain.h"
#include "bitcoin/node/rpc_mempool.h"
#include "bitcoin/node/rpc_mining.h"
#include "bitcoin/rpc/amount.h"
#include "bitcoin/rpc/method_table.h"
#include "storage/test_temp_dir.h"
#include "util/json.h"

namespace tonari::bitcoin::node {
namespace {

using rpc::RpcErrorCode;
using util::Json;
namespace fs = std::filesystem;

// A Trezor BIP39 vector mnemonic (valid checksum), for restores.
constexpr std::string_view RESTORE_WORDS =
    "legal winner thank year wave sausage worth useful legal winner thank yellow";

// A regtest node on `dir` with a WalletManager and the methods a wallet user calls.
class Harness {
public:
    explicit Harness(const fs::path& dir, std::optional<policy::FeeRate> fallback = std::nullopt) {
        NodeStorageOptions options;
        options.data_dir = dir;
        options.network = encoding::Network::Regtest;
        options.dbcache_mib = 32;
        options.script_threads = 1;
        auto node = NodeContext::Open(options);
        EXPECT_TRUE(node) << (node ? "" : node.error());
        if (!node) return;
        m_node = std::move(*node);
        WalletManagerOptions wallet_options;
        wallet_options.network = encoding::Network::Regtest;
        wallet_options.fallback_fee = fallback;
        m_wallets = std::make_unique<WalletManager>(wallet_options);
        // What the app does once at start-up, on the strand.
        m_node->WithChain([this](NodeStorage& s) { m_wallets->Attach(s); });
        for (auto registered :
             {RegisterMiningRpcs(m_table, *m_node), RegisterMempoolRpcs(m_table, *m_node),
              RegisterBlockchainRpcs(m_table, *m_node), RegisterWalletRpcs(m_table, *m_node, *m_wallets)}) {
            EXPECT_TRUE(registered) << (registered ? "" : registered.error());
        }
    }
    // A clean shutdown, as the app's: wallets detached, the chain state flushed.
    ~Harness() {
        if (!m_node) return;
        m_node->WithChain([this](NodeStorage& s) { m_wallets->Detach(s); });
        auto flushed = m_node->Flush();
        EXPECT_TRUE(flushed) << (flushed ? "" : flushed.error());
    }

    util::Result<Json, rpc::RpcError> Call(std::string_view method, std::string_view params,
                                           std::optional<std::string> wallet = std::nullopt) {
        auto parsed = util::ParseJson(params);
        EXPECT_TRUE(parsed) << "bad test JSON: " << params;
        if (!parsed) return util::Fail(rpc::RpcError{RpcErrorCode::PARSE_ERROR, "bad test JSON"});
        rpc::CallContext context;
        context.wallet_name = std::move(wallet);
        return m_table.Execute(method, *parsed, context);
    }

    Json Ok(std::string_view method, std::string_view params = "[]",
            std::optional<std::string> wallet = std::nullopt) {
        auto r = Call(method, params, wallet);
        EXPECT_TRUE(r) << method << " " << params << " -> " << (r ? "" : r.error().message);
        return r ? *r : Json();
    }

    void ExpectError(std::string_view method, std::string_view params, RpcErrorCode code,
                     std::string_view message, std::optional<std::string> wallet = std::nullopt) {
        auto r = Call(method, params, wallet);
        ASSERT_FALSE(r) << method << " " << params << " unexpectedly gave " << r->Dump();
        EXPECT_EQ(r.error().code, code) << method << " " << params << ": " << r.error().message;
        EXPECT_EQ(r.error().message, message) << method << " " << params;
    }

    // The first `prefix.size()` characters of the error message, for messages with variable tails.
    void ExpectErrorPrefix(std::string_view method, std::string_view params, RpcErrorCode code,
                           std::string_view prefix, std::optional<std::string> wallet = std::nullopt) {
        auto r = Call(method, params, wallet);
        ASSERT_FALSE(r) << method << " " << params << " unexpectedly gave " << r->Dump();
        EXPECT_EQ(r.error().code, code) << method << " " << params << ": " << r.error().message;
        EXPECT_EQ(r.error().message.substr(0, prefix.size()), prefix) << method << " " << params;
    }

    std::string NewAddress(const std::string& wallet, std::string_view type = "bech32") {
        return Ok("getnewaddress", "[\"\", \"" + std::string(type) + "\"]", wallet).GetString();
    }
    void Mine(int blocks, const std::string& address) {
        const Json hashes = Ok("generatetoaddress", "[" + std::to_string(blocks) + ", \"" + address + "\"]");
        EXPECT_EQ(hashes.size(), static_cast<size_t>(blocks));
    }
    std::string NetworkDir() const {
        return m_node->WithChain([](NodeStorage& s) { return s.NetworkDir().string(); });
    }

    WalletManager& wallets() { return *m_wallets; }
    NodeContext& node() { return *m_node; }
    rpc::MethodTable& table() { return m_table; }

private:
    std::unique_ptr<NodeContext> m_node;
    std::unique_ptr<WalletManager> m_wallets;
    rpc::MethodTable m_table;
};

std::string Field(const Json& object, std::string_view key) {
    const Json* v = object.Find(key);
    if (v == nullptr) return "<missing>";
    if (v->IsString() || v->IsNumber()) return v->GetString();
    return v->Dump();
}

const Json& Member(const Json& object, std::string_view key) {
    static const Json null_json;
    const Json* v = object.Find(key);
    if (v == nullptr) {
        ADD_FAILURE() << "missing field " << key << " in " << object.Dump();
        return null_json;
    }
    return *v;
}

const Json& At(const Json& array, size_t i) {
    static const Json null_json;
    if (!array.IsArray() || i >= array.size()) {
        ADD_FAILURE() << "no element " << i << " in " << array.Dump();
        return null_json;
    }
    return array[i];
}

// Satoshis of a JSON amount, negative ones included (AmountFromValue takes only non-negative).
primitives::Amount Sats(const Json& amount) {
    const std::string& text = amount.GetString();
    const bool negative = !text.empty() && text[0] == '-';
    auto v = rpc::AmountFromValue(Json::RawNumber(negative ? text.substr(1) : text));
    EXPECT_TRUE(v && amount.IsNumber()) << amount.Dump();
    if (!v) return 0;
    return negative ? -*v : *v;
}

// ---------------------------------------------------------------------------------------------

TEST(WalletRpc, RegistersEveryMethodOnce) {
    storage::test::TestTempDir dir;
    Harness h(dir.path());
    for (const char* name : {"createwallet", "loadwallet", "listwallets", "getwalletmnemonic",
                             "getnewaddress", "getbalance", "getbalances", "listunspent", "sendtoaddress",
                             "listtransactions", "gettransaction", "getwalletinfo", "abandontransaction"}) {
        EXPECT_NE(h.table().Find(name), nullptr) << name;
    }
    EXPECT_FALSE(RegisterWalletRpcs(h.table(), h.node(), h.wallets()));  // duplicate names are refused
    EXPECT_NE(h.table().Help("createwallet").find("mnemonic"), std::string::npos);
    EXPECT_EQ(h.Ok("listwallets").Dump(), "[]");
}

TEST(WalletRpc, SendsBetweenTwoWalletsThroughTheMempoolAndBlocks) {
    storage::test::TestTempDir dir;
    Harness h(dir.path());

    const Json created = h.Ok("createwallet", "[\"alice\"]");
    EXPECT_EQ(created.Dump(), "{\"name\":\"alice\"}");  // no warnings field when there are none
    EXPECT_EQ(h.Ok("listwallets").Dump(), "[\"alice\"]");
    // One wallet: selected without an endpoint.
    const std::string alice_addr = h.Ok("getnewaddress").GetString();
    EXPECT_EQ(alice_addr.substr(0, 6), "bcrt1q") << alice_addr;
    EXPECT_EQ(h.Ok("getnewaddress", "[\"\", \"bech32m\"]").GetString().substr(0, 6), "bcrt1p");

    h.Mine(101, alice_addr);
    EXPECT_EQ(h.Ok("getbalance").GetString(), "50.00000000");
    const Json balances = h.Ok("getbalances");
    EXPECT_EQ(Field(Member(balances, "mine"), "trusted"), "50.00000000");
    EXPECT_EQ(Field(Member(balances, "mine"), "untrusted_pending"), "0.00000000");
    EXPECT_EQ(Field(Member(balances, "mine"), "immature"), "5000.00000000");
    EXPECT_EQ(Field(Member(balances, "lastprocessedblock"), "height"), "101");
    EXPECT_EQ(Field(Member(balances, "lastprocessedblock"), "hash"), h.Ok("getbestblockhash").GetString());
    // minconf: the one mature coinbase has 101 confirmations.
    EXPECT_EQ(h.Ok("getbalance", "[\"*\", 101]").GetString(), "50.00000000");
    EXPECT_EQ(h.Ok("getbalance", "[\"*\", 102]").GetString(), "0.00000000");

    h.Ok("createwallet", "[\"bob\"]");
    EXPECT_EQ(h.Ok("listwallets").Dump(), "[\"alice\",\"bob\"]");
    const std::string bob_addr = h.NewAddress("bob", "bech32m");

    const std::string txid = h.Ok("sendtoaddress", "[\"" + bob_addr + "\", 1]", "alice").GetString();
    ASSERT_EQ(txid.size(), 64u);
    EXPECT_NE(h.Ok("getrawmempool").Dump().find(txid), std::string::npos);

    // The fallback fee, 20 sat/vB, paid on the transaction's vsize (dummy signatures are the
    // largest, so the real rate is at most 1 sat/vB above).
    const Json entry = h.Ok("getmempoolentry", "[\"" + txid + "\"]");
    const int64_t vsize = Member(entry, "vsize").GetInt64().value_or(0);
    const primitives::Amount fee = Sats(Member(Member(entry, "fees"), "base"));
    EXPECT_GE(fee, 20 * vsize);
    EXPECT_LT(fee, 21 * vsize);

    // Alice: own unconfirmed change is trusted; Bob: someone else's payment is pending.
    EXPECT_EQ(Sats(h.Ok("getbalance", "[]", "alice")), 49 * primitives::COIN - fee);
    EXPECT_EQ(Field(Member(h.Ok("getbalances", "[]", "bob"), "mine"), "untrusted_pending"), "1.00000000");
    EXPECT_EQ(h.Ok("getbalance", "[]", "bob").GetString(), "0.00000000");
    const Json pending = h.Ok("listunspent", "[0]", "bob");
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(Field(At(pending, 0), "confirmations"), "0");
    EXPECT_EQ(Field(At(pending, 0), "safe"), "false");
    EXPECT_EQ(Field(At(pending, 0), "ancestorcount"), "1");
    EXPECT_EQ(h.Ok("listunspent", "[0, 9999999, [], false]", "bob").Dump(), "[]");  // include_unsafe=false

    const Json sent = h.Ok("gettransaction", "[\"" + txid + "\", false, true]", "alice");
    EXPECT_EQ(Sats(Member(sent, "amount")), -primitives::COIN);
    EXPECT_EQ(Sats(Member(sent, "fee")), -fee);
    EXPECT_EQ(Field(sent, "confirmations"), "0");
    EXPECT_EQ(Field(sent, "trusted"), "true");
    EXPECT_EQ(Field(sent, "bip125-replaceable"), "yes");
    EXPECT_EQ(Field(sent, "blockhash"), "<missing>");
    const Json& details = Member(sent, "details");
    ASSERT_EQ(details.size(), 1u);
    EXPECT_EQ(Field(At(details, 0), "category"), "send");
    EXPECT_EQ(Field(At(details, 0), "address"), bob_addr);
    EXPECT_EQ(Field(At(details, 0), "amount"), "-1.00000000");
    EXPECT_EQ(Field(At(details, 0), "abandoned"), "false");
    EXPECT_EQ(Field(Member(sent, "decoded"), "txid"), txid);
    EXPECT_EQ(Field(Member(sent, "lastprocessedblock"), "height"), "101");

    // Mined: Bob's payment is confirmed and trusted.
    h.Mine(1, h.NewAddress("alice"));
    EXPECT_EQ(h.Ok("getrawmempool").Dump(), "[]");
    EXPECT_EQ(h.Ok("getbalance", "[]", "bob").GetString(), "1.00000000");
    const Json bob_txs = h.Ok("listtransactions", "[]", "bob");
    ASSERT_EQ(bob_txs.size(), 1u);
    const Json& received = At(bob_txs, 0);
    EXPECT_EQ(Field(received, "address"), bob_addr);
    EXPECT_EQ(Field(received, "category"), "receive");
    EXPECT_EQ(Field(received, "amount"), "1.00000000");
    EXPECT_EQ(Field(received, "label"), "");
    EXPECT_EQ(Field(received, "confirmations"), "1");
    EXPECT_EQ(Field(received, "blockheight"), "102");
    EXPECT_EQ(Field(received, "blockindex"), "1");
    EXPECT_EQ(Field(received, "txid"), txid);
    EXPECT_EQ(Field(received, "bip125-replaceable"), "no");
    EXPECT_EQ(Field(received, "abandoned"), "<missing>");  // sends only
    const Json bob_coins = h.Ok("listunspent", "[]", "bob");
    ASSERT_EQ(bob_coins.size(), 1u);
    EXPECT_EQ(Field(At(bob_coins, 0), "txid"), txid);
    EXPECT_EQ(Field(At(bob_coins, 0), "address"), bob_addr);
    EXPECT_EQ(Field(At(bob_coins, 0), "amount"), "1.00000000");
    EXPECT_EQ(Field(At(bob_coins, 0), "confirmations"), "1");
    EXPECT_EQ(Field(At(bob_coins, 0), "spendable"), "true");
    EXPECT_EQ(Field(At(bob_coins, 0), "safe"), "true");
    EXPECT_EQ(Field(At(bob_coins, 0), "scriptPubKey").substr(0, 4), "5120");  // P2TR
    EXPECT_EQ(h.Ok("listunspent", "[1, 9999999, [\"" + alice_addr + "\"]]", "bob").Dump(), "[]");

    // Alice's history: the send (with its fee) among her coinbases.
    const Json alice_txs = h.Ok("listtransactions", "[\"*\", 3]", "alice");
    ASSERT_EQ(alice_txs.size(), 3u);
    int sends = 0;
    for (const Json& row : alice_txs.GetArray()) {
        if (Field(row, "category") != "send") continue;
        ++sends;
        EXPECT_EQ(Field(row, "txid"), txid);
        EXPECT_EQ(Sats(Member(row, "fee")), -fee);
        EXPECT_EQ(Field(row, "abandoned"), "false");
    }
    EXPECT_EQ(sends, 1);
    EXPECT_EQ(Field(At(h.Ok("listtransactions", "[\"*\", 1000]", "alice"), 0), "category"), "generate");
    EXPECT_EQ(h.Ok("listtransactions", "[\"*\", 2, 1000]", "alice").Dump(), "[]");

    const Json info = h.Ok("getwalletinfo", "[]", "bob");
    EXPECT_EQ(Field(info, "walletname"), "bob");
    EXPECT_EQ(Field(info, "walletversion"), "169900");
    EXPECT_EQ(Field(info, "format"), "rocksdb");
    EXPECT_EQ(Field(info, "txcount"), "1");
    // 1000 ahead per type; handing out an address slides the window (Core's keypool top-up).
    EXPECT_EQ(Field(info, "keypoolsize"), "2000");
    EXPECT_EQ(Field(info, "keypoolsize_hd_internal"), "2000");
    EXPECT_EQ(Field(info, "private_keys_enabled"), "true");
    EXPECT_EQ(Field(info, "descriptors"), "true");
    EXPECT_EQ(Field(Member(info, "lastprocessedblock"), "height"), "102");

    // A reorg that drops the block: Bob's payment goes back to the mempool, unconfirmed again.
    const std::string block102 = h.Ok("getbestblockhash").GetString();
    EXPECT_TRUE(h.Ok("invalidateblock", "[\"" + block102 + "\"]").IsNull());
    EXPECT_NE(h.Ok("getrawmempool").Dump().find(txid), std::string::npos);
    EXPECT_EQ(Field(Member(h.Ok("getbalances", "[]", "bob"), "mine"), "untrusted_pending"), "1.00000000");
    EXPECT_EQ(Field(h.Ok("gettransaction", "[\"" + txid + "\"]", "bob"), "confirmations"), "0");
    EXPECT_EQ(Field(Member(h.Ok("getbalances", "[]", "alice"), "lastprocessedblock"), "height"), "101");
    h.Mine(1, h.NewAddress("alice"));
    EXPECT_EQ(Field(h.Ok("gettransaction", "[\"" + txid + "\"]", "bob"), "confirmations"), "1");

    // The backup words restore the same wallet: a rescan from the genesis finds the payment.
    const std::string words = Field(h.Ok("getwalletmnemonic", "[]", "bob"), "mnemonic");
    EXPECT_EQ(std::count(words.begin(), words.end(), ' '), 11) << words;
    EXPECT_EQ(h.Ok("createwallet", "{\"wallet_name\": \"bob2\", \"mnemonic\": \"" + words + "\"}").Dump(),
              "{\"name\":\"bob2\"}");
    EXPECT_EQ(h.Ok("getbalance", "[]", "bob2").GetString(), "1.00000000");
    EXPECT_EQ(Field(At(h.Ok("listtransactions", "[]", "bob2"), 0), "txid"), txid);
    EXPECT_EQ(Field(h.Ok("getwalletmnemonic", "[]", "bob2"), "mnemonic"), words);
    // A different BIP39 passphrase is a different wallet.
    h.Ok("createwallet",
         "{\"wallet_name\": \"bob3\", \"mnemonic\": \"" + words + "\", \"bip39_passphrase\": \"x\"}");
    EXPECT_EQ(h.Ok("getbalance", "[]", "bob3").GetString(), "0.00000000");
}

TEST(WalletRpc, SelectsWalletsAsCoreDoes) {
    storage::test::TestTempDir dir;
    Harness h(dir.path());
    h.ExpectError(
        "getbalance", "[]", RpcErrorCode::WALLET_NOT_FOUND,
        "No wallet is loaded. Load a wallet using loadwallet or create a new one with createwallet. (Note: A "
        "default wallet is no longer automatically created)");
    h.ExpectError("getwalletinfo", "[]", RpcErrorCode::WALLET_NOT_FOUND,
                  "Requested wallet does not exist or is not loaded", "nobody");
    // The unnamed wallet "" is Core's default wallet; it lives in wallets/.default.
    EXPECT_EQ(h.Ok("createwallet", "[\"\"]").Dump(), "{\"name\":\"\"}");
    EXPECT_TRUE(fs::exists(fs::path(h.NetworkDir()) / "wallets" / ".default" / "CURRENT"));
    EXPECT_EQ(Field(h.Ok("getwalletinfo"), "walletname"), "");
    EXPECT_EQ(Field(h.Ok("getwalletinfo", "[]", ""), "walletname"), "");
    h.Ok("createwallet", "[\"second\"]");
    const std::string not_specified =
        "Wallet file not specified (must request wallet RPC through /wallet/<filename> uri-path).";
    for (const char* method : {"getnewaddress", "getbalance", "getbalances", "listunspent",
                               "listtransactions", "getwalletinfo", "getwalletmnemonic"}) {
        h.ExpectError(method, "[]", RpcErrorCode::WALLET_NOT_SPECIFIED, not_specified);
    }
    h.ExpectError("sendtoaddress", "[\"bcrt1qxyz\", 1]", RpcErrorCode::WALLET_NOT_SPECIFIED, not_specified);
    EXPECT_EQ(Field(h.Ok("getwalletinfo", "[]", "second"), "walletname"), "second");
}

TEST(WalletRpc, CreateAndLoadErrors) {
    storage::test::TestTempDir dir;
    Harness h(dir.path());
    const std::string wallets = (fs::path(h.NetworkDir()) / "wallets").string();
    h.ExpectError("loadwallet", "[\"nope\"]", RpcErrorCode::WALLET_NOT_FOUND,
                  "Wallet file verification failed. Failed to load database path '" + wallets +
                      "/nope'. Path does not exist.");
    h.Ok("createwallet", "[\"w\"]");
    h.ExpectError("createwallet", "[\"w\"]", RpcErrorCode::WALLET_ERROR,
                  "Wallet file verification failed. Failed to create database path '" + wallets +
                      "/w'. Database already exists.");
    h.ExpectError("loadwallet", "[\"w\"]", RpcErrorCode::WALLET_ALREADY_LOADED,
                  "Wallet \"w\" is already loaded.");
    // A folder that holds no wallet.
    fs::create_directories(fs::path(wallets) / "junk");
    std::ofstream(fs::path(wallets) / "junk" / "notes.txt") << "not a wallet";
    h.ExpectError("loadwallet", "[\"junk\"]", RpcErrorCode::WALLET_NOT_FOUND,
                  "Wallet file verification failed. Failed to load database path '" + wallets +
                      "/junk'. Data is not in recognized format.");
    h.ExpectError("createwallet", "[\"junk\"]", RpcErrorCode::WALLET_ERROR,
                  "Wallet file verification failed. Failed to create database path '" + wallets +
                      "/junk'. Database already exists.");
    // Names are one folder name, never a path.
    for (const char* bad : {"../escape", "a/b", ".hidden", "back\\\\slash"}) {
        h.ExpectError("createwallet", "[\"" + std::string(bad) + "\"]", RpcErrorCode::WALLET_ERROR,
                      WalletManager::NameRules());
        h.ExpectError("loadwallet", "[\"" + std::string(bad) + "\"]", RpcErrorCode::WALLET_ERROR,
                      WalletManager::NameRules());
    }
    EXPECT_FALSE(fs::exists(fs::path(h.NetworkDir()) / "escape"));
    h.ExpectError("createwallet", "[\"" + std::string(MAX_WALLET_NAME_BYTES + 1, 'n') + "\"]",
                  RpcErrorCode::WALLET_ERROR, WalletManager::NameRules());

    // Options this wallet does not have, refused before anything is written.
    const auto refused = [&](std::string_view params, std::string_view message) {
        h.ExpectError("createwallet", params, RpcErrorCode::WALLET_ERROR, message);
        EXPECT_FALSE(fs::exists(fs::path(wallets) / "x")) << params;
    };
    refused("[\"x\", true]",
            "Wallets without private keys (disable_private_keys) are not supported by Tonari");
    refused("[\"x\", false, true]",
            "Blank wallets are not supported by Tonari: every wallet has an HD seed (restore one with the "
            "mnemonic parameter)");
    refused("[\"x\", false, false, \"secret\"]",
            "Wallet encryption is not supported by Tonari: create the wallet without a passphrase");
    refused("[\"x\", false, false, null, true]", "avoid_reuse wallets are not supported by Tonari");
    refused("[\"x\", false, false, null, false, false]",
            "Compiled without bdb support (required for legacy wallets)");
    refused("{\"wallet_name\": \"x\", \"external_signer\": true}",
            "Compiled without external signing support (required for external signing)");
    h.ExpectError(
        "createwallet",
        "{\"wallet_name\": \"x\", \"mnemonic\": \"" + std::string(RESTORE_WORDS.substr(0, 60)) + " zoo\"}",
        RpcErrorCode::INVALID_ADDRESS_OR_KEY,
        "Invalid mnemonic: Mnemonic must have 12, 15, 18, 21 or 24 words");
    std::string swapped(RESTORE_WORDS);
    swapped.replace(swapped.rfind("yellow"), 6, "wave");
    h.ExpectError("createwallet", "{\"wallet_name\": \"x\", \"mnemonic\": \"" + swapped + "\"}",
                  RpcErrorCode::INVALID_ADDRESS_OR_KEY, "Invalid mnemonic: Mnemonic checksum is invalid");
    h.ExpectError("createwallet", "{\"wallet_name\": \"x\", \"bip39_passphrase\": \"caf\\u00e9\"}",
                  RpcErrorCode::INVALID_ADDRESS_OR_KEY,
                  "Invalid mnemonic: Passphrase must be ASCII (Unicode normalization is not supported)");
    EXPECT_FALSE(fs::exists(fs::path(wallets) / "x"));

    // Accepted with Core's warnings.
    EXPECT_EQ(
        h.Ok("createwallet", "[\"y\", false, false, \"\", false, true, true]").Dump(),
        "{\"name\":\"y\",\"warnings\":[\"Empty string given as passphrase, wallet will not be encrypted.\","
        "\"Wallet load on startup setting could not be updated, so wallet may not be loaded next node "
        "startup.\"]}");
    h.ExpectError("createwallet", "[\"z\", \"yes\"]", RpcErrorCode::TYPE_ERROR,
                  "Wrong type passed:\n{\n    \"Position 2 (disable_private_keys)\": \"JSON value of type "
                  "string is not of "
                  "expected type bool\"\n}");
}

TEST(WalletRpc, ParameterErrors) {
    storage::test::TestTempDir dir;
    Harness h(dir.path());
    h.Ok("createwallet", "[\"w\"]");
    const std::string addr = h.NewAddress("w");
    h.ExpectError("getnewaddress", "[\"\", \"legacy\"]", RpcErrorCode::INVALID_ADDRESS_OR_KEY,
                  "Unknown address type 'legacy'");
    h.ExpectError("getnewaddress", "[\"\", \"p2sh-segwit\"]", RpcErrorCode::INVALID_ADDRESS_OR_KEY,
                  "Unknown address type 'p2sh-segwit'");
    h.ExpectError("getnewaddress", "[\"*\"]", RpcErrorCode::WALLET_INVALID_LABEL_NAME, "Invalid label name");
    EXPECT_EQ(h.Ok("getnewaddress", "[\"savings\"]").GetString().substr(0, 6),
              "bcrt1q");  // labels accepted, not kept

    h.ExpectError("getbalance", "[\"x\"]", RpcErrorCode::METHOD_DEPRECATED,
                  "dummy first argument must be excluded or set to \"*\".");
    h.ExpectError("getbalance", "[\"*\", 0, false, true]", RpcErrorCode::WALLET_ERROR,
                  "wallet does not have the \"avoid reuse\" feature enabled");
    h.ExpectError("getbalance", "[\"*\", 1.5]", RpcErrorCode::MISC_ERROR, "JSON integer out of range");
    EXPECT_EQ(h.Ok("getbalance", "[\"*\", 0, true]").GetString(), "0.00000000");

    // sendtoaddress: Core's order of checks, Core's texts.
    h.ExpectError("sendtoaddress", "[\"nope\", 1]", RpcErrorCode::INVALID_ADDRESS_OR_KEY,
                  "Invalid Bitcoin address: nope");
    h.ExpectError("sendtoaddress", "[\"bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq\", 1]",
                  RpcErrorCode::INVALID_ADDRESS_OR_KEY,
                  "Invalid Bitcoin address: bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq");  // mainnet address
    h.ExpectError("sendtoaddress", "[\"" + addr + "\", 0]", RpcErrorCode::TYPE_ERROR,
                  "Invalid amount for send");
    h.ExpectError("sendtoaddress", "[\"" + addr + "\", -1]", RpcErrorCode::TYPE_ERROR, "Amount out of range");
    h.ExpectError("sendtoaddress", "[\"" + addr + "\", \"0.000000001\"]", RpcErrorCode::TYPE_ERROR,
                  "Invalid amount");
    h.ExpectError("sendtoaddress", "[\"" + addr + "\", 1]", RpcErrorCode::WALLET_INSUFFICIENT_FUNDS,
                  "Insufficient funds");
    h.ExpectError(
        "sendtoaddress",
        "{\"address\": \"" + addr + "\", \"amount\": 1, \"fee_rate\": 5, \"conf_target\": 6}",
        RpcErrorCode::INVALID_PARAMETER,
        "Cannot specify both conf_target and fee_rate. Please provide either a confirmation target in blocks "
        "for automatic fee estimation, or an explicit fee rate.");
    h.ExpectError(
        "sendtoaddress",
        "{\"address\": \"" + addr + "\", \"amount\": 1, \"fee_rate\": 5, \"estimate_mode\": \"economical\"}",
        RpcErrorCode::INVALID_PARAMETER, "Cannot specify both estimate_mode and fee_rate");
    h.ExpectError(
        "sendtoaddress", "{\"address\": \"" + addr + "\", \"amount\": 1, \"estimate_mode\": \"bogus\"}",
        RpcErrorCode::INVALID_PARAMETER,
        "Invalid estimate_mode parameter, must be one of: \"unset\", \"economical\", \"conservative\"");
    h.ExpectError("sendtoaddress", "{\"address\": \"" + addr + "\", \"amount\": 1, \"conf_target\": 0}",
                  RpcErrorCode::INVALID_PARAMETER, "Invalid conf_target, must be between 1 and 1008");
    h.ExpectError("sendtoaddress", "{\"address\": \"" + addr + "\", \"amount\": 1, \"fee_rate\": \"1.0001\"}",
                  RpcErrorCode::TYPE_ERROR, "Invalid amount");
    h.ExpectError("sendtoaddress", "{\"address\": \"" + addr + "\", \"amount\": 1, \"replaceable\": false}",
                  RpcErrorCode::INVALID_PARAMETER,
                  "replaceable=false is not supported: Tonari's wallet always signals BIP125 replaceability");
    h.ExpectError("sendtoaddress", "{\"address\": \"" + addr + "\", \"amount\": 1, \"avoid_reuse\": true}",
                  RpcErrorCode::WALLET_ERROR, "wallet does not have the \"avoid reuse\" feature enabled");

    h.ExpectError("listtransactions", "[\"*\", -1]", RpcErrorCode::INVALID_PARAMETER, "Negative count");
    h.ExpectError("listtransactions", "[\"*\", 10, -1]", RpcErrorCode::INVALID_PARAMETER, "Negative from");
    h.ExpectError("listtransactions", "[\"\"]", RpcErrorCode::INVALID_PARAMETER,
                  "Label argument must be a valid label name or \"*\".");
    EXPECT_EQ(h.Ok("listtransactions", "[\"savings\"]").Dump(), "[]");

    const std::string unknown(64, 'a');
    h.ExpectError("gettransaction", "[\"" + unknown + "\"]", RpcErrorCode::INVALID_ADDRESS_OR_KEY,
                  "Invalid or non-wallet transaction id");
    h.ExpectError("gettransaction", "[\"abc\"]", RpcErrorCode::INVALID_PARAMETER,
                  "txid must be of length 64 (not 3, for 'abc')");
    h.ExpectError("abandontransaction", "[\"" + unknown + "\"]", RpcErrorCode::INVALID_ADDRESS_OR_KEY,
                  "Invalid or non-wallet transaction id");

    h.ExpectError("listunspent", "[1, 10, [\"nope\"]]", RpcErrorCode::INVALID_ADDRESS_OR_KEY,
                  "Invalid Bitcoin address: nope");
    h.ExpectError("listunspent", "[1, 10, [\"" + addr + "\", \"" + addr + "\"]]",
                  RpcErrorCode::INVALID_PARAMETER, "Invalid parameter, duplicated address: " + addr);
    h.ExpectError("listunspent", "[1, 10, [5]]", RpcErrorCode::TYPE_ERROR,
                  "JSON value of type number is not of expected type string");
    h.ExpectError("listunspent", "[1, 10, [], true, {\"foo\": 1}]", RpcErrorCode::TYPE_ERROR,
                  "Unexpected key foo");
    h.ExpectError("listunspent", "[1, 10, [], true, {\"maximumCount\": \"2\"}]", RpcErrorCode::TYPE_ERROR,
                  "JSON value of type string for field maximumCount is not of expected type number");
    h.ExpectError("listunspent", "[1, 10, [], true, {\"include_immature_coinbase\": true}]",
                  RpcErrorCode::INVALID_PARAMETER,
                  "include_immature_coinbase is not supported by Tonari's wallet");
}

TEST(WalletRpc, FallbackFeeDisabledNeedsFeeRate) {
    storage::test::TestTempDir dir;
    Harness h(dir.path(), policy::FeeRate(0));
    h.Ok("createwallet", "[\"w\"]");
    const std::string addr = h.NewAddress("w");
    h.Mine(101, addr);
    h.ExpectError(
        "sendtoaddress", "[\"" + addr + "\", 1]", RpcErrorCode::WALLET_INSUFFICIENT_FUNDS,
        "Fee estimation failed. Fallbackfee is disabled. Wait a few blocks or enable -fallbackfee.");
    h.ExpectError(
        "sendtoaddress", "{\"address\": \"" + addr + "\", \"amount\": 1, \"conf_target\": 2}",
        RpcErrorCode::WALLET_INSUFFICIENT_FUNDS,
        "Fee estimation failed. Fallbackfee is disabled. Wait a few blocks or enable -fallbackfee.");
    // Below the minimum relay fee rate: the wallet's (Core's) refusal.
    h.ExpectErrorPrefix("sendtoaddress", "{\"address\": \"" + addr + "\", \"amount\": 1, \"fee_rate\": 0.5}",
                        RpcErrorCode::WALLET_INSUFFICIENT_FUNDS,
                        "Fee rate (0.500 sat/vB) is lower than the minimum");
    const Json sent = h.Ok("sendtoaddress", "{\"address\": \"" + addr +
                                                "\", \"amount\": 1, \"fee_rate\": 3.5, \"verbose\": true}");
    EXPECT_EQ(Field(sent, "fee_reason"), "PayTxFee set");
    const Json entry = h.Ok("getmempoolentry", "[\"" + Field(sent, "txid") + "\"]");
    const int64_t vsize = Member(entry, "vsize").GetInt64().value_or(0);
    const primitives::Amount fee = Sats(Member(Member(entry, "fees"), "base"));
    EXPECT_GE(fee * 1000, 3500 * vsize);
    EXPECT_LT(fee * 1000, 4500 * vsize);
}

TEST(WalletRpc, MempoolRefusalIsReportedAndAbandoned) {
    storage::test::TestTempDir dir;
    Harness h(dir.path());
    h.Ok("createwallet", "[\"w\"]");
    h.Ok("createwallet", "[\"other\"]");
    h.Mine(101, h.NewAddress("w"));
    const std::string to = h.NewAddress("other");
    // One mature coin: each send spends the previous one's change, so the 26th would have
    // 25 unconfirmed ancestors, one more than the mempool allows (Core's limit of 25 with itself).
    for (int i = 0; i < 25; ++i) h.Ok("sendtoaddress", "[\"" + to + "\", 0.1]", "w");
    EXPECT_EQ(h.Ok("getrawmempool").size(), 25u);
    const primitives::Amount before = Sats(h.Ok("getbalance", "[]", "w"));
    h.ExpectErrorPrefix("sendtoaddress", "[\"" + to + "\", 0.1]", RpcErrorCode::VERIFY_REJECTED,
                        "too-long-mempool-chain, ", "w");
    EXPECT_EQ(h.Ok("getrawmempool").size(), 25u);
    // Abandoned: its input is spendable again, and the history says so.
    EXPECT_EQ(Sats(h.Ok("getbalance", "[]", "w")), before);
    const Json newest = At(h.Ok("listtransactions", "[\"*\", 1]", "w"), 0);
    EXPECT_EQ(Field(newest, "category"), "send");
    EXPECT_EQ(Field(newest, "abandoned"), "true");
    EXPECT_EQ(Field(newest, "trusted"), "false");
    h.ExpectError("abandontransaction", "[\"" + Field(newest, "txid") + "\"]",
                  RpcErrorCode::INVALID_ADDRESS_OR_KEY, "Transaction not eligible for abandonment", "w");
    // In the mempool: not abandonable.
    const std::string pooled = At(h.Ok("getrawmempool"), 0).GetString();
    h.ExpectError("abandontransaction", "[\"" + pooled + "\"]", RpcErrorCode::INVALID_ADDRESS_OR_KEY,
                  "Transaction not eligible for abandonment", "w");
    // Once the chain confirms the 25, the same payment goes through.
    h.Mine(1, h.NewAddress("other"));
    EXPECT_EQ(h.Ok("getrawmempool").size(), 0u);
    // The node saw those 25 wait one block each: enough for its estimator, which now sets the fee.
    const Json again =
        h.Ok("sendtoaddress", "{\"address\": \"" + to + "\", \"amount\": 0.1, \"verbose\": true}", "w");
    EXPECT_EQ(Field(again, "fee_reason"), "Target 85% Threshold");
    EXPECT_EQ(Field(again, "txid").size(), 64u);
    EXPECT_EQ(h.Ok("getbalance", "[\"*\", 1]", "other").GetString(), "2.50000000");
    // listunspent's query_options on those 25 coins.
    EXPECT_EQ(h.Ok("listunspent", "[1, 9999999, [], true, {\"maximumCount\": 3}]", "other").size(), 3u);
    EXPECT_EQ(h.Ok("listunspent", "[1, 9999999, [], true, {\"minimumSumAmount\": 0.25}]", "other").size(),
              3u);
    EXPECT_EQ(h.Ok("listunspent", "[1, 9999999, [], true, {\"minimumAmount\": 0.2}]", "other").size(), 0u);
    EXPECT_EQ(h.Ok("listunspent", "[1, 9999999, [], true, {\"maximumAmount\": 0.1}]", "other").size(), 25u);
}

TEST(WalletRpc, LoadCatchesUpAndResubmitsAfterRestart) {
    storage::test::TestTempDir dir;
    std::string txid;
    std::string words;
    {
        Harness h(dir.path());
        h.Ok("createwallet", "[\"w\"]");
        h.Mine(101, h.NewAddress("w"));
        // No estimates on a new chain: the fallback fee pays.
        const Json sent =
            h.Ok("sendtoaddress", "[\"" + h.NewAddress("w", "bech32m") +
                                      "\", 2, null, null, false, null, null, null, null, null, true]");
        EXPECT_EQ(Field(sent, "fee_reason"), "Fallback fee");
        txid = Field(sent, "txid");
        words = Field(h.Ok("getwalletmnemonic"), "mnemonic");
    }
    // A restart forgets the mempool and the loaded wallets; blocks arrive while it is unloaded.
    Harness h(dir.path());
    EXPECT_EQ(h.Ok("listwallets").Dump(), "[]");
    EXPECT_EQ(h.Ok("getrawmempool").Dump(), "[]");
    h.Ok("createwallet", "[\"miner\"]");
    h.Mine(3, h.NewAddress("miner"));
    EXPECT_EQ(h.Ok("loadwallet", "[\"w\"]").Dump(), "{\"name\":\"w\"}");
    // Caught up with the three blocks, and its unconfirmed send is back in the mempool.
    const Json balances = h.Ok("getbalances", "[]", "w");
    EXPECT_EQ(Field(Member(balances, "lastprocessedblock"), "height"), "104");
    EXPECT_EQ(Field(Member(balances, "lastprocessedblock"), "hash"), h.Ok("getbestblockhash").GetString());
    EXPECT_EQ(h.Ok("getrawmempool").Dump(), "[\"" + txid + "\"]");
    EXPECT_EQ(Field(h.Ok("gettransaction", "[\"" + txid + "\"]", "w"), "trusted"), "true");
    // Coinbases of heights 1..4 are mature at height 104: four coins, one spent by the send
    // (whose outputs both come back to the wallet, less the fee).
    const primitives::Amount fee = -Sats(Member(h.Ok("gettransaction", "[\"" + txid + "\"]", "w"), "fee"));
    EXPECT_EQ(Sats(Member(Member(balances, "mine"), "trusted")), 4 * 50 * primitives::COIN - fee);
    EXPECT_EQ(Field(Member(balances, "mine"), "immature"), "4850.00000000");
    EXPECT_EQ(Field(h.Ok("getwalletmnemonic", "[]", "w"), "mnemonic"), words);
    h.Mine(1, h.NewAddress("miner"));
    EXPECT_EQ(Field(h.Ok("gettransaction", "[\"" + txid + "\"]", "w"), "confirmations"), "1");
}

TEST(WalletRpc, LoadUndoesBlocksThatLeftTheChainWhileUnloaded) {
    storage::test::TestTempDir dir;
    std::string fork_point;
    {
        Harness h(dir.path());
        h.Ok("createwallet", "[\"w\"]");
        h.Mine(102, h.NewAddress("w"));
        fork_point = h.Ok("getblockhash", "[100]").GetString();
        EXPECT_EQ(Field(Member(h.Ok("getbalances"), "mine"), "trusted"), "100.00000000");
    }
    Harness h(dir.path());
    h.Ok("createwallet", "[\"miner\"]");
    // Blocks 100..102 (paying the wallet) leave the chain; a longer branch pays someone else.
    EXPECT_TRUE(h.Ok("invalidateblock", "[\"" + fork_point + "\"]").IsNull());
    EXPECT_EQ(h.Ok("getblockcount").GetString(), "99");
    h.Mine(5, h.NewAddress("miner"));
    h.Ok("loadwallet", "[\"w\"]");
    const Json balances = h.Ok("getbalances", "[]", "w");
    EXPECT_EQ(Field(Member(balances, "lastprocessedblock"), "height"), "104");
    EXPECT_EQ(Field(Member(balances, "lastprocessedblock"), "hash"), h.Ok("getbestblockhash").GetString());
    // Its coinbases at heights 1..99 remain: those at 1..4 are mature at height 104.
    EXPECT_EQ(Field(Member(balances, "mine"), "trusted"), "200.00000000");
    EXPECT_EQ(Field(Member(balances, "mine"), "immature"), "4750.00000000");
    // The coinbases of the stale blocks show as orphans.
    int orphans = 0;
    const Json history = h.Ok("listtransactions", "[\"*\", 1000]", "w");
    for (const Json& row : history.GetArray()) {
        if (Field(row, "category") == "orphan") ++orphans;
    }
    EXPECT_EQ(orphans, 3);
}

}  // namespace
}  // namespace tonari::bitcoin::node
