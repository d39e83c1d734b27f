// The chat client's loop: the DHT node with the onion server and the messenger attached, user
// commands from stdin (lines like "/add TOXID hello", or JSON objects with --json), events to
// stdout, a clean stop on Ctrl-C, SIGTERM or the end of stdin.
#include "app/chat_run_command.h"

#include <poll.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <mutex>
#include <sstream>

#include "app/chat_dashboard.h"
#include "app/stop_signals.h"
#include "crypto/random.h"
#include "netcore/udp_socket.h"
#include "tox/dht/dht_service.h"
#include "tox/dht/public_nodes.h"
#include "tox/messenger/messenger.h"
#include "tox/onion/onion_server.h"
#include "tox/profile/profile_file.h"
#include "tox/relay/relay_clients.h"
#include "util/hex.h"
#include "util/json.h"
#include "util/parse.h"
#include "util/utf8.h"

namespace tonari::app {
namespace {

// A command line longer than this is not typed by anyone: dropped.
constexpr size_t MAX_COMMAND_LINE = 64 * 1024;

std::string HomeDownloads() {
    const char* home = std::getenv("HOME");
    return std::string(home ? home : ".") + "/.tonari/chat-downloads";
}

std::string Hex(const crypto::BoxPublicKey& key) { return tox::profile::KeyHex(key); }

// Prints events and answers, one JSON object per line or a line of text.
class Output {
public:
    explicit Output(bool json) : m_json(json) {}

