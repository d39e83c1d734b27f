// Friends, friend requests and the profile behind them.
#include "tox/messenger/messenger.h"

#include <algorithm>

#include "tox/profile/profile_file.h"

namespace tonari::tox::messenger {

Messenger::Messenger(dht::DhtNode& node, profile::Profile profile, std::filesystem::path path, EventFn on_event,
                     uint64_t seed)
    : m_node(node),
      m_profile(std::move(profile)),
      m_path(std::move(path)),
      m_on_event(on_event ? std::move(on_event) : [](const Event&) {}),
      m_onion(node, m_profile.keys, seed) {
    m_state.resize(m_profile.friends.size());
    for (auto& f : m_profile.friends) {
        // c-toxcore saves an online friend as confirmed; so do we read it.
        if (f.status == static_cast<uint8_t>(FriendStatus::ONLINE)) f.status = static_cast<uint8_t>(FriendStatus::CONFIRMED);
        if (f.status == static_cast<uint8_t>(FriendStatus::REQUEST_SENT)) f.status = static_cast<uint8_t>(FriendStatus::ADDED);
        m_onion.AddFriend(f.public_key);
    }
    m_onion.SetDataHandler([this](const crypto::BoxPublicKey& sender, uint8_t type, util::ByteSpan data, int64_t now) {
        OnOnionData(sender, type, data, now);
    });
    m_onion.SetDhtKeyHandler([this](const crypto::BoxPublicKey& friend_key, const crypto::BoxPublicKey& dht_key,
                                    const std::vector<wire::NodeInfo>&, int64_t) {
        if (auto n = FriendNumber(friend_key)) m_on_event({"friend_dht_key", *n, dht_key, ""});
    });
    node.AddTicker([this](int64_t now) {
        m_onion.Tick(now);
        Tick(now);
    });
}

std::optional<size_t> Messenger::FriendNumber(const crypto::BoxPublicKey& key) const {
    for (size_t i = 0; i < m_profile.friends.size(); ++i) {
        if (m_profile.friends[i].public_key == key) return i;
    }
    return std::nullopt;
}

void Messenger::Save() {
    if (auto saved = profile::SaveProfile(m_path, m_profile); !saved) {
        m_on_event({"error", 0, {}, saved.error()});
    }
}

util::Result<size_t, std::string> Messenger::AddFriend(const profile::ToxId& id, const std::string& message,
                                                       int64_t now_us) {
    if (message.empty() || message.size() > MAX_FRIEND_REQUEST_MESSAGE) {
        return util::Fail("a friend request message is 1 to " + std::to_string(MAX_FRIEND_REQUEST_MESSAGE) + " bytes");
    }
    if (id.public_key == m_profile.keys.public_key) return util::Fail(std::string("that is your own Tox ID"));
    if (FriendNumber(id.public_key)) return util::Fail(std::string("already a friend"));
    if (m_profile.friends.size() >= profile::MAX_SAVED_FRIENDS) return util::Fail(std::string("too many friends"));
    profile::SavedFriend f;
    f.status = static_cast<uint8_t>(FriendStatus::ADDED);
    f.public_key = id.public_key;
    f.request_message = message;
    f.request_nospam = id.nospam;
    m_profile.friends.push_back(std::move(f));
    m_state.push_back({0, FRIEND_REQUEST_RETRY_US});
    m_onion.AddFriend(id.public_key);
    Save();
    Tick(now_us);
    return m_profile.friends.size() - 1;
}

util::Result<size_t, std::string> Messenger::Accept(const crypto::BoxPublicKey& key) {
    if (key == m_profile.keys.public_key) return util::Fail(std::string("that is your own key"));
    if (auto n = FriendNumber(key)) return *n;
    if (m_profile.friends.size() >= profile::MAX_SAVED_FRIENDS) return util::Fail(std::string("too many friends"));
    profile::SavedFriend f;
    f.status = static_cast<uint8_t>(FriendStatus::CONFIRMED);
    f.public_key = key;
    m_profile.friends.push_back(std::move(f));
    m_state.push_back({});
    m_onion.AddFriend(key);
    std::erase_if(m_requests, [&](const Event& e) { return e.public_key == key; });
    Save();
    const size_t n = m_profile.friends.size() - 1;
    m_on_event({"friend_added", n, key, ""});
    return n;
}

void Messenger::Tick(int64_t now_us) {
    const bool announced = m_onion.Announced(now_us);
    if (announced != m_was_announced) {
        m_was_announced = announced;
        m_on_event({announced ? "announced" : "not_announced", 0, m_profile.keys.public_key, ""});
    }
    for (size_t i = 0; i < m_profile.friends.size(); ++i) {
        auto& f = m_profile.friends[i];
        auto& s = m_state[i];
        if (f.status == static_cast<uint8_t>(FriendStatus::REQUEST_SENT) && now_us - s.last_request_us >= s.request_timeout_us) {
            f.status = static_cast<uint8_t>(FriendStatus::ADDED);
            s.request_timeout_us *= 2;
        }
        if (f.status != static_cast<uint8_t>(FriendStatus::ADDED) || m_onion.FriendNodes(f.public_key, now_us) == 0) continue;
        // [nospam][message], as c-toxcore sends it.
        util::Bytes data(f.request_nospam.begin(), f.request_nospam.end());
        data.insert(data.end(), f.request_message.begin(), f.request_message.end());
        if (m_onion.SendData(f.public_key, onion::DATA_FRIEND_REQUEST, data, now_us) == 0) continue;
        f.status = static_cast<uint8_t>(FriendStatus::REQUEST_SENT);
        s.last_request_us = now_us;
        m_on_event({"request_sent", i, f.public_key, ""});
    }
}

void Messenger::OnOnionData(const crypto::BoxPublicKey& sender, uint8_t type, util::ByteSpan data, int64_t) {
    if (type != onion::DATA_FRIEND_REQUEST) return;
    // [nospam 4][message]: our nospam only, a message of at least a byte.
    if (data.size() < 5 || data.size() > 4 + MAX_FRIEND_REQUEST_MESSAGE ||
        !std::equal(m_profile.nospam.begin(), m_profile.nospam.end(), data.begin())) {
        return;
    }
    if (FriendNumber(sender)) return;  // a friend already (their request crossed ours)
    if (std::any_of(m_requests.begin(), m_requests.end(), [&](const Event& e) { return e.public_key == sender; })) return;
    if (m_requests.size() >= MAX_PENDING_REQUESTS) return;
    Event e{"friend_request", 0, sender, std::string(data.begin() + 4, data.end())};
    m_requests.push_back(e);
    m_on_event(e);
}

}  // namespace tonari::tox::messenger
