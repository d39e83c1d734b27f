// The relay server: clients, their links, and the packets between them.
#include "tox/relay/relay_server.h"

#include <array>
#include <chrono>
#include <map>
#include <mutex>

#include "crypto/random.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"
#include "util/steady_clock.h"
#include "util/ticker_thread.h"

namespace tonari::tox::relay {
namespace {

constexpr auto TICK = std::chrono::milliseconds(1000);

enum class LinkState : uint8_t { FREE, REQUESTED, LINKED };

struct Link {
    LinkState state = LinkState::FREE;
    PublicKey key;
    netcore::ConnectionId other = 0;  // while LINKED: the other client, and its id for us
    uint8_t other_slot = 0;
};

struct Client {
    bool confirmed = false;
    PublicKey key;
    int64_t connected_us = 0;
    std::array<Link, MAX_LINKS> links{};
    uint64_t ping_id = 0;  // awaiting its pong; 0: none
    int64_t ping_sent_us = 0;
};

}  // namespace

class RelayServer::Impl final : public netcore::PeerNetworkEvents {
public:
    explicit Impl(RelayServerOptions options) : m_options(std::move(options)) {
        if (!m_options.log) m_options.log = [](const std::string&) {};
    }

    util::Result<void, std::string> Open() {
        netcore::PeerNetworkOptions o;
        o.listen = m_options.listen;
        o.max_inbound = MAX_RELAY_CLIENTS;
        o.max_outbound = 0;
        o.format = RelayFrameFormat();
        o.max_send_queue_bytes = RELAY_HARD_QUEUE_BYTES;
        o.inactivity_timeout = std::chrono::milliseconds((PING_INTERVAL_US + PING_TIMEOUT_US) * 3 / 1000);
        o.stream_handshake = [keys = m_options.keys](bool, uint64_t, const netcore::PeerEndpoint&) {
            return MakeServerHandshake(keys);
        };
        auto network = netcore::PeerNetwork::Start(std::move(o), *this);
        if (!network) return util::Fail("tox relay: " + network.error());
        m_network = std::move(*network);
        m_ticker.Start(m_mutex, TICK, [this] { Tick(); });
        return {};
    }

    void Stop() {
        m_ticker.Stop();
        if (m_network) m_network->Stop();
    }

    void OnConnected(const netcore::ConnectionInfo& info, uint64_t) override {
        std::lock_guard lock(m_mutex);
        Client c;
        if (auto key = PublicKey::FromBytes(info.session_id)) c.key = *key;
        c.connected_us = util::SteadyNowUs();
        m_clients.emplace(info.id, c);
    }

    void OnConnectFailed(const netcore::PeerEndpoint&, uint64_t, const std::string&) override {}

    void OnDisconnected(netcore::ConnectionId id, const std::string& reason) override {
        std::lock_guard lock(m_mutex);
        auto it = m_clients.find(id);
        if (it == m_clients.end()) return;
        if (it->second.confirmed) m_options.log("tox relay: client " + std::to_string(id) + " left: " + reason);
        // A client that stopped reading (its replies filled the queue, or a write stalled), or
        // whose stream failed to open.
        if (reason == "send queue full" || reason == "write timeout" || reason.rfind("tox relay:", 0) == 0) {
            ++m_stats.disconnected;
        }
        Remove(id);
    }

    void OnFrame(netcore::ConnectionId id, util::Bytes, util::Bytes payload) override {
        std::string violation;
        bool onion = false;
        {
            std::lock_guard lock(m_mutex);
            violation = Handle(id, payload, onion);
        }
        m_network->FrameDone(id, payload.size());
        if (!violation.empty()) {
            m_network->Disconnect(id, violation);
            std::lock_guard lock(m_mutex);
            ++m_stats.disconnected;
            return;
        }
        if (onion && m_options.on_onion) m_options.on_onion(id, util::ByteSpan(payload).subspan(1));
    }

    void SendOnionResponse(uint64_t client, util::ByteSpan response) {
        std::lock_guard lock(m_mutex);
        auto it = m_clients.find(client);
        if (it == m_clients.end() || !it->second.confirmed) return;
        Relay(client, Frame(RelayPacket::ONION_RESPONSE, response));
    }

    RelayServerStats Stats() const {
        std::lock_guard lock(m_mutex);
        RelayServerStats s = m_stats;
        s.clients = m_by_key.size();
        s.links = 0;
        for (const auto& [id, c] : m_clients) {
            for (const auto& l : c.links) s.links += l.state == LinkState::LINKED ? 1 : 0;
        }
        return s;
    }

