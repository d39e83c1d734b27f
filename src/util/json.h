// Json: a small JSON value with insertion-ordered objects and numbers kept as their text.
//
// Keeping numbers as text lets us print amounts exactly as Bitcoin Core does ("50.00000000")
// and read them back without a trip through double. Parse() is strict RFC 8259 and bounded
// (nesting depth, input size) because RPC bodies come from untrusted clients.
// A plain value; not thread-safe beyond that.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.h"

namespace tonari::util {

class Json {
public:
    enum class Type { Null, Bool, Number, String, Array, Object };
    using Array = std::vector<Json>;
    using Member = std::pair<std::string, Json>;
    using Object = std::vector<Member>;

    Json() = default;  // null
    Json(std::nullptr_t) {}
    Json(bool b) : m_type(Type::Bool), m_bool(b) {}
    Json(int v) : Json(static_cast<int64_t>(v)) {}
    Json(unsigned v) : Json(static_cast<uint64_t>(v)) {}
    Json(int64_t v) : m_type(Type::Number), m_text(std::to_string(v)) {}
    Json(uint64_t v) : m_type(Type::Number), m_text(std::to_string(v)) {}
    Json(long long v) : Json(static_cast<int64_t>(v)) {}
    Json(unsigned long long v) : Json(static_cast<uint64_t>(v)) {}
    Json(double v);
    Json(const char* s) : m_type(Type::String), m_text(s) {}
    Json(std::string s) : m_type(Type::String), m_text(std::move(s)) {}
    Json(std::string_view s) : m_type(Type::String), m_text(s) {}

    static Json MakeArray() { Json j; j.m_type = Type::Array; return j; }
    static Json MakeObject() { Json j; j.m_type = Type::Object; return j; }
    // An object from members in order; a repeated key keeps its first position and its last
    // value (as Set would). O(n log n), so a hostile document with many keys stays cheap.
    static Json MakeObject(Object members);
    // A number from its JSON text, e.g. "50.00000000". The text must be a valid JSON number.
    static Json RawNumber(std::string text);

    Type type() const { return m_type; }
    bool IsNull() const { return m_type == Type::Null; }
    bool IsBool() const { return m_type == Type::Bool; }
    bool IsNumber() const { return m_type == Type::Number; }
    bool IsString() const { return m_type == Type::String; }
    bool IsArray() const { return m_type == Type::Array; }
    bool IsObject() const { return m_type == Type::Object; }

    bool GetBool() const { return m_bool; }
    const std::string& GetString() const { return m_text; }  // string value or number text
    std::optional<int64_t> GetInt64() const;                 // integral numbers only
    std::optional<double> GetDouble() const;
    const Array& GetArray() const { return m_array; }
    const Object& GetObject() const { return m_object; }

    // Array access.
    Json& PushBack(Json v);
    size_t size() const { return m_type == Type::Object ? m_object.size() : m_array.size(); }
    const Json& operator[](size_t i) const { return m_array[i]; }

    // Object access: Set replaces an existing key or appends; Find returns nullptr if absent.
    Json& Set(std::string key, Json v);
    const Json* Find(std::string_view key) const;

    // Compact when indent < 0, else pretty-printed with that many spaces per level.
    std::string Dump(int indent = -1) const;

    friend bool operator==(const Json&, const Json&) = default;

private:
    void DumpTo(std::string& out, int indent, int level) const;

    Type m_type = Type::Null;
    bool m_bool = false;
    std::string m_text;
    Array m_array;
    Object m_object;
};

struct JsonParseError {
    std::string message;
    size_t offset = 0;
};

// Nesting deeper than this is rejected: a body of 100,000 '[' would otherwise exhaust the
// stack of a recursive parser (stack-exhaustion denial of service).
inline constexpr int JSON_MAX_DEPTH = 512;

Result<Json, JsonParseError> ParseJson(std::string_view text);

// Appends s as a quoted JSON string with escapes.
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace tonari::util