    void Event(const tox::messenger::Event& raw) {
        // Names, messages and file names come from other people: valid UTF-8 in JSON, and no
        // control characters on a terminal.
        tox::messenger::Event e = raw;
        e.text = m_json ? util::ValidUtf8(raw.text) : util::PrintableText(raw.text);
        util::Json j = util::Json::MakeObject();
        j.Set("event", e.type);
        std::string line;
        if (e.type == "friend_request") {
            j.Set("public_key", Hex(e.public_key));
            j.Set("message", e.text);
            line = "friend request from " + Hex(e.public_key) + ": " + e.text + "  (/accept " + Hex(e.public_key).substr(0, 8) + ")";
        } else if (e.type == "friend_added" || e.type == "request_sent") {
            j.Set("friend", static_cast<uint64_t>(e.friend_number));
            j.Set("public_key", Hex(e.public_key));
            if (e.type == "request_sent") j.Set("route", e.text);  // three onion hops, then the announce node
            line = (e.type == "friend_added" ? "friend " : "friend request sent to friend ") + std::to_string(e.friend_number) +
                   (e.type == "request_sent" && !e.text.empty() ? " through " + e.text : "");
        } else if (e.type == "friend_dht_key") {
            j.Set("friend", static_cast<uint64_t>(e.friend_number));
            j.Set("dht_key", Hex(e.public_key));
            line = "friend " + std::to_string(e.friend_number) + " is online somewhere: found its DHT key";
        } else if (e.type == "friend_online" || e.type == "friend_offline") {
            j.Set("friend", static_cast<uint64_t>(e.friend_number));
            j.Set("public_key", Hex(e.public_key));
            if (e.type == "friend_online") j.Set("connection", e.text);  // "udp", or "tcp" through a relay
            line = "friend " + std::to_string(e.friend_number) +
                   (e.type == "friend_online" ? " is online (" + e.text + ")" : " went offline");
        } else if (e.type == "message" || e.type == "action") {
            j.Set("friend", static_cast<uint64_t>(e.friend_number));
            j.Set("text", e.text);
            line = e.type == "message" ? "<" + std::to_string(e.friend_number) + "> " + e.text
                                       : "* " + std::to_string(e.friend_number) + " " + e.text;
        } else if (e.type == "receipt") {
            j.Set("friend", static_cast<uint64_t>(e.friend_number));
            j.Set("message_id", static_cast<uint64_t>(e.number));
            line = "friend " + std::to_string(e.friend_number) + " got message " + std::to_string(e.number);
        } else if (e.type == "friend_name" || e.type == "friend_status_message") {
            j.Set("friend", static_cast<uint64_t>(e.friend_number));
            j.Set(e.type == "friend_name" ? "name" : "text", e.text);
            line = "friend " + std::to_string(e.friend_number) + (e.type == "friend_name" ? " is now called " : " says: ") + e.text;
        } else if (e.type == "friend_user_status") {
            j.Set("friend", static_cast<uint64_t>(e.friend_number));
            j.Set("status", static_cast<uint64_t>(e.number));
            static constexpr const char* NAMES[] = {"online", "away", "busy"};
            line = "friend " + std::to_string(e.friend_number) + " is " + NAMES[e.number % 3];
        } else if (e.type == "friend_typing") {
            j.Set("friend", static_cast<uint64_t>(e.friend_number));
            j.Set("typing", e.number != 0);
            line = "friend " + std::to_string(e.friend_number) + (e.number != 0 ? " is typing…" : " stopped typing");
        } else if (e.type.rfind("file_", 0) == 0) {
            j.Set("friend", static_cast<uint64_t>(e.friend_number));
            j.Set("file", static_cast<uint64_t>(e.number));
            j.Set("size", e.size);
            j.Set(e.type == "file_done" ? "path" : "name", e.text);
            if (!e.sha256.empty()) j.Set("sha256", e.sha256);
            const std::string who = "friend " + std::to_string(e.friend_number);
            const std::string what = "'" + e.text + "' (" + std::to_string(e.size) + " bytes)";
            if (e.type == "file_offer") {
                line = who + " offers " + what + ": /accept-file " + std::to_string(e.friend_number) + " " +
                       std::to_string(e.number);
            } else if (e.type == "file_done") {
                line = "received " + what + " from " + who + ", sha256 " + e.sha256;
            } else {
                line = e.type.substr(5) + ": " + what + ", " + who;
            }
        } else if (e.type == "announced" || e.type == "not_announced") {
            line = e.type == "announced" ? "online: announced on the onion, friends can find you"
                                         : "offline: no onion node has us announced";
        } else {
            j.Set("text", e.text);
            line = e.type + ": " + e.text;
        }
        Publish(e.type, j);
        Print(j, line);
    }
    // To the dashboard, when one runs (set under the DHT's lock, where events come from).
    void SetPublish(std::function<void(const std::string&, const util::Json&)> publish) { m_publish = std::move(publish); }
    void Publish(const std::string& type, const util::Json& j) {
        if (m_publish) m_publish(type, j);
    }
    void Print(const util::Json& j, const std::string& line) {
        std::lock_guard lock(m_mutex);
        std::cout << (m_json ? j.Dump() : line) << std::endl;
    }
    void Error(const std::string& text) {
        util::Json j = util::Json::MakeObject();
        j.Set("event", "error");
        j.Set("text", text);
        Print(j, "error: " + text);
    }

private:
    bool m_json;
    std::mutex m_mutex;
    std::function<void(const std::string&, const util::Json&)> m_publish;
};

// Stops the dashboard: the event hook first (under the DHT's lock, where events come from), then
// the server (whose threads read the service and the messenger). Idempotent; also on the way
// out of every early return.
struct DashboardStop {
    std::unique_ptr<ChatDashboard>& dashboard;
    tox::dht::DhtService& service;
    Output& out;

