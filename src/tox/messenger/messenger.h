// Messenger: the friends of one Tox user and what happens between them (spec "Messenger",
// "Friend requests"). So far: friend requests out (sent through the onion once the friend is
// found, again after 5 s doubling until they answer) and in (checked against our nospam,
// repeats from one key ignored), accepting them, learning a friend's DHT key; the profile
// saved on every change. Events go to a callback. Runs on the DHT node's thread, under its lock.
#pragma once

#include <deque>
#include <filesystem>
#include <functional>
#include <string>

#include "tox/onion/onion_client.h"
#include "tox/profile/state_format.h"

namespace tonari::tox::messenger {

// c-toxcore's limits: a friend request message is 1 to 1,016 bytes (the onion's room after the
// nospam); a name 128 bytes.
inline constexpr size_t MAX_FRIEND_REQUEST_MESSAGE = 1016;
// A friend request is sent again this long after the last try, doubling each time.
inline constexpr int64_t FRIEND_REQUEST_RETRY_US = 5'000'000;
// Requests from strangers kept until the user answers; more are dropped (a request flood
// cannot fill memory or the screen).
inline constexpr size_t MAX_PENDING_REQUESTS = 32;

enum class FriendStatus : uint8_t { NONE = 0, ADDED = 1, REQUEST_SENT = 2, CONFIRMED = 3, ONLINE = 4 };

struct Event {
    std::string type;  // friend_request, friend_added, request_sent, friend_dht_key, announced
    size_t friend_number = 0;
    crypto::BoxPublicKey public_key;
    std::string text;
};
using EventFn = std::function<void(const Event&)>;

class Messenger {
public:
    // `profile` is loaded already; it is saved to `path` on every change.
    Messenger(dht::DhtNode& node, profile::Profile profile, std::filesystem::path path, EventFn on_event, uint64_t seed);

    const profile::Profile& Profile() const { return m_profile; }
    // Adds a friend by Tox ID and sends the request; the friend number, or why not.
    util::Result<size_t, std::string> AddFriend(const profile::ToxId& id, const std::string& message, int64_t now_us);
    // Accepts a pending request (or adds a key without one); the friend number.
    util::Result<size_t, std::string> Accept(const crypto::BoxPublicKey& key);
    const std::deque<Event>& PendingRequests() const { return m_requests; }
    bool Announced(int64_t now_us) const { return m_onion.Announced(now_us); }
    const onion::OnionClient& Onion() const { return m_onion; }

private:
    struct FriendState {
        int64_t last_request_us = 0;
        int64_t request_timeout_us = FRIEND_REQUEST_RETRY_US;
    };

    void Tick(int64_t now_us);
    void OnOnionData(const crypto::BoxPublicKey& sender, uint8_t type, util::ByteSpan data, int64_t now_us);
    std::optional<size_t> FriendNumber(const crypto::BoxPublicKey& key) const;
    void Save();

    dht::DhtNode& m_node;
    profile::Profile m_profile;
    std::filesystem::path m_path;
    EventFn m_on_event;
    onion::OnionClient m_onion;
    std::vector<FriendState> m_state;  // by friend number
    std::deque<Event> m_requests;
    bool m_was_announced = false;
};

}  // namespace tonari::tox::messenger
