// The strict bencode decoder: a recursive descent over the input with a depth bound, an
// element budget and string-length checks made before anything is allocated.
#include <algorithm>
#include <limits>
#include <string_view>

#include "torrent/bencode/bencode.h"

namespace tonari::torrent::bencode {

std::string DecodeError::Message() const {
    const char* what = "invalid bencode";
    switch (code) {
        case DecodeErrorCode::Truncated: what = "input ends inside a value"; break;
        case DecodeErrorCode::UnexpectedByte: what = "unexpected byte"; break;
        case DecodeErrorCode::BadInteger: what = "malformed integer"; break;
        case DecodeErrorCode::BadStringLength: what = "bad string length"; break;
        case DecodeErrorCode::KeyNotString: what = "dictionary key is not a string"; break;
        case DecodeErrorCode::DuplicateKey: what = "duplicate dictionary key"; break;
        case DecodeErrorCode::TooDeep: what = "nested too deeply"; break;
        case DecodeErrorCode::TooManyItems: what = "too many elements"; break;
        case DecodeErrorCode::TrailingBytes: what = "bytes after the value"; break;
    }
    return std::string(what) + " at byte " + std::to_string(position);
}

class Decoder {
public:
    Decoder(util::ByteSpan data, const Limits& limits) : m_data(data), m_limits(limits) {}

    util::Result<Value, DecodeError> Run(size_t* consumed) {
        Value v;
        if (!Parse(v, 0)) return util::Fail(m_error);
        *consumed = m_pos;
        return v;
    }

private:
    bool Error(DecodeErrorCode code, size_t pos) {
        m_error = DecodeError{code, pos};
        return false;
    }

    bool Parse(Value& out, int depth) {
        if (m_pos >= m_data.size()) return Error(DecodeErrorCode::Truncated, m_pos);
        if (++m_items > m_limits.max_items) return Error(DecodeErrorCode::TooManyItems, m_pos);
        const size_t start = m_pos;
        const uint8_t c = m_data[m_pos];
        bool ok = false;
        if (c == 'i') {
            ++m_pos;
            int64_t n = 0;
            ok = ParseInteger('e', n);
            out = Value(n);
        } else if (c >= '0' && c <= '9') {
            std::string s;
            ok = ParseString(s);
            out = Value(std::move(s));
        } else if (c == 'l' || c == 'd') {
            if (depth + 1 > m_limits.max_depth) return Error(DecodeErrorCode::TooDeep, m_pos);
            ++m_pos;
            out = Value(c == 'l' ? Value::Type::List : Value::Type::Dict);
            ok = c == 'l' ? ParseList(out, depth + 1) : ParseDict(out, depth + 1);
        } else {
            return Error(DecodeErrorCode::UnexpectedByte, m_pos);
        }
        if (!ok) return false;
        out.m_begin = start;
        out.m_end = m_pos;
        return true;
    }

    // Digits up to `terminator`; the integer grammar of BEP 3 (no "+", no leading zeros, no "-0").
    bool ParseInteger(uint8_t terminator, int64_t& out) {
        const size_t start = m_pos;
        bool negative = false;
        if (m_pos < m_data.size() && m_data[m_pos] == '-') {
            negative = true;
            ++m_pos;
        }
        const size_t digits = m_pos;
        uint64_t magnitude = 0;
        // int64's range: up to 2^63 - 1, or 2^63 when negative.
        const uint64_t max = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
        while (m_pos < m_data.size() && m_data[m_pos] >= '0' && m_data[m_pos] <= '9') {
            const uint64_t d = m_data[m_pos] - '0';
            if (magnitude > (max - d) / 10) return Error(DecodeErrorCode::BadInteger, start);
            magnitude = magnitude * 10 + d;
            ++m_pos;
        }
        if (m_pos >= m_data.size()) return Error(DecodeErrorCode::Truncated, m_pos);
        if (m_data[m_pos] != terminator) return Error(DecodeErrorCode::UnexpectedByte, m_pos);
        const size_t len = m_pos - digits;
        if (len == 0) return Error(DecodeErrorCode::BadInteger, start);
        if (m_data[digits] == '0' && (len > 1 || negative)) return Error(DecodeErrorCode::BadInteger, start);
        ++m_pos;  // the terminator
        out = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
        return true;
    }

