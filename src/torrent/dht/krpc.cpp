// KRPC encoding and strict decoding over the shared bencode codec.
#include "torrent/dht/krpc.h"

#include <algorithm>

#include "netcore/compact_endpoint.h"
#include "torrent/bencode/bencode.h"

namespace tonari::torrent::dht {
namespace {

using bencode::Value;

// A KRPC datagram is at most a couple of kilobytes of shallow dictionaries.
bencode::Limits PacketLimits() {
    bencode::Limits limits;
    limits.max_depth = 4;
    limits.max_items = 1024;
    limits.max_string = 2048;
    return limits;
}

std::optional<NodeId> IdField(const Value& dict, std::string_view key) {
    const Value* v = dict.FindString(key);
    if (v == nullptr || v->AsString().size() != 20) return std::nullopt;
    NodeId id{};
    std::copy_n(v->AsBytes().begin(), 20, id.begin());
    return id;
}

Value Str(const NodeId& id) { return Value::Str(util::ByteSpan(id)); }

void DecodeNodes(const Value* field, bool ipv6, std::vector<NodeInfo>& out) {
    if (field == nullptr || !field->IsString()) return;
    const size_t width = 20 + (ipv6 ? netcore::COMPACT_V6_SIZE : netcore::COMPACT_V4_SIZE);
    const util::ByteSpan bytes = field->AsBytes();
    for (size_t at = 0; at + width <= bytes.size() && out.size() < MAX_NODES; at += width) {
        auto endpoint = netcore::DecodeCompactEndpoint(bytes.subspan(at + 20, width - 20));
        if (!endpoint) continue;
        NodeInfo n;
        std::copy_n(bytes.begin() + static_cast<ptrdiff_t>(at), 20, n.id.begin());
        n.endpoint = std::move(*endpoint);
        out.push_back(std::move(n));
    }
}

util::Result<Message, std::string> DecodeQuery(const Value& v, std::string transaction) {
    const Value* q = v.FindString("q");
    const Value* a = v.FindDict("a");
    if (q == nullptr || a == nullptr) return util::Fail(std::string("a query without q or a"));
    Query out;
    out.transaction = std::move(transaction);
    out.method_name = q->AsString().substr(0, 32);
    const auto id = IdField(*a, "id");
    if (!id) return util::Fail(std::string("a query without a 20-byte id"));
    out.id = *id;
    out.target = IdField(*a, "target");
    out.info_hash = IdField(*a, "info_hash");
    if (const Value* ro = a->FindInt("ro")) out.read_only = ro->AsInt() == 1;
    const std::string& m = q->AsString();
    if (m == "ping") {
        out.method = Method::Ping;
    } else if (m == "find_node") {
        out.method = Method::FindNode;
        if (!out.target) return util::Fail(std::string("find_node without a 20-byte target"));
    } else if (m == "get_peers") {
        out.method = Method::GetPeers;
        if (!out.info_hash) return util::Fail(std::string("get_peers without a 20-byte info_hash"));
    } else if (m == "announce_peer") {
        out.method = Method::AnnouncePeer;
        if (!out.info_hash) return util::Fail(std::string("announce_peer without a 20-byte info_hash"));
        const Value* token = a->FindString("token");
        if (token == nullptr || token->AsString().size() > MAX_TOKEN) {
            return util::Fail(std::string("announce_peer without a usable token"));
        }
        out.token = token->AsString();
        if (const Value* implied = a->FindInt("implied_port")) out.implied_port = implied->AsInt() != 0;
        const Value* port = a->FindInt("port");
        if (!out.implied_port && (port == nullptr || port->AsInt() <= 0 || port->AsInt() > 65535)) {
            return util::Fail(std::string("announce_peer without a valid port"));
        }
        if (port != nullptr && port->AsInt() > 0 && port->AsInt() <= 65535) out.port = static_cast<uint16_t>(port->AsInt());
        if (const Value* seed = a->FindInt("seed")) out.seed = seed->AsInt() != 0;
    } else {
        out.method = Method::Unknown;
    }
    return Message(std::move(out));
}

util::Result<Message, std::string> DecodeResponse(const Value& v, std::string transaction) {
    const Value* r = v.FindDict("r");
    if (r == nullptr) return util::Fail(std::string("a response without r"));
    Response out;
    out.transaction = std::move(transaction);
    const auto id = IdField(*r, "id");
    if (!id) return util::Fail(std::string("a response without a 20-byte id"));
    out.id = *id;
    DecodeNodes(r->Find("nodes"), false, out.nodes);
    DecodeNodes(r->Find("nodes6"), true, out.nodes);
    if (const Value* values = r->FindList("values")) {
        for (const Value& item : values->Items()) {
            if (out.values.size() >= MAX_VALUES) break;
            if (!item.IsString()) continue;
            const size_t size = item.AsString().size();
            if (size == netcore::COMPACT_V4_SIZE || size == netcore::COMPACT_V6_SIZE) {
                if (auto endpoint = netcore::DecodeCompactEndpoint(item.AsBytes())) out.values.push_back(*endpoint);
            } else if (size % netcore::COMPACT_V4_SIZE == 0 && values->Items().size() == 1) {
                // Some nodes pack every peer into one string.
                for (auto& p : netcore::DecodeCompactEndpoints(item.AsBytes(), false, MAX_VALUES)) out.values.push_back(p);
            }
        }
    }
    if (const Value* token = r->FindString("token"); token != nullptr && token->AsString().size() <= MAX_TOKEN) {
        out.token = token->AsString();
    }
    if (const Value* ip = v.FindString("ip")) out.external = netcore::DecodeCompactEndpoint(ip->AsBytes());
    return Message(std::move(out));
}

}  // namespace

const char* MethodName(Method m) {
    switch (m) {
        case Method::Ping: return "ping";
        case Method::FindNode: return "find_node";
        case Method::GetPeers: return "get_peers";
        case Method::AnnouncePeer: return "announce_peer";
        case Method::Unknown: return "unknown";
    }
    return "unknown";
}

util::Result<Message, std::string> DecodeMessage(util::ByteSpan datagram) {
    auto decoded = bencode::Decode(datagram, PacketLimits());
    if (!decoded) return util::Fail("not bencode: " + decoded.error().Message());
    const Value& v = *decoded;
    if (!v.IsDict()) return util::Fail(std::string("not a dictionary"));
    const Value* t = v.FindString("t");
    const Value* y = v.FindString("y");
    if (t == nullptr || y == nullptr) return util::Fail(std::string("no t or y"));
    if (t->AsString().size() > MAX_TRANSACTION_ID) return util::Fail(std::string("transaction id too long"));
    const std::string& kind = y->AsString();
    if (kind == "q") return DecodeQuery(v, t->AsString());
    if (kind == "r") return DecodeResponse(v, t->AsString());
    if (kind == "e") {
        ErrorMessage e;
        e.transaction = t->AsString();
        if (const Value* list = v.FindList("e")) {
            const auto& items = list->Items();
            if (!items.empty() && items[0].IsInt()) e.code = items[0].AsInt();
            if (items.size() > 1 && items[1].IsString()) e.text = items[1].AsString().substr(0, 200);
        }
        return Message(std::move(e));
    }
    return util::Fail("unknown message type '" + kind.substr(0, 8) + "'");
}

std::string EncodeNodes(const std::vector<NodeInfo>& nodes, bool ipv6) {
    std::string out;
    for (const auto& n : nodes) {
        if (netcore::IsIpv6Literal(n.endpoint.address) != ipv6) continue;
        const std::string endpoint = netcore::EncodeCompactEndpoint(n.endpoint, ipv6);
        if (endpoint.empty()) continue;
        out.append(reinterpret_cast<const char*>(n.id.data()), n.id.size());
        out += endpoint;
    }
    return out;
}

std::string EncodeQuery(const Query& q) {
    Value a = Value::Dict();
    a.Set("id", Str(q.id));
    if (q.target) a.Set("target", Str(*q.target));
    if (q.info_hash) a.Set("info_hash", Str(*q.info_hash));
    if (q.method == Method::AnnouncePeer) {
        a.Set("port", Value::Int(q.port));
        a.Set("token", Value::Str(q.token));
        if (q.implied_port) a.Set("implied_port", Value::Int(1));
        if (q.seed) a.Set("seed", Value::Int(1));
    }
    if (q.read_only) a.Set("ro", Value::Int(1));
    Value v = Value::Dict();
    v.Set("a", std::move(a));
    v.Set("q", Value::Str(q.method == Method::Unknown ? q.method_name : std::string(MethodName(q.method))));
    v.Set("t", Value::Str(q.transaction));
    v.Set("y", Value::Str("q"));
    return bencode::Encode(v);
}

std::string EncodeResponse(const Response& r, const std::optional<netcore::PeerEndpoint>& sender) {
    Value body = Value::Dict();
    body.Set("id", Str(r.id));
    const std::string nodes = EncodeNodes(r.nodes, false);
    const std::string nodes6 = EncodeNodes(r.nodes, true);
    if (!nodes.empty()) body.Set("nodes", Value::Str(nodes));
    if (!nodes6.empty()) body.Set("nodes6", Value::Str(nodes6));
    if (r.token) body.Set("token", Value::Str(*r.token));
    if (!r.values.empty()) {
        Value values = Value::List();
        for (const auto& p : r.values) {
            const std::string compact = netcore::EncodeCompactEndpoint(p, netcore::IsIpv6Literal(p.address));
            if (!compact.empty()) values.Push(Value::Str(compact));
        }
        body.Set("values", std::move(values));
    }
    Value v = Value::Dict();
    if (sender) {
        const std::string ip = netcore::EncodeCompactEndpoint(*sender, netcore::IsIpv6Literal(sender->address));
        if (!ip.empty()) v.Set("ip", Value::Str(ip));
    }
    v.Set("r", std::move(body));
    v.Set("t", Value::Str(r.transaction));
    v.Set("y", Value::Str("r"));
    return bencode::Encode(v);
}

std::string EncodeError(const ErrorMessage& e) {
    Value list = Value::List();
    list.Push(Value::Int(e.code));
    list.Push(Value::Str(e.text));
    Value v = Value::Dict();
    v.Set("e", std::move(list));
    v.Set("t", Value::Str(e.transaction));
    v.Set("y", Value::Str("e"));
    return bencode::Encode(v);
}

}  // namespace tonari::torrent::dht
