// Friends, friend requests and the profile behind them.
#include "tox/messenger/messenger.h"

#include <algorithm>

#include "tox/profile/profile_file.h"

namespace tonari::tox::messenger {
namespace {

// Messenger's packet ids inside net_crypto (c-toxcore's Messenger.h).
constexpr uint8_t PACKET_ID_ALIVE = 16;
constexpr uint8_t PACKET_ID_ONLINE = 24;
constexpr uint8_t PACKET_ID_OFFLINE = 25;
constexpr uint8_t PACKET_ID_NICKNAME = 48;
constexpr uint8_t PACKET_ID_STATUSMESSAGE = 49;
constexpr uint8_t PACKET_ID_USERSTATUS = 50;
constexpr uint8_t PACKET_ID_TYPING = 51;
constexpr uint8_t PACKET_ID_MESSAGE = 64;
constexpr uint8_t PACKET_ID_ACTION = 65;

util::ByteSpan AsBytes(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

}  // namespace

void Messenger::SetRelays(relay::RelayClients* relays) {
    m_relays = relays;
    if (!relays) {
        m_crypto.SetRelaySend({});
        m_onion.SetRelaysFn({});
        m_onion.SetTcpOnion({});
        return;
    }
    m_crypto.SetRelaySend([relays](const crypto::BoxPublicKey& dht_key, util::ByteSpan packet) {
        return relays->Send(dht_key, packet);
    });
    m_onion.SetRelaysFn([relays] { return relays->ConnectedRelays(); });
    for (const auto& st : m_state) {
        if (st.dht_key) relays->Want(*st.dht_key);
    }
}

void Messenger::UseTcpOnly(const std::vector<wire::NodeInfo>& path_nodes) {
    if (!m_relays) return;
    m_onion.SetTcpOnion([relays = m_relays](util::ByteSpan request) { return relays->SendOnion(request); });
    for (const auto& n : path_nodes) m_onion.AddPathNode(n, true);
}

void Messenger::OnRelayPacket(const crypto::BoxPublicKey& dht_key, util::ByteSpan packet, int64_t now_us) {
    m_crypto.OnRelayPacket(dht_key, packet, now_us);
}

Event MakeEvent(std::string type, size_t friend_number, const crypto::BoxPublicKey& key, std::string text, uint32_t number,
                uint64_t size, std::string sha256) {
    Event e;
    e.type = std::move(type);
    e.friend_number = friend_number;
    e.public_key = key;
    e.text = std::move(text);
    e.number = number;
    e.size = size;
    e.sha256 = std::move(sha256);
    return e;
}

Messenger::Messenger(dht::DhtNode& node, profile::Profile profile, std::filesystem::path path, EventFn on_event,
                     uint64_t seed)
    : m_node(node),
      m_profile(std::move(profile)),
      m_path(std::move(path)),
      m_on_event(on_event ? std::move(on_event) : [](const Event&) {}),
      m_onion(node, m_profile.keys, seed),
      m_crypto(node, m_profile.keys) {
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
                                    const std::vector<wire::NodeInfo>& nodes, int64_t) {
        auto n = FriendNumber(friend_key);
        if (!n) return;
        if (m_state[*n].dht_key != dht_key) {
            m_on_event(MakeEvent("friend_dht_key", *n, dht_key, "", 0));
            if (m_relays && m_state[*n].dht_key) m_relays->Forget(*m_state[*n].dht_key);
        }
        m_state[*n].dht_key = dht_key;
        if (!m_relays) return;
        // The relays the friend is connected to: we connect to them too and ask for a link.
        size_t relays = 0;
        for (const auto& named : nodes) {
            if (named.tcp && relays++ < MAX_RELAYS_PER_ANNOUNCEMENT) m_relays->AddRelay(named, false);
        }
        m_relays->Want(dht_key);
    });
    // Sessions only with friends; a handshake naming a new DHT key tells us where they moved.
    m_crypto.SetAcceptFn([this](const crypto::BoxPublicKey& key, const crypto::BoxPublicKey& dht_key) {
        auto n = FriendNumber(key);
        if (!n) return false;
        // A new DHT key replaces the old one on the relays too: a friend restarting many times
        // must not use up our relays' 240 links.
        if (m_relays && m_state[*n].dht_key && *m_state[*n].dht_key != dht_key) m_relays->Forget(*m_state[*n].dht_key);
        m_state[*n].dht_key = dht_key;
        if (m_relays) m_relays->Want(dht_key);
        return true;
    });
    m_crypto.SetStatusFn([this](const crypto::BoxPublicKey& key, bool up) { OnSession(key, up, m_crypto.Now()); });
    m_crypto.SetDataFn(
        [this](const crypto::BoxPublicKey& key, util::ByteSpan data) { OnPacket(key, data, m_crypto.Now()); });
    m_crypto.SetAckedFn([this](const crypto::BoxPublicKey& key) {
        if (auto n = FriendNumber(key)) {
            DeliverReceipts(*n);
            PumpFiles(*n, m_crypto.Now());
        }
    });
    node.AddTicker([this](int64_t now) {
        m_onion.Tick(now);
        m_crypto.Tick(now);
        Tick(now);
        TickSessions(now);
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
        m_on_event(MakeEvent("error", 0, {}, saved.error()));
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
    m_state.push_back({});
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
    m_on_event(MakeEvent("friend_added", n, key, "", 0));
    return n;
}

void Messenger::Tick(int64_t now_us) {
    if (m_dirty && now_us - m_last_save_us >= PROFILE_SAVE_INTERVAL_US) {
        m_dirty = false;
        m_last_save_us = now_us;
        Save();
    }
    // Requests nobody answered lapse, so a flood of them blocks new ones for a while at most.
    while (!m_requests.empty() && now_us - m_requests.front().received_us >= PENDING_REQUEST_LIFETIME_US) {
        m_requests.pop_front();
    }
    const bool announced = m_onion.Announced(now_us);
    if (announced != m_was_announced) {
        m_was_announced = announced;
        m_on_event(MakeEvent(announced ? "announced" : "not_announced", 0, m_profile.keys.public_key, "", 0));
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
        std::string route;
        for (const auto& hop : m_onion.LastDataRoute()) route += (route.empty() ? "" : " -> ") + hop.ToString();
        m_on_event(MakeEvent("request_sent", i, f.public_key, route, 0));
    }
}

void Messenger::OnOnionData(const crypto::BoxPublicKey& sender, uint8_t type, util::ByteSpan data, int64_t now_us) {
    if (type != onion::DATA_FRIEND_REQUEST) return;
    // [nospam 4][message]: our nospam only, a message of at least a byte.
    if (data.size() < 5 || data.size() > 4 + MAX_FRIEND_REQUEST_MESSAGE ||
        !std::equal(m_profile.nospam.begin(), m_profile.nospam.end(), data.begin())) {
        return;
    }
    if (FriendNumber(sender)) return;  // a friend already (their request crossed ours)
    if (std::any_of(m_requests.begin(), m_requests.end(), [&](const Event& e) { return e.public_key == sender; })) return;
    if (m_requests.size() >= MAX_PENDING_REQUESTS) return;
    Event e = MakeEvent("friend_request", 0, sender, std::string(data.begin() + 4, data.end()), 0);
    e.received_us = now_us;
    m_requests.push_back(e);
    m_on_event(e);
}

}  // namespace tonari::tox::messenger

namespace tonari::tox::messenger {

bool Messenger::Online(size_t friend_number) const {
    return friend_number < m_state.size() && m_state[friend_number].online;
}

bool Messenger::SendPacket(size_t n, uint8_t id, util::ByteSpan body, int64_t now_us) {
    util::Bytes packet{id};
    packet.insert(packet.end(), body.begin(), body.end());
    return m_crypto.SendLossless(m_profile.friends[n].public_key, packet, now_us).has_value();
}

void Messenger::SendInfo(size_t n, int64_t now_us) {
    SendPacket(n, PACKET_ID_NICKNAME, AsBytes(m_profile.name), now_us);
    SendPacket(n, PACKET_ID_STATUSMESSAGE, AsBytes(m_profile.status_message), now_us);
    const uint8_t status[] = {m_profile.user_status};
    SendPacket(n, PACKET_ID_USERSTATUS, status, now_us);
    const uint8_t typing[] = {m_state[n].typing ? uint8_t{1} : uint8_t{0}};
    SendPacket(n, PACKET_ID_TYPING, typing, now_us);
    m_state[n].info_sent = true;
}

void Messenger::OnSession(const crypto::BoxPublicKey& key, bool up, int64_t now_us) {
    auto n = FriendNumber(key);
    if (!n) return;
    auto& st = m_state[*n];
    auto& f = m_profile.friends[*n];
    st.session_up = up;
    m_onion.SetFriendConnected(key, up);
    if (up) {
        st.last_heard_us = now_us;
        st.last_alive_sent_us = now_us;
        // A session means they have us as a friend too: any request of ours was accepted.
        if (f.status < static_cast<uint8_t>(FriendStatus::CONFIRMED)) {
            f.status = static_cast<uint8_t>(FriendStatus::CONFIRMED);
            m_dirty = true;  // written within PROFILE_SAVE_INTERVAL_US
        }
        SendPacket(*n, PACKET_ID_ONLINE, {}, now_us);
        return;
    }
    const bool was_online = st.online;
    st.online = false;
    st.info_sent = false;
    st.receipts.clear();
    EndFiles(*n);
    if (was_online) m_on_event(MakeEvent("friend_offline", *n, key, "", 0));
}

void Messenger::OnPacket(const crypto::BoxPublicKey& key, util::ByteSpan data, int64_t now_us) {
    auto n = FriendNumber(key);
    if (!n || data.empty()) return;
    auto& st = m_state[*n];
    auto& f = m_profile.friends[*n];
    st.last_heard_us = now_us;
    const util::ByteSpan body = data.subspan(1);
    const std::string text(body.begin(), body.end());
    switch (data[0]) {
        case PACKET_ID_ONLINE:
            if (!st.online) {
                st.online = true;
                m_on_event(MakeEvent("friend_online", *n, key, m_crypto.Direct(key) ? "udp" : "tcp", 0));
            }
            if (!st.info_sent) SendInfo(*n, now_us);
            break;
        case PACKET_ID_OFFLINE:
            if (st.online) m_on_event(MakeEvent("friend_offline", *n, key, "", 0));
            st.online = false;
            break;
        case PACKET_ID_NICKNAME:
            if (body.size() > profile::MAX_NAME_SIZE || text == f.name) break;
            f.name = text;
            m_dirty = true;  // written within PROFILE_SAVE_INTERVAL_US
            m_on_event(MakeEvent("friend_name", *n, key, text, 0));
            break;
        case PACKET_ID_STATUSMESSAGE:
            if (body.size() > profile::MAX_STATUS_MESSAGE_SIZE || text == f.status_message) break;
            f.status_message = text;
            m_dirty = true;  // written within PROFILE_SAVE_INTERVAL_US
            m_on_event(MakeEvent("friend_status_message", *n, key, text, 0));
            break;
        case PACKET_ID_USERSTATUS:
            if (body.size() != 1 || body[0] > 2) break;
            f.user_status = body[0];
            m_on_event(MakeEvent("friend_user_status", *n, key, "", body[0]));
            break;
        case PACKET_ID_TYPING:
            // Any non-zero byte is "typing", as c-toxcore reads it.
            if (body.size() != 1) break;
            m_on_event(MakeEvent("friend_typing", *n, key, "", body[0] != 0 ? 1 : 0));
            break;
        case PACKET_ID_MESSAGE:
        case PACKET_ID_ACTION:
            if (body.empty() || body.size() > MAX_MESSAGE_SIZE || !st.online) break;
            m_on_event(MakeEvent(data[0] == PACKET_ID_ACTION ? "action" : "message", *n, key, text, 0));
            break;
        case PACKET_ID_FILE_SENDREQUEST:
        case PACKET_ID_FILE_CONTROL:
        case PACKET_ID_FILE_DATA:
            OnFilePacket(*n, data[0], body, now_us);
            break;
        default:
            break;  // alive, typing, conferences: nothing to do
    }
}

util::Result<uint32_t, std::string> Messenger::SendMessage(size_t n, const std::string& text, bool action,
                                                           int64_t now_us) {
    if (n >= m_profile.friends.size()) return util::Fail(std::string("no friend number ") + std::to_string(n));
    if (!m_state[n].online) return util::Fail(std::string("the friend is not online"));
    if (text.empty()) return util::Fail(std::string("an empty message"));
    auto& st = m_state[n];
    uint32_t id = 0;
    for (size_t at = 0; at < text.size(); at += MAX_MESSAGE_SIZE) {
        const std::string part = text.substr(at, MAX_MESSAGE_SIZE);
        util::Bytes packet{action ? PACKET_ID_ACTION : PACKET_ID_MESSAGE};
        packet.insert(packet.end(), part.begin(), part.end());
        auto number = m_crypto.SendLossless(m_profile.friends[n].public_key, packet, now_us);
        if (!number) return util::Fail(std::string("the connection's send window is full"));
        id = st.next_message_id++;
        if (st.receipts.size() < MAX_PENDING_RECEIPTS) st.receipts.emplace_back(*number, id);
    }
    return id;
}

void Messenger::SetName(const std::string& name) {
    m_profile.name = name.substr(0, profile::MAX_NAME_SIZE);
    Save();
    for (size_t i = 0; i < m_state.size(); ++i) {
        if (m_state[i].online) SendPacket(i, PACKET_ID_NICKNAME, AsBytes(m_profile.name), m_crypto.Now());
    }
}

util::Result<void, std::string> Messenger::SetTyping(size_t friend_number, bool typing) {
    if (friend_number >= m_state.size()) return util::Fail("no friend " + std::to_string(friend_number));
    auto& st = m_state[friend_number];
    if (st.typing == typing) return {};
    st.typing = typing;
    // Sent now if the friend is online, else with the rest of our info when it comes online.
    const uint8_t body[] = {typing ? uint8_t{1} : uint8_t{0}};
    if (st.online) SendPacket(friend_number, PACKET_ID_TYPING, body, m_crypto.Now());
    return {};
}

void Messenger::SetStatusMessage(const std::string& text) {
    m_profile.status_message = text.substr(0, profile::MAX_STATUS_MESSAGE_SIZE);
    Save();
    for (size_t i = 0; i < m_state.size(); ++i) {
        if (m_state[i].online) SendPacket(i, PACKET_ID_STATUSMESSAGE, AsBytes(m_profile.status_message), m_crypto.Now());
    }
}

void Messenger::TickSessions(int64_t now_us) {
    for (size_t i = 0; i < m_profile.friends.size(); ++i) {
        auto& st = m_state[i];
        const auto& key = m_profile.friends[i].public_key;
        if (!st.session_up) {
            // Found in the DHT: start a session (nothing if one is setting up already).
            if (st.dht_key) {
                if (auto at = m_node.Found(*st.dht_key)) {
                    m_crypto.Connect(key, *st.dht_key, at->endpoint, now_us);
                } else if (m_relays && m_relays->AnyConnected()) {
                    // Not in the DHT (its UDP may be off): through the relays, linked or OOB.
                    m_crypto.Connect(key, *st.dht_key, std::nullopt, now_us);
                }
            }
            continue;
        }
        if (now_us - st.last_heard_us >= SESSION_TIMEOUT_US) {
            m_crypto.Kill(key);
            OnSession(key, false, now_us);
            continue;
        }
        if (now_us - st.last_alive_sent_us >= ALIVE_INTERVAL_US) {
            st.last_alive_sent_us = now_us;
            SendPacket(i, PACKET_ID_ALIVE, {}, now_us);
        }
        DeliverReceipts(i);
        PumpFiles(i, now_us);
    }
}

}  // namespace tonari::tox::messenger

namespace tonari::tox::messenger {

void Messenger::DeliverReceipts(size_t n) {
    auto& st = m_state[n];
    const auto key = m_profile.friends[n].public_key;
    while (!st.receipts.empty() && m_crypto.Delivered(key, st.receipts.front().first)) {
        const uint32_t id = st.receipts.front().second;
        st.receipts.pop_front();  // before the event: its handler may end the session
        m_on_event(MakeEvent("receipt", n, key, "", id));
    }
}

}  // namespace tonari::tox::messenger
