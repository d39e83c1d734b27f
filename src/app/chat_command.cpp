// The chat commands: `id` prints the Tox ID of a profile (making the profile on first use);
// `profile` shows it (friends included) and changes the name or status message;
// `bootstrap` runs a Tox DHT node with a stable key that others start from, as tox-bootstrapd
// does, printing what it knows as it changes (JSON lines with --json, for scripts and tests).
#include "app/chat_command.h"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <set>

#include "app/chat_run_command.h"
#include "app/stop_signals.h"
#include "tox/dht/dht_service.h"
#include "tox/onion/onion_server.h"
#include "tox/profile/profile_file.h"
#include "tox/relay/relay_server.h"
#include "util/hex.h"
#include "util/json.h"
#include "util/utf8.h"

namespace tonari::app {
namespace {

std::string HomeTonari() {
    const char* home = std::getenv("HOME");
    return std::string(home ? home : ".") + "/.tonari";
}

using tox::profile::KeyHex;

int RunId(const std::string& profile_path, bool json) {
    auto loaded = tox::profile::LoadOrCreateProfile(profile_path);
    if (!loaded) {
        std::cerr << "error: " << loaded.error() << "\n";
        return 1;
    }
    if (loaded->created) std::cerr << "made a new profile: " << profile_path << "\n";
    const std::string id = loaded->profile.Id().ToString();
    if (json) {
        util::Json out = util::Json::MakeObject();
        out.Set("tox_id", id);
        out.Set("public_key", KeyHex(loaded->profile.keys.public_key));
        out.Set("name", util::ValidUtf8(loaded->profile.name));
        out.Set("friends", static_cast<uint64_t>(loaded->profile.friends.size()));
        out.Set("profile", profile_path);
        std::cout << out.Dump() << "\n";
    } else {
        std::cout << id << "\n";
    }
    return 0;
}

const char* FriendStatusName(uint8_t status) {
    switch (status) {
        case 1: return "added";
        case 2: return "request sent";
        case 3: return "confirmed";
        case 4: return "online";
        default: return "none";
    }
}

// Shows a profile, after changing what was asked (saved atomically first).
int RunProfile(const std::string& profile_path, const std::optional<std::string>& name,
               const std::optional<std::string>& status_message, bool json) {
    auto loaded = tox::profile::LoadOrCreateProfile(profile_path);
    if (!loaded) {
        std::cerr << "error: " << loaded.error() << "\n";
        return 1;
    }
    auto& p = loaded->profile;
    if (name && name->size() > tox::profile::MAX_NAME_SIZE) {
        std::cerr << "error: a name is at most " << tox::profile::MAX_NAME_SIZE << " bytes\n";
        return 1;
    }
    if (status_message && status_message->size() > tox::profile::MAX_STATUS_MESSAGE_SIZE) {
        std::cerr << "error: a status message is at most " << tox::profile::MAX_STATUS_MESSAGE_SIZE << " bytes\n";
        return 1;
    }
    if (name || status_message) {
        if (name) p.name = *name;
        if (status_message) p.status_message = *status_message;
        if (auto saved = tox::profile::SaveProfile(profile_path, p); !saved) {
            std::cerr << "error: " << saved.error() << "\n";
            return 1;
        }
    }
    if (json) {
        util::Json out = util::Json::MakeObject();
        out.Set("tox_id", p.Id().ToString());
        out.Set("name", util::ValidUtf8(p.name));
        out.Set("status_message", util::ValidUtf8(p.status_message));
        util::Json friends = util::Json::MakeArray();
        for (const auto& f : p.friends) {
            util::Json j = util::Json::MakeObject();
            j.Set("public_key", KeyHex(f.public_key));
            j.Set("status", FriendStatusName(f.status));
            j.Set("name", util::ValidUtf8(f.name));
            j.Set("status_message", util::ValidUtf8(f.status_message));
            j.Set("request_message", util::ValidUtf8(f.request_message));
            friends.PushBack(std::move(j));
        }
        out.Set("friends", std::move(friends));
        out.Set("dht_nodes", static_cast<uint64_t>(p.dht_nodes.size()));
        std::cout << out.Dump() << "\n";
        return 0;
    }
    std::cout << "Tox ID:         " << p.Id().ToString() << "\n"
              << "name:           " << p.name << "\n"
              << "status message: " << p.status_message << "\n"
              << "friends:        " << p.friends.size() << "\n";
    for (size_t i = 0; i < p.friends.size(); ++i) {
        const auto& f = p.friends[i];
        std::cout << "  " << i << "  " << KeyHex(f.public_key).substr(0, 16) << "…  "
                  << (f.name.empty() ? std::string("(no name yet)") : util::PrintableText(f.name)) << "  ["
                  << FriendStatusName(f.status)
                  << "]\n";
    }
    std::cout << "known DHT nodes: " << p.dht_nodes.size() << "\n";
    return 0;
}

struct BootstrapCommandOptions {
    std::string bind = "0.0.0.0";
    uint16_t port = 33445;
    std::string keys_file;
    std::vector<std::string> bootstrap;
    std::vector<std::string> find;
    std::string motd = "tonari";
    uint16_t tcp_relay_port = 0;  // 0: no TCP relay
    bool no_lan_discovery = false;
    bool json = false;
};

struct OnionNumbers {
    uint64_t relayed = 0;
    size_t announced = 0;
    uint64_t data_forwarded = 0;
};

util::Json StatusJson(const tox::dht::DhtStats& s, const std::vector<tox::wire::NodeInfo>& known, const OnionNumbers& o) {
    util::Json out = util::Json::MakeObject();
    out.Set("event", "status");
    out.Set("close_nodes", static_cast<uint64_t>(s.close_nodes));
    out.Set("good_close_nodes", static_cast<uint64_t>(s.good_close_nodes));
    util::Json keys = util::Json::MakeArray();
    for (const auto& n : known) keys.PushBack(KeyHex(n.public_key));
    out.Set("known", std::move(keys));
    out.Set("packets_in", s.packets_in);
    out.Set("packets_out", s.packets_out);
    out.Set("malformed", s.malformed);
    out.Set("undecryptable", s.undecryptable);
    out.Set("unsolicited", s.unsolicited);
    out.Set("forwarded", s.forwarded);
    out.Set("rate_limited", s.rate_limited);
    out.Set("lan_discovered", s.lan_discovered);
    out.Set("onion_relayed", o.relayed);
    out.Set("onion_announced", static_cast<uint64_t>(o.announced));
    out.Set("onion_data_forwarded", o.data_forwarded);
    return out;
}

int RunBootstrap(const BootstrapCommandOptions& o) {
    StopSignals signals;
    tox::dht::DhtServiceOptions d;
    const std::string keys_file = o.keys_file.empty() ? HomeTonari() + "/chat-bootstrap.keys" : o.keys_file;
    auto keys = tox::profile::LoadOrCreateKeyFile(keys_file);
    if (!keys) {
        std::cerr << "error: " << keys.error() << "\n";
        return 1;
    }
    d.keys = *keys;
    d.bind = {o.bind, o.port};
    auto bootstrap = tox::dht::ParseBootstrapNodes(o.bootstrap);
    if (!bootstrap) {
        std::cerr << "error: --bootstrap: " << bootstrap.error() << "\n";
        return 1;
    }
    d.bootstrap = std::move(*bootstrap);
    std::vector<tox::wire::PublicKey> find;
    for (const auto& f : o.find) {
        auto key = util::HexDecode(f);
        if (!key || key->size() != crypto::BOX_KEY_SIZE) {
            std::cerr << "error: --find takes a DHT public key (64 hex digits), not '" << f << "'\n";
            return 1;
        }
        find.push_back(*tox::wire::PublicKey::FromBytes(*key));
    }
    // A full member of the network: it relays onion paths and keeps announcements.
    std::shared_ptr<tox::onion::OnionServer> onion;
    d.extensions.push_back([&onion](tox::dht::DhtNode& node) {
        onion = std::make_shared<tox::onion::OnionServer>(node);
        return std::shared_ptr<void>(onion);
    });
    d.serve_bootstrap_info = true;
    d.lan_discovery = !o.no_lan_discovery;
    d.info_version = 1;
    d.motd = o.motd;
    const bool json = o.json;
    const auto log = [json](const std::string& line) {
        if (!json) std::cerr << line << std::endl;
    };
    d.log = log;
    auto service = tox::dht::DhtService::Start(std::move(d));
    if (!service) {
        std::cerr << "error: " << service.error() << "\n";
        return 1;
    }
    auto& dht = **service;
    dht.WithNode([&](tox::dht::DhtNode& node, int64_t) {
        for (const auto& k : find) node.AddSearch(k);
    });
    // The TCP relay: clients whose UDP is blocked reach their friends, and the onion, through it.
    std::unique_ptr<tox::relay::RelayServer> relay;
    if (o.tcp_relay_port != 0) {
        tox::relay::RelayServerOptions r;
        r.listen = {{o.bind, o.tcp_relay_port}};
        r.keys = *keys;
        r.on_onion = [&dht, &onion](uint64_t client, util::ByteSpan request) {
            dht.WithNode([&](tox::dht::DhtNode&, int64_t now) { onion->Relay().OnTcpRequest(client, request, now); });
        };
        r.log = log;
        auto started = tox::relay::RelayServer::Start(std::move(r));
        if (!started) {
            std::cerr << "error: " << started.error() << "\n";
            return 1;
        }
        relay = std::move(*started);
        dht.WithNode([&](tox::dht::DhtNode&, int64_t) {
            onion->Relay().SetTcpSend([server = relay.get()](uint64_t client, util::Bytes response) {
                server->SendOnionResponse(client, response);
            });
        });
    }
    // Stopped before it is destroyed: its callbacks reach into the DHT service and the onion.
    struct StopRelay {
        std::unique_ptr<tox::relay::RelayServer>& relay;
        tox::dht::DhtService& dht;
        std::shared_ptr<tox::onion::OnionServer>& onion;
        ~StopRelay() {
            if (!relay) return;
            relay->Stop();
            dht.WithNode([&](tox::dht::DhtNode&, int64_t) { onion->Relay().SetTcpSend({}); });
        }
    } stop_relay{relay, dht, onion};
    const auto local = dht.LocalEndpoint();
    if (json) {
        util::Json ready = util::Json::MakeObject();
        ready.Set("event", "ready");
        ready.Set("public_key", KeyHex(dht.SelfKey()));
        ready.Set("port", static_cast<uint64_t>(local.port));
        if (relay) ready.Set("tcp_relay_port", static_cast<uint64_t>(relay->ListenEndpoints().at(0).port));
        std::cout << ready.Dump() << std::endl;
    } else {
        std::cout << "Public Key: " << KeyHex(dht.SelfKey()) << "\n"
                  << "tox bootstrap node: udp " << local.ToString() << " ("
                  << (o.bootstrap.empty() ? std::string("no bootstrap nodes: others start from it")
                                          : "bootstrapping from " + std::to_string(o.bootstrap.size()) + " nodes")
                  << ")" << std::endl;
        if (relay) std::cout << "tox TCP relay: " << relay->ListenEndpoints().at(0).ToString() << std::endl;
    }
    std::string last_status;
    std::set<std::string> reported_found;
    const auto interval = std::chrono::milliseconds(json ? 500 : 2000);
    while (signals.WaitFor(interval) == 0) {
        const auto stats = dht.Stats();
        const auto known = dht.KnownNodes();
        std::vector<std::pair<std::string, std::string>> found;
        OnionNumbers onion_numbers;
        dht.WithNode([&](tox::dht::DhtNode& node, int64_t now) {
            for (const auto& k : find) {
                if (auto at = node.Found(k)) found.emplace_back(KeyHex(k), at->endpoint.ToString());
            }
            const auto& hops = onion->RelayStats();
            const auto announce = onion->AnnounceStats(now);
            onion_numbers = {hops.requests_forwarded + hops.responses_forwarded, announce.entries, announce.data_forwarded};
        });
        for (const auto& [key, at] : found) {
            if (!reported_found.insert(key).second) continue;
            if (json) {
                util::Json ev = util::Json::MakeObject();
                ev.Set("event", "found");
                ev.Set("public_key", key);
                ev.Set("address", at);
                std::cout << ev.Dump() << std::endl;
            } else {
                std::cout << "tox dht: found " << key << " at " << at << std::endl;
            }
        }
        // Printed when something moved other than the packet counters.
        util::Json status = StatusJson(stats, known, onion_numbers);
        const auto relay_stats = relay ? relay->Stats() : tox::relay::RelayServerStats{};
        if (relay) {
            status.Set("relay_clients", static_cast<uint64_t>(relay_stats.clients));
            status.Set("relay_links", static_cast<uint64_t>(relay_stats.links));
            status.Set("relay_relayed", relay_stats.relayed);
            status.Set("relay_oob_relayed", relay_stats.oob_relayed);
            status.Set("relay_onion_requests", relay_stats.onion_requests);
            status.Set("relay_dropped", relay_stats.dropped);
            status.Set("relay_disconnected", relay_stats.disconnected);
        }
        const std::string summary = std::to_string(stats.close_nodes) + "/" + std::to_string(stats.good_close_nodes) +
                                    "/" + std::to_string(known.size()) + "/" + std::to_string(stats.malformed) + "/" +
                                    std::to_string(stats.undecryptable) + "/" + std::to_string(onion_numbers.announced) + "/" +
                                    std::to_string(onion_numbers.relayed / 100) + "/" + std::to_string(onion_numbers.data_forwarded) +
                                    "/" + std::to_string(relay_stats.clients) + "/" + std::to_string(relay_stats.links) +
                                    "/" + std::to_string(relay_stats.relayed / 100) + "/" +
                                    std::to_string(relay_stats.disconnected);
        if (summary == last_status) continue;
        last_status = summary;
        if (json) {
            std::cout << status.Dump() << std::endl;
        } else {
            std::cout << "tox dht: " << stats.close_nodes << " nodes in the close list (" << stats.good_close_nodes
                      << " answering); " << stats.packets_in << " packets in, " << stats.packets_out << " out; "
                      << stats.malformed << " malformed, " << stats.undecryptable << " failed decryption; onion: "
                      << onion_numbers.relayed << " relayed, " << onion_numbers.announced << " announced here, "
                      << onion_numbers.data_forwarded
                      << " data packets passed on" << std::endl;
        }
    }
    dht.Stop();
    if (!json) std::cout << "tox bootstrap node: stopped" << std::endl;
    return 0;
}

}  // namespace

int RunChat(int argc, char** argv) {
    CLI::App app{"tonari chat: Tox messaging (serverless, end-to-end encrypted; interoperates with toxcore clients)"};
    app.name("tonari chat");
    app.require_subcommand(1);

    std::string profile = HomeTonari() + "/chat.tox";
    bool id_json = false;
    CLI::App* id = app.add_subcommand("id", "Print your Tox ID (makes the profile on first use)");
    id->add_option("--profile", profile, "The profile, in the Tox save format (toxic's and qTox's unencrypted "
                                         "profiles load as they are)")
        ->capture_default_str();
    id->add_flag("--json", id_json, "Print JSON: the ID, the public key, the name");

    std::optional<std::string> new_name, new_status;
    bool profile_json = false;
    CLI::App* prof = app.add_subcommand("profile", "Show your profile (ID, name, status, friends); change the name or status");
    prof->add_option("--profile", profile, "The profile (Tox save format)")->capture_default_str();
    prof->add_option("--name", new_name, "Set your name (at most 128 bytes)");
    prof->add_option("--status-message", new_status, "Set your status message (at most 1007 bytes)");
    prof->add_flag("--json", profile_json, "Print JSON, friends included");

    ChatRunOptions run_options;
    CLI::App* run = app.add_subcommand("run", "The chat client: friend requests, messages, files");
    run->add_option("--profile", profile, "The profile (Tox save format)")->capture_default_str();
    run->add_option("--bootstrap", run_options.bootstrap,
                    "A node to start from, HOST:PORT:KEY (repeatable; default: the public Tox bootstrap nodes)");
    run->add_option("--tcp-relay", run_options.tcp_relays,
                    "A TCP relay to stay connected to, HOST:PORT:KEY (repeatable): friends without UDP reach you "
                    "through it");
    run->add_flag("--no-udp", run_options.no_udp,
                  "No UDP at all (a network that blocks it): everything, the onion too, through the --tcp-relay relays");
    run->add_option("--udp-port", run_options.udp_port, "UDP port (default: the first free of 33445-33545)");
    run->add_flag("--no-lan-discovery", run_options.no_lan_discovery,
                  "Do not look for Tox nodes on the local network (by default: broadcast every 10 s, and "
                  "bootstrap from any node that answers)");
    run->add_option("--bind", run_options.bind, "Local address")->capture_default_str();
    run->add_option("--name", run_options.name, "Set your name");
    run->add_option("--downloads", run_options.downloads, "Where accepted files go (default: ~/.tonari/chat-downloads)");
    run->add_option("--dashboard", run_options.dashboard,
                    "Serve the live dashboard on 127.0.0.1:PORT (friends, messages, files and the DHT as they "
                    "happen; a node's dashboard shows them too with -dashboardwatch=http://127.0.0.1:PORT/)");
    run->add_flag("--json", run_options.json, "Read commands and write events as JSON lines, for scripts and tests");

    BootstrapCommandOptions b;
    CLI::App* boot = app.add_subcommand(
        "bootstrap", "Run a Tox DHT bootstrap node with a stable key (what tox-bootstrapd does); Ctrl-C stops it");
    boot->add_option("--port", b.port, "UDP port")->capture_default_str();
    boot->add_option("--bind", b.bind, "Local address (0.0.0.0 for IPv4, :: for IPv6)")->capture_default_str();
    boot->add_option("--keys", b.keys_file, "Key file, made on first use (tox-bootstrapd's format; default: "
                                            "~/.tonari/chat-bootstrap.keys)");
    boot->add_option("--bootstrap", b.bootstrap, "Another node to join, HOST:PORT:KEY (repeatable)");
    boot->add_option("--motd", b.motd, "Message of the day, sent to who asks for bootstrap info")->capture_default_str();
    boot->add_option("--tcp-relay-port", b.tcp_relay_port,
                     "Also be a TCP relay on this port, for clients whose UDP is blocked (0: off)")
        ->capture_default_str();
    boot->add_option("--find", b.find, "Also look for this DHT key and report where it is (repeatable)");
    boot->add_flag("--no-lan-discovery", b.no_lan_discovery,
                   "Do not broadcast LAN discovery packets nor answer them (by default a bootstrap node finds "
                   "the Tox nodes on its local network, as tox-bootstrapd does)");
    boot->add_flag("--json", b.json, "Write events as JSON lines (ready, status, found)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    if (id->parsed()) return RunId(profile, id_json);
    if (prof->parsed()) return RunProfile(profile, new_name, new_status, profile_json);
    if (run->parsed()) {
        run_options.profile = profile;
        return RunChatClient(run_options);
    }
    return RunBootstrap(b);
}

}  // namespace tonari::app
