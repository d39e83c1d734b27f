// Messenger: the friends of one Tox user and what happens between them (spec "Messenger",
// "Friend requests", "Friend connection"). Friend requests out (sent through the onion once
// the friend is found, again after 5 s doubling until they answer) and in (checked against our
// nospam, repeats from one key ignored); a friend's DHT key from the onion, its address from
// the DHT, then a net_crypto session: ONLINE, names, status messages and user statuses both
// ways, typing notifications, messages and actions (split at 1,372 bytes) with receipts when the friend's
// acknowledgement passes them, an alive packet every 8 s and the session ended after 32 s of
// silence. The profile is saved on every change. Events go to a callback. Runs on the DHT
// node's thread, under its lock.
#pragma once

#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "tox/messenger/file_transfer.h"
#include "tox/net_crypto/net_crypto.h"
#include "tox/onion/onion_client.h"
#include "tox/profile/state_format.h"
#include "tox/relay/relay_clients.h"

namespace tonari::tox::messenger {

// c-toxcore's limits: a friend request message is 1 to 1,016 bytes (the onion's room after the
// nospam); a name 128 bytes.
inline constexpr size_t MAX_FRIEND_REQUEST_MESSAGE = 1016;
// A friend request is sent again this long after the last try, doubling each time.
inline constexpr int64_t FRIEND_REQUEST_RETRY_US = 5'000'000;
// Requests from strangers kept until the user answers; more are dropped (a request flood
// cannot fill memory or the screen).
inline constexpr size_t MAX_PENDING_REQUESTS = 32;
// …and each waits this long before it lapses (a flood blocks new requests for that long at most).
inline constexpr int64_t PENDING_REQUEST_LIFETIME_US = 10LL * 60 * 1'000'000;
// Changes friends make (names, statuses) reach the disk at most this often: a friend changing
// its name in a loop cannot make us sync the profile thousands of times a second.
inline constexpr int64_t PROFILE_SAVE_INTERVAL_US = 5'000'000;
// The longest message one packet carries; longer ones are split (c-toxcore's 1,372).
inline constexpr size_t MAX_MESSAGE_SIZE = 1372;
// Alive packets keep a session; one silent this long is ended (c-toxcore: 8 s and 32 s).
inline constexpr int64_t ALIVE_INTERVAL_US = 8'000'000;
inline constexpr int64_t SESSION_TIMEOUT_US = 32'000'000;
// Relays taken from one DHT key announcement (c-toxcore names at most 2): a friend naming
// others cannot fill our relay slots in one go.
inline constexpr size_t MAX_RELAYS_PER_ANNOUNCEMENT = 2;
// Messages awaiting their receipt, per friend: more are sent without one being tracked.
inline constexpr size_t MAX_PENDING_RECEIPTS = 4096;

enum class FriendStatus : uint8_t { NONE = 0, ADDED = 1, REQUEST_SENT = 2, CONFIRMED = 3, ONLINE = 4 };

struct Event {
    // friend_request, friend_added, request_sent, friend_dht_key, announced, not_announced,
    // friend_online, friend_offline, message, action, receipt, friend_name,
    // friend_status_message, friend_user_status, friend_typing (number 1 or 0), file_offer, file_accepted, file_sent,
    // file_done, file_cancelled, error
    std::string type;
    size_t friend_number = 0;
    crypto::BoxPublicKey public_key;
    std::string text;     // message, name, file name or path; for request_sent the onion route
    uint32_t number = 0;  // message id (receipt), user status, file number
    uint64_t size = 0;    // file size
    std::string sha256;   // of a received file, hex
    int64_t received_us = 0;  // friend requests: when it came
};
Event MakeEvent(std::string type, size_t friend_number, const crypto::BoxPublicKey& key, std::string text = {},
                uint32_t number = 0, uint64_t size = 0, std::string sha256 = {});
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
    // Sends a message (or, with `action`, a /me) to an online friend, split as needed; the id
    // its receipt will carry (of the last part), or why not.
    util::Result<uint32_t, std::string> SendMessage(size_t friend_number, const std::string& text, bool action,
                                                    int64_t now_us);
    // Offers a file to an online friend; its file number, or why not.
    util::Result<uint8_t, std::string> SendFile(size_t friend_number, const std::filesystem::path& path, int64_t now_us);
    // Accepts an offered file: it is written under the downloads folder.
    util::Result<void, std::string> AcceptFile(size_t friend_number, uint8_t file, int64_t now_us);
    // Stops a transfer either way (`incoming`: one we receive).
    util::Result<void, std::string> CancelFile(size_t friend_number, uint8_t file, bool incoming, int64_t now_us);
    void SetDownloads(std::filesystem::path folder) { m_downloads = std::move(folder); }
    void SetName(const std::string& name);
    void SetStatusMessage(const std::string& text);
    // Tells a friend we are typing to them, or stopped (spec "typing"); kept and sent again
    // whenever the friend comes online.
    util::Result<void, std::string> SetTyping(size_t friend_number, bool typing);
    bool Online(size_t friend_number) const;
    bool Announced(int64_t now_us) const { return m_onion.Announced(now_us); }
    const onion::OnionClient& Onion() const { return m_onion; }
    // TCP relays to reach friends through when UDP does not (friends named by their DHT keys);
    // must outlive the messenger. Null: UDP only.
    void SetRelays(relay::RelayClients* relays);
    // Without UDP: the onion goes through the relays too, its paths built from these nodes (the
    // bootstrap nodes; announce responses add more). Call after SetRelays.
    void UseTcpOnly(const std::vector<wire::NodeInfo>& path_nodes);
    // An onion response a relay brought back.
    void OnRelayOnion(util::ByteSpan response, int64_t now_us) { m_onion.OnTcpResponse(response, now_us); }
    // A packet a relay delivered from the peer with this DHT key.
    void OnRelayPacket(const crypto::BoxPublicKey& dht_key, util::ByteSpan packet, int64_t now_us);

private:
    struct FriendState {
        int64_t last_request_us = 0;
        int64_t request_timeout_us = FRIEND_REQUEST_RETRY_US;
        std::optional<crypto::BoxPublicKey> dht_key;
        bool session_up = false;
        bool online = false;  // their ONLINE packet came
        bool info_sent = false;
        bool typing = false;  // ours, toward this friend
        int64_t last_alive_sent_us = 0;
        int64_t last_heard_us = 0;
        uint32_t next_message_id = 1;
        std::deque<std::pair<uint32_t, uint32_t>> receipts;  // (packet number, message id)
        std::map<uint8_t, OutgoingFile> sending;
        std::map<uint8_t, IncomingFile> receiving;
    };

