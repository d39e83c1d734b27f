// PeerNetwork on loopback with port 0: frames both ways, a 1 MB frame, hostile headers,
// inactivity, slots, bans, failed dials, a peer that never reads, flow control, the receive
// rate limit, a thousand connect/close cycles, and Stop. Every wait is on an event or a state
// with a generous deadline; raw clients are blocking POSIX sockets with receive timeouts, so a
// bug fails a test instead of hanging it.
#include "netcore/peer_network.h"

#include <set>
#include <thread>

#include "netcore/peer_network_test_support.h"

namespace tonari::netcore {
namespace {

using namespace std::chrono_literals;
using namespace nettest;

TEST(PeerEndpoint, ToString) {
    EXPECT_EQ((PeerEndpoint{"1.2.3.4", 5}).ToString(), "1.2.3.4:5");
    EXPECT_EQ((PeerEndpoint{"::1", 5}).ToString(), "[::1]:5");
    EXPECT_EQ((PeerEndpoint{"example.org", 8333}).ToString(), "example.org:8333");
}

TEST(PeerEndpoint, ParseIsToStringsInverse) {
    for (const PeerEndpoint& e : {PeerEndpoint{"1.2.3.4", 5}, PeerEndpoint{"::1", 6881}, PeerEndpoint{"example.org", 65535}}) {
        EXPECT_EQ(PeerEndpoint::Parse(e.ToString()), e);
    }
    for (const char* bad : {"", "host", ":5", "host:", "host:0", "host:65536", "host:5x", "host:123456", "[]:"}) {
        EXPECT_FALSE(PeerEndpoint::Parse(bad)) << bad;
    }
}

TEST(PeerNetwork, StartRejectsBadOptions) {
    Recorder recorder;
    auto no_format = TestOptions();
    no_format.format = {};
    EXPECT_FALSE(PeerNetwork::Start(no_format, recorder));
    auto not_ip = TestOptions();
    not_ip.listen = {{"not-an-ip", 0}};
    EXPECT_FALSE(PeerNetwork::Start(not_ip, recorder));
    auto first = StartNetwork(TestOptions(), recorder);
    ASSERT_TRUE(first);
    auto taken = TestOptions();
    taken.listen = {{"127.0.0.1", 0}, {"127.0.0.1", Port(*first)}};  // second one is in use
    const auto result = PeerNetwork::Start(taken, recorder);
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().find(std::to_string(Port(*first))), std::string::npos);
    // A network that does not listen still runs (for dialling).
    auto dial_only = StartNetwork(TestOptions(false), recorder);
    ASSERT_TRUE(dial_only);
    EXPECT_TRUE(dial_only->ListenEndpoints().empty());
}

TEST(PeerNetwork, ResolvesHostNamesWithoutTheInternet) {
    Recorder recorder;
    auto net = StartNetwork(TestOptions(false), recorder);
    ASSERT_TRUE(net);
    std::mutex mutex;
    std::condition_variable cv;
    std::vector<std::pair<std::vector<std::string>, std::string>> answers;
    auto record = [&](std::vector<std::string> addresses, std::string error) {
        std::lock_guard lock(mutex);
        answers.emplace_back(std::move(addresses), std::move(error));
        cv.notify_all();
    };
    // "localhost" comes from /etc/hosts; a literal needs no lookup at all.
    net->Resolve("localhost", 8333, record);
    net->Resolve("127.0.0.7", 8333, record);
    std::unique_lock lock(mutex);
    ASSERT_TRUE(cv.wait_for(lock, 30s, [&] { return answers.size() == 2; }));
    bool saw_loopback = false;
    bool saw_literal = false;
    for (const auto& [addresses, error] : answers) {
        for (const auto& a : addresses) {
            if (a == "127.0.0.1" || a == "::1") saw_loopback = true;
            if (a == "127.0.0.7") saw_literal = true;
        }
        EXPECT_TRUE(error.empty()) << error;
    }
    EXPECT_TRUE(saw_loopback);
    EXPECT_TRUE(saw_literal);
}

TEST(PeerNetwork, TwoNetworksExchangeFramesBothWays) {
    Recorder server_events;
    Recorder client_events;
    auto server = StartNetwork(TestOptions(), server_events);
    auto client = StartNetwork(TestOptions(false), client_events);
    ASSERT_TRUE(server && client);
    const uint16_t port = Port(*server);
    EXPECT_NE(port, 0);
    client->Connect({"127.0.0.1", port}, 42);
    ASSERT_TRUE(client_events.WaitUntil([&] { return client_events.connected.size() == 1; }));
    ASSERT_TRUE(server_events.WaitUntil([&] { return server_events.connected.size() == 1; }));
    const auto out = client_events.Copy(client_events.connected)[0];
    const auto in = server_events.Copy(server_events.connected)[0];
    EXPECT_EQ(out.tag, 42u);
    EXPECT_FALSE(out.info.inbound);
    EXPECT_EQ(out.info.remote, (PeerEndpoint{"127.0.0.1", port}));
    EXPECT_EQ(in.tag, 0u);
    EXPECT_TRUE(in.info.inbound);
    EXPECT_EQ(in.info.remote, out.info.local);

    const util::Bytes ping = Pattern(100, 1);
    const util::Bytes pong = Pattern(0, 2);  // empty payloads are frames too
    ASSERT_TRUE(client->Send(out.info.id, MakeFrame(ping)));
    ASSERT_TRUE(server->Send(in.info.id, MakeFrame(pong)));
    ASSERT_TRUE(server_events.WaitUntil([&] { return server_events.frames.size() == 1; }));
    ASSERT_TRUE(client_events.WaitUntil([&] { return client_events.frames.size() == 1; }));
    const auto got_ping = server_events.Copy(server_events.frames)[0];
    EXPECT_EQ(got_ping.id, in.info.id);
    EXPECT_EQ(got_ping.header, Header(100));
    EXPECT_EQ(got_ping.payload, ping);
    EXPECT_EQ(client_events.Copy(client_events.frames)[0].payload, pong);

    // The writer counts a write when it completes, which may be after the peer has read it.
    ASSERT_TRUE(client_events.WaitUntil([&] { return client->Stats(out.info.id)->bytes_sent == HEADER_SIZE + 100; }));
    const auto stats = client->Stats(out.info.id);
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->bytes_received, HEADER_SIZE);
    EXPECT_EQ(stats->frames_received, 1u);
    EXPECT_GT(stats->connected_at_unix, 0);
    EXPECT_EQ(stats->unprocessed_bytes, 0u);  // the recorder released it
    const auto network_stats = server->NetworkStats();
    EXPECT_EQ(network_stats.accepted, 1u);
    EXPECT_EQ(network_stats.inbound, 1u);
    EXPECT_EQ(client->NetworkStats().outbound, 1u);
}

