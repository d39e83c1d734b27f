// Test helpers for PeerNetwork tests (included only by netcore's *_test.cpp files): a test
// framing, a Recorder of every event that waits on conditions, raw blocking loopback clients,
// a closed port and a listener whose accept queue is full.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "netcore/peer_network.h"

namespace tonari::netcore::nettest {

using namespace std::chrono_literals;

// Test framing: "TNRI" + 4-byte little-endian payload length.
constexpr size_t HEADER_SIZE = 8;
constexpr size_t MAX_TEST_PAYLOAD = 2 << 20;

inline FrameFormat TestFormat() {
    FrameFormat format;
    format.header_size = HEADER_SIZE;
    format.payload_length = [](util::ByteSpan header) -> util::Result<size_t, std::string> {
        if (std::memcmp(header.data(), "TNRI", 4) != 0) return util::Fail(std::string("bad magic"));
        const size_t length = header[4] | header[5] << 8 | header[6] << 16 | static_cast<size_t>(header[7]) << 24;
        if (length > MAX_TEST_PAYLOAD) return util::Fail("oversized payload " + std::to_string(length));
        return length;
    };
    return format;
}

inline util::Bytes Header(uint32_t length, const char* magic = "TNRI") {
    util::Bytes header(magic, magic + 4);
    for (int i = 0; i < 4; ++i) header.push_back(static_cast<uint8_t>(length >> (8 * i)));
    return header;
}

inline util::Bytes MakeFrame(const util::Bytes& payload) {
    util::Bytes frame = Header(static_cast<uint32_t>(payload.size()));
    util::Append(frame, payload);
    return frame;
}

inline util::Bytes Pattern(size_t size, uint8_t seed) {
    util::Bytes out(size);
    for (size_t i = 0; i < size; ++i) out[i] = static_cast<uint8_t>(seed + i * 31 + (i >> 8));
    return out;
}

// Records every event; waits on them with a condition variable.
class Recorder : public PeerNetworkEvents {
public:
    struct Connected {
        ConnectionInfo info;
        uint64_t tag;
    };
    struct Failed {
        PeerEndpoint remote;
        uint64_t tag;
        std::string reason;
    };
    struct Frame {
        ConnectionId id;
        util::Bytes header;
        util::Bytes payload;
    };
    struct Disconnected {
        ConnectionId id;
        std::string reason;
    };

    void OnConnected(const ConnectionInfo& info, uint64_t tag) override { Record([&] { connected.push_back({info, tag}); }); }
    void OnConnectFailed(const PeerEndpoint& remote, uint64_t tag, const std::string& reason) override {
        Record([&] { failed.push_back({remote, tag, reason}); });
    }
    void OnFrame(ConnectionId id, util::Bytes header, util::Bytes payload) override {
        // Released before it is recorded, so a test woken by the frame sees it released.
        if (auto_frame_done && network != nullptr) network.load()->FrameDone(id, payload.size());
        Record([&] { frames.push_back({id, std::move(header), std::move(payload)}); });
        if (echo && network != nullptr) {
            const auto last = Copy(frames).back();
            util::Bytes frame = last.header;
            util::Append(frame, last.payload);
            network.load()->Send(id, std::move(frame));  // calling back from the io thread
        }
    }
    void OnDisconnected(ConnectionId id, const std::string& reason) override {
        Record([&] { disconnected.push_back({id, reason}); });
    }

    // Waits until `done` holds (evaluated under the recorder's lock, so it may read the
    // vectors directly), re-checking on every event and every 10 ms for states outside it.
    template <typename Pred>
    bool WaitUntil(Pred done, std::chrono::seconds limit = 30s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        std::unique_lock lock(m_mutex);
        while (!done()) {
            if (std::chrono::steady_clock::now() >= deadline) return false;
            m_cv.wait_for(lock, 10ms);
        }
        return true;
    }

    template <typename T>
    T Copy(const T& field) {
        std::lock_guard lock(m_mutex);
        return field;
    }

    std::vector<Connected> connected;
    std::vector<Failed> failed;
    std::vector<Frame> frames;
    std::vector<Disconnected> disconnected;
    std::atomic<PeerNetwork*> network{nullptr};
    std::atomic<bool> auto_frame_done{true};
    std::atomic<bool> echo{false};  // send every frame back from inside OnFrame

private:
    template <typename F>
    void Record(F&& f) {
        std::lock_guard lock(m_mutex);
        f();
        m_cv.notify_all();
    }
    std::mutex m_mutex;
    std::condition_variable m_cv;
};

inline PeerNetworkOptions TestOptions(bool listen = true) {
    PeerNetworkOptions options;
    if (listen) options.listen = {{"127.0.0.1", 0}};
    options.format = TestFormat();
    return options;
}

inline std::unique_ptr<PeerNetwork> StartNetwork(PeerNetworkOptions options, Recorder& recorder) {
    auto started = PeerNetwork::Start(std::move(options), recorder);
    EXPECT_TRUE(started) << (started ? "" : started.error());
    if (!started) return nullptr;
    recorder.network = started->get();
    return std::move(*started);
}

inline uint16_t Port(const PeerNetwork& network) { return network.ListenEndpoints().at(0).port; }

// A blocking loopback client that never reads unless asked.
class RawClient {
public:
    explicit RawClient(uint16_t port, int receive_buffer = 0) {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        timeval tv{10, 0};
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        ::setsockopt(m_fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        if (receive_buffer > 0) ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof(receive_buffer));
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        m_connected = ::connect(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    }
    ~RawClient() { Close(); }
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    bool Connected() const { return m_connected; }
    uint16_t LocalPort() const {
        sockaddr_in addr{};
        socklen_t len = sizeof(addr);
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len);
        return ntohs(addr.sin_port);
    }
    bool Send(const util::Bytes& bytes) {
        return ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
    }
    // Exactly n bytes (fewer if the connection ends or the receive timeout passes).
    util::Bytes Receive(size_t n) {
        util::Bytes out(n);
        size_t have = 0;
        while (have < n) {
            const ssize_t got = ::recv(m_fd, out.data() + have, n - have, 0);
            if (got <= 0) break;
            have += static_cast<size_t>(got);
        }
        out.resize(have);
        return out;
    }
    // True when the server closes or resets the connection (within the receive timeout).
    bool ClosedByPeer() {
        uint8_t chunk[4096];
        while (true) {
            const ssize_t n = ::recv(m_fd, chunk, sizeof(chunk), 0);
            if (n > 0) continue;
            return n == 0 || errno == ECONNRESET;
        }
    }
    // Abortive close: the server sees a reset instead of an orderly end.
    void Reset() {
        linger l{1, 0};
        ::setsockopt(m_fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
        Close();
    }
    void Close() {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = -1;
    }

private:
    int m_fd = -1;
    bool m_connected = false;
};

// A port on which nothing listens (bound then released).
inline uint16_t ClosedPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

// A listener whose accept queue is full (backlog 0 holds one connection, never accepted):
// further SYNs are dropped, so a dial to it hangs until its deadline.
class FullListener {
public:
    FullListener() {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
        ::listen(m_fd, 0);
        socklen_t len = sizeof(addr);
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len);
        m_port = ntohs(addr.sin_port);
        m_filler = std::make_unique<RawClient>(m_port);
    }
    ~FullListener() { ::close(m_fd); }
    uint16_t Port() const { return m_port; }

private:
    int m_fd = -1;
    uint16_t m_port = 0;
    std::unique_ptr<RawClient> m_filler;
};

}  // namespace tonari::netcore::nettest
