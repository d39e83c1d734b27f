// Method registry, named-parameter mapping, pre-handler checks and dispatch.
#include "bitcoin/rpc/method_table.h"

#include <cassert>
#include <exception>
#include <set>
#include <utility>

namespace tonari::bitcoin::rpc {
namespace {

const util::Json& NullJson() {
    static const util::Json null_value;
    return null_value;
}

// The JSON type a param must have, or nullopt when the handler checks it itself.
std::optional<util::Json::Type> ExpectedType(ParamType type) {
    switch (type) {
        case ParamType::STRING:
        case ParamType::HEX: return util::Json::Type::String;
        case ParamType::NUMBER: return util::Json::Type::Number;
        case ParamType::BOOL: return util::Json::Type::Bool;
        case ParamType::OBJECT: return util::Json::Type::Object;
        case ParamType::ARRAY: return util::Json::Type::Array;
        case ParamType::AMOUNT:
        case ParamType::RANGE:
        case ParamType::ANY: return std::nullopt;
    }
    return std::nullopt;
}

// Core's IsValidNumArgs: at least up to the last required param, at most every param.
bool IsValidParamCount(const Method& method, size_t count) {
    size_t required = 0;
    for (size_t n = method.params.size(); n > 0; --n) {
        if (!method.params[n - 1].IsOptional()) {
            required = n;
            break;
        }
    }
    return required <= count && count <= method.params.size();
}

std::optional<RpcError> CheckTypes(const Method& method, const util::Json::Array& params) {
    util::Json mismatches = util::Json::MakeObject();
    for (size_t i = 0; i < method.params.size(); ++i) {
        const ParamSpec& spec = method.params[i];
        const util::Json& value = i < params.size() ? params[i] : NullJson();
        if (spec.IsOptional() && value.IsNull()) continue;
        const auto expected = ExpectedType(spec.type);
        if (!expected || *expected == value.type()) continue;
        std::string what = "JSON value of type ";
        what += JsonTypeName(value.type());
        what += " is not of expected type ";
        what += JsonTypeName(*expected);
        mismatches.Set("Position " + std::to_string(i + 1) + " (" + spec.name + ")", std::move(what));
    }
    if (mismatches.size() == 0) return std::nullopt;
    return RpcError{RpcErrorCode::TYPE_ERROR, "Wrong type passed:\n" + mismatches.Dump(4)};
}

util::Result<util::Json, RpcError> HelpHandler(const Request& request) {
    const util::Json& command = request.Arg("command");
    return util::Json(request.table().Help(command.IsString() ? command.GetString() : ""));
}

}  // namespace

std::string_view JsonTypeName(util::Json::Type type) {
    switch (type) {
        case util::Json::Type::Null: return "null";
        case util::Json::Type::Bool: return "bool";
        case util::Json::Type::Number: return "number";
        case util::Json::Type::String: return "string";
        case util::Json::Type::Array: return "array";
        case util::Json::Type::Object: return "object";
    }
    return "null";
}

const util::Json& Request::operator[](size_t i) const {
    return i < m_params.size() ? m_params[i] : NullJson();
}

size_t Request::IndexOf(std::string_view name) const {
    for (size_t i = 0; i < m_method.params.size(); ++i) {
        if (m_method.params[i].name == name) return i;
    }
    assert(false && "Request::Arg: the method declares no parameter of that name");
    return m_method.params.size();
}

const util::Json& Request::Arg(std::string_view name) const {
    const size_t i = IndexOf(name);
    if (i >= m_method.params.size()) return NullJson();
    const util::Json& given = (*this)[i];
    if (!given.IsNull()) return given;
    const auto& fallback = m_method.params[i].default_value;
    return fallback ? *fallback : NullJson();
}

bool Request::Has(std::string_view name) const {
    const size_t i = IndexOf(name);
    return i < m_method.params.size() && !(*this)[i].IsNull();
}

MethodTable::MethodTable() {
    Method help;
    help.name = "help";
    help.category = "Control";
    help.description = "List all commands, or get help for a specified command.";
    help.params = {ParamSpec{.name = "command",
                             .type = ParamType::STRING,
                             .required = false,
                             .default_hint = "all commands",
                             .help = "The command to get help on"}};
    help.result_help = "\"str\"    (string) The help text";
    help.handler = HelpHandler;
    [[maybe_unused]] const auto registered = Register(std::move(help));
    assert(registered);
}

util::Result<void, std::string> MethodTable::Register(Method method) {
    if (method.name.empty()) return util::Fail(std::string("method name is empty"));
    if (!method.handler) return util::Fail("method " + method.name + " has no handler");
    if (m_methods.contains(method.name)) {
        return util::Fail("method " + method.name + " is already registered");
    }
    std::set<std::string_view> names;
    for (const ParamSpec& p : method.params) {
        if (p.name.empty() || !names.insert(p.name).second) {
            return util::Fail("method " + method.name + " has an empty or repeated param name");
        }
    }
    std::string key = method.name;
    m_methods.emplace(std::move(key), std::move(method));
    return {};
}

const Method* MethodTable::Find(std::string_view name) const {
    const auto it = m_methods.find(name);
    return it == m_methods.end() ? nullptr : &it->second;
}

std::vector<std::string> MethodTable::Names() const {
    std::vector<std::string> out;
    out.reserve(m_methods.size());
    for (const auto& [name, method] : m_methods) out.push_back(name);
    return out;
}

util::Result<util::Json::Array, RpcError> NamedToPositional(const Method& method,
                                                            const util::Json::Object& named) {
    // Request order decides which unknown name is reported first (Core's order is that of an
    // unordered_map, i.e. unspecified). Duplicate keys were already merged by the JSON parser,
    // so Core's "specified multiple times" error cannot arise here.
    std::vector<bool> used(named.size(), false);
    auto take = [&](std::string_view key) -> const util::Json* {
        for (size_t i = 0; i < named.size(); ++i) {
            if (!used[i] && named[i].first == key) {
                used[i] = true;
                return &named[i].second;
            }
        }
        return nullptr;
    };

    util::Json::Array out;
    size_t hole = 0;          // unnamed params since the last named one
    size_t initial_hole = 0;  // unnamed params before the first named one
    const std::string* first_named = nullptr;
    for (const ParamSpec& spec : method.params) {
        const util::Json* value = take(spec.name);
        if (!value) {
            ++hole;
            if (out.empty()) initial_hole = hole;
            continue;
        }
        out.insert(out.end(), hole, util::Json());
        hole = 0;
        if (!first_named) first_named = &spec.name;
        out.push_back(*value);
    }

    // "args" gives leading positional values; the named ones fill in after them. A non-array
    // "args" is dropped, as in Core.
    if (const util::Json* args = take("args"); args && args->IsArray()) {
        if (first_named && initial_hole < args->size()) {
            return util::Fail(RpcError{RpcErrorCode::INVALID_PARAMETER,
                                       "Parameter " + *first_named +
                                           " specified twice both as positional and named argument"});
        }
        util::Json::Array by_name = std::move(out);
        out = args->GetArray();
        for (size_t i = out.size(); i < by_name.size(); ++i) out.push_back(std::move(by_name[i]));
    }

    for (size_t i = 0; i < named.size(); ++i) {
        if (!used[i]) {
            return util::Fail(
                RpcError{RpcErrorCode::INVALID_PARAMETER, "Unknown named parameter " + named[i].first});
        }
    }
    return out;
}

util::Result<util::Json, RpcError> MethodTable::Execute(std::string_view method_name,
                                                        const util::Json& params,
                                                        const CallContext& context) const {
    try {
        const Method* method = Find(method_name);
        if (!method) return util::Fail(RpcError{RpcErrorCode::METHOD_NOT_FOUND, "Method not found"});

        util::Json::Array positional;
        if (params.IsObject()) {
            auto mapped = NamedToPositional(*method, params.GetObject());
            if (!mapped) return util::Fail(mapped.error());
            positional = std::move(*mapped);
        } else if (params.IsArray()) {
            positional = params.GetArray();
        } else if (!params.IsNull()) {
            return util::Fail(
                RpcError{RpcErrorCode::INVALID_REQUEST, "Params must be an array or object"});
        }

        if (!IsValidParamCount(*method, positional.size())) {
            return util::Fail(RpcError{RpcErrorCode::MISC_ERROR, MethodHelp(*method)});
        }
        if (auto type_error = CheckTypes(*method, positional)) return util::Fail(std::move(*type_error));

        const Request request(*this, *method, std::move(positional), context);
        return method->handler(request);
    } catch (const std::exception& e) {
        return util::Fail(RpcError{RpcErrorCode::MISC_ERROR, e.what()});
    } catch (...) {
        return util::Fail(RpcError{RpcErrorCode::INTERNAL_ERROR, "Internal error: unknown exception"});
    }
}

}  // namespace tonari::bitcoin::rpc