TEST(PeerNetwork, LargeFrameArrivesIntactAndEchoesBack) {
    Recorder server_events;
    Recorder client_events;
    server_events.echo = true;
    auto server = StartNetwork(TestOptions(), server_events);
    auto client = StartNetwork(TestOptions(false), client_events);
    ASSERT_TRUE(server && client);
    client->Connect({"127.0.0.1", Port(*server)}, 1);
    ASSERT_TRUE(client_events.WaitUntil([&] { return client_events.connected.size() == 1; }));
    const util::Bytes big = Pattern(1 << 20, 9);
    const util::Bytes small = Pattern(10, 3);
    const ConnectionId id = client_events.Copy(client_events.connected)[0].info.id;
    ASSERT_TRUE(client->Send(id, MakeFrame(big)));
    ASSERT_TRUE(client->Send(id, MakeFrame(small)));
    ASSERT_TRUE(server_events.WaitUntil([&] { return server_events.frames.size() == 2; }));
    const auto frames = server_events.Copy(server_events.frames);
    EXPECT_TRUE(frames[0].payload == big);
    EXPECT_EQ(frames[1].payload, small);
    ASSERT_TRUE(client_events.WaitUntil([&] { return client_events.frames.size() == 2; }));
    const auto echoed = client_events.Copy(client_events.frames);
    EXPECT_TRUE(echoed[0].payload == big);
    EXPECT_EQ(echoed[1].payload, small);
}

