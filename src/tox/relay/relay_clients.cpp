// Connections to relays, the links asked of them, and packets both ways.
#include "tox/relay/relay_clients.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <set>

#include "crypto/random.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"
#include "util/steady_clock.h"
#include "util/ticker_thread.h"

namespace tonari::tox::relay {
namespace {

constexpr auto TICK = std::chrono::milliseconds(200);

enum class State : uint8_t { IDLE, CONNECTING, UP };
// What a packet from a relay hands up, once the lock is released.
enum class Up : uint8_t { NOTHING, PACKET, ONION };

struct Relay {
    wire::NodeInfo node;
    bool permanent = false;
    State state = State::IDLE;
    netcore::ConnectionId conn = 0;
    int64_t retry_at_us = 0;
    int64_t backoff_us = RECONNECT_MIN_US;
    int failures = 0;  // dials in a row that never got the relay up
    std::map<PublicKey, uint8_t> ids;    // peers asked for: their connection id, 0 until answered
    std::map<uint8_t, PublicKey> peers;  // and back
    std::set<uint8_t> online;            // ids the relay says are linked
    uint64_t ping_id = 0;
    int64_t ping_sent_us = 0;
};

util::Bytes KeyBody(const PublicKey& key) { return util::Bytes(key.begin(), key.end()); }

}  // namespace

class RelayClients::Impl final : public netcore::PeerNetworkEvents {
public:
    explicit Impl(RelayClientsOptions options) : m_options(std::move(options)) {
        if (!m_options.log) m_options.log = [](const std::string&) {};
        if (!m_options.on_packet) m_options.on_packet = [](const PublicKey&, util::ByteSpan) {};
        if (!m_options.on_onion) m_options.on_onion = [](util::ByteSpan) {};
    }

    util::Result<void, std::string> Open() {
        netcore::PeerNetworkOptions o;
        o.max_inbound = 0;
        o.max_outbound = MAX_RELAYS;
        o.format = RelayFrameFormat();
        o.max_send_queue_bytes = 4 * CLIENT_SOFT_QUEUE_BYTES;
        o.inactivity_timeout = std::chrono::milliseconds((PING_INTERVAL_US + PING_TIMEOUT_US) * 3 / 1000);
        o.stream_handshake = [this](bool, uint64_t tag, const netcore::PeerEndpoint&) {
            std::lock_guard lock(m_keys_mutex);
            const size_t i = static_cast<size_t>(tag - 1);
            return i < m_relay_keys.size() ? MakeClientHandshake(m_options.keys, m_relay_keys[i]) : nullptr;
        };
        auto network = netcore::PeerNetwork::Start(std::move(o), *this);
        if (!network) return util::Fail("tox relay client: " + network.error());
        m_network = std::move(*network);
        m_ticker.Start(m_mutex, TICK, [this] { Tick(); });
        return {};
    }

    void Stop() {
        m_ticker.Stop();
        if (m_network) m_network->Stop();
    }

    void AddRelay(const wire::NodeInfo& node, bool permanent) {
        std::lock_guard lock(m_mutex);
        for (auto& r : m_relays) {
            if (r.node.public_key == node.public_key) {
                r.permanent = r.permanent || permanent;
                return;
            }
        }
        Relay r;
        r.node = node;
        r.permanent = permanent;
        if (m_relays.size() < MAX_RELAYS) {
            m_relays.push_back(r);
            std::lock_guard keys(m_keys_mutex);
            m_relay_keys.push_back(node.public_key);
        } else {
            // Full: a relay a friend named that keeps failing makes room (a friend naming
            // bogus relays cannot hold the slots); the user's relays stay.
            auto dead = std::find_if(m_relays.begin(), m_relays.end(), [](const Relay& x) {
                return !x.permanent && x.state == State::IDLE && x.failures >= MAX_RELAY_FAILURES;
            });
            if (dead == m_relays.end()) return;
            *dead = r;
            std::lock_guard keys(m_keys_mutex);
            m_relay_keys[static_cast<size_t>(dead - m_relays.begin())] = node.public_key;
        }
        m_ticker.Wake();  // dial it now
    }

