// Network RPC methods. Peer state is read on the validation strand, where the PeerManager
// lives; socket counters come from the network runtime.
#include "bitcoin/node/rpc_net.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "bitcoin/consensus/params.h"
#include "bitcoin/node/rpc_util.h"
#include "bitcoin/rpc/amount.h"
#include "bitcoin/wire/protocol.h"
#include "util/hex.h"

namespace tonari::bitcoin::node {
namespace {

using rpc::ParamSpec;
using rpc::ParamType;
using rpc::RpcError;
using rpc::RpcErrorCode;
using util::Json;
using Reply = util::Result<Json, RpcError>;

int64_t NowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Json ServiceNames(uint64_t services) {
    Json names = Json::MakeArray();
    const std::pair<uint64_t, const char*> known[] = {
        {wire::NODE_NETWORK, "NETWORK"},           {wire::NODE_BLOOM, "BLOOM"},
        {wire::NODE_WITNESS, "WITNESS"},           {wire::NODE_COMPACT_FILTERS, "COMPACT_FILTERS"},
        {wire::NODE_NETWORK_LIMITED, "NETWORK_LIMITED"}, {wire::NODE_P2P_V2, "P2P_V2"}};
    for (const auto& [bit, name] : known) {
        if (services & bit) names.PushBack(Json(name));
    }
    return names;
}

std::string ServicesHex(uint64_t services) {
    char buf[17];
    std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(services));
    return buf;
}

// "host:port" for IPv4, "[host]:port" for IPv6 (PeerEndpoint::ToString).
std::string NetworkName(const std::string& address) {
    return !address.empty() && address.front() == '[' ? "ipv6" : "ipv4";
}

RpcError Disabled() {
    return RpcFail(RpcErrorCode::CLIENT_P2P_DISABLED, "Error: Peer-to-peer functionality missing or disabled");
}

}  // namespace