    bool ParseString(std::string& out) {
        const size_t start = m_pos;
        uint64_t len = 0;
        while (m_pos < m_data.size() && m_data[m_pos] >= '0' && m_data[m_pos] <= '9') {
            if (len > m_limits.max_string) return Error(DecodeErrorCode::BadStringLength, start);
            len = len * 10 + (m_data[m_pos] - '0');
            ++m_pos;
        }
        if (m_pos >= m_data.size()) return Error(DecodeErrorCode::Truncated, m_pos);
        if (m_data[m_pos] != ':') return Error(DecodeErrorCode::UnexpectedByte, m_pos);
        if (m_data[start] == '0' && m_pos - start > 1) return Error(DecodeErrorCode::BadStringLength, start);
        ++m_pos;
        if (len > m_limits.max_string) return Error(DecodeErrorCode::BadStringLength, start);
        if (len > m_data.size() - m_pos) return Error(DecodeErrorCode::Truncated, m_data.size());
        out.assign(reinterpret_cast<const char*>(m_data.data() + m_pos), len);
        m_pos += len;
        return true;
    }

    bool ParseList(Value& out, int depth) {
        while (true) {
            if (m_pos >= m_data.size()) return Error(DecodeErrorCode::Truncated, m_pos);
            if (m_data[m_pos] == 'e') {
                ++m_pos;
                return true;
            }
            out.m_list.emplace_back();
            if (!Parse(out.m_list.back(), depth)) return false;
        }
    }

    bool ParseDict(Value& out, int depth) {
        bool sorted = true;
        while (true) {
            if (m_pos >= m_data.size()) return Error(DecodeErrorCode::Truncated, m_pos);
            if (m_data[m_pos] == 'e') {
                ++m_pos;
                return sorted || CheckUnique(out);
            }
            const size_t key_pos = m_pos;
            if (m_data[m_pos] < '0' || m_data[m_pos] > '9') return Error(DecodeErrorCode::KeyNotString, key_pos);
            if (++m_items > m_limits.max_items) return Error(DecodeErrorCode::TooManyItems, key_pos);
            std::string key;
            if (!ParseString(key)) return false;
            if (!out.m_dict.empty()) {
                const std::string& prev = out.m_dict.back().first;
                if (key == prev) return Error(DecodeErrorCode::DuplicateKey, key_pos);
                if (key < prev) sorted = false;
            }
            out.m_dict.emplace_back(std::move(key), Value());
            if (!Parse(out.m_dict.back().second, depth)) return false;
        }
    }

    // Keys out of order: duplicates may be anywhere, so sort a list of views and compare
    // neighbours (O(n log n), once per unsorted dictionary).
    bool CheckUnique(const Value& dict) {
        std::vector<std::pair<std::string_view, size_t>> keys;
        keys.reserve(dict.m_dict.size());
        for (const auto& [k, v] : dict.m_dict) keys.emplace_back(k, v.m_begin);
        std::sort(keys.begin(), keys.end());
        for (size_t i = 1; i < keys.size(); ++i) {
            if (keys[i].first == keys[i - 1].first) return Error(DecodeErrorCode::DuplicateKey, keys[i].second);
        }
        return true;
    }

    util::ByteSpan m_data;
    const Limits& m_limits;
    size_t m_pos = 0;
    size_t m_items = 0;
    DecodeError m_error{DecodeErrorCode::Truncated, 0};
};

util::Result<Value, DecodeError> DecodePrefix(util::ByteSpan data, size_t* consumed, const Limits& limits) {
    Decoder d(data, limits);
    return d.Run(consumed);
}

util::Result<Value, DecodeError> Decode(util::ByteSpan data, const Limits& limits) {
    size_t consumed = 0;
    auto v = DecodePrefix(data, &consumed, limits);
    if (!v) return v;
    if (consumed != data.size()) return util::Fail(DecodeError{DecodeErrorCode::TrailingBytes, consumed});
    return v;
}

}  // namespace tonari::torrent::bencode
