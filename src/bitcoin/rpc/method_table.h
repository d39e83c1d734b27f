// The registry of RPC methods: what each method is called, what it takes, its help text and
// its handler, plus the checks Bitcoin Core's RPCHelpMan makes before a handler runs.
//
// Execute() follows Core (src/rpc/server.cpp, src/rpc/util.cpp):
//   1. unknown method                    -> METHOD_NOT_FOUND "Method not found"
//   2. named params (a JSON object) are mapped onto positions (transformNamedArguments):
//      unknown name -> INVALID_PARAMETER "Unknown named parameter <name>"; the "args" key
//      supplies leading positional values, and a name that is also covered by "args" ->
//      INVALID_PARAMETER "Parameter <name> specified twice both as positional and named
//      argument"; gaps between named values become nulls, trailing gaps are left off.
//   3. too few or too many params         -> MISC_ERROR whose message is the method's help
//      text (Core throws the help, and bitcoin-cli prints it)
//   4. a param of the wrong JSON type      -> TYPE_ERROR "Wrong type passed:\n{...}" listing
//      "Position <n> (<name>)": "JSON value of type <t> is not of expected type <e>" for
//      every mismatch; a required param given as null is a mismatch, an optional one is not.
//   5. the handler; an exception escaping it becomes MISC_ERROR with its what() text.
//
// Thread-safety: Register() is for start-up only. Once registration is done the table is
// immutable and every const member may be called from any number of threads at once, as
// long as the handlers themselves are thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bitcoin/rpc/errors.h"
#include "util/json.h"
#include "util/result.h"

namespace tonari::bitcoin::rpc {

// How a parameter is type-checked and described. AMOUNT (number or string, see amount.h),
// RANGE (number or [begin,end]) and ANY are not checked before the handler; the handler
// parses them. HEX is a string as far as the check goes.
enum class ParamType { STRING, HEX, NUMBER, AMOUNT, BOOL, OBJECT, ARRAY, RANGE, ANY };

struct ParamSpec {
    std::string name{};
    ParamType type = ParamType::STRING;
    bool required = true;
    // Used by Request::Arg when the param is absent or null, and shown as "default=<json>".
    std::optional<util::Json> default_value{};
    // Shown as "default=<hint>" when the default is computed at run time ("all commands").
    std::string default_hint{};
    std::string help{};
    // Overrides the one-line usage form (e.g. [{"txid":"hex","vout":n},...]); by default a
    // string param is "name" in quotes and any other just its name.
    std::string oneline{};
    // Overrides the type word in help ("string", "numeric", "json object"...).
    std::string type_text{};

    bool IsOptional() const { return !required || default_value || !default_hint.empty(); }
};

class MethodTable;
class Request;

using Handler = std::function<util::Result<util::Json, RpcError>(const Request&)>;

struct Method {
    std::string name{};
    std::string category{};  // "Blockchain", "Control", ...; "hidden" is left out of `help`
    std::string description{};
    std::vector<ParamSpec> params{};
    std::string result_help{};  // the text under "Result:", e.g. "n    (numeric) The count"
    std::string examples{};     // the text under "Examples:", may be empty
    Handler handler{};
};

// Who is calling, from the transport: the multiwallet endpoint and the authenticated user.
struct CallContext {
    std::optional<std::string> wallet_name;  // set for /wallet/<name> (possibly empty)
    std::string auth_user;
};

// One call, its params already matched to the method's positions and type-checked.
class Request {
public:
    Request(const MethodTable& table, const Method& method, util::Json::Array params,
            const CallContext& context)
        : m_table(table), m_method(method), m_params(std::move(params)), m_context(context) {}

    const std::string& method_name() const { return m_method.name; }
    const Method& method() const { return m_method; }
    const MethodTable& table() const { return m_table; }
    const std::optional<std::string>& wallet_name() const { return m_context.wallet_name; }
    const std::string& auth_user() const { return m_context.auth_user; }

    // Positional access: params given by the client, nulls where they left a gap.
    size_t size() const { return m_params.size(); }
    const util::Json& operator[](size_t i) const;
    const util::Json::Array& params() const { return m_params; }

    // By declared name: the given value, else the spec's default_value, else null. Asking for a
    // name the method does not declare is a programming error (asserts).
    const util::Json& Arg(std::string_view name) const;
    // True when the client gave a non-null value for the named param.
    bool Has(std::string_view name) const;

private:
    size_t IndexOf(std::string_view name) const;

    const MethodTable& m_table;
    const Method& m_method;
    util::Json::Array m_params;
    const CallContext& m_context;
};

class MethodTable {
public:
    // The table starts with Core's `help` method registered (category "Control").
    MethodTable();
    MethodTable(const MethodTable&) = delete;
    MethodTable& operator=(const MethodTable&) = delete;

    // Fails on an empty or duplicate name, a missing handler or duplicate param names.
    util::Result<void, std::string> Register(Method method);

    const Method* Find(std::string_view name) const;
    std::vector<std::string> Names() const;  // sorted

    // Runs the checks listed at the top of this file, then the handler. `params` is the
    // request's "params": an array, an object (named) or null (none). Never throws.
    util::Result<util::Json, RpcError> Execute(std::string_view method, const util::Json& params,
                                               const CallContext& context) const;

    // Core's `help` output: with an empty command, one usage line per method grouped under
    // "== Category ==" headings (categories and names sorted); otherwise that method's full
    // help, or "help: unknown command: <command>".
    std::string Help(std::string_view command) const;

private:
    std::map<std::string, Method, std::less<>> m_methods;
};

// Named params mapped onto positions as Core's transformNamedArguments does (see the top of
// this file). Exposed for tests.
util::Result<util::Json::Array, RpcError> NamedToPositional(const Method& method,
                                                            const util::Json::Object& named);

// One method's full help text: usage line, description, Arguments, Result, Examples.
std::string MethodHelp(const Method& method);

// Core's uvTypeName: "null", "bool", "number", "string", "array", "object".
std::string_view JsonTypeName(util::Json::Type type);

}  // namespace tonari::bitcoin::rpc
