// Value lookups and building, and the canonical encoder (sorted keys).
#include <algorithm>

#include "torrent/bencode/bencode.h"

namespace tonari::torrent::bencode {

const Value* Value::Find(std::string_view key) const {
    if (m_type != Type::Dict) return nullptr;
    for (const auto& [k, v] : m_dict) {
        if (k == key) return &v;
    }
    return nullptr;
}

Value* Value::Find(std::string_view key) {
    return const_cast<Value*>(static_cast<const Value&>(*this).Find(key));
}

const Value* Value::FindTyped(std::string_view key, Type t) const {
    const Value* v = Find(key);
    return v && v->m_type == t ? v : nullptr;
}

Value& Value::Set(std::string key, Value v) {
    auto it = std::lower_bound(m_dict.begin(), m_dict.end(), key,
                               [](const Entry& e, const std::string& k) { return e.first < k; });
    if (it != m_dict.end() && it->first == key) {
        it->second = std::move(v);
        return it->second;
    }
    return m_dict.insert(it, Entry(std::move(key), std::move(v)))->second;
}

Value& Value::Push(Value v) {
    m_list.push_back(std::move(v));
    return m_list.back();
}

namespace {

void EncodeString(std::string_view s, std::string& out) {
    out += std::to_string(s.size());
    out += ':';
    out += s;
}

}  // namespace

void EncodeTo(const Value& v, std::string& out) {
    switch (v.type()) {
        case Value::Type::Integer:
            out += 'i';
            out += std::to_string(v.AsInt());
            out += 'e';
            return;
        case Value::Type::String:
            EncodeString(v.AsString(), out);
            return;
        case Value::Type::List:
            out += 'l';
            for (const Value& item : v.Items()) EncodeTo(item, out);
            out += 'e';
            return;
        case Value::Type::Dict: {
            out += 'd';
            std::vector<const Value::Entry*> entries;
            entries.reserve(v.Entries().size());
            for (const auto& e : v.Entries()) entries.push_back(&e);
            std::sort(entries.begin(), entries.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
            for (const auto* e : entries) {
                EncodeString(e->first, out);
                EncodeTo(e->second, out);
            }
            out += 'e';
            return;
        }
    }
}

std::string Encode(const Value& v) {
    std::string out;
    EncodeTo(v, out);
    return out;
}

}  // namespace tonari::torrent::bencode
