// JSON value, strict parser and serializer.
#include "util/json.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace tonari::util {
namespace {

bool IsValidNumberText(std::string_view s) {
    size_t i = 0;
    if (i < s.size() && s[i] == '-') ++i;
    if (i >= s.size()) return false;
    if (s[i] == '0') {
        ++i;
    } else if (s[i] >= '1' && s[i] <= '9') {
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    } else {
        return false;
    }
    if (i < s.size() && s[i] == '.') {
        ++i;
        const size_t start = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        if (i == start) return false;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        const size_t start = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        if (i == start) return false;
    }
    return i == s.size();
}

void AppendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
}

class Parser {
public:
    explicit Parser(std::string_view text) : m_s(text) {}

    Result<Json, JsonParseError> ParseDocument() {
        Json v;
        if (!ParseValue(v, 0)) return Fail(JsonParseError{m_error, m_pos});
        SkipWs();
        if (m_pos != m_s.size()) return Fail(JsonParseError{"trailing characters after JSON value", m_pos});
        return v;
    }

private:
    bool Error(const char* msg) {
        m_error = msg;
        return false;
    }

    void SkipWs() {
        while (m_pos < m_s.size() &&
               (m_s[m_pos] == ' ' || m_s[m_pos] == '\t' || m_s[m_pos] == '\n' || m_s[m_pos] == '\r'))
            ++m_pos;
    }

    bool Literal(std::string_view word) {
        if (m_s.substr(m_pos, word.size()) != word) return Error("invalid literal");
        m_pos += word.size();
        return true;
    }

    bool ParseHex4(uint32_t& out) {
        if (m_s.size() - m_pos < 4) return Error("truncated \\u escape");
        out = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = m_s[m_pos++];
            out <<= 4;
            if (c >= '0' && c <= '9') out |= static_cast<uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f') out |= static_cast<uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') out |= static_cast<uint32_t>(c - 'A' + 10);
            else return Error("invalid \\u escape");
        }
        return true;
    }

    bool ParseString(std::string& out) {
        ++m_pos;  // opening quote
        while (true) {
            if (m_pos >= m_s.size()) return Error("unterminated string");
            const char c = m_s[m_pos++];
            if (c == '"') return true;
            if (static_cast<unsigned char>(c) < 0x20) return Error("control character in string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (m_pos >= m_s.size()) return Error("unterminated escape");
            const char e = m_s[m_pos++];
            switch (e) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    uint32_t cp;
                    if (!ParseHex4(cp)) return false;
                    if (cp >= 0xd800 && cp <= 0xdbff) {
                        uint32_t lo;
                        if (m_s.substr(m_pos, 2) != "\\u") return Error("unpaired surrogate");
                        m_pos += 2;
                        if (!ParseHex4(lo)) return false;
                        if (lo < 0xdc00 || lo > 0xdfff) return Error("unpaired surrogate");
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                        return Error("unpaired surrogate");
                    }
                    AppendUtf8(out, cp);
                    break;
                }
                default: return Error("invalid escape");
            }
        }
    }

    bool ParseValue(Json& out, int depth) {
        if (depth > JSON_MAX_DEPTH) return Error("nesting too deep");
        SkipWs();
        if (m_pos >= m_s.size()) return Error("unexpected end of input");
        const char c = m_s[m_pos];
        switch (c) {
            case 'n': out = Json(); return Literal("null");
            case 't': out = Json(true); return Literal("true");
            case 'f': out = Json(false); return Literal("false");
            case '"': {
                std::string s;
                if (!ParseString(s)) return false;
                out = Json(std::move(s));
                return true;
            }
            case '[': {
                ++m_pos;
                out = Json::MakeArray();
                SkipWs();
                if (m_pos < m_s.size() && m_s[m_pos] == ']') {
                    ++m_pos;
                    return true;
                }
                while (true) {
                    Json item;
                    if (!ParseValue(item, depth + 1)) return false;
                    out.PushBack(std::move(item));
                    SkipWs();
                    if (m_pos >= m_s.size()) return Error("unterminated array");
                    if (m_s[m_pos] == ',') { ++m_pos; continue; }
                    if (m_s[m_pos] == ']') { ++m_pos; return true; }
                    return Error("expected ',' or ']'");
                }
            }
            case '{': {
                ++m_pos;
                out = Json::MakeObject();
                SkipWs();
                if (m_pos < m_s.size() && m_s[m_pos] == '}') {
                    ++m_pos;
                    return true;
                }
                // Collected first and deduplicated once: Set per key would be quadratic.
                Json::Object members;
                while (true) {
                    SkipWs();
                    if (m_pos >= m_s.size() || m_s[m_pos] != '"') return Error("expected object key");
                    std::string key;
                    if (!ParseString(key)) return false;
                    SkipWs();
                    if (m_pos >= m_s.size() || m_s[m_pos] != ':') return Error("expected ':'");
                    ++m_pos;
                    Json value;
                    if (!ParseValue(value, depth + 1)) return false;
                    members.emplace_back(std::move(key), std::move(value));
                    SkipWs();
                    if (m_pos >= m_s.size()) return Error("unterminated object");
                    if (m_s[m_pos] == ',') { ++m_pos; continue; }
                    if (m_s[m_pos] == '}') {
                        ++m_pos;
                        out = Json::MakeObject(std::move(members));
                        return true;
                    }
                    return Error("expected ',' or '}'");
                }
            }
            default: {
                const size_t start = m_pos;
                while (m_pos < m_s.size() && (std::isdigit(static_cast<unsigned char>(m_s[m_pos])) ||
                                              m_s[m_pos] == '-' || m_s[m_pos] == '+' || m_s[m_pos] == '.' ||
                                              m_s[m_pos] == 'e' || m_s[m_pos] == 'E'))
                    ++m_pos;
                const std::string_view text = m_s.substr(start, m_pos - start);
                if (!IsValidNumberText(text)) return Error("invalid value");
                out = Json::RawNumber(std::string(text));
                return true;
            }
        }
    }

    std::string_view m_s;
    size_t m_pos = 0;
    std::string m_error;
};

}  // namespace

