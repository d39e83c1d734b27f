// Tests for the method table: registration, Core's named-parameter mapping (the cases of
// Core's rpc_named_arguments.py), argument count and type checks with Core's messages,
// contained exceptions, and help output.
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "bitcoin/rpc/method_table.h"

namespace tonari::bitcoin::rpc {
namespace {

using util::Json;

Json ParseOrDie(std::string_view text) {
    auto r = util::ParseJson(text);
    EXPECT_TRUE(r) << text;
    return r ? *r : Json();
}

util::Result<Json, RpcError> Echo(const Request& request) {
    Json out = Json::MakeArray();
    for (const Json& v : request.params()) out.PushBack(v);
    return out;
}

class MethodTableTest : public ::testing::Test {
protected:
    void SetUp() override {
        Method echo{.name = "echo", .category = "Hidden", .description = "Echo the params."};
        for (int i = 0; i < 10; ++i) {
            echo.params.push_back(ParamSpec{.name = "arg" + std::to_string(i), .type = ParamType::ANY, .required = false});
        }
        echo.handler = Echo;
        ASSERT_TRUE(table.Register(std::move(echo)));

        ASSERT_TRUE(table.Register(Method{
            .name = "getblockhash",
            .category = "Blockchain",
            .description = "\nReturns hash of block in best-block-chain at height provided.\n",
            .params = {ParamSpec{.name = "height", .type = ParamType::NUMBER, .help = "The height index"}},
            .result_help = "\"hex\"    (string) The block hash",
            .examples = "> tonari cli getblockhash 1000\n",
            .handler = [](const Request& r) -> util::Result<Json, RpcError> {
                if (r[0].GetInt64() != 0) return util::Fail(RpcError{RpcErrorCode::INVALID_PARAMETER, "Block height out of range"});
                return Json("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206");
            }}));

        ASSERT_TRUE(table.Register(Method{
            .name = "getblock",
            .category = "Blockchain",
            .description = "Returns a block.\nWith verbosity 0, hex.",
            .params = {ParamSpec{.name = "blockhash", .type = ParamType::HEX, .help = "The block hash"},
                       ParamSpec{.name = "verbosity", .type = ParamType::NUMBER, .default_value = Json(1),
                                 .help = "0 for hex-encoded data,\n     1 for a JSON object"}},
            .result_help = "\"hex\"    (string) A string that is serialized, hex-encoded data for block 'hash'",
            .handler = [](const Request& r) -> util::Result<Json, RpcError> {
                Json out = Json::MakeObject();
                out.Set("hash", r.Arg("blockhash"));
                out.Set("verbosity", r.Arg("verbosity"));
                out.Set("explicit", r.Has("verbosity"));
                return out;
            }}));

        ASSERT_TRUE(table.Register(Method{
            .name = "getblockcount",
            .category = "Blockchain",
            .description = "Returns the height of the most-work fully-validated chain.",
            .result_help = "n    (numeric) The current block count",
            .handler = [](const Request&) -> util::Result<Json, RpcError> { return Json(0); }}));

        ASSERT_TRUE(table.Register(Method{
            .name = "typed",
            .category = "util",
            .description = "Takes one of everything.",
            .params = {ParamSpec{.name = "s", .type = ParamType::STRING},
                       ParamSpec{.name = "b", .type = ParamType::BOOL},
                       ParamSpec{.name = "o", .type = ParamType::OBJECT},
                       ParamSpec{.name = "a", .type = ParamType::ARRAY},
                       ParamSpec{.name = "amount", .type = ParamType::AMOUNT},
                       ParamSpec{.name = "opt", .type = ParamType::NUMBER, .required = false}},
            .handler = [](const Request&) -> util::Result<Json, RpcError> { return Json(true); }}));

        ASSERT_TRUE(table.Register(Method{
            .name = "throws",
            .category = "Util",
            .handler = [](const Request&) -> util::Result<Json, RpcError> { throw std::runtime_error("boom"); }}));
        ASSERT_TRUE(table.Register(Method{
            .name = "throwsint",
            .category = "Util",
            .handler = [](const Request&) -> util::Result<Json, RpcError> { throw 42; }}));
    }

    util::Result<Json, RpcError> Call(std::string_view method, std::string_view params_json) {
        return table.Execute(method, ParseOrDie(params_json), context);
    }
    Json CallOk(std::string_view method, std::string_view params_json) {
        auto r = Call(method, params_json);
        EXPECT_TRUE(r) << method << " " << params_json << ": " << (r ? "" : r.error().message);
        return r ? *r : Json();
    }
    RpcError CallErr(std::string_view method, std::string_view params_json) {
        auto r = Call(method, params_json);
        EXPECT_FALSE(r) << method << " " << params_json << " -> " << (r ? r->Dump() : "");
        return r ? RpcError{} : r.error();
    }

