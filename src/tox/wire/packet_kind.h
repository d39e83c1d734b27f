// The first byte of every Tox datagram: which protocol packet follows (spec "Packet Kind").
#pragma once

#include <cstdint>

namespace tonari::tox::wire {

enum class PacketKind : uint8_t {
    PING_REQUEST = 0x00,
    PING_RESPONSE = 0x01,
    NODES_REQUEST = 0x02,
    NODES_RESPONSE = 0x04,
    COOKIE_REQUEST = 0x18,
    COOKIE_RESPONSE = 0x19,
    CRYPTO_HANDSHAKE = 0x1a,
    CRYPTO_DATA = 0x1b,
    DHT_REQUEST = 0x20,
    LAN_DISCOVERY = 0x21,
    ONION_REQUEST_0 = 0x80,
    ONION_REQUEST_1 = 0x81,
    ONION_REQUEST_2 = 0x82,
    ANNOUNCE_REQUEST = 0x83,
    ANNOUNCE_RESPONSE = 0x84,
    ONION_DATA_REQUEST = 0x85,
    ONION_DATA_RESPONSE = 0x86,
    ONION_RESPONSE_3 = 0x8c,
    ONION_RESPONSE_2 = 0x8d,
    ONION_RESPONSE_1 = 0x8e,
    BOOTSTRAP_INFO = 0xf0,
};

}  // namespace tonari::tox::wire