TEST(PeerNetwork, HostileHeaderClosesBeforeAnyPayload) {
    Recorder events;
    auto server = StartNetwork(TestOptions(), events);
    ASSERT_TRUE(server);
    RawClient oversized(Port(*server));
    ASSERT_TRUE(oversized.Connected());
    ASSERT_TRUE(oversized.Send(Header(0xFFFFFFF0)));  // would be a 4 GiB allocation
    EXPECT_TRUE(oversized.ClosedByPeer());
    RawClient bad_magic(Port(*server));
    ASSERT_TRUE(bad_magic.Send(Header(10, "XXXX")));
    EXPECT_TRUE(bad_magic.ClosedByPeer());
    ASSERT_TRUE(events.WaitUntil([&] { return events.disconnected.size() == 2; }));
    std::set<std::string> reasons;
    for (const auto& d : events.Copy(events.disconnected)) reasons.insert(d.reason);
    EXPECT_EQ(reasons, (std::set<std::string>{"bad frame header: oversized payload 4294967280",
                                              "bad frame header: bad magic"}));
    EXPECT_TRUE(events.Copy(events.frames).empty());
}

TEST(PeerNetwork, SilentAndGarbagePeersHitTheInactivityTimeout) {
    Recorder events;
    auto options = TestOptions();
    options.inactivity_timeout = 200ms;
    auto server = StartNetwork(options, events);
    ASSERT_TRUE(server);
    RawClient silent(Port(*server));
    RawClient partial(Port(*server));
    ASSERT_TRUE(partial.Send({'T', 'N', 'R'}));  // never completes its header
    EXPECT_TRUE(silent.ClosedByPeer());
    EXPECT_TRUE(partial.ClosedByPeer());
    ASSERT_TRUE(events.WaitUntil([&] { return events.disconnected.size() == 2; }));
    for (const auto& d : events.Copy(events.disconnected)) EXPECT_EQ(d.reason, "inactivity timeout");
    EXPECT_EQ(server->NetworkStats().inbound, 0u);
}

TEST(PeerNetwork, InboundBeyondTheSlotsIsClosedAndCounted) {
    Recorder events;
    auto options = TestOptions();
    options.max_inbound = 2;
    auto server = StartNetwork(options, events);
    ASSERT_TRUE(server);
    RawClient first(Port(*server));
    RawClient second(Port(*server));
    ASSERT_TRUE(events.WaitUntil([&] { return events.connected.size() == 2; }));
    RawClient third(Port(*server));
    ASSERT_TRUE(third.Connected());  // the kernel accepts; the network closes it
    EXPECT_TRUE(third.ClosedByPeer());
    auto stats = server->NetworkStats();
    EXPECT_EQ(stats.rejected_slots, 1u);
    EXPECT_EQ(stats.accepted, 2u);
    EXPECT_EQ(stats.inbound, 2u);
    // A freed slot is usable again.
    first.Close();
    ASSERT_TRUE(events.WaitUntil([&] { return events.disconnected.size() == 1; }));
    RawClient fourth(Port(*server));
    ASSERT_TRUE(events.WaitUntil([&] { return events.connected.size() == 3; }));
    EXPECT_EQ(server->NetworkStats().rejected_slots, 1u);
}

TEST(PeerNetwork, BanHookRefusesInboundAndOutbound) {
    Recorder events;
    auto options = TestOptions();
    options.is_banned = [](const std::string& address) { return address == "127.0.0.1" || address == "::1"; };
    auto server = StartNetwork(options, events);
    ASSERT_TRUE(server);
    RawClient banned(Port(*server));
    EXPECT_TRUE(banned.ClosedByPeer());
    EXPECT_EQ(server->NetworkStats().rejected_banned, 1u);
    server->Connect({"127.0.0.1", Port(*server)}, 7);
    server->Connect({"localhost", Port(*server)}, 8);  // banned once resolved
    ASSERT_TRUE(events.WaitUntil([&] { return events.failed.size() == 2; }));
    for (const auto& f : events.Copy(events.failed)) EXPECT_EQ(f.reason, "banned") << f.remote.ToString();
    EXPECT_TRUE(events.Copy(events.connected).empty());
    EXPECT_EQ(server->NetworkStats().connecting, 0u);
}

