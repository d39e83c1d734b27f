// `tonari chat run`: the interactive Tox client (or, with --json, one driven by JSON lines).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace tonari::app {

struct ChatRunOptions {
    std::string profile;
    std::vector<std::string> bootstrap;  // HOST:PORT:KEY; empty: the public nodes
    std::vector<std::string> tcp_relays;  // HOST:PORT:KEY of TCP relays to keep connected
    std::string bind = "0.0.0.0";
    bool no_udp = false;  // TCP relays only (needs at least one --tcp-relay)
    bool no_lan_discovery = false;  // neither broadcast nor answer LAN discovery
    int udp_port = 0;  // 0: the first free one of 33445..33545, as toxcore clients do
    std::string name;
    std::string downloads;  // where accepted files go; empty: ~/.tonari/chat-downloads
    bool json = false;
    std::optional<uint16_t> dashboard;  // the live dashboard's port (0: any free one); none: off
};

int RunChatClient(const ChatRunOptions& options);

}  // namespace tonari::app
