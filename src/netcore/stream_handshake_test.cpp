// PeerNetwork's stream-handshake plumbing, with a toy handshake ("HELO"+key+pad / "OK"+key, then
// every byte XORed with the key): bytes that arrive with the end of the handshake reach the
// frame reader, the cipher covers both directions, a dial the peer hangs up on is repeated in
// plain when the handshake allows it, and a stalled inbound handshake is closed at its
// deadline without ever reaching the events.
#include <gtest/gtest.h>

#include "netcore/peer_network.h"
#include "netcore/peer_network_test_support.h"

namespace tonari::netcore {
namespace {

using namespace std::chrono_literals;
using namespace nettest;

class XorCipher final : public StreamCipher {
public:
    explicit XorCipher(uint8_t key) : m_key(key) {}
    void Encrypt(util::Bytes& out) override {
        for (auto& b : out) b ^= m_key;
    }
    std::string Decrypt(std::span<uint8_t> in, util::Bytes& plain) override {
        for (auto& b : in) b ^= m_key;
        plain.insert(plain.end(), in.begin(), in.end());
        return {};
    }

private:
    uint8_t m_key;
};

// A packet transport in the manner of BIP324: each frame travels as [4-byte length][frame
// XORed][1-byte check]; whole frames come back only as packets complete, and a bad check byte
// closes the connection.
class PacketCipher final : public StreamCipher {
public:
    explicit PacketCipher(uint8_t key) : m_key(key) {}
    void Encrypt(util::Bytes& frame) override {
        util::Bytes packet(4);
        const auto n = static_cast<uint32_t>(frame.size());
        for (int i = 0; i < 4; ++i) packet[static_cast<size_t>(i)] = static_cast<uint8_t>(n >> (8 * i));
        uint8_t check = 0;
        for (uint8_t b : frame) {
            packet.push_back(b ^ m_key);
            check = static_cast<uint8_t>(check + b);
        }
        packet.push_back(check);
        frame = std::move(packet);
    }
    std::string Decrypt(std::span<uint8_t> in, util::Bytes& plain) override {
        util::Append(m_in, util::ByteSpan(in.data(), in.size()));
        while (m_in.size() >= 4) {
            const uint32_t n = m_in[0] | m_in[1] << 8 | m_in[2] << 16 | static_cast<uint32_t>(m_in[3]) << 24;
            if (m_in.size() < 4 + n + 1) break;
            uint8_t check = 0;
            for (size_t i = 0; i < n; ++i) {
                const uint8_t b = m_in[4 + i] ^ m_key;
                plain.push_back(b);
                check = static_cast<uint8_t>(check + b);
            }
            if (check != m_in[4 + n]) return "packet check failed";
            m_in.erase(m_in.begin(), m_in.begin() + static_cast<ptrdiff_t>(4 + n + 1));
        }
        return {};
    }

private:
    uint8_t m_key;
    util::Bytes m_in;
};

class XorHandshake final : public StreamHandshake {
public:
    XorHandshake(bool initiator, uint8_t key, bool retry_plain, util::Bytes extra = {}, bool packets = false)
        : m_initiator(initiator), m_key(key), m_retry_plain(retry_plain), m_extra(std::move(extra)), m_packets(packets) {}