    ~DashboardStop() { Stop(); }
    void Stop() {
        if (!dashboard) return;
        service.WithNode([this](tox::dht::DhtNode&, int64_t) { out.SetPublish({}); });
        dashboard.reset();
    }
};

// A command as words: from JSON ({"cmd":"add","id":…,"message":…}) or from a typed line.
struct Command {
    std::string name;
    std::string id_or_key;  // or, for msg, me, file and accept-file, the friend number
    std::string text;       // or the path of a file to send, or a file number
};

std::optional<Command> ParseCommand(const std::string& line, bool json, Output& out) {
    if (json) {
        auto j = util::ParseJson(line);
        if (!j || !j->IsObject()) {
            out.Error("not a JSON object: " + line.substr(0, 80));
            return std::nullopt;
        }
        auto get = [&](const char* key) {
            const util::Json* v = j->Find(key);
            return v && v->IsString() ? v->GetString() : std::string();
        };
        Command c{get("cmd"), get("id"), get("message")};
        if (c.id_or_key.empty()) c.id_or_key = get("public_key");
        if (const util::Json* f = j->Find("friend"); f && f->IsNumber()) c.id_or_key = f->GetString();
        if (c.text.empty()) c.text = get("text");
        if (c.text.empty()) c.text = get("name");
        if (c.text.empty()) c.text = get("path");
        if (const util::Json* f = j->Find("file"); f && f->IsNumber()) c.text = f->GetString();
        if (const util::Json* t = j->Find("typing"); t && t->IsBool()) c.text = t->GetBool() ? "on" : "off";
        return c;
    }
    if (line.empty()) return std::nullopt;
    std::istringstream in(line);
    Command c;
    in >> c.name >> c.id_or_key;
    std::getline(in, c.text);
    if (!c.text.empty() && c.text.front() == ' ') c.text.erase(0, 1);
    if (!c.name.empty() && c.name.front() == '/') c.name.erase(0, 1);
    return c;
}

void Execute(const Command& c, tox::messenger::Messenger& m, int64_t now, Output& out, bool& quit) {
    if (c.name == "quit") {
        quit = true;
    } else if (c.name == "add") {
        auto id = tox::profile::ToxId::Parse(c.id_or_key);
        if (!id) return out.Error("add: " + id.error());
        auto n = m.AddFriend(*id, c.text.empty() ? "Hello from Tonari" : c.text, now);
        if (!n) return out.Error("add: " + n.error());
        out.Event(tox::messenger::MakeEvent("friend_added", *n, id->public_key));
    } else if (c.name == "accept") {
        // A whole key, or the start of one in the pending requests.
        std::optional<crypto::BoxPublicKey> key;
        std::string prefix = c.id_or_key;
        for (auto& ch : prefix) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        for (const auto& r : m.PendingRequests()) {
            if (prefix.size() >= 8 && Hex(r.public_key).compare(0, prefix.size(), prefix) == 0) key = r.public_key;
        }
        if (!key) {
            auto bytes = util::HexDecode(c.id_or_key);
            if (bytes && bytes->size() == crypto::BOX_KEY_SIZE) key = *crypto::BoxPublicKey::FromBytes(*bytes);
        }
        if (!key) return out.Error("accept: no pending request from '" + c.id_or_key + "'");
        if (auto n = m.Accept(*key); !n) out.Error("accept: " + n.error());
    } else if (c.name == "msg" || c.name == "me") {
        const auto n = util::ToIntegral<size_t>(c.id_or_key);
        if (!n) return out.Error(c.name + ": give a friend number (/friends lists them)");
        auto id = m.SendMessage(*n, c.text, c.name == "me", now);
        if (!id) return out.Error(c.name + ": " + id.error());
        util::Json j = util::Json::MakeObject();
        j.Set("event", "sent");
        j.Set("friend", static_cast<uint64_t>(*n));
        j.Set("message_id", static_cast<uint64_t>(*id));
        out.Print(j, "sent (message " + std::to_string(*id) + ")");
        j.Set("text", util::ValidUtf8(c.text));
        out.Publish("sent", j);
    } else if (c.name == "file" || c.name == "send_file") {
        const auto n = util::ToIntegral<size_t>(c.id_or_key);
        if (!n) return out.Error("file: give a friend number and a path");
        auto file = m.SendFile(*n, c.text, now);
        if (!file) return out.Error("file: " + file.error());
        util::Json j = util::Json::MakeObject();
        j.Set("event", "file_offered");
        j.Set("friend", static_cast<uint64_t>(*n));
        j.Set("file", static_cast<uint64_t>(*file));
        out.Print(j, "offered " + c.text + " to friend " + std::to_string(*n) + " (file " + std::to_string(*file) + ")");
        j.Set("path", util::ValidUtf8(c.text));
        out.Publish("file_offered", j);
    } else if (c.name == "accept-file" || c.name == "accept_file" || c.name == "cancel-file" || c.name == "cancel_file") {
        const auto n = util::ToIntegral<size_t>(c.id_or_key);
        const auto file = util::ToIntegral<uint8_t>(c.text);
        if (!n || !file) return out.Error(c.name + ": give a friend number and a file number");
        auto done = c.name.rfind("accept", 0) == 0 ? m.AcceptFile(*n, *file, now) : m.CancelFile(*n, *file, true, now);
        if (!done) out.Error(c.name + ": " + done.error());
    } else if (c.name == "nick" || c.name == "name") {
        // In a typed line the name is everything after the command.
        m.SetName(c.id_or_key.empty() || c.text.empty() ? c.id_or_key + c.text : c.id_or_key + " " + c.text);
    } else if (c.name == "status" || c.name == "status_message") {
        m.SetStatusMessage(c.id_or_key.empty() || c.text.empty() ? c.id_or_key + c.text : c.id_or_key + " " + c.text);
    } else if (c.name == "typing") {
        const auto n = util::ToIntegral<size_t>(c.id_or_key);
        if (!n || (c.text != "on" && c.text != "off")) return out.Error("typing: give a friend number and on or off");
        if (auto done = m.SetTyping(*n, c.text == "on"); !done) out.Error("typing: " + done.error());
    } else if (c.name == "friends") {
        const auto& friends = m.Profile().friends;
        util::Json list = util::Json::MakeArray();
        std::string text;
        for (size_t i = 0; i < friends.size(); ++i) {
            util::Json f = util::Json::MakeObject();
            f.Set("friend", static_cast<uint64_t>(i));
            f.Set("public_key", Hex(friends[i].public_key));
            f.Set("name", friends[i].name);
            f.Set("status", static_cast<uint64_t>(friends[i].status));
            list.PushBack(std::move(f));
            text += "  " + std::to_string(i) + "  " + Hex(friends[i].public_key).substr(0, 16) + "…  " +
                    util::PrintableText(friends[i].name) + "\n";
        }
        util::Json j = util::Json::MakeObject();
        j.Set("event", "friends");
        j.Set("friends", std::move(list));
        out.Print(j, friends.empty() ? "no friends yet: /add TOXID message" : text.substr(0, text.size() - 1));
    } else if (c.name == "id") {
        util::Json j = util::Json::MakeObject();
        j.Set("event", "id");
        j.Set("tox_id", m.Profile().Id().ToString());
        out.Print(j, m.Profile().Id().ToString());
    } else {
        out.Error("unknown command '" + c.name + "' (add, accept, msg, me, file, accept-file, cancel-file, typing, nick, "
                  "status, friends, id, quit)");
    }
}

}  // namespace

int RunChatClient(const ChatRunOptions& o) {
    StopSignals signals;
    Output out(o.json);
    auto loaded = tox::profile::LoadOrCreateProfile(o.profile);
    if (!loaded) {
        std::cerr << "error: " << loaded.error() << "\n";
        return 1;
    }
    if (!o.name.empty() && o.name != loaded->profile.name) {
        if (o.name.size() > tox::profile::MAX_NAME_SIZE) {
            std::cerr << "error: a name is at most 128 bytes\n";
            return 1;
        }
        loaded->profile.name = o.name;
    }
    tox::dht::DhtServiceOptions d;
    d.keys = crypto::BoxGenerateKeyPair();  // a new DHT identity every run, as the spec asks
    d.saved_nodes = loaded->profile.dht_nodes;
    auto bootstrap = tox::dht::ParseBootstrapNodes(o.bootstrap);
    if (!bootstrap) {
        std::cerr << "error: --bootstrap: " << bootstrap.error() << "\n";
        return 1;
    }
    d.bootstrap = std::move(*bootstrap);
    if (d.bootstrap.empty()) d.bootstrap = tox::dht::PublicBootstrapNodes();
    auto tcp_relays = tox::dht::ParseBootstrapNodes(o.tcp_relays);
    if (!tcp_relays) {
        std::cerr << "error: --tcp-relay: " << tcp_relays.error() << "\n";
        return 1;
    }
    if (o.no_udp && tcp_relays->empty()) {
        std::cerr << "error: --no-udp needs at least one --tcp-relay HOST:PORT:KEY to reach anyone\n";
        return 1;
    }
    d.udp = !o.no_udp;
    d.lan_discovery = !o.no_udp && !o.no_lan_discovery;
    d.log = [](const std::string&) {};
    std::shared_ptr<tox::messenger::Messenger> messenger;
    d.extensions.push_back([](tox::dht::DhtNode& node) { return std::make_shared<tox::onion::OnionServer>(node); });
    d.extensions.push_back([&](tox::dht::DhtNode& node) {
        messenger = std::make_shared<tox::messenger::Messenger>(
            node, loaded->profile, o.profile, [&out](const tox::messenger::Event& e) { out.Event(e); }, crypto::RandomU64());
        messenger->SetDownloads(o.downloads.empty() ? HomeDownloads() : o.downloads);
        return std::shared_ptr<void>(messenger);
    });

    std::unique_ptr<tox::dht::DhtService> service;
    std::string last_error;
    const int first = o.udp_port != 0 || o.no_udp ? o.udp_port : tox::dht::TOX_PORT_RANGE_FIRST;
    const int last = o.udp_port != 0 || o.no_udp ? o.udp_port : tox::dht::TOX_PORT_RANGE_LAST;
    for (int port = first; port <= last && !service; ++port) {
        d.bind = {o.bind, static_cast<uint16_t>(port)};
        auto started = tox::dht::DhtService::Start(d);
        if (started) {
            service = std::move(*started);
        } else {
            last_error = started.error();
        }
    }
    if (!service) {
        std::cerr << "error: " << last_error << "\n";
        return 1;
    }
    // Declared after the service and the messenger, before the relays: on every way out it stops
    // (hook, then server) before anything it reads goes.
    std::unique_ptr<ChatDashboard> dashboard;
    DashboardStop dashboard_stop{dashboard, *service, out};
    if (o.dashboard) {
        auto started = ChatDashboard::Start(*o.dashboard, [&service, &messenger] {
            util::Json state = util::Json::MakeObject();
            state.Set("kind", "chat");
            const auto stats = service->Stats();
            state.Set("close_nodes", static_cast<uint64_t>(stats.close_nodes));
            state.Set("good_close_nodes", static_cast<uint64_t>(stats.good_close_nodes));
            service->WithNode([&](tox::dht::DhtNode&, int64_t) {
                const auto& p = messenger->Profile();
                state.Set("name", util::ValidUtf8(p.name));
                state.Set("tox_id", p.Id().ToString());
                util::Json friends = util::Json::MakeArray();
                for (size_t i = 0; i < p.friends.size(); ++i) {
                    util::Json f = util::Json::MakeObject();
                    f.Set("friend", static_cast<uint64_t>(i));
                    f.Set("name", util::ValidUtf8(p.friends[i].name));
                    f.Set("online", messenger->Online(i));
                    friends.PushBack(std::move(f));
                }
                state.Set("friends", std::move(friends));
            });
            return state;
        });
        if (!started) {
            std::cerr << "error: " << started.error() << "\n";
            return 1;
        }
        dashboard = std::move(*started);
        service->WithNode([&](tox::dht::DhtNode&, int64_t) {
            out.SetPublish([board = dashboard.get()](const std::string& type, const util::Json& j) { board->Publish(type, j); });
        });
        std::cerr << "Dashboard on " << dashboard->Url() << std::endl;
    }
    // TCP relays: friends whose UDP is blocked (and, through the relays they name, we) meet there.
    tox::relay::RelayClientsOptions r;
    r.keys = d.keys;
    r.log = [](const std::string& line) { std::cerr << line << std::endl; };
    r.on_packet = [&service, &messenger](const crypto::BoxPublicKey& peer, util::ByteSpan packet) {
        service->WithNode([&](tox::dht::DhtNode&, int64_t now) { messenger->OnRelayPacket(peer, packet, now); });
    };
    r.on_onion = [&service, &messenger](util::ByteSpan response) {
        service->WithNode([&](tox::dht::DhtNode&, int64_t now) { messenger->OnRelayOnion(response, now); });
    };
    auto relays_started = tox::relay::RelayClients::Start(std::move(r));
    if (!relays_started) {
        std::cerr << "error: " << relays_started.error() << "\n";
        return 1;
    }
    std::unique_ptr<tox::relay::RelayClients> relays = std::move(*relays_started);
    for (const auto& t : *tcp_relays) {
        // By address: friends are told where our relays are, and a name cannot be told.
        auto addresses = netcore::ResolveHost(t.host, std::chrono::seconds(5));
        if (!addresses || addresses->empty()) {
            std::cerr << "tox relay: cannot resolve " << t.host << (addresses ? "" : ": " + addresses.error()) << std::endl;
            continue;
        }
        relays->AddRelay({.tcp = true, .endpoint = {addresses->front(), t.port}, .public_key = t.public_key}, true);
    }
    // Without UDP the bootstrap nodes are not reachable directly: they become the onion's path
    // nodes behind the relay.
    std::vector<tox::wire::NodeInfo> path_nodes;
    if (o.no_udp) {
        for (const auto& b : d.bootstrap) {
            auto addresses = netcore::ResolveHost(b.host, std::chrono::seconds(5));
            if (!addresses) continue;
            for (const auto& a : *addresses) {
                path_nodes.push_back({.tcp = false, .endpoint = {a, b.port}, .public_key = b.public_key});
            }
        }
    }
    service->WithNode([&](tox::dht::DhtNode&, int64_t) {
        messenger->SetRelays(relays.get());
        if (o.no_udp) messenger->UseTcpOnly(path_nodes);
    });
    {
        util::Json ready = util::Json::MakeObject();
        ready.Set("event", "ready");
        ready.Set("tox_id", loaded->profile.Id().ToString());
        ready.Set("public_key", Hex(loaded->profile.keys.public_key));
        ready.Set("dht_key", Hex(service->SelfKey()));
        ready.Set("udp_port", static_cast<uint64_t>(service->LocalEndpoint().port));
        ready.Set("friends", static_cast<uint64_t>(loaded->profile.friends.size()));
        if (dashboard) ready.Set("dashboard", dashboard->Url());
        out.Print(ready, "Tonari chat — your Tox ID: " + loaded->profile.Id().ToString() + "\n" +
                             (o.no_udp ? std::string("no UDP: through TCP relays only")
                                       : "UDP port " + std::to_string(service->LocalEndpoint().port)) +
                             "; " +
                             std::to_string(loaded->profile.friends.size()) +
                             " friends. Commands: /add TOXID message, /accept KEY, /msg N text, /me N text, /file N PATH, "
                             "/accept-file N F, /typing N on|off, /nick NAME, /status TEXT, /friends, /id, /quit");
    }

    std::string buffer;
    bool quit = false;
    while (!quit && signals.WaitFor(std::chrono::milliseconds(0)) == 0) {
        if (dashboard) {
            const auto stats = service->Stats();
            dashboard->NoteDht(stats.close_nodes, stats.good_close_nodes);
        }
        pollfd in{STDIN_FILENO, POLLIN, 0};
        if (poll(&in, 1, 100) <= 0) continue;
        char chunk[4096];
        const ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
        if (n <= 0) break;  // stdin closed
        buffer.append(chunk, static_cast<size_t>(n));
        size_t nl;
        while (!quit && (nl = buffer.find('\n')) != std::string::npos) {
            const std::string line = buffer.substr(0, nl);
            buffer.erase(0, nl + 1);
            auto command = ParseCommand(line, o.json, out);
            if (!command) continue;
            service->WithNode([&](tox::dht::DhtNode&, int64_t now) { Execute(*command, *messenger, now, out, quit); });
        }
        if (buffer.size() > MAX_COMMAND_LINE) buffer.clear();
    }
    dashboard_stop.Stop();
    // The relays first: their callbacks reach into the service.
    relays->Stop();
    service->WithNode([&](tox::dht::DhtNode&, int64_t) { messenger->SetRelays(nullptr); });
    // Keep what we learned for a faster start next time.
    auto profile = loaded->profile;
    service->WithNode([&](tox::dht::DhtNode&, int64_t) { profile = messenger->Profile(); });
    profile.dht_nodes = service->KnownNodes();
    service->Stop();
    if (auto saved = tox::profile::SaveProfile(o.profile, profile); !saved) {
        std::cerr << "error: " << saved.error() << "\n";
        return 1;
    }
    if (!o.json) std::cout << "saved " << o.profile << std::endl;
    return 0;
}

}  // namespace tonari::app
