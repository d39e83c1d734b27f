// `tonari chat run`: the interactive Tox client (or, with --json, one driven by JSON lines).
#pragma once

#include <string>
#include <vector>

namespace tonari::app {

struct ChatRunOptions {
    std::string profile;
    std::vector<std::string> bootstrap;  // HOST:PORT:KEY; empty: the public nodes
    std::string bind = "0.0.0.0";
    int udp_port = 0;  // 0: the first free one of 33445..33545, as toxcore clients do
    std::string name;
    std::string downloads;  // where accepted files go; empty: ~/.tonari/chat-downloads
    bool json = false;
};

int RunChatClient(const ChatRunOptions& options);

}  // namespace tonari::app