    std::vector<netcore::PeerEndpoint> ListenEndpoints() const { return m_network->ListenEndpoints(); }

private:
    // One packet from a client; a non-empty answer is the protocol violation that cuts it off
    // (c-toxcore does the same for every malformed packet).
    std::string Handle(netcore::ConnectionId id, util::ByteSpan p, bool& onion) {
        auto it = m_clients.find(id);
        if (it == m_clients.end()) return {};
        Client& c = it->second;
        if (!c.confirmed) {
            // The first sealed packet proves the client took our handshake: it now owns its key,
            // and an older connection with the same key (a client that timed out) goes.
            if (auto old = m_by_key.find(c.key); old != m_by_key.end()) {
                const netcore::ConnectionId old_id = old->second;
                Remove(old_id);
                m_network->Disconnect(old_id, "the same key connected again");
            }
            c.confirmed = true;
            m_by_key[c.key] = id;
        }
        const uint8_t kind = p[0];
        util::ByteReader in(p.subspan(1));
        switch (static_cast<RelayPacket>(kind)) {
            case RelayPacket::ROUTING_REQUEST:
                if (p.size() != 1 + crypto::BOX_KEY_SIZE) return "a malformed routing request";
                Route(id, *PublicKey::FromBytes(p.subspan(1)));
                return {};
            case RelayPacket::CONNECT_NOTIFICATION:
                return p.size() == 2 ? std::string{} : "a malformed connect notification";
            case RelayPacket::DISCONNECT_NOTIFICATION:
                if (p.size() != 2 || p[1] < FIRST_CONNECTION_ID) return "a malformed disconnect notification";
                Unlink(id, static_cast<size_t>(p[1] - FIRST_CONNECTION_ID));
                return {};
            case RelayPacket::PING:
                if (p.size() != 9) return "a malformed ping";
                Send(id, Frame(RelayPacket::PONG, p.subspan(1)));
                return {};
            case RelayPacket::PONG: {
                if (p.size() != 9) return "a malformed pong";
                const uint64_t ping = in.ReadU64BE();
                if (ping == 0) return "a pong with id 0";
                if (ping == c.ping_id) c.ping_id = 0;
                return {};
            }
            case RelayPacket::OOB_SEND: {
                if (p.size() <= 1 + crypto::BOX_KEY_SIZE || p.size() > 1 + crypto::BOX_KEY_SIZE + MAX_OOB_DATA) {
                    return "a malformed OOB packet";
                }
                auto to = m_by_key.find(*PublicKey::FromBytes(p.subspan(1, crypto::BOX_KEY_SIZE)));
                if (to == m_by_key.end()) return {};
                util::Bytes body(c.key.begin(), c.key.end());
                body.insert(body.end(), p.begin() + 1 + crypto::BOX_KEY_SIZE, p.end());
                if (Relay(to->second, Frame(RelayPacket::OOB_RECV, body))) ++m_stats.oob_relayed;
                return {};
            }
            case RelayPacket::ONION_REQUEST:
                ++m_stats.onion_requests;
                onion = true;
                return {};
            case RelayPacket::ROUTING_RESPONSE:
            case RelayPacket::OOB_RECV:
            case RelayPacket::ONION_RESPONSE:
                return "a packet only a relay sends";
        }
        if (kind < FIRST_CONNECTION_ID) return "an unknown packet kind " + std::to_string(kind);
        const Link& link = c.links[kind - FIRST_CONNECTION_ID];
        if (link.state != LinkState::LINKED) {
            ++m_stats.dropped;  // a link the other side just closed: not a violation
            return {};
        }
        util::Bytes data(p.begin(), p.end());
        data[0] = static_cast<uint8_t>(link.other_slot + FIRST_CONNECTION_ID);
        if (Relay(link.other, Frame(data))) ++m_stats.relayed;
        return {};
    }

    void Route(netcore::ConnectionId id, const PublicKey& key) {
        Client& c = m_clients.at(id);
        util::Bytes refused{0};
        refused.insert(refused.end(), key.begin(), key.end());
        if (key == c.key) {
            Send(id, Frame(RelayPacket::ROUTING_RESPONSE, refused));
            return;
        }
        size_t free = MAX_LINKS;
        for (size_t i = 0; i < MAX_LINKS; ++i) {
            if (c.links[i].state != LinkState::FREE && c.links[i].key == key) {
                util::Bytes again{static_cast<uint8_t>(i + FIRST_CONNECTION_ID)};
                again.insert(again.end(), key.begin(), key.end());
                Send(id, Frame(RelayPacket::ROUTING_RESPONSE, again));
                return;
            }
            if (c.links[i].state == LinkState::FREE && free == MAX_LINKS) free = i;
        }
        if (free == MAX_LINKS) {
            Send(id, Frame(RelayPacket::ROUTING_RESPONSE, refused));
            return;
        }
        util::Bytes accepted{static_cast<uint8_t>(free + FIRST_CONNECTION_ID)};
        accepted.insert(accepted.end(), key.begin(), key.end());
        Send(id, Frame(RelayPacket::ROUTING_RESPONSE, accepted));
        c.links[free].state = LinkState::REQUESTED;
        c.links[free].key = key;
        // Linked once both asked for each other.
        auto other = m_by_key.find(key);
        if (other == m_by_key.end()) return;
        Client& o = m_clients.at(other->second);
        for (size_t j = 0; j < MAX_LINKS; ++j) {
            Link& back = o.links[j];
            if (back.state != LinkState::REQUESTED || back.key != c.key) continue;
            c.links[free] = {LinkState::LINKED, key, other->second, static_cast<uint8_t>(j)};
            back = {LinkState::LINKED, c.key, id, static_cast<uint8_t>(free)};
            const uint8_t ours[] = {static_cast<uint8_t>(free + FIRST_CONNECTION_ID)};
            const uint8_t theirs[] = {static_cast<uint8_t>(j + FIRST_CONNECTION_ID)};
            Send(id, Frame(RelayPacket::CONNECT_NOTIFICATION, ours));
            Send(other->second, Frame(RelayPacket::CONNECT_NOTIFICATION, theirs));
            return;
        }
    }