    void Want(const PublicKey& peer) {
        std::lock_guard lock(m_mutex);
        if (m_wanted.count(peer) != 0 || m_wanted.size() >= MAX_WANTED_PEERS) return;
        m_wanted.insert(peer);
        for (auto& r : m_relays) {
            if (r.state == State::UP) Request(r, peer);
        }
    }

    void Forget(const PublicKey& peer) {
        std::lock_guard lock(m_mutex);
        if (m_wanted.erase(peer) == 0) return;
        for (auto& r : m_relays) {
            auto it = r.ids.find(peer);
            if (it == r.ids.end()) continue;
            if (it->second >= FIRST_CONNECTION_ID && r.state == State::UP) {
                const uint8_t id[] = {it->second};
                m_network->Send(r.conn, Frame(RelayPacket::DISCONNECT_NOTIFICATION, id));
            }
            r.online.erase(it->second);
            r.peers.erase(it->second);
            r.ids.erase(it);
        }
    }

    bool Send(const PublicKey& peer, util::ByteSpan packet) {
        std::lock_guard lock(m_mutex);
        // One linked relay carries everything (spreading packets over several reorders them).
        for (auto& r : m_relays) {
            if (r.state != State::UP) continue;
            auto it = r.ids.find(peer);
            if (it == r.ids.end() || r.online.count(it->second) == 0) continue;
            util::Bytes data{it->second};
            data.insert(data.end(), packet.begin(), packet.end());
            return Queue(r, Frame(data));
        }
        if (packet.empty() || packet.size() > MAX_OOB_DATA) return false;
        bool sent = false;
        util::Bytes body = KeyBody(peer);
        body.insert(body.end(), packet.begin(), packet.end());
        for (auto& r : m_relays) {
            if (r.state == State::UP) sent = Queue(r, Frame(RelayPacket::OOB_SEND, body)) || sent;
        }
        return sent;
    }

    bool SendOnion(util::ByteSpan request) {
        std::lock_guard lock(m_mutex);
        std::vector<Relay*> up;
        for (auto& r : m_relays) {
            if (r.state == State::UP) up.push_back(&r);
        }
        if (up.empty()) return false;
        return Queue(*up[crypto::RandomU64() % up.size()], Frame(RelayPacket::ONION_REQUEST, request));
    }

    bool Linked(const PublicKey& peer) const {
        std::lock_guard lock(m_mutex);
        for (const auto& r : m_relays) {
            auto it = r.ids.find(peer);
            if (r.state == State::UP && it != r.ids.end() && r.online.count(it->second) != 0) return true;
        }
        return false;
    }

    bool AnyConnected() const {
        std::lock_guard lock(m_mutex);
        return std::any_of(m_relays.begin(), m_relays.end(), [](const Relay& r) { return r.state == State::UP; });
    }

    std::vector<RelayInfo> Relays() const {
        std::lock_guard lock(m_mutex);
        std::vector<RelayInfo> out;
        for (const auto& r : m_relays) {
            wire::NodeInfo n = r.node;
            n.tcp = true;
            out.push_back({n, r.state == State::UP, r.online.size()});
        }
        return out;
    }

    void OnConnected(const netcore::ConnectionInfo& info, uint64_t tag) override {
        std::lock_guard lock(m_mutex);
        const size_t i = static_cast<size_t>(tag - 1);
        if (i >= m_relays.size()) return;
        Relay& r = m_relays[i];
        r.state = State::UP;
        r.conn = info.id;
        r.backoff_us = RECONNECT_MIN_US;
        r.failures = 0;
        m_by_conn[info.id] = i;
        m_options.log("tox relay: connected to " + r.node.endpoint.ToString());
        // The first sealed packet confirms the connection to the relay; a ping is the simplest.
        SendPing(r, util::SteadyNowUs());
        for (const auto& peer : m_wanted) Request(r, peer);
    }

    void OnConnectFailed(const netcore::PeerEndpoint& remote, uint64_t tag, const std::string& reason) override {
        std::lock_guard lock(m_mutex);
        const size_t i = static_cast<size_t>(tag - 1);
        if (i >= m_relays.size()) return;
        m_options.log("tox relay: cannot reach " + remote.ToString() + ": " + reason);
        Lost(m_relays[i]);
    }

