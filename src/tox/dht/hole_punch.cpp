// NAT ping packets and the port guessing of hole punching.
#include "tox/dht/hole_punch.h"

#include <algorithm>
#include <cstring>

namespace tonari::tox::dht {
namespace {

constexpr uint8_t NAT_PING_REQUEST = 0;
constexpr uint8_t NAT_PING_RESPONSE = 1;

}  // namespace

util::Bytes EncodeNatPing(const NatPing& ping) {
    util::Bytes out(NAT_PING_SIZE);
    out[0] = NAT_PING_KIND;
    out[1] = ping.response ? NAT_PING_RESPONSE : NAT_PING_REQUEST;
    // The id only comes back to us, so its byte order is ours (c-toxcore copies it raw too).
    std::memcpy(out.data() + 2, &ping.id, sizeof ping.id);
    return out;
}

std::optional<NatPing> DecodeNatPing(util::ByteSpan plain) {
    if (plain.size() != NAT_PING_SIZE || plain[0] != NAT_PING_KIND) return std::nullopt;
    if (plain[1] != NAT_PING_REQUEST && plain[1] != NAT_PING_RESPONSE) return std::nullopt;
    NatPing ping;
    ping.response = plain[1] == NAT_PING_RESPONSE;
    std::memcpy(&ping.id, plain.data() + 2, sizeof ping.id);
    return ping;
}

std::optional<std::string> CommonAddress(const std::vector<netcore::PeerEndpoint>& named, size_t min_count) {
    for (const auto& candidate : named) {
        const auto count = std::count_if(named.begin(), named.end(),
                                         [&](const netcore::PeerEndpoint& e) { return e.address == candidate.address; });
        if (static_cast<size_t>(count) >= min_count) return candidate.address;
    }
    return std::nullopt;
}

std::vector<uint16_t> PunchPorts(const std::vector<uint16_t>& named_ports, PunchState& state) {
    std::vector<uint16_t> ports;
    if (named_ports.empty()) return ports;
    const bool all_same = std::all_of(named_ports.begin(), named_ports.end(),
                                      [&](uint16_t p) { return p == named_ports.front(); });
    if (all_same) {
        ports.push_back(named_ports.front());
    } else {
        // Each named port, then each one step either side, then two steps…: the i-th guess is
        // named port (i/2) mod n moved by ±(i / 2n), as c-toxcore guesses (ports wrap at 65536).
        const uint32_t n = static_cast<uint32_t>(named_ports.size());
        for (uint32_t i = 0; i < MAX_PUNCHING_PORTS; ++i) {
            const uint32_t it = i + state.index;
            const uint32_t step = it / (2 * n);
            const uint16_t base = named_ports[(it / 2) % n];
            ports.push_back(static_cast<uint16_t>(it % 2 != 0 ? base - step : base + step));
        }
        state.index += MAX_PUNCHING_PORTS;
    }
    if (state.tries > MAX_NORMAL_PUNCHING_TRIES) {
        for (uint32_t i = 0; i < MAX_PUNCHING_PORTS; ++i) {
            ports.push_back(static_cast<uint16_t>(PUNCH_SWEEP_FIRST_PORT + i + state.index2));
        }
        // Half of each sweep overlaps the last one, as in c-toxcore.
        state.index2 += MAX_PUNCHING_PORTS - MAX_PUNCHING_PORTS / 2;
    }
    ++state.tries;
    return ports;
}

}  // namespace tonari::tox::dht