TEST(PeerNetwork, ConnectFailures) {
    Recorder events;
    auto options = TestOptions(false);
    options.max_outbound = 1;
    auto client = StartNetwork(options, events);
    ASSERT_TRUE(client);
    client->Connect({"127.0.0.1", ClosedPort()}, 1);
    ASSERT_TRUE(events.WaitUntil([&] { return events.failed.size() == 1; }));
    auto failed = events.Copy(events.failed)[0];
    EXPECT_EQ(failed.tag, 1u);
    EXPECT_NE(failed.reason.find("cannot connect"), std::string::npos) << failed.reason;
    client->Connect({"no-such-host.invalid", 8333}, 2);
    ASSERT_TRUE(events.WaitUntil([&] { return events.failed.size() == 2; }));
    EXPECT_EQ(events.Copy(events.failed)[1].tag, 2u);

    // Out of outbound slots: the second dial is refused while the first holds the only slot.
    Recorder server_events;
    auto server = StartNetwork(TestOptions(), server_events);
    ASSERT_TRUE(server);
    client->Connect({"127.0.0.1", Port(*server)}, 3);
    client->Connect({"127.0.0.1", Port(*server)}, 4);
    ASSERT_TRUE(events.WaitUntil([&] { return events.failed.size() == 3 && events.connected.size() == 1; }));
    EXPECT_EQ(events.Copy(events.connected)[0].tag, 3u);
    failed = events.Copy(events.failed)[2];
    EXPECT_EQ(failed.tag, 4u);
    EXPECT_EQ(failed.reason, "no free outbound slot");
    EXPECT_EQ(client->NetworkStats().connect_failed, 3u);
}

TEST(PeerNetwork, DialThatHangsTimesOut) {
    FullListener full;
    Recorder events;
    auto options = TestOptions(false);
    options.connect_timeout = 200ms;
    auto client = StartNetwork(options, events);
    ASSERT_TRUE(client);
    client->Connect({"127.0.0.1", full.Port()}, 6);
    ASSERT_TRUE(events.WaitUntil([&] { return events.failed.size() == 1; }));
    EXPECT_EQ(events.Copy(events.failed)[0].reason, "connect timeout");
    EXPECT_EQ(client->NetworkStats().connecting, 0u);
}

TEST(PeerNetwork, StopAnswersDialsInProgress) {
    FullListener full;
    Recorder events;
    auto options = TestOptions(false);
    options.connect_timeout = 60s;
    auto client = StartNetwork(options, events);
    ASSERT_TRUE(client);
    client->Connect({"127.0.0.1", full.Port()}, 6);
    ASSERT_TRUE(events.WaitUntil([&] { return client->NetworkStats().connecting == 1; }));
    client->Stop();
    const auto failed = events.Copy(events.failed);
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0].reason, "network stopping");
}

TEST(PeerNetwork, ListensOnIpv6Loopback) {
    Recorder server_events;
    Recorder client_events;
    auto options = TestOptions();
    options.listen = {{"::1", 0}};
    auto started = PeerNetwork::Start(options, server_events);
    if (!started) GTEST_SKIP() << "no IPv6 loopback here: " << started.error();
    auto server = std::move(*started);
    auto client = StartNetwork(TestOptions(false), client_events);
    ASSERT_TRUE(client);
    client->Connect({"::1", Port(*server)}, 1);
    ASSERT_TRUE(client_events.WaitUntil([&] { return client_events.connected.size() == 1; }));
    EXPECT_EQ(client_events.Copy(client_events.connected)[0].info.remote.ToString(),
              "[::1]:" + std::to_string(Port(*server)));
}

TEST(PeerNetwork, ConnectByHostName) {
    Recorder server_events;
    Recorder client_events;
    auto server = StartNetwork(TestOptions(), server_events);
    auto client = StartNetwork(TestOptions(false), client_events);
    ASSERT_TRUE(server && client);
    client->Connect({"localhost", Port(*server)}, 5);  // may try ::1 first: nothing listens there
    ASSERT_TRUE(client_events.WaitUntil([&] { return client_events.connected.size() == 1; }));
    EXPECT_EQ(client_events.Copy(client_events.connected)[0].info.remote.address, "127.0.0.1");
}

TEST(PeerNetwork, PeerThatNeverReadsOverflowsTheSendQueue) {
    Recorder events;
    auto options = TestOptions();
    options.max_send_queue_bytes = 1 << 20;
    auto server = StartNetwork(options, events);
    ASSERT_TRUE(server);
    RawClient sink(Port(*server), 4096);
    ASSERT_TRUE(events.WaitUntil([&] { return events.connected.size() == 1; }));
    const ConnectionId id = events.Copy(events.connected)[0].info.id;
    const util::Bytes frame = MakeFrame(Pattern(64 * 1024, 4));
    // Kernel buffers hold a few MB at most; the loop bound is far beyond that.
    bool refused = false;
    for (int i = 0; i < 10000 && !refused; ++i) refused = !server->Send(id, frame);
    EXPECT_TRUE(refused);
    ASSERT_TRUE(events.WaitUntil([&] { return events.disconnected.size() == 1; }));
    EXPECT_EQ(events.Copy(events.disconnected)[0].reason, "send queue full");
    EXPECT_FALSE(server->Send(id, frame));
    EXPECT_FALSE(server->Stats(id));
}