    void OnDisconnected(netcore::ConnectionId id, const std::string& reason) override {
        std::lock_guard lock(m_mutex);
        auto it = m_by_conn.find(id);
        if (it == m_by_conn.end()) return;
        Relay& r = m_relays[it->second];
        m_by_conn.erase(it);
        m_options.log("tox relay: lost " + r.node.endpoint.ToString() + ": " + reason);
        Lost(r);
    }

    void OnFrame(netcore::ConnectionId id, util::Bytes, util::Bytes payload) override {
        Up up = Up::NOTHING;
        PublicKey from;
        util::ByteSpan data;
        std::string violation;
        {
            std::lock_guard lock(m_mutex);
            auto it = m_by_conn.find(id);
            if (it != m_by_conn.end()) violation = Handle(m_relays[it->second], payload, up, from, data);
        }
        if (up == Up::PACKET) m_options.on_packet(from, data);
        if (up == Up::ONION) m_options.on_onion(data);
        m_network->FrameDone(id, payload.size());
        if (!violation.empty()) m_network->Disconnect(id, violation);
    }

private:
    std::string Handle(Relay& r, util::ByteSpan p, Up& up, PublicKey& from, util::ByteSpan& data) {
        const uint8_t kind = p[0];
        switch (static_cast<RelayPacket>(kind)) {
            case RelayPacket::ROUTING_RESPONSE: {
                if (p.size() != 2 + crypto::BOX_KEY_SIZE) return "a malformed routing response";
                const uint8_t id = p[1];
                const PublicKey key = *PublicKey::FromBytes(p.subspan(2));
                auto asked = r.ids.find(key);
                // Only answers to what we asked (a relay cannot plant links), and ids in range.
                if (asked == r.ids.end() || asked->second != 0) {
                    // Asked, then forgotten before the answer: the relay's slot is given back.
                    if (asked == r.ids.end() && id >= FIRST_CONNECTION_ID && r.peers.count(id) == 0) {
                        const uint8_t slot[] = {id};
                        m_network->Send(r.conn, Frame(RelayPacket::DISCONNECT_NOTIFICATION, slot));
                    }
                    return {};
                }
                if (id == 0) {
                    m_options.log("tox relay: " + r.node.endpoint.ToString() + " refused a link");
                    return {};
                }
                if (id < FIRST_CONNECTION_ID || r.peers.count(id) != 0) return "a bad connection id";
                asked->second = id;
                r.peers[id] = key;
                return {};
            }
            case RelayPacket::CONNECT_NOTIFICATION:
                if (p.size() != 2) return "a malformed connect notification";
                if (r.peers.count(p[1]) != 0) r.online.insert(p[1]);
                return {};
            case RelayPacket::DISCONNECT_NOTIFICATION:
                if (p.size() != 2) return "a malformed disconnect notification";
                r.online.erase(p[1]);
                return {};
            case RelayPacket::PING:
                if (p.size() != 9) return "a malformed ping";
                m_network->Send(r.conn, Frame(RelayPacket::PONG, p.subspan(1)));
                return {};
            case RelayPacket::PONG: {
                if (p.size() != 9) return "a malformed pong";
                util::ByteReader in(p.subspan(1));
                if (in.ReadU64BE() == r.ping_id) r.ping_id = 0;
                return {};
            }
            case RelayPacket::OOB_RECV:
                if (p.size() <= 1 + crypto::BOX_KEY_SIZE) return "a malformed OOB packet";
                from = *PublicKey::FromBytes(p.subspan(1, crypto::BOX_KEY_SIZE));
                data = p.subspan(1 + crypto::BOX_KEY_SIZE);
                up = Up::PACKET;
                return {};
            case RelayPacket::ONION_RESPONSE:
                if (p.size() < 2) return "a malformed onion response";
                data = p.subspan(1);
                up = Up::ONION;
                return {};
            case RelayPacket::ROUTING_REQUEST:
            case RelayPacket::OOB_SEND:
            case RelayPacket::ONION_REQUEST:
                return "a packet only a client sends";
        }
        if (kind < FIRST_CONNECTION_ID) return "an unknown packet kind " + std::to_string(kind);
        auto peer = r.peers.find(kind);
        if (peer == r.peers.end() || r.online.count(kind) == 0 || p.size() < 2) return {};
        from = peer->second;
        data = p.subspan(1);
        up = Up::PACKET;
        return {};
    }