Json::Json(double v) : m_type(Type::Number) {
    if (!std::isfinite(v)) {
        m_type = Type::Null;
        return;
    }
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof(buf), v);
    m_text.assign(buf, res.ptr);
}

Json Json::RawNumber(std::string text) {
    Json j;
    j.m_type = IsValidNumberText(text) ? Type::Number : Type::Null;
    if (j.m_type == Type::Number) j.m_text = std::move(text);
    return j;
}

std::optional<int64_t> Json::GetInt64() const {
    if (m_type != Type::Number) return std::nullopt;
    int64_t v = 0;
    auto res = std::from_chars(m_text.data(), m_text.data() + m_text.size(), v);
    if (res.ec != std::errc() || res.ptr != m_text.data() + m_text.size()) return std::nullopt;
    return v;
}

std::optional<double> Json::GetDouble() const {
    if (m_type != Type::Number) return std::nullopt;
    double v = 0;
    auto res = std::from_chars(m_text.data(), m_text.data() + m_text.size(), v);
    if (res.ec != std::errc()) return std::nullopt;
    return v;
}

Json& Json::PushBack(Json v) {
    if (m_type != Type::Array) *this = MakeArray();
    m_array.push_back(std::move(v));
    return m_array.back();
}

Json Json::MakeObject(Object members) {
    Json j = MakeObject();
    if (members.size() > 1) {
        std::vector<size_t> order(members.size());
        for (size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::stable_sort(order.begin(), order.end(),
                         [&members](size_t a, size_t b) { return members[a].first < members[b].first; });
        std::vector<bool> drop(members.size(), false);
        for (size_t run = 0; run < order.size();) {
            size_t end = run + 1;
            while (end < order.size() && members[order[end]].first == members[order[run]].first) ++end;
            if (end - run > 1) {
                members[order[run]].second = std::move(members[order[end - 1]].second);
                for (size_t k = run + 1; k < end; ++k) drop[order[k]] = true;
            }
            run = end;
        }
        size_t kept = 0;
        for (size_t i = 0; i < members.size(); ++i) {
            if (!drop[i]) {
                if (kept != i) members[kept] = std::move(members[i]);
                ++kept;
            }
        }
        members.erase(members.begin() + static_cast<std::ptrdiff_t>(kept), members.end());
    }
    j.m_object = std::move(members);
    return j;
}

Json& Json::Set(std::string key, Json v) {
    if (m_type != Type::Object) *this = MakeObject();
    for (Member& m : m_object) {
        if (m.first == key) {
            m.second = std::move(v);
            return m.second;
        }
    }
    m_object.emplace_back(std::move(key), std::move(v));
    return m_object.back().second;
}

const Json* Json::Find(std::string_view key) const {
    if (m_type != Type::Object) return nullptr;
    for (const Member& m : m_object) {
        if (m.first == key) return &m.second;
    }
    return nullptr;
}

void AppendJsonString(std::string& out, std::string_view s) {
    out += '"';
    for (char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

void Json::DumpTo(std::string& out, int indent, int level) const {
    const bool pretty = indent >= 0;
    auto newline = [&](int lvl) {
        if (!pretty) return;
        out += '\n';
        out.append(static_cast<size_t>(indent * lvl), ' ');
    };
    switch (m_type) {
        case Type::Null: out += "null"; break;
        case Type::Bool: out += m_bool ? "true" : "false"; break;
        case Type::Number: out += m_text; break;
        case Type::String: AppendJsonString(out, m_text); break;
        case Type::Array:
            out += '[';
            for (size_t i = 0; i < m_array.size(); ++i) {
                if (i) out += ',';
                newline(level + 1);
                m_array[i].DumpTo(out, indent, level + 1);
            }
            if (!m_array.empty()) newline(level);
            out += ']';
            break;
        case Type::Object:
            out += '{';
            for (size_t i = 0; i < m_object.size(); ++i) {
                if (i) out += ',';
                newline(level + 1);
                AppendJsonString(out, m_object[i].first);
                out += pretty ? ": " : ":";
                m_object[i].second.DumpTo(out, indent, level + 1);
            }
            if (!m_object.empty()) newline(level);
            out += '}';
            break;
    }
}

std::string Json::Dump(int indent) const {
    std::string out;
    DumpTo(out, indent, 0);
    return out;
}

Result<Json, JsonParseError> ParseJson(std::string_view text) { return Parser(text).ParseDocument(); }

}  // namespace tonari::util