TEST(PeerNetwork, StalledWriteHitsTheWriteTimeout) {
    Recorder events;
    auto options = TestOptions();
    options.max_send_queue_bytes = 64 << 20;
    options.write_timeout = 300ms;
    auto server = StartNetwork(options, events);
    ASSERT_TRUE(server);
    RawClient sink(Port(*server), 4096);
    ASSERT_TRUE(events.WaitUntil([&] { return events.connected.size() == 1; }));
    const ConnectionId id = events.Copy(events.connected)[0].info.id;
    // 12 MiB: more than the kernel's send and receive buffers together (4 MiB + a few KiB).
    // Send may already refuse once the stalled write has timed out: the queue limit is far off.
    const util::Bytes frame = MakeFrame(Pattern(1 << 20, 5));
    for (int i = 0; i < 12; ++i) server->Send(id, frame);
    ASSERT_TRUE(events.WaitUntil([&] { return events.disconnected.size() == 1; }));
    EXPECT_EQ(events.Copy(events.disconnected)[0].reason, "write timeout");
}

TEST(PeerNetwork, FrameDonePausesAndResumesTheReader) {
    Recorder server_events;
    Recorder client_events;
    server_events.auto_frame_done = false;
    auto options = TestOptions();
    options.max_unprocessed_bytes = 1000;
    auto server = StartNetwork(options, server_events);
    auto client = StartNetwork(TestOptions(false), client_events);
    ASSERT_TRUE(server && client);
    client->Connect({"127.0.0.1", Port(*server)}, 1);
    ASSERT_TRUE(client_events.WaitUntil([&] { return client_events.connected.size() == 1; }));
    ASSERT_TRUE(server_events.WaitUntil([&] { return server_events.connected.size() == 1; }));
    const ConnectionId out = client_events.Copy(client_events.connected)[0].info.id;
    const ConnectionId in = server_events.Copy(server_events.connected)[0].info.id;
    for (uint8_t i = 0; i < 5; ++i) ASSERT_TRUE(client->Send(out, MakeFrame(Pattern(600, i))));

    const auto paused_after = [&](size_t frames) {
        return server_events.WaitUntil([&] {
            const auto stats = server->Stats(in);
            return server_events.frames.size() == frames && stats && stats->recv_paused;
        });
    };
    // 600 ≤ 1000 reads on; 1200 > 1000 pauses: two frames, and the reader waits.
    ASSERT_TRUE(paused_after(2));
    EXPECT_EQ(server->Stats(in)->unprocessed_bytes, 1200u);
    EXPECT_EQ(server_events.Copy(server_events.frames).size(), 2u);
    server->FrameDone(in, 600);  // 600: resume, read one more, 1200 again
    ASSERT_TRUE(paused_after(3));
    server->FrameDone(in, 600);
    server->FrameDone(in, 600);  // 0: both remaining frames fit
    ASSERT_TRUE(server_events.WaitUntil([&] { return server_events.frames.size() == 5; }));
    const auto frames = server_events.Copy(server_events.frames);
    for (uint8_t i = 0; i < 5; ++i) EXPECT_EQ(frames[i].payload, Pattern(600, i));
}