    MethodTable table;
    CallContext context;
};

TEST_F(MethodTableTest, RegisterRefusesBadMethods) {
    auto ok = [](const Request&) -> util::Result<Json, RpcError> { return Json(); };
    EXPECT_FALSE(table.Register(Method{.name = "echo", .handler = ok}));  // duplicate
    EXPECT_FALSE(table.Register(Method{.name = "help", .handler = ok}));  // built in
    EXPECT_FALSE(table.Register(Method{.name = "", .handler = ok}));
    EXPECT_FALSE(table.Register(Method{.name = "nohandler"}));
    EXPECT_FALSE(table.Register(Method{.name = "dupparams",
                                       .params = {ParamSpec{.name = "x"}, ParamSpec{.name = "x"}},
                                       .handler = ok}));
    EXPECT_TRUE(table.Register(Method{.name = "fine", .handler = ok}));
    EXPECT_NE(table.Find("fine"), nullptr);
    EXPECT_EQ(table.Find("nope"), nullptr);
    const auto names = table.Names();
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
}

TEST_F(MethodTableTest, DispatchesPositionalParams) {
    EXPECT_EQ(CallOk("getblockhash", "[0]").GetString(),
              "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206");
    EXPECT_EQ(CallOk("getblockcount", "null"), Json(0));
    EXPECT_EQ(CallOk("getblockcount", "[]"), Json(0));
    EXPECT_EQ(CallErr("getblockhash", "[42]"),
              (RpcError{RpcErrorCode::INVALID_PARAMETER, "Block height out of range"}));
}

TEST_F(MethodTableTest, UnknownMethodIsMethodNotFound) {
    EXPECT_EQ(CallErr("invalidmethod", "[]"), (RpcError{RpcErrorCode::METHOD_NOT_FOUND, "Method not found"}));
    EXPECT_EQ(CallErr("GETBLOCKCOUNT", "[]").code, RpcErrorCode::METHOD_NOT_FOUND);  // names are exact
    EXPECT_EQ(CallErr("", "[]").code, RpcErrorCode::METHOD_NOT_FOUND);
}

TEST_F(MethodTableTest, NamedParamsMapLikeCore) {
    // The expectations of Core's test/functional/rpc_named_arguments.py.
    EXPECT_EQ(CallOk("echo", "{}").Dump(), "[]");
    EXPECT_EQ(CallOk("echo", R"({"arg0":0,"arg9":9})").Dump(), "[0,null,null,null,null,null,null,null,null,9]");
    EXPECT_EQ(CallOk("echo", R"({"arg1":1})").Dump(), "[null,1]");
    EXPECT_EQ(CallOk("echo", R"({"arg9":null})").Dump(), "[null,null,null,null,null,null,null,null,null,null]");
    EXPECT_EQ(CallOk("echo", R"({"arg0":0,"arg3":3,"arg9":9})").Dump(), "[0,null,null,3,null,null,null,null,null,9]");
    EXPECT_EQ(CallOk("echo", R"({"args":[0,1],"arg3":3,"arg5":5})").Dump(), "[0,1,null,3,null,5]");
    EXPECT_EQ(CallErr("echo", R"({"args":[0,1],"arg1":1})"),
              (RpcError{RpcErrorCode::INVALID_PARAMETER,
                        "Parameter arg1 specified twice both as positional and named argument"}));
    EXPECT_EQ(CallErr("echo", R"({"args":[0,null,2],"arg1":1})").message,
              "Parameter arg1 specified twice both as positional and named argument");
    // Named order does not matter; "args" alone is plain positional.
    EXPECT_EQ(CallOk("echo", R"({"arg2":2,"arg0":0})").Dump(), "[0,null,2]");
    EXPECT_EQ(CallOk("echo", R"({"args":[1,2,3]})").Dump(), "[1,2,3]");
    // A non-array "args" is dropped, as in Core.
    EXPECT_EQ(CallOk("echo", R"({"args":"x","arg0":0})").Dump(), "[0]");
    EXPECT_EQ(CallOk("getblock", R"({"blockhash":"00ff"})").Dump(),
              R"({"hash":"00ff","verbosity":1,"explicit":false})");
    EXPECT_EQ(CallOk("getblock", R"({"verbosity":2,"blockhash":"00ff"})").Dump(),
              R"({"hash":"00ff","verbosity":2,"explicit":true})");
}

TEST_F(MethodTableTest, UnknownNamedParamIsInvalidParameter) {
    EXPECT_EQ(CallErr("help", R"({"random":"getblockchaininfo"})"),
              (RpcError{RpcErrorCode::INVALID_PARAMETER, "Unknown named parameter random"}));
    EXPECT_EQ(CallErr("getblock", R"({"blockhash":"00","verbose":1})").message, "Unknown named parameter verbose");
    EXPECT_EQ(CallErr("getblockcount", R"({"x":1})").message, "Unknown named parameter x");
    // Names are case-sensitive.
    EXPECT_EQ(CallErr("getblockhash", R"({"Height":0})").message, "Unknown named parameter Height");
}

TEST_F(MethodTableTest, WrongParamCountAnswersWithHelpAsMiscError) {
    const std::string help = MethodHelp(*table.Find("getblockhash"));
    EXPECT_EQ(CallErr("getblockhash", "[]"), (RpcError{RpcErrorCode::MISC_ERROR, help}));
    EXPECT_EQ(CallErr("getblockhash", "[0,1]"), (RpcError{RpcErrorCode::MISC_ERROR, help}));
    EXPECT_EQ(CallErr("getblockcount", "[1]").code, RpcErrorCode::MISC_ERROR);
    EXPECT_EQ(CallErr("echo", "[0,1,2,3,4,5,6,7,8,9,10]").code, RpcErrorCode::MISC_ERROR);
    EXPECT_EQ(CallErr("getblockhash", "{}").code, RpcErrorCode::MISC_ERROR);  // named, but none given
    // Trailing optional params may be left off.
    EXPECT_TRUE(Call("getblock", R"(["00"])"));
}

TEST_F(MethodTableTest, WrongTypesUseCoresMessage) {
    EXPECT_EQ(CallErr("getblockhash", R"(["0"])"),
              (RpcError{RpcErrorCode::TYPE_ERROR,
                        "Wrong type passed:\n{\n    \"Position 1 (height)\": \"JSON value of type string is not of "
                        "expected type number\"\n}"}));
    // Every mismatch is listed, in position order.
    EXPECT_EQ(CallErr("typed", R"([1, "x", [], {}, true, "7"])").message,
              "Wrong type passed:\n{\n"
              "    \"Position 1 (s)\": \"JSON value of type number is not of expected type string\",\n"
              "    \"Position 2 (b)\": \"JSON value of type string is not of expected type bool\",\n"
              "    \"Position 3 (o)\": \"JSON value of type array is not of expected type object\",\n"
              "    \"Position 4 (a)\": \"JSON value of type object is not of expected type array\",\n"
              "    \"Position 6 (opt)\": \"JSON value of type string is not of expected type number\"\n}");
    // AMOUNT is the handler's to check; optional null passes; required null does not.
    EXPECT_TRUE(Call("typed", R"(["x", true, {}, [], {"not":"checked"}, null])"));
    EXPECT_EQ(CallErr("getblock", R"({"verbosity":2})").message,
              "Wrong type passed:\n{\n    \"Position 1 (blockhash)\": \"JSON value of type null is not of expected "
              "type string\"\n}");
    EXPECT_EQ(CallErr("getblockhash", "[null]").code, RpcErrorCode::TYPE_ERROR);
    EXPECT_EQ(CallErr("getblockhash", "[true]").message,
              "Wrong type passed:\n{\n    \"Position 1 (height)\": \"JSON value of type bool is not of expected type "
              "number\"\n}");
}

TEST_F(MethodTableTest, NonContainerParamsAreInvalidRequest) {
    EXPECT_EQ(CallErr("getblockcount", "5").code, RpcErrorCode::INVALID_REQUEST);
    EXPECT_EQ(CallErr("getblockcount", R"("x")").message, "Params must be an array or object");
}

TEST_F(MethodTableTest, ExceptionsAreContained) {
    EXPECT_EQ(CallErr("throws", "[]"), (RpcError{RpcErrorCode::MISC_ERROR, "boom"}));
    EXPECT_EQ(CallErr("throwsint", "[]").code, RpcErrorCode::INTERNAL_ERROR);
}

TEST_F(MethodTableTest, RequestCarriesContext) {
    ASSERT_TRUE(table.Register(Method{
        .name = "whoami",
        .handler = [](const Request& r) -> util::Result<Json, RpcError> {
            Json out = Json::MakeObject();
            out.Set("wallet", r.wallet_name() ? Json(*r.wallet_name()) : Json());
            out.Set("user", r.auth_user());
            out.Set("method", r.method_name());
            return out;
        }}));
    context.wallet_name = "w1";
    context.auth_user = "alice";
    EXPECT_EQ(CallOk("whoami", "[]").Dump(), R"({"wallet":"w1","user":"alice","method":"whoami"})");
}

TEST_F(MethodTableTest, MethodHelpHasCoresLayout) {
    EXPECT_EQ(MethodHelp(*table.Find("getblock")),
              "getblock \"blockhash\" ( verbosity )\n"
              "\n"
              "Returns a block.\nWith verbosity 0, hex.\n"
              "\n"
              "Arguments:\n"
              "1. blockhash    (string, required) The block hash\n"
              "2. verbosity    (numeric, optional, default=1) 0 for hex-encoded data,\n"
              "                1 for a JSON object\n"
              "\n"
              "Result:\n"
              "\"hex\"    (string) A string that is serialized, hex-encoded data for block 'hash'\n");
    EXPECT_EQ(MethodHelp(*table.Find("getblockhash")),
              "getblockhash height\n\nReturns hash of block in best-block-chain at height provided.\n\n"
              "Arguments:\n1. height    (numeric, required) The height index\n\n"
              "Result:\n\"hex\"    (string) The block hash\n\n"
              "Examples:\n> tonari cli getblockhash 1000\n");
    EXPECT_EQ(MethodHelp(*table.Find("help")),
              "help ( \"command\" )\n\nList all commands, or get help for a specified command.\n\n"
              "Arguments:\n1. command    (string, optional, default=all commands) The command to get help on\n\n"
              "Result:\n\"str\"    (string) The help text\n");
    // A required param after optional ones closes the bracket.
    Method mixed{.name = "mixed",
                 .params = {ParamSpec{.name = "a", .required = false}, ParamSpec{.name = "b", .type = ParamType::BOOL},
                            ParamSpec{.name = "c", .type = ParamType::ARRAY, .required = false, .oneline = "[\"addr\",...]"}}};
    EXPECT_EQ(MethodHelp(mixed).substr(0, MethodHelp(mixed).find('\n')), "mixed ( \"a\" ) b ( [\"addr\",...] )");
}

TEST_F(MethodTableTest, HelpListsMethodsByCategory) {
    // "Hidden" (echo) is left out; categories sort case-insensitively and are capitalised.
    EXPECT_EQ(table.Help(""),
              "== Blockchain ==\n"
              "getblock \"blockhash\" ( verbosity )\n"
              "getblockcount\n"
              "getblockhash height\n"
              "\n"
              "== Control ==\n"
              "help ( \"command\" )\n"
              "\n"
              "== Util ==\n"
              "throws\n"
              "throwsint\n"
              "typed \"s\" b o a amount ( opt )");
    EXPECT_EQ(table.Help("getblockhash"), MethodHelp(*table.Find("getblockhash")));
    EXPECT_EQ(table.Help("echo"), MethodHelp(*table.Find("echo")));  // hidden, but asked for by name
    EXPECT_EQ(table.Help("nosuch"), "help: unknown command: nosuch");
}

TEST_F(MethodTableTest, HelpMethodGoesThroughTheTable) {
    EXPECT_EQ(CallOk("help", "[]").GetString(), table.Help(""));
    EXPECT_EQ(CallOk("help", R"(["getblock"])").GetString(), MethodHelp(*table.Find("getblock")));
    EXPECT_EQ(CallOk("help", R"({"command":"getblock"})").GetString(), MethodHelp(*table.Find("getblock")));
    EXPECT_EQ(CallOk("help", R"(["nosuch"])").GetString(), "help: unknown command: nosuch");
    EXPECT_EQ(CallErr("help", "[5]").code, RpcErrorCode::TYPE_ERROR);
    EXPECT_EQ(CallErr("help", R"(["a","b"])").code, RpcErrorCode::MISC_ERROR);
}

TEST(JsonTypeName, MatchesUniValueNames) {
    EXPECT_EQ(JsonTypeName(Json::Type::Null), "null");
    EXPECT_EQ(JsonTypeName(Json::Type::Bool), "bool");
    EXPECT_EQ(JsonTypeName(Json::Type::Number), "number");
    EXPECT_EQ(JsonTypeName(Json::Type::String), "string");
    EXPECT_EQ(JsonTypeName(Json::Type::Array), "array");
    EXPECT_EQ(JsonTypeName(Json::Type::Object), "object");
}

TEST(NamedToPositional, EmptyObjectGivesNoParams) {
    const Method m{.name = "m", .params = {ParamSpec{.name = "a"}}};
    auto r = NamedToPositional(m, {});
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->empty());
}

}  // namespace
}  // namespace tonari::bitcoin::rpc
