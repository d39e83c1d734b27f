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
    void Encrypt(std::span<uint8_t> out) override {
        for (auto& b : out) b ^= m_key;
    }
    void Decrypt(std::span<uint8_t> in) override {
        for (auto& b : in) b ^= m_key;
    }

private:
    uint8_t m_key;
};

class XorHandshake final : public StreamHandshake {
public:
    XorHandshake(bool initiator, uint8_t key, bool retry_plain, util::Bytes extra = {})
        : m_initiator(initiator), m_key(key), m_retry_plain(retry_plain), m_extra(std::move(extra)) {}

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
        m_stream.assign(m_in.begin() + static_cast<ptrdiff_t>(need), m_in.end());
        for (auto& b : m_stream) b ^= m_key;
        s.done = true;
        return s;
    }
    util::Bytes TakeStreamBytes() override { return std::move(m_stream); }
    std::unique_ptr<StreamCipher> TakeCipher() override { return std::make_unique<XorCipher>(m_key); }
    std::string Transport() const override { return "xor"; }
    bool RetryPlain() const override { return m_retry_plain; }

private:
    bool m_initiator;
    uint8_t m_key;
    bool m_retry_plain;
    util::Bytes m_extra;
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

TEST(StreamHandshake, StalledOrWrongInboundHandshakeIsClosedWithoutEvents) {
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
    // While it stalls it holds the only slot: a second connection is refused at once.
    ASSERT_TRUE(server_events.WaitUntil([&] { return server->NetworkStats().handshaking == 1; }));
    RawClient second(Port(*server));
    EXPECT_TRUE(second.ClosedByPeer());
    EXPECT_TRUE(silent.ClosedByPeer());  // at the handshake deadline
    ASSERT_TRUE(server_events.WaitUntil([&] { return server->NetworkStats().handshake_failed == 1; }));
    RawClient wrong(Port(*server));
    ASSERT_TRUE(wrong.Send({'N', 'O', 'P', 'E', 1, 0, 0, 0}));
    EXPECT_TRUE(wrong.ClosedByPeer());
    ASSERT_TRUE(server_events.WaitUntil([&] { return server->NetworkStats().handshake_failed == 2; }));
    EXPECT_TRUE(server_events.Copy(server_events.connected).empty());
    EXPECT_EQ(server->NetworkStats().rejected_slots, 1u);
    EXPECT_EQ(server->NetworkStats().handshaking, 0u);
}

}  // namespace
}  // namespace tonari::netcore
