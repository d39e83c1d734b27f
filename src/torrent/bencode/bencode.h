// Bencode (BEP 3): the value type, a strict decoder for untrusted bytes and the canonical
// encoder.
//
// Everything BitTorrent sends or stores is bencoded: .torrent files, tracker answers, DHT
// packets, extension-protocol messages. The decoder refuses what the grammar refuses
// (leading zeros, "-0", non-string keys, duplicate keys, trailing bytes) and bounds what a
// hostile sender could use to exhaust us (nesting depth, element count, string length),
// reporting the byte position of the first fault. Every decoded value remembers the byte
// range it came from, so the info-hash is taken over the `info` bytes exactly as received,
// never over a re-encoding that might differ.
//
// Dictionary keys need not arrive sorted (old torrents and some clients get this wrong and
// the raw-bytes hash makes it harmless), but they must be unique. The encoder always
// writes keys in sorted order.
//
// Values are plain data: not thread-safe beyond what std containers are.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/bytes.h"
#include "util/result.h"

namespace tonari::torrent::bencode {

class Value {
public:
    enum class Type : uint8_t { Integer, String, List, Dict };
    using Entry = std::pair<std::string, Value>;

    Value() : Value(int64_t{0}) {}
    static Value Int(int64_t v) { return Value(v); }
    static Value Str(std::string_view s) { return Value(std::string(s)); }
    static Value Str(util::ByteSpan s) { return Value(std::string(s.begin(), s.end())); }
    static Value List() { return Value(Type::List); }
    static Value Dict() { return Value(Type::Dict); }

    Type type() const { return m_type; }
    bool IsInt() const { return m_type == Type::Integer; }
    bool IsString() const { return m_type == Type::String; }
    bool IsList() const { return m_type == Type::List; }
    bool IsDict() const { return m_type == Type::Dict; }

    int64_t AsInt() const { return m_int; }
    // Strings are byte strings: text for names and paths, raw bytes for hashes.
    const std::string& AsString() const { return m_str; }
    util::ByteSpan AsBytes() const { return util::AsBytes(m_str); }
    const std::vector<Value>& Items() const { return m_list; }
    const std::vector<Entry>& Entries() const { return m_dict; }

    // Dictionary lookup; nullptr when absent or when this is not a dictionary.
    const Value* Find(std::string_view key) const;
    Value* Find(std::string_view key);
    const Value* FindInt(std::string_view key) const { return FindTyped(key, Type::Integer); }
    const Value* FindString(std::string_view key) const { return FindTyped(key, Type::String); }
    const Value* FindList(std::string_view key) const { return FindTyped(key, Type::List); }
    const Value* FindDict(std::string_view key) const { return FindTyped(key, Type::Dict); }

    // Building: Set keeps dictionary keys sorted and replaces an existing key.
    Value& Set(std::string key, Value v);
    Value& Push(Value v);

    // The bytes this value was decoded from: [begin, end) in the decoder's input.
    size_t begin() const { return m_begin; }
    size_t end() const { return m_end; }

private:
    friend class Decoder;
    explicit Value(int64_t v) : m_type(Type::Integer), m_int(v) {}
    explicit Value(std::string s) : m_type(Type::String), m_str(std::move(s)) {}
    explicit Value(Type t) : m_type(t) {}
    const Value* FindTyped(std::string_view key, Type t) const;

    Type m_type;
    int64_t m_int = 0;
    std::string m_str;
    std::vector<Value> m_list;
    std::vector<Entry> m_dict;
    size_t m_begin = 0;
    size_t m_end = 0;
};

enum class DecodeErrorCode : uint8_t {
    Truncated,         // input ended inside a value
    UnexpectedByte,    // a byte no value can start with, or a bad digit
    BadInteger,        // empty, leading zero, "-0", or out of int64 range
    BadStringLength,   // leading zero, or longer than the input / the limit
    KeyNotString,      // a dictionary key that is not a string
    DuplicateKey,      // the same key twice in one dictionary
    TooDeep,           // nesting beyond Limits::max_depth
    TooManyItems,      // more values than Limits::max_items
    TrailingBytes,     // bytes after the top-level value (Decode only)
};

struct DecodeError {
    DecodeErrorCode code;
    size_t position;  // byte offset of the fault
    std::string Message() const;
};

// Defaults fit a large .torrent file; protocol messages pass tighter limits.
struct Limits {
    // Attack: a value nested thousands deep ("llll…") recursing the stack away.
    int max_depth = 100;
    // Attack: a small file of "i0e" repeated millions of times, each costing a Value.
    size_t max_items = 4'000'000;
    // Attack: a string length far beyond what the message could carry.
    size_t max_string = 64 << 20;
};

// Decodes exactly one value spanning the whole input.
util::Result<Value, DecodeError> Decode(util::ByteSpan data, const Limits& limits = {});
inline util::Result<Value, DecodeError> Decode(std::string_view data, const Limits& limits = {}) {
    return Decode(util::AsBytes(data), limits);
}
// Decodes one value at the start of the input; *consumed is set to its length. For messages
// whose bencoded head is followed by raw bytes (ut_metadata pieces).
util::Result<Value, DecodeError> DecodePrefix(util::ByteSpan data, size_t* consumed, const Limits& limits = {});

// Canonical encoding: keys in sorted order whatever order the value holds them in.
std::string Encode(const Value& v);
void EncodeTo(const Value& v, std::string& out);

}  // namespace tonari::torrent::bencode