    Step Start() override {
        Step s;
        // Eight bytes, so a plain peer reads them as a (bad) frame header and hangs up.
        if (m_initiator) s.send = {'H', 'E', 'L', 'O', m_key, 0, 0, 0};
        return s;
    }
    Step Receive(util::ByteSpan bytes) override {
        util::Append(m_in, bytes);
        Step s;
        const util::Bytes expect = m_initiator ? util::Bytes{'O', 'K'} : util::Bytes{'H', 'E', 'L', 'O'};
        const size_t need = m_initiator ? expect.size() + 1 : expect.size() + 4;
        if (m_in.size() < need) return s;
        if (!std::equal(expect.begin(), expect.end(), m_in.begin())) {
            s.error = "not our handshake";
            return s;
        }
        m_key = m_in[expect.size()];
        if (!m_initiator) {
            s.send = {'O', 'K', m_key};
            // A frame sent already encrypted in the same write as the handshake's end.
            util::Bytes extra = m_extra;
            for (auto& b : extra) b ^= m_key;
            util::Append(s.send, extra);
        }
        util::Bytes rest(m_in.begin() + static_cast<ptrdiff_t>(need), m_in.end());
        if (m_packets) {
            // Bytes past the handshake go through the packet cipher that carries on after it.
            m_packet_cipher = std::make_unique<PacketCipher>(m_key);
            s.error = m_packet_cipher->Decrypt(rest, m_stream);
            if (!s.error.empty()) return s;
        } else {
            m_stream = std::move(rest);
            for (auto& b : m_stream) b ^= m_key;
        }
        s.done = true;
        return s;
    }
    util::Bytes TakeStreamBytes() override { return std::move(m_stream); }
    std::unique_ptr<StreamCipher> TakeCipher() override {
        if (m_packets) return std::move(m_packet_cipher);
        return std::make_unique<XorCipher>(m_key);
    }
    std::string Transport() const override { return m_packets ? "packets" : "xor"; }
    util::Bytes SessionId() const override { return {m_key}; }
    bool RetryPlain() const override { return m_retry_plain; }

private:
    bool m_initiator;
    uint8_t m_key;
    bool m_retry_plain;
    util::Bytes m_extra;
    bool m_packets;
    std::unique_ptr<PacketCipher> m_packet_cipher;
    util::Bytes m_in;
    util::Bytes m_stream;
};

TEST(StreamHandshake, CarriesFramesBothWaysAndTheBytesPastTheHandshake) {
    Recorder server_events;
    Recorder client_events;
    const util::Bytes early = MakeFrame(Pattern(40, 9));
    auto server_options = TestOptions();
    server_options.stream_handshake = [early](bool inbound, uint64_t, const PeerEndpoint&) {
        EXPECT_TRUE(inbound);
        return std::make_unique<XorHandshake>(false, 0, false, early);
    };
    auto client_options = TestOptions(false);
    client_options.stream_handshake = [](bool inbound, uint64_t tag, const PeerEndpoint&) {
        EXPECT_FALSE(inbound);
        EXPECT_EQ(tag, 7u);
        return std::make_unique<XorHandshake>(true, 0x5a, false);
    };
    auto server = StartNetwork(server_options, server_events);
    auto client = StartNetwork(client_options, client_events);
    ASSERT_TRUE(server && client);
    client->Connect({"127.0.0.1", Port(*server)}, 7);
    ASSERT_TRUE(client_events.WaitUntil([&] { return client_events.connected.size() == 1; }));
    ASSERT_TRUE(server_events.WaitUntil([&] { return server_events.connected.size() == 1; }));
    const auto out = client_events.Copy(client_events.connected)[0];
    const auto in = server_events.Copy(server_events.connected)[0];
    EXPECT_EQ(out.info.transport, "xor");
    EXPECT_EQ(in.info.transport, "xor");
    // The frame that came with the handshake's last bytes is the client's first frame.
    ASSERT_TRUE(client_events.WaitUntil([&] { return client_events.frames.size() == 1; }));
    EXPECT_EQ(client_events.Copy(client_events.frames)[0].payload, Pattern(40, 9));

    const util::Bytes big = Pattern(300000, 3);
    ASSERT_TRUE(client->Send(out.info.id, MakeFrame(big)));
    ASSERT_TRUE(server->Send(in.info.id, MakeFrame(Pattern(5, 4))));
    ASSERT_TRUE(server_events.WaitUntil([&] { return server_events.frames.size() == 1; }));
    ASSERT_TRUE(client_events.WaitUntil([&] { return client_events.frames.size() == 2; }));
    EXPECT_EQ(server_events.Copy(server_events.frames)[0].payload, big);
    EXPECT_EQ(client_events.Copy(client_events.frames)[1].payload, Pattern(5, 4));
    EXPECT_EQ(server->NetworkStats().handshaking, 0u);
    EXPECT_EQ(server->NetworkStats().handshake_failed, 0u);
}

TEST(StreamHandshake, APacketCipherCarriesFramesAndClosesOnABadPacket) {
    Recorder server_events;
    Recorder client_events;
    auto server_options = TestOptions();
    server_options.stream_handshake = [](bool, uint64_t, const PeerEndpoint&) {
        return std::make_unique<XorHandshake>(false, 0, false, util::Bytes{}, true);
    };
    auto client_options = TestOptions(false);
    client_options.stream_handshake = [](bool, uint64_t, const PeerEndpoint&) {
        return std::make_unique<XorHandshake>(true, 0x3c, false, util::Bytes{}, true);
    };
    auto server = StartNetwork(server_options, server_events);
    auto client = StartNetwork(client_options, client_events);
    ASSERT_TRUE(server && client);
    client->Connect({"127.0.0.1", Port(*server)}, 1);
    ASSERT_TRUE(server_events.WaitUntil([&] { return server_events.connected.size() == 1; }));
    ASSERT_TRUE(client_events.WaitUntil([&] { return client_events.connected.size() == 1; }));
    const auto out = client_events.Copy(client_events.connected)[0];
    const auto in = server_events.Copy(server_events.connected)[0];
    EXPECT_EQ(in.info.transport, "packets");
    EXPECT_EQ(in.info.session_id, util::Bytes{0x3c});
    // Packets bigger than a read, and many small ones in one write.
    const util::Bytes big = Pattern(300000, 5);
    ASSERT_TRUE(client->Send(out.info.id, MakeFrame(big)));
    for (uint8_t k = 0; k < 50; ++k) ASSERT_TRUE(client->Send(out.info.id, MakeFrame(Pattern(k, k))));
    ASSERT_TRUE(server_events.WaitUntil([&] { return server_events.frames.size() == 51; }));
    const auto frames = server_events.Copy(server_events.frames);
    EXPECT_EQ(frames[0].payload, big);
    for (uint8_t k = 0; k < 50; ++k) EXPECT_EQ(frames[k + 1u].payload, Pattern(k, k));
    ASSERT_TRUE(server->Send(in.info.id, MakeFrame(Pattern(7, 1))));
    ASSERT_TRUE(client_events.WaitUntil([&] { return client_events.frames.size() == 1; }));

    // A raw client finishing the handshake, then sending a packet with a wrong check byte.
    RawClient raw(Port(*server));
    ASSERT_TRUE(raw.Connected());
    ASSERT_TRUE(raw.Send({'H', 'E', 'L', 'O', 0x01, 0, 0, 0}));
    // The server's answer first: the packet then meets the connection's cipher, not the
    // handshake (which would refuse it too, but silently, as any failed inbound handshake).
    EXPECT_EQ(raw.Receive(3), (util::Bytes{'O', 'K', 0x01}));
    util::Bytes frame = MakeFrame(Pattern(3, 2));
    PacketCipher(0x01).Encrypt(frame);
    frame.back() ^= 0xff;
    ASSERT_TRUE(raw.Send(frame));
    EXPECT_TRUE(raw.ClosedByPeer());    ASSERT_TRUE(server_events.WaitUntil([&] { return server_events.disconnected.size() == 1; }));
    EXPECT_NE(server_events.Copy(server_events.disconnected)[0].reason.find("packet check failed"), std::string::npos);
}

TEST(StreamHandshake, DialRefusedByAPlainPeerIsRepeatedInPlainWhenAllowed) {
    Recorder server_events;  // a plain server: "HELO"+key is a bad frame header to it
    auto server = StartNetwork(TestOptions(), server_events);
    ASSERT_TRUE(server);
    for (const bool retry : {true, false}) {
        Recorder client_events;
        auto options = TestOptions(false);
        options.stream_handshake = [retry](bool, uint64_t, const PeerEndpoint&) {
            return std::make_unique<XorHandshake>(true, 0x11, retry);
        };
        auto client = StartNetwork(options, client_events);
        ASSERT_TRUE(client);
        client->Connect({"127.0.0.1", Port(*server)}, 1);
        ASSERT_TRUE(client_events.WaitUntil(
            [&] { return client_events.connected.size() + client_events.failed.size() == 1; }));
        if (retry) {
            ASSERT_EQ(client_events.Copy(client_events.connected).size(), 1u);
            EXPECT_EQ(client_events.Copy(client_events.connected)[0].info.transport, "plaintext");
            EXPECT_EQ(client->NetworkStats().plain_retries, 1u);
            const auto id = client_events.Copy(client_events.connected)[0].info.id;
            ASSERT_TRUE(client->Send(id, MakeFrame(Pattern(10, 1))));
            ASSERT_TRUE(server_events.WaitUntil([&] { return server_events.frames.size() == 1; }));
        } else {
            ASSERT_EQ(client_events.Copy(client_events.failed).size(), 1u);
            EXPECT_NE(client_events.Copy(client_events.failed)[0].reason.find("stream handshake failed"),
                      std::string::npos);
            EXPECT_EQ(client->NetworkStats().plain_retries, 0u);
        }
        EXPECT_EQ(client->NetworkStats().handshake_failed, 1u);
        EXPECT_EQ(client->NetworkStats().connecting, 0u);
    }
}

TEST(StreamHandshake, StalledOrWrongInboundHandshakeIsClosedWithoutEventsAndGivesWay) {
    Recorder server_events;
    auto options = TestOptions();
    options.handshake_timeout = 300ms;
    options.max_inbound = 1;
    options.stream_handshake = [](bool, uint64_t, const PeerEndpoint&) {
        return std::make_unique<XorHandshake>(false, 0, false);
    };
    auto server = StartNetwork(options, server_events);
    ASSERT_TRUE(server);
    RawClient silent(Port(*server));
    ASSERT_TRUE(silent.Connected());
    // It holds the only slot, but only until somebody else comes: the newcomer takes the place
    // of the stalled handshake, so silent sockets cannot keep honest peers out.
    ASSERT_TRUE(server_events.WaitUntil([&] { return server->NetworkStats().handshaking == 1; }));
    RawClient second(Port(*server));
    EXPECT_TRUE(silent.ClosedByPeer());
    ASSERT_TRUE(server_events.WaitUntil([&] { return server->NetworkStats().handshake_failed == 1; }));
    EXPECT_TRUE(second.ClosedByPeer());  // it stalls too: closed at the handshake deadline
    ASSERT_TRUE(server_events.WaitUntil([&] { return server->NetworkStats().handshake_failed == 2; }));
    RawClient wrong(Port(*server));
    ASSERT_TRUE(wrong.Send({'N', 'O', 'P', 'E', 1, 0, 0, 0}));
    EXPECT_TRUE(wrong.ClosedByPeer());
    ASSERT_TRUE(server_events.WaitUntil([&] { return server->NetworkStats().handshake_failed == 3; }));
    EXPECT_TRUE(server_events.Copy(server_events.connected).empty());
    EXPECT_EQ(server->NetworkStats().rejected_slots, 0u);
    EXPECT_EQ(server->NetworkStats().handshaking, 0u);
}

}  // namespace
}  // namespace tonari::netcore