    // Frees a client's link; a linked other side is told and keeps its request.
    void Unlink(netcore::ConnectionId id, size_t slot) {
        if (slot >= MAX_LINKS) return;
        Link& l = m_clients.at(id).links[slot];
        if (l.state == LinkState::LINKED) {
            auto other = m_clients.find(l.other);
            if (other != m_clients.end()) {
                Link& back = other->second.links[l.other_slot];
                back.state = LinkState::REQUESTED;
                back.other = 0;
                const uint8_t theirs[] = {static_cast<uint8_t>(l.other_slot + FIRST_CONNECTION_ID)};
                Send(l.other, Frame(RelayPacket::DISCONNECT_NOTIFICATION, theirs));
            }
        }
        l = Link{};
    }

    void Remove(netcore::ConnectionId id) {
        auto it = m_clients.find(id);
        if (it == m_clients.end()) return;
        for (size_t i = 0; i < MAX_LINKS; ++i) Unlink(id, i);
        if (auto k = m_by_key.find(it->second.key); k != m_by_key.end() && k->second == id) m_by_key.erase(k);
        m_clients.erase(it);
    }

    // Control packets: always queued (the hard limit cuts a client that never reads).
    void Send(netcore::ConnectionId id, util::Bytes frame) { m_network->Send(id, std::move(frame)); }

    // Others' traffic: dropped once the client's queue is past the soft limit.
    bool Relay(netcore::ConnectionId id, util::Bytes frame) {
        const auto stats = m_network->Stats(id);
        if (!stats || stats->send_queue_bytes > RELAY_SOFT_QUEUE_BYTES) {
            ++m_stats.dropped;
            return false;
        }
        return m_network->Send(id, std::move(frame));
    }

    // Confirmation and ping timeouts, pings due (under the lock).
    void Tick() {
        const int64_t now = util::SteadyNowUs();
        std::vector<std::pair<netcore::ConnectionId, std::string>> cut;
        for (auto& [id, c] : m_clients) {
            if (!c.confirmed) {
                if (now - c.connected_us > CONFIRM_TIMEOUT_US) cut.emplace_back(id, "no sealed packet after the handshake");
                continue;
            }
            if (c.ping_id != 0 && now - c.ping_sent_us > PING_TIMEOUT_US) {
                cut.emplace_back(id, "no pong");
            } else if (c.ping_id == 0 && now - c.ping_sent_us >= PING_INTERVAL_US) {
                c.ping_id = crypto::RandomU64() | 1;
                c.ping_sent_us = now;
                util::ByteWriter body;
                body.WriteU64BE(c.ping_id);
                Send(id, Frame(RelayPacket::PING, body.data()));
            }
        }
        for (const auto& [id, why] : cut) {
            Remove(id);
            m_network->Disconnect(id, why);
            ++m_stats.disconnected;
        }
    }

    RelayServerOptions m_options;
    std::unique_ptr<netcore::PeerNetwork> m_network;
    mutable std::mutex m_mutex;
    std::map<netcore::ConnectionId, Client> m_clients;
    std::map<PublicKey, netcore::ConnectionId> m_by_key;  // confirmed clients
    RelayServerStats m_stats;
    util::TickerThread m_ticker;  // last: stopped before the rest goes
};

util::Result<std::unique_ptr<RelayServer>, std::string> RelayServer::Start(RelayServerOptions options) {
    auto impl = std::make_unique<Impl>(std::move(options));
    if (auto opened = impl->Open(); !opened) return util::Fail(opened.error());
    return std::unique_ptr<RelayServer>(new RelayServer(std::move(impl)));
}

RelayServer::RelayServer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
RelayServer::~RelayServer() { Stop(); }
std::vector<netcore::PeerEndpoint> RelayServer::ListenEndpoints() const { return m_impl->ListenEndpoints(); }
void RelayServer::SendOnionResponse(uint64_t client, util::ByteSpan response) { m_impl->SendOnionResponse(client, response); }
RelayServerStats RelayServer::Stats() const { return m_impl->Stats(); }
void RelayServer::Stop() { m_impl->Stop(); }

}  // namespace tonari::tox::relay