TEST(PeerNetwork, ReceiveRateLimitDelaysButDelivers) {
    Recorder server_events;
    Recorder client_events;
    auto options = TestOptions();
    options.recv_rate_bytes_per_sec = 200'000;
    options.recv_burst_bytes = 20'000;
    auto server = StartNetwork(options, server_events);
    auto client = StartNetwork(TestOptions(false), client_events);
    ASSERT_TRUE(server && client);
    client->Connect({"127.0.0.1", Port(*server)}, 1);
    ASSERT_TRUE(client_events.WaitUntil([&] { return client_events.connected.size() == 1; }));
    const util::Bytes payload = Pattern(100'000, 6);
    const auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(client->Send(client_events.Copy(client_events.connected)[0].info.id, MakeFrame(payload)));
    ASSERT_TRUE(server_events.WaitUntil([&] { return server_events.frames.size() == 1; }));
    // A lower bound only: the bucket holds 20,000 bytes, the other 80,008 take ≥ 0.4 s.
    EXPECT_GE(std::chrono::steady_clock::now() - start, 350ms);
    EXPECT_EQ(server_events.Copy(server_events.frames)[0].payload, payload);
}

TEST(PeerNetwork, SendDelayHoldsEveryFrameAndKeepsTheirOrder) {
    Recorder server_events;
    Recorder client_events;
    auto delayed = TestOptions(false);
    delayed.send_delay = 150ms;
    auto server = StartNetwork(TestOptions(), server_events);
    auto client = StartNetwork(delayed, client_events);
    ASSERT_TRUE(server && client);
    client->Connect({"127.0.0.1", Port(*server)}, 1);
    ASSERT_TRUE(client_events.WaitUntil([&] { return client_events.connected.size() == 1; }));
    const auto id = client_events.Copy(client_events.connected)[0].info.id;
    const auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(client->Send(id, MakeFrame(Pattern(10, 1))));
    std::this_thread::sleep_for(50ms);
    ASSERT_TRUE(client->Send(id, MakeFrame(Pattern(20, 2))));
    ASSERT_TRUE(client->Send(id, MakeFrame(Pattern(30, 3))));
    ASSERT_TRUE(server_events.WaitUntil([&] { return server_events.frames.size() == 3; }));
    // Lower bounds only: each frame is held its 150 ms, and the last two left 50 ms later.
    EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
    const auto frames = server_events.Copy(server_events.frames);
    EXPECT_EQ(frames[0].payload, Pattern(10, 1));
    EXPECT_EQ(frames[1].payload, Pattern(20, 2));
    EXPECT_EQ(frames[2].payload, Pattern(30, 3));
}

TEST(PeerNetwork, NetworkWideSendAndReceiveLimitsHoldAcrossConnections) {
    for (const bool sending : {true, false}) {
        Recorder server_events;
        Recorder client_events;
        auto server_options = TestOptions();
        auto client_options = TestOptions(false);
        // 400 kB/s for the whole network, on the client's sends or the server's receives.
        (sending ? client_options.total_send_rate_bytes_per_sec : server_options.total_recv_rate_bytes_per_sec) = 400'000;
        auto server = StartNetwork(server_options, server_events);
        auto client = StartNetwork(client_options, client_events);
        ASSERT_TRUE(server && client);
        client->Connect({"127.0.0.1", Port(*server)}, 1);
        client->Connect({"127.0.0.1", Port(*server)}, 2);
        ASSERT_TRUE(client_events.WaitUntil([&] { return client_events.connected.size() == 2; }));
        const util::Bytes payload = Pattern(300'000, 7);
        const auto start = std::chrono::steady_clock::now();
        for (const auto& c : client_events.Copy(client_events.connected)) ASSERT_TRUE(client->Send(c.info.id, MakeFrame(payload)));
        ASSERT_TRUE(server_events.WaitUntil([&] { return server_events.frames.size() == 2; }));
        // A lower bound only: 600 kB over two connections through one 400 kB/s bucket that
        // starts with a second's worth take at least 0.5 s, however they share it.
        EXPECT_GE(std::chrono::steady_clock::now() - start, 450ms) << (sending ? "send" : "receive");
        for (const auto& f : server_events.Copy(server_events.frames)) EXPECT_EQ(f.payload, payload);
    }
}

TEST(PeerNetwork, ThousandConnectCloseCyclesLeaveTheNetworkServing) {
    Recorder server_events;
    auto server = StartNetwork(TestOptions(), server_events);
    ASSERT_TRUE(server);
    const uint16_t port = Port(*server);
    for (int i = 0; i < 1000; ++i) {
        RawClient churn(port);
        ASSERT_TRUE(churn.Connected()) << i;
        if (i % 3 == 0) churn.Send({'g', 'a', 'r', 'b', 'a', 'g', 'e', '!', '!'});
        if (i % 2 == 0) churn.Reset();
    }
    // The accept queue is first-in first-out: once this marker is accepted, so is every
    // earlier connection, and all of those are gone from the client side.
    RawClient marker(port);
    const uint16_t marker_port = marker.LocalPort();
    ASSERT_TRUE(server_events.WaitUntil([&] {
        bool seen = false;
        for (const auto& c : server_events.connected) seen = seen || c.info.remote.port == marker_port;
        return seen && server->NetworkStats().inbound == 1;
    }));
    marker.Close();
    // Every connection given a slot has been reported gone.
    ASSERT_TRUE(server_events.WaitUntil([&] {
        const auto stats = server->NetworkStats();
        return stats.inbound == 0 && server_events.disconnected.size() == stats.accepted;
    }));
    EXPECT_EQ(server->NetworkStats().handler_errors, 0u);

    Recorder client_events;
    auto client = StartNetwork(TestOptions(false), client_events);
    ASSERT_TRUE(client);
    client->Connect({"127.0.0.1", port}, 1);
    ASSERT_TRUE(client_events.WaitUntil([&] { return client_events.connected.size() == 1; }));
    const size_t frames_before = server_events.Copy(server_events.frames).size();
    EXPECT_EQ(frames_before, 0u);  // garbage never made a frame
    ASSERT_TRUE(client->Send(client_events.Copy(client_events.connected)[0].info.id, MakeFrame(Pattern(50, 8))));
    ASSERT_TRUE(server_events.WaitUntil([&] { return server_events.frames.size() == 1; }));
    const ConnectionId in = server_events.Copy(server_events.frames)[0].id;
    ASSERT_TRUE(server->Send(in, MakeFrame(Pattern(60, 9))));
    ASSERT_TRUE(client_events.WaitUntil([&] { return client_events.frames.size() == 1; }));
    EXPECT_EQ(client_events.Copy(client_events.frames)[0].payload, Pattern(60, 9));
}

TEST(PeerNetwork, DisconnectReportsTheReasonOnce) {
    Recorder server_events;
    Recorder client_events;
    auto server = StartNetwork(TestOptions(), server_events);
    auto client = StartNetwork(TestOptions(false), client_events);
    ASSERT_TRUE(server && client);
    client->Connect({"127.0.0.1", Port(*server)}, 1);
    ASSERT_TRUE(server_events.WaitUntil([&] { return server_events.connected.size() == 1; }));
    ASSERT_TRUE(client_events.WaitUntil([&] { return client_events.connected.size() == 1; }));
    const ConnectionId in = server_events.Copy(server_events.connected)[0].info.id;
    server->Disconnect(in, "misbehaving");
    server->Disconnect(in, "again");  // the first reason stands
    EXPECT_FALSE(server->Send(in, MakeFrame(Pattern(1, 1))));
    ASSERT_TRUE(server_events.WaitUntil([&] { return server_events.disconnected.size() == 1; }));
    ASSERT_TRUE(client_events.WaitUntil([&] { return client_events.disconnected.size() == 1; }));
    EXPECT_EQ(server_events.Copy(server_events.disconnected)[0].reason, "misbehaving");
    EXPECT_EQ(client_events.Copy(client_events.disconnected)[0].reason, "connection closed by peer");
    server->Disconnect(12345, "unknown");  // no-op
    server->FrameDone(12345, 10);
    EXPECT_FALSE(server->Stats(12345));
    EXPECT_EQ(server->NetworkStats().disconnected, 1u);
}

TEST(PeerNetwork, StopDeliversEveryDisconnection) {
    Recorder server_events;
    Recorder client_events;
    auto server = StartNetwork(TestOptions(), server_events);
    auto client = StartNetwork(TestOptions(false), client_events);
    ASSERT_TRUE(server && client);
    for (uint64_t tag = 1; tag <= 3; ++tag) client->Connect({"127.0.0.1", Port(*server)}, tag);
    ASSERT_TRUE(server_events.WaitUntil([&] { return server_events.connected.size() == 3; }));
    ASSERT_TRUE(client_events.WaitUntil([&] { return client_events.connected.size() == 3; }));
    server->Stop();
    // Delivered before Stop returned: no waiting here.
    const auto disconnected = server_events.Copy(server_events.disconnected);
    ASSERT_EQ(disconnected.size(), 3u);
    for (const auto& d : disconnected) EXPECT_EQ(d.reason, "network stopping");
    server->Stop();  // idempotent
    EXPECT_FALSE(server->Send(disconnected[0].id, MakeFrame(Pattern(1, 1))));
    server->Connect({"127.0.0.1", 1}, 9);  // ignored after Stop
    ASSERT_TRUE(client_events.WaitUntil([&] { return client_events.disconnected.size() == 3; }));
    client.reset();  // the destructor stops too
    EXPECT_EQ(client_events.Copy(client_events.disconnected).size(), 3u);
    EXPECT_TRUE(server_events.Copy(server_events.failed).empty());
}

}  // namespace
}  // namespace tonari::netcore
