// Help text in the layout of Bitcoin Core's RPCHelpMan::ToString and CRPCTable::help, so
// `tonari cli help` reads like `bitcoin-cli help`.
#include <algorithm>
#include <cctype>
#include <tuple>
#include <utility>
#include <vector>

#include "bitcoin/rpc/method_table.h"

namespace tonari::bitcoin::rpc {
namespace {

std::string Lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view Trim(std::string_view s) {
    constexpr std::string_view SPACE = " \f\n\r\t\v";
    const size_t begin = s.find_first_not_of(SPACE);
    if (begin == std::string_view::npos) return {};
    return s.substr(begin, s.find_last_not_of(SPACE) - begin + 1);
}

std::string_view TypeWord(const ParamSpec& p) {
    if (!p.type_text.empty()) return p.type_text;
    switch (p.type) {
        case ParamType::STRING:
        case ParamType::HEX: return "string";
        case ParamType::NUMBER: return "numeric";
        case ParamType::AMOUNT: return "numeric or string";
        case ParamType::RANGE: return "numeric or array";
        case ParamType::BOOL: return "boolean";
        case ParamType::OBJECT: return "json object";
        case ParamType::ARRAY: return "json array";
        case ParamType::ANY: return "any";
    }
    return "any";
}

std::string OneLine(const ParamSpec& p) {
    if (!p.oneline.empty()) return p.oneline;
    if (p.type == ParamType::STRING || p.type == ParamType::HEX) return "\"" + p.name + "\"";
    return p.name;
}

std::string Describe(const ParamSpec& p) {
    std::string out = "(";
    out += TypeWord(p);
    if (p.default_value) {
        out += ", optional, default=" + p.default_value->Dump();
    } else if (!p.default_hint.empty()) {
        out += ", optional, default=" + p.default_hint;
    } else {
        out += p.required ? ", required" : ", optional";
    }
    out += ")";
    if (!p.help.empty()) out += " " + p.help;
    return out;
}

// Two columns: the left padded to the widest left plus four, and continuation lines of the
// right column indented to match (their own leading spaces dropped), as Core's Sections.
std::string TwoColumns(const std::vector<std::pair<std::string, std::string>>& rows) {
    size_t widest = 0;
    for (const auto& row : rows) widest = std::max(widest, row.first.size());
    const size_t pad = widest + 4;
    std::string out;
    for (const auto& [left, right] : rows) {
        if (right.empty()) {
            out += left + "\n";
            continue;
        }
        out += left;
        out.append(pad - left.size(), ' ');
        size_t begin = 0;
        while (true) {
            const size_t newline = right.find('\n', begin);
            out += right.substr(begin, newline == std::string::npos ? std::string::npos : newline - begin);
            if (newline == std::string::npos) break;
            out += "\n" + std::string(pad, ' ');
            begin = right.find_first_not_of(' ', newline + 1);
            if (begin == std::string::npos) break;
        }
        out += "\n";
    }
    return out;
}

void AppendSection(std::string& out, std::string_view title, std::string_view text) {
    if (text.empty()) return;
    out += "\n";
    out += title;
    out += ":\n";
    out += text;
    if (text.back() != '\n') out += "\n";
}

}  // namespace

std::string MethodHelp(const Method& method) {
    std::string out = method.name;
    bool in_optional = false;
    for (const ParamSpec& p : method.params) {
        out += " ";
        if (p.IsOptional()) {
            if (!in_optional) out += "( ";
            in_optional = true;
        } else {
            if (in_optional) out += ") ";
            in_optional = false;
        }
        out += OneLine(p);
    }
    if (in_optional) out += " )";

    out += "\n\n";
    out += Trim(method.description);
    out += "\n";

    std::vector<std::pair<std::string, std::string>> rows;
    for (size_t i = 0; i < method.params.size(); ++i) {
        rows.emplace_back(std::to_string(i + 1) + ". " + method.params[i].name, Describe(method.params[i]));
    }
    if (!rows.empty()) out += "\nArguments:\n" + TwoColumns(rows);

    AppendSection(out, "Result", method.result_help);
    AppendSection(out, "Examples", method.examples);
    return out;
}

std::string MethodTable::Help(std::string_view command) const {
    std::vector<std::tuple<std::string, std::string_view, const Method*>> sorted;
    for (const auto& [name, method] : m_methods) sorted.emplace_back(Lower(method.category), name, &method);
    std::sort(sorted.begin(), sorted.end());

    std::string out;
    std::string current_category;
    for (const auto& [category, name, method] : sorted) {
        if (command.empty() ? category == "hidden" : name != command) continue;
        std::string text = MethodHelp(*method);
        if (command.empty()) {
            text.resize(text.find('\n'));
            if (category != current_category) {
                if (!current_category.empty()) out += "\n";
                current_category = category;
                std::string heading = method->category;
                if (!heading.empty()) {
                    heading[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(heading[0])));
                }
                out += "== " + heading + " ==\n";
            }
        }
        out += text + "\n";
    }
    if (out.empty()) out = "help: unknown command: " + std::string(command) + "\n";
    out.pop_back();
    return out;
}

}  // namespace tonari::bitcoin::rpc
