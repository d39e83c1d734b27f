// The attacker's filter: which messages relay something, read from the frame's command field.
#include "bitcoin/sim/silent_network.h"

#include <algorithm>
#include <array>

#include "bitcoin/wire/frame.h"

namespace tonari::bitcoin::sim {
namespace {

// Requests (getdata, getheaders, mempool...) still go out: an attacker asks like anyone else.
constexpr std::array<std::string_view, 9> RELAY_COMMANDS = {"inv", "headers", "block",  "cmpctblock", "blocktxn",
                                                            "tx",  "addr",    "addrv2", "notfound"};
// A frame header: 4 bytes of network magic, then the command, NUL-padded to 12 bytes.
constexpr size_t COMMAND_OFFSET = 4;
constexpr size_t COMMAND_SIZE = 12;

}  // namespace

bool IsRelayCommand(std::string_view command) {
    return std::find(RELAY_COMMANDS.begin(), RELAY_COMMANDS.end(), command) != RELAY_COMMANDS.end();
}

bool SilentNetwork::Send(netcore::ConnectionId id, util::Bytes frame) {
    static_assert(COMMAND_OFFSET + COMMAND_SIZE <= wire::FRAME_HEADER_SIZE);
    if (frame.size() >= wire::FRAME_HEADER_SIZE) {
        std::string_view command(reinterpret_cast<const char*>(frame.data()) + COMMAND_OFFSET, COMMAND_SIZE);
        command = command.substr(0, command.find('\0'));
        if (IsRelayCommand(command)) {
            ++m_dropped;
            return true;
        }
    }
    return m_inner.Send(id, std::move(frame));
}

}  // namespace tonari::bitcoin::sim
