// The Tox save format (spec "State Format"), so that a profile made by toxic or qTox loads here
// with the same Tox ID and one saved here loads there: a magic header, then sections of
// [length u32][type u16][0x01CE u16][data], little-endian, ending with an EOF section. The
// sections this version interprets are read into fields; every other one (conferences,
// groups) is kept byte for byte and written back in its place, so a round trip
// through tonari loses nothing.
#pragma once

#include <string>
#include <vector>

#include "tox/profile/tox_id.h"
#include "tox/wire/node_info.h"

namespace tonari::tox::profile {

// A save file larger than this is not a profile (c-toxcore's own for 1,000 friends is ~2 MiB):
// refused before it is read into memory.
inline constexpr size_t MAX_STATE_SIZE = 16 << 20;
// Nodes read per saved list (c-toxcore saves up to 2,080 DHT nodes); more are left out.
inline constexpr size_t MAX_SAVED_NODES = 2080;
// c-toxcore's limits on what a user sets.
inline constexpr size_t MAX_NAME_SIZE = 128;
inline constexpr size_t MAX_STATUS_MESSAGE_SIZE = 1007;

enum class SectionType : uint16_t {
    NOSPAM_KEYS = 0x01,
    DHT = 0x02,
    FRIENDS = 0x03,
    NAME = 0x04,
    STATUS_MESSAGE = 0x05,
    STATUS = 0x06,
    TCP_RELAYS = 0x0a,
    PATH_NODES = 0x0b,
    END = 0xff,
};

// A friend record as c-toxcore saves it: fixed-size fields, 2,216 bytes, sizes big-endian.
inline constexpr size_t SAVED_FRIEND_SIZE = 2216;
inline constexpr size_t MAX_FRIEND_REQUEST_SIZE = 1024;
// c-toxcore keeps one friend list entry per record; beyond this a file is not a real profile.
inline constexpr size_t MAX_SAVED_FRIENDS = 4096;

struct SavedFriend {
    // 1 added, 2 request sent, 3 confirmed, 4 online (saved as 3 by c-toxcore).
    uint8_t status = 0;
    crypto::BoxPublicKey public_key;
    std::string request_message;  // what we sent with our friend request
    std::string name;
    std::string status_message;
    uint8_t user_status = 0;
    Nospam request_nospam{};  // the nospam of the ID our request went to
    uint64_t last_seen = 0;   // Unix time

    bool operator==(const SavedFriend&) const = default;
};

struct KeptSection {
    uint16_t type = 0;
    util::Bytes data;
    bool operator==(const KeptSection&) const = default;
};

struct Profile {
    Nospam nospam{};
    crypto::BoxKeyPair keys;
    std::string name;
    std::string status_message;
    uint8_t user_status = 0;  // 0 online, 1 away, 2 busy
    std::vector<wire::NodeInfo> dht_nodes;
    std::vector<wire::NodeInfo> tcp_relays;
    std::vector<wire::NodeInfo> path_nodes;
    std::vector<SavedFriend> friends;
    std::vector<KeptSection> kept;

    ToxId Id() const { return {keys.public_key, nospam}; }
};

// Fresh long-term keys and a random nospam.
Profile NewProfile();
util::Bytes EncodeState(const Profile& profile);
// Errors say what is wrong and where (byte offset). Only what would lose the identity or the
// friends refuses a file: a damaged header, keys or friends section. A damaged node list, name
// or status is left out and the rest loads, as c-toxcore does.
util::Result<Profile, std::string> DecodeState(util::ByteSpan data);

}  // namespace tonari::tox::profile