    void Tick(int64_t now_us);
    void OnOnionData(const crypto::BoxPublicKey& sender, uint8_t type, util::ByteSpan data, int64_t now_us);
    void OnSession(const crypto::BoxPublicKey& key, bool up, int64_t now_us);
    void OnPacket(const crypto::BoxPublicKey& key, util::ByteSpan data, int64_t now_us);
    void SendInfo(size_t friend_number, int64_t now_us);
    bool SendPacket(size_t friend_number, uint8_t id, util::ByteSpan body, int64_t now_us);
    void TickSessions(int64_t now_us);
    void OnFilePacket(size_t friend_number, uint8_t id, util::ByteSpan body, int64_t now_us);
    void PumpFiles(size_t friend_number, int64_t now_us);
    void DeliverReceipts(size_t friend_number);
    void EndFiles(size_t friend_number);
    bool SendFileControl(size_t friend_number, bool about_incoming, uint8_t file, uint8_t control, int64_t now_us);
    std::optional<size_t> FriendNumber(const crypto::BoxPublicKey& key) const;
    void Save();

    dht::DhtNode& m_node;
    profile::Profile m_profile;
    std::filesystem::path m_path;
    std::filesystem::path m_downloads = ".";
    EventFn m_on_event;
    relay::RelayClients* m_relays = nullptr;
    onion::OnionClient m_onion;
    net_crypto::NetCrypto m_crypto;
    std::deque<FriendState> m_state;  // by friend number (a deque: entries hold open files and never move)
    std::deque<Event> m_requests;
    bool m_was_announced = false;
    bool m_dirty = false;
    int64_t m_last_save_us = 0;
};

}  // namespace tonari::tox::messenger
