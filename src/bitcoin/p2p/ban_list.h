// BanList: subnets banned by the operator (setban, with an expiry) and addresses discouraged
// for misbehaviour. A banned address cannot connect at all; a discouraged one is disconnected
// and is the first to go when inbound slots run out (Core's rule: discouragement must not be
// a lever to split a shared address, such as a NAT, from the network entirely).
//
// Thread-safety: all methods lock; the network's io thread asks IsBanned for every accepted
// connection while RPC threads change the list.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "netcore/subnet.h"
#include "util/result.h"

namespace tonari::bitcoin::p2p {

// Discouraged addresses remembered (Core keeps a 50,000-entry rolling filter): a peer
// cycling through addresses cannot grow this without bound; the oldest are forgotten.
inline constexpr size_t MAX_DISCOURAGED = 50'000;
// Banned subnets kept: setban comes from an authenticated operator, but the list is also
// written to disk and read back, so it stays bounded.
inline constexpr size_t MAX_BANNED = 10'000;
inline constexpr int64_t DEFAULT_BAN_SECONDS = 24 * 60 * 60;  // Core's -bantime

struct BanEntry {
    std::string subnet;  // as given back by Subnet::ToString
    int64_t created = 0;
    int64_t until = 0;
};

class BanList {
public:
    // False when the subnet text does not parse or the list is full.
    bool Ban(const std::string& subnet_text, int64_t now, int64_t until);
    // False when the subnet was not banned.
    bool Unban(const std::string& subnet_text);
    void Clear();
    bool IsBanned(const std::string& address, int64_t now) const;
    std::vector<BanEntry> List(int64_t now) const;

    // The bans still in force as Core's banlist.json ({"banned_nets": [{"version": 1,
    // "ban_created", "banned_until", "address"}]}), so they survive a restart.
    std::string ToJson(int64_t now) const;
    // Adds the bans of a banlist.json document that have not expired; returns how many.
    // Entries that do not parse are skipped; a document that is not such an object is an error.
    util::Result<size_t, std::string> LoadJson(std::string_view text, int64_t now);

    void Discourage(const std::string& address);
    bool IsDiscouraged(const std::string& address) const;

private:
    struct BanRecord {
        netcore::Subnet subnet;
        BanEntry entry;
    };
    mutable std::mutex m_mutex;
    std::vector<BanRecord> m_bans;
    std::set<std::string> m_discouraged;
    std::deque<std::string> m_discouraged_order;
};

}  // namespace tonari::bitcoin::p2p