    void Request(Relay& r, const PublicKey& peer) {
        if (r.ids.count(peer) != 0) return;
        r.ids[peer] = 0;
        m_network->Send(r.conn, Frame(RelayPacket::ROUTING_REQUEST, KeyBody(peer)));
    }

    void SendPing(Relay& r, int64_t now) {
        r.ping_id = crypto::RandomU64() | 1;
        r.ping_sent_us = now;
        util::ByteWriter body;
        body.WriteU64BE(r.ping_id);
        m_network->Send(r.conn, Frame(RelayPacket::PING, body.data()));
    }

    bool Queue(Relay& r, util::Bytes frame) {
        const auto stats = m_network->Stats(r.conn);
        if (!stats || stats->send_queue_bytes > CLIENT_SOFT_QUEUE_BYTES) return false;
        return m_network->Send(r.conn, std::move(frame));
    }

    void Lost(Relay& r) {
        if (r.state != State::UP) ++r.failures;
        r.state = State::IDLE;
        r.conn = 0;
        r.ids.clear();
        r.peers.clear();
        r.online.clear();
        r.ping_id = 0;
        r.retry_at_us = util::SteadyNowUs() + r.backoff_us;
        r.backoff_us = std::min(r.backoff_us * 2, RECONNECT_MAX_US);
    }

    // Dials due, pings due, pong timeouts (under the lock).
    void Tick() {
        const int64_t now = util::SteadyNowUs();
        for (size_t i = 0; i < m_relays.size(); ++i) {
            Relay& r = m_relays[i];
            if (r.state == State::IDLE && now >= r.retry_at_us) {
                r.state = State::CONNECTING;
                m_network->Connect(r.node.endpoint, i + 1);
            } else if (r.state == State::UP) {
                if (r.ping_id != 0 && now - r.ping_sent_us > PING_TIMEOUT_US) {
                    m_network->Disconnect(r.conn, "no pong from the relay");
                } else if (r.ping_id == 0 && now - r.ping_sent_us >= PING_INTERVAL_US) {
                    SendPing(r, now);
                }
            }
        }
    }

    RelayClientsOptions m_options;
    std::unique_ptr<netcore::PeerNetwork> m_network;
    mutable std::mutex m_mutex;
    std::vector<Relay> m_relays;  // never shrinks: index + 1 is the dial tag
    std::set<PublicKey> m_wanted;
    std::map<netcore::ConnectionId, size_t> m_by_conn;
    std::mutex m_keys_mutex;  // the handshake factory runs on the io thread without m_mutex
    std::vector<PublicKey> m_relay_keys;
    util::TickerThread m_ticker;  // last: stopped before the rest goes
};

util::Result<std::unique_ptr<RelayClients>, std::string> RelayClients::Start(RelayClientsOptions options) {
    auto impl = std::make_unique<Impl>(std::move(options));
    if (auto opened = impl->Open(); !opened) return util::Fail(opened.error());
    return std::unique_ptr<RelayClients>(new RelayClients(std::move(impl)));
}

RelayClients::RelayClients(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
RelayClients::~RelayClients() { Stop(); }
void RelayClients::AddRelay(const wire::NodeInfo& relay, bool permanent) { m_impl->AddRelay(relay, permanent); }
void RelayClients::Want(const PublicKey& peer) { m_impl->Want(peer); }
void RelayClients::Forget(const PublicKey& peer) { m_impl->Forget(peer); }
bool RelayClients::Send(const PublicKey& peer, util::ByteSpan packet) { return m_impl->Send(peer, packet); }
bool RelayClients::SendOnion(util::ByteSpan request) { return m_impl->SendOnion(request); }
bool RelayClients::Linked(const PublicKey& peer) const { return m_impl->Linked(peer); }
std::vector<RelayInfo> RelayClients::Relays() const { return m_impl->Relays(); }
bool RelayClients::AnyConnected() const { return m_impl->AnyConnected(); }
std::vector<wire::NodeInfo> RelayClients::ConnectedRelays() const {
    std::vector<wire::NodeInfo> out;
    for (const auto& r : m_impl->Relays()) {
        if (r.connected) out.push_back(r.node);
    }
    return out;
}
void RelayClients::Stop() { m_impl->Stop(); }

}  // namespace tonari::tox::relay