std::optional<netcore::PeerEndpoint> ParsePeerEndpoint(const std::string& text, uint16_t default_port) {
    std::string host = text;
    std::string port_text;
    if (!text.empty() && text.front() == '[') {
        const size_t close = text.find(']');
        if (close == std::string::npos) return std::nullopt;
        host = text.substr(1, close - 1);
        if (close + 1 < text.size()) {
            if (text[close + 1] != ':') return std::nullopt;
            port_text = text.substr(close + 2);
        }
    } else if (std::count(text.begin(), text.end(), ':') == 1) {
        const size_t colon = text.find(':');
        host = text.substr(0, colon);
        port_text = text.substr(colon + 1);
    }
    if (host.empty()) return std::nullopt;
    uint16_t port = default_port;
    if (!port_text.empty()) {
        if (port_text.size() > 5 || port_text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
        const int v = std::stoi(port_text);
        if (v < 1 || v > 65535) return std::nullopt;
        port = static_cast<uint16_t>(v);
    }
    return netcore::PeerEndpoint{host, port};
}

util::Result<void, std::string> RegisterNetRpcs(rpc::MethodTable& table, NodeContext& node, P2pService* p2p) {
    Registrar registrar(table);
    auto add = [&registrar](rpc::Method m) { registrar.Add(std::move(m)); };
    const uint16_t default_port = node.Params().default_port;

    add({.name = "getconnectioncount",
         .category = "Network",
         .description = "Returns the number of connections to other nodes.",
         .result_help = "n    (numeric) The connection count",
         .handler = [p2p](const rpc::Request&) -> Reply {
             if (p2p == nullptr) return util::Fail(Disabled());
             return Json(static_cast<uint64_t>(p2p->WithPeers([](p2p::PeerManager& pm) { return pm.ConnectionCount(); })));
         }});

    add({.name = "getnettotals",
         .category = "Network",
         .description = "Returns information about network traffic, including bytes in, bytes out,\n"
                        "and current system time.",
         .result_help = "{totalbytesrecv, totalbytessent, timemillis, uploadtarget{timeframe, target, target_reached, "
                        "serve_historical_blocks, bytes_left_in_cycle, time_left_in_cycle}}",
         .handler = [p2p](const rpc::Request&) -> Reply {
             if (p2p == nullptr) return util::Fail(Disabled());
             const auto [sent, received] = p2p->WithPeers([](p2p::PeerManager& pm) {
                 return std::pair(pm.BytesSent(), pm.BytesReceived());
             });
             Json o = Json::MakeObject();
             o.Set("totalbytesrecv", received);
             o.Set("totalbytessent", sent);
             o.Set("timemillis", static_cast<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                          std::chrono::system_clock::now().time_since_epoch())
                                                          .count()));
             // No -maxuploadtarget here: Core's answer for an unlimited upload.
             Json target = Json::MakeObject();
             target.Set("timeframe", int64_t{24 * 60 * 60});
             target.Set("target", int64_t{0});
             target.Set("target_reached", false);
             target.Set("serve_historical_blocks", true);
             target.Set("bytes_left_in_cycle", int64_t{0});
             target.Set("time_left_in_cycle", int64_t{0});
             o.Set("uploadtarget", std::move(target));
             return o;
         }});

    add({.name = "getpeerinfo",
         .category = "Network",
         .description = "Returns data about each connected network peer as a json array of objects.",
         .result_help = "[{\"id\": n, \"addr\": \"host:port\", ...}, ...]",
         .handler = [p2p](const rpc::Request&) -> Reply {
             if (p2p == nullptr) return util::Fail(Disabled());
             const auto peers = p2p->WithPeers([](p2p::PeerManager& pm) { return pm.GetPeerStats(); });
             Json out = Json::MakeArray();
             for (const auto& p : peers) {
                 const auto conn = p2p->ConnectionStats(p.id);
                 Json o = Json::MakeObject();
                 o.Set("id", static_cast<int64_t>(p.id));
                 o.Set("addr", p.addr);
                 o.Set("addrbind", p.addr_local);
                 o.Set("network", NetworkName(p.addr));
                 o.Set("services", ServicesHex(p.services));
                 o.Set("servicesnames", ServiceNames(p.services));
                 o.Set("relaytxes", p.relay_txs);
                 o.Set("lastsend", conn ? conn->last_send_unix : int64_t{0});
                 o.Set("lastrecv", conn ? conn->last_recv_unix : int64_t{0});
                 o.Set("bytessent", conn ? conn->bytes_sent : uint64_t{0});
                 o.Set("bytesrecv", conn ? conn->bytes_received : uint64_t{0});
                 o.Set("conntime", p.conn_time);
                 o.Set("timeoffset", int64_t{0});
                 if (p.ping_time) o.Set("pingtime", DoubleJson(*p.ping_time));
                 if (p.min_ping) o.Set("minping", DoubleJson(*p.min_ping));
                 if (p.ping_wait) o.Set("pingwait", DoubleJson(*p.ping_wait));
                 o.Set("version", int64_t{p.version});
                 o.Set("subver", p.subver);
                 o.Set("inbound", p.type == p2p::ConnectionType::Inbound);
                 o.Set("bip152_hb_to", p.bip152_hb_to);
                 o.Set("bip152_hb_from", p.bip152_hb_from);
                 o.Set("startingheight", int64_t{p.start_height});
                 o.Set("synced_headers", int64_t{p.synced_headers});
                 o.Set("synced_blocks", int64_t{p.synced_blocks});
                 Json inflight = Json::MakeArray();
                 for (int h : p.inflight) inflight.PushBack(Json(int64_t{h}));
                 o.Set("inflight", inflight);
                 o.Set("addr_relay_enabled", p.type != p2p::ConnectionType::BlockRelayOnly);
                 o.Set("permissions", Json::MakeArray());
                 o.Set("minfeefilter", rpc::ValueFromAmount(p.fee_filter));
                 o.Set("connection_type", std::string(p2p::ToString(p.type)));
                 o.Set("transport_protocol_type", std::string(p.v2 ? "v2" : "v1"));
                 o.Set("session_id", util::HexEncode(p.session_id));
                 Json sent = Json::MakeObject();
                 for (const auto& [command, bytes] : p.bytes_sent_per_msg) sent.Set(command, bytes);
                 o.Set("bytessent_per_msg", std::move(sent));
                 Json recv = Json::MakeObject();
                 for (const auto& [command, bytes] : p.bytes_recv_per_msg) recv.Set(command, bytes);
                 o.Set("bytesrecv_per_msg", std::move(recv));
                 out.PushBack(std::move(o));
             }
             return out;
         }});

    add({.name = "getnetworkinfo",
         .category = "Network",
         .description = "Returns an object containing various state info regarding P2P networking.",
         .result_help = "{\"version\": n, \"subversion\": \"str\", \"protocolversion\": n, ...}",
         .handler = [p2p, &node](const rpc::Request&) -> Reply {
             Json o = Json::MakeObject();
             o.Set("version", int64_t{100});
             o.Set("subversion", std::string("/Tonari:0.1.0/"));
             o.Set("protocolversion", int64_t{wire::PROTOCOL_VERSION});
             const uint64_t services =
                 p2p ? p2p->WithPeers([](p2p::PeerManager& pm) { return pm.LocalServices(); }) : uint64_t{0};
             o.Set("localservices", ServicesHex(services));
             o.Set("localservicesnames", ServiceNames(services));
             o.Set("localrelay", true);
             o.Set("timeoffset", int64_t{0});
             o.Set("networkactive", p2p != nullptr);
             size_t total = 0;
             size_t in = 0;
             if (p2p) {
                 std::tie(total, in) = p2p->WithPeers([](p2p::PeerManager& pm) {
                     return std::pair<size_t, size_t>(pm.ConnectionCount(), pm.InboundCount());
                 });
             }
             o.Set("connections", static_cast<uint64_t>(total));
             o.Set("connections_in", static_cast<uint64_t>(in));
             o.Set("connections_out", static_cast<uint64_t>(total - in));
             Json networks = Json::MakeArray();
             for (const char* name : {"ipv4", "ipv6", "onion", "i2p", "cjdns"}) {
                 Json n = Json::MakeObject();
                 const bool ip = std::string(name) == "ipv4" || std::string(name) == "ipv6";
                 n.Set("name", std::string(name));
                 n.Set("limited", !ip);
                 n.Set("reachable", ip);
                 n.Set("proxy", std::string());
                 n.Set("proxy_randomize_credentials", false);
                 networks.PushBack(std::move(n));
             }
             o.Set("networks", networks);
             const auto fees = node.WithChain([](NodeStorage& s) {
                 const auto& opt = s.MempoolGate().Options();
                 return std::pair(opt.min_relay_fee.SatPerKvB(), opt.incremental_relay_fee.SatPerKvB());
             });
             o.Set("relayfee", rpc::ValueFromAmount(fees.first));
             o.Set("incrementalfee", rpc::ValueFromAmount(fees.second));
             Json local = Json::MakeArray();
             if (p2p) {
                 for (const auto& ep : p2p->ListenEndpoints()) {
                     Json a = Json::MakeObject();
                     a.Set("address", ep.address);
                     a.Set("port", int64_t{ep.port});
                     a.Set("score", int64_t{1});
                     local.PushBack(std::move(a));
                 }
             }
             o.Set("localaddresses", local);
             o.Set("warnings", Json::MakeArray());
             return o;
         }});

    add({.name = "addnode",
         .category = "Network",
         .description = "Attempts to add or remove a node from the addnode list.\nOr try a connection to a node once.",
         .params = {{.name = "node", .type = ParamType::STRING, .help = "The address of the peer to connect to"},
                    {.name = "command", .type = ParamType::STRING,
                     .help = "'add' to add a node to the list, 'remove' to remove a node from the list, 'onetry' to "
                             "try a connection to the node once"},
                    {.name = "v2transport", .type = ParamType::BOOL, .required = false, .default_hint = "set by -v2transport",
                     .help = "Attempt to connect using BIP324 v2 transport protocol (ignored for 'remove' command)"}},
         .result_help = "null",
         .handler = [p2p, default_port](const rpc::Request& req) -> Reply {
             const std::string command = req.Arg("command").GetString();
             if (command != "add" && command != "remove" && command != "onetry") {
                 return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER,
                                           "Error: Invalid command. Valid commands: add, remove, onetry"));
             }
             if (p2p == nullptr) return util::Fail(Disabled());
             const bool v2_enabled = p2p->WithPeers([](p2p::PeerManager& pm) {
                 return (pm.LocalServices() & wire::NODE_P2P_V2) != 0;
             });
             // Core's default: v2 when the node has it on.
             const bool v2 = req.Arg("v2transport").IsBool() ? req.Arg("v2transport").GetBool() : v2_enabled;
             if (v2 && !v2_enabled) {
                 return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER, "Error: v2transport requested but not enabled (see -v2transport)"));
             }
             auto ep = ParsePeerEndpoint(req.Arg("node").GetString(), default_port);
             if (!ep) return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER, "Error: Invalid node address"));
             return p2p->WithPeers([&](p2p::PeerManager& pm) -> Reply {
                 if (command == "onetry") {
                     pm.ConnectOnce(*ep, v2);
                 } else if (command == "add") {
                     if (!pm.AddManual(*ep, v2)) {
                         return util::Fail(RpcFail(RpcErrorCode::CLIENT_NODE_ALREADY_ADDED, "Error: Node already added"));
                     }
                 } else if (!pm.RemoveManual(*ep)) {
                     return util::Fail(RpcFail(RpcErrorCode::CLIENT_NODE_NOT_ADDED,
                                               "Error: Node could not be removed. It has not been added previously."));
                 }
                 return Json();
             });
         }});

    add({.name = "disconnectnode",
         .category = "Network",
         .description = "Immediately disconnects from the specified peer node.\n\nStrictly one out of 'address' and "
                        "'nodeid' can be provided to identify the node.",
         .params = {{.name = "address", .type = ParamType::STRING, .required = false,
                     .default_hint = "fallback to nodeid", .help = "The IP address/port of the node"},
                    {.name = "nodeid", .type = ParamType::NUMBER, .required = false,
                     .default_hint = "fallback to address", .help = "The node ID (see getpeerinfo for node IDs)"}},
         .result_help = "null",
         .handler = [p2p](const rpc::Request& req) -> Reply {
             if (p2p == nullptr) return util::Fail(Disabled());
             const bool has_address = req.Has("address") && !req.Arg("address").GetString().empty();
             const bool has_id = req.Has("nodeid");
             if (has_address == has_id) {
                 return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMS, "Only one of address and nodeid should be provided."));
             }
             const bool found = p2p->WithPeers([&](p2p::PeerManager& pm) {
                 if (has_address) return pm.DisconnectByAddress(req.Arg("address").GetString());
                 return pm.DisconnectById(static_cast<p2p::PeerId>(req.Arg("nodeid").GetInt64().value_or(-1)));
             });
             if (!found) return util::Fail(RpcFail(RpcErrorCode::CLIENT_NODE_NOT_CONNECTED, "Node not found in connected nodes"));
             return Json();
         }});

    add({.name = "getaddednodeinfo",
         .category = "Network",
         .description = "Returns information about the given added node, or all added nodes\n(note that onetry addnodes "
                        "are not listed here)",
         .params = {{.name = "node", .type = ParamType::STRING, .required = false,
                     .default_hint = "all nodes", .help = "If provided, return information about this specific node, "
                                                          "otherwise all nodes are returned."}},
         .result_help = "[{\"addednode\": \"str\", \"connected\": true|false, \"addresses\": [...]}, ...]",
         .handler = [p2p](const rpc::Request& req) -> Reply {
             if (p2p == nullptr) return util::Fail(Disabled());
             const auto added = p2p->WithPeers([](p2p::PeerManager& pm) { return pm.ManualPeers(); });
             const std::string wanted = req.Has("node") ? req.Arg("node").GetString() : std::string();
             Json out = Json::MakeArray();
             for (const auto& [ep, peer] : added) {
                 if (!wanted.empty() && ep.ToString() != wanted && ep.address != wanted) continue;
                 Json o = Json::MakeObject();
                 o.Set("addednode", ep.ToString());
                 o.Set("connected", peer.has_value());
                 Json addresses = Json::MakeArray();
                 if (peer) {
                     Json a = Json::MakeObject();
                     a.Set("address", ep.ToString());
                     a.Set("connected", std::string("outbound"));
                     addresses.PushBack(std::move(a));
                 }
                 o.Set("addresses", addresses);
                 out.PushBack(std::move(o));
             }
             if (!wanted.empty() && out.GetArray().empty()) {
                 return util::Fail(RpcFail(RpcErrorCode::CLIENT_NODE_NOT_ADDED, "Error: Node has not been added."));
             }
             return out;
         }});

    add({.name = "setban",
         .category = "Network",
         .description = "Attempts to add or remove an IP/Subnet from the banned list.",
         .params = {{.name = "subnet", .type = ParamType::STRING,
                     .help = "The IP/Subnet (see getpeerinfo for nodes IP) with an optional netmask (default is /32 = single IP)"},
                    {.name = "command", .type = ParamType::STRING,
                     .help = "'add' to add an IP/Subnet to the list, 'remove' to remove an IP/Subnet from the list"},
                    {.name = "bantime", .type = ParamType::NUMBER, .required = false, .default_value = Json(int64_t{0}),
                     .help = "time in seconds how long (or until when if [absolute] is set) the IP is banned (0 or empty "
                             "means using the default time of 24h which can also be overwritten by the -bantime startup "
                             "argument)"},
                    {.name = "absolute", .type = ParamType::BOOL, .required = false, .default_value = Json(false),
                     .help = "If set, the bantime must be an absolute timestamp expressed in UNIX epoch time"}},
         .result_help = "null",
         .handler = [p2p](const rpc::Request& req) -> Reply {
             const std::string command = req.Arg("command").GetString();
             if (command != "add" && command != "remove") {
                 return util::Fail(RpcFail(RpcErrorCode::MISC_ERROR, "setban \"subnet\" \"add|remove\" ( bantime absolute )"));
             }
             if (p2p == nullptr) return util::Fail(Disabled());
             const std::string subnet = req.Arg("subnet").GetString();
             if (!netcore::Subnet::Parse(subnet)) {
                 return util::Fail(RpcFail(RpcErrorCode::CLIENT_INVALID_IP_OR_SUBNET, "Error: Invalid IP/Subnet"));
             }
             const int64_t now = NowSeconds();
             if (command == "remove") {
                 if (!p2p->Bans().Unban(subnet)) {
                     return util::Fail(RpcFail(RpcErrorCode::CLIENT_INVALID_IP_OR_SUBNET,
                                               "Error: Unban failed. Requested address/subnet was not previously manually banned."));
                 }
                 p2p->SaveBans();
                 return Json();
             }
             for (const auto& b : p2p->Bans().List(now)) {
                 if (b.subnet == netcore::Subnet::Parse(subnet)->ToString()) {
                     return util::Fail(RpcFail(RpcErrorCode::CLIENT_NODE_ALREADY_ADDED, "Error: IP/Subnet already banned"));
                 }
             }
             int64_t bantime = req.Arg("bantime").GetInt64().value_or(0);
             const bool absolute = req.Arg("absolute").IsBool() && req.Arg("absolute").GetBool();
             int64_t until = absolute ? bantime : now + (bantime <= 0 ? p2p::DEFAULT_BAN_SECONDS : bantime);
             if (absolute && until <= now) {
                 return util::Fail(RpcFail(RpcErrorCode::INVALID_PARAMETER, "Error: Absolute timestamp is in the past"));
             }
             if (!p2p->Bans().Ban(subnet, now, until)) {
                 return util::Fail(RpcFail(RpcErrorCode::CLIENT_INVALID_IP_OR_SUBNET, "Error: ban list full"));
             }
             p2p->SaveBans();
             p2p->WithPeers([](p2p::PeerManager& pm) {
                 pm.DisconnectBanned();
                 return 0;
             });
             return Json();
         }});

    add({.name = "listbanned",
         .category = "Network",
         .description = "List all manually banned IPs/Subnets.",
         .result_help = "[{\"address\": \"str\", \"ban_created\": n, \"banned_until\": n, \"ban_duration\": n, "
                        "\"time_remaining\": n}, ...]",
         .handler = [p2p](const rpc::Request&) -> Reply {
             if (p2p == nullptr) return util::Fail(Disabled());
             const int64_t now = NowSeconds();
             Json out = Json::MakeArray();
             for (const auto& b : p2p->Bans().List(now)) {
                 Json o = Json::MakeObject();
                 o.Set("address", b.subnet);
                 o.Set("ban_created", b.created);
                 o.Set("banned_until", b.until);
                 o.Set("ban_duration", b.until - b.created);
                 o.Set("time_remaining", b.until - now);
                 out.PushBack(std::move(o));
             }
             return out;
         }});

    add({.name = "clearbanned",
         .category = "Network",
         .description = "Clear all banned IPs.",
         .result_help = "null",
         .handler = [p2p](const rpc::Request&) -> Reply {
             if (p2p == nullptr) return util::Fail(Disabled());
             p2p->Bans().Clear();
             p2p->SaveBans();
             return Json();
         }});
    return registrar.Finish();
}

}  // namespace tonari::bitcoin::node
