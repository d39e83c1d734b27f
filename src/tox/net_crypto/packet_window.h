// net_crypto's reliability (spec "Net crypto", the packets array): lossless packets are
// numbered; the receiver keeps out-of-order arrivals until the gaps fill, says in every packet
// how far it has taken everything (its buffer start), and asks for the gaps in request packets
// ([1] then one byte per gap: the distance from the previous one, 0 meaning "255 further");
// the sender keeps each packet until the receiver's buffer start passes it, and sends again
// what a request names. Numbers wrap at 2^32; all arithmetic is on uint32_t, as c-toxcore's.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>

#include "util/bytes.h"

namespace tonari::tox::net_crypto {

// Packets in flight either way (c-toxcore's CRYPTO_PACKET_BUFFER_SIZE).
inline constexpr uint32_t PACKET_WINDOW = 32768;
// How far ahead of what we have taken a peer's packets are kept: bounds what one friend's
// connection can make us hold (4,096 x 1,373 bytes, about 5.4 MiB) before gaps are filled.
inline constexpr uint32_t MAX_RECEIVE_AHEAD = 4096;

class SendWindow {
public:
    uint32_t Start() const { return m_start; }
    uint32_t End() const { return m_end; }
    size_t Size() const { return m_end - m_start; }
    // Numbers the packet; none when PACKET_WINDOW packets are unacknowledged.
    std::optional<uint32_t> Push(util::Bytes data);
    // The receiver has everything before `number`; false when that is not a number we sent
    // (c-toxcore then drops the whole packet).
    bool AckUntil(uint32_t number);
    // A request packet's body (after the id byte): gaps are marked to send again (if sent
    // longer than `rtt_us` ago), everything between them is taken as received, and the newest
    // send time among those goes to `latest_acked_sent_us` (for the round trip). The number of
    // gaps, or none for a malformed request.
    std::optional<size_t> HandleRequest(util::ByteSpan body, int64_t now_us, int64_t rtt_us,
                                        int64_t* latest_acked_sent_us = nullptr);
    // True once the receiver's buffer start has passed `number`.
    bool Delivered(uint32_t number) const { return number - m_start >= m_end - m_start; }
    // Packets due to be sent (never sent, or asked for again), oldest first, at most `max`.
    template <typename F>
    size_t SendDue(size_t max, int64_t now_us, F&& send) {
        size_t sent = 0;
        for (uint32_t n = m_start; n != m_end && sent < max; ++n) {
            auto it = m_packets.find(n);
            if (it == m_packets.end() || it->second.sent_us >= 0) continue;
            it->second.sent_us = now_us;
            send(n, it->second.data);
            ++sent;
        }
        return sent;
    }

private:
    struct Entry {
        util::Bytes data;
        int64_t sent_us = -1;  // -1: due
    };
    uint32_t m_start = 0;
    uint32_t m_end = 0;
    std::unordered_map<uint32_t, Entry> m_packets;
};

class ReceiveWindow {
public:
    uint32_t Start() const { return m_start; }
    uint32_t End() const { return m_end; }
    // False when outside the window or a duplicate.
    bool Add(uint32_t number, util::Bytes data);
    // The next packet in order, if it has arrived.
    std::optional<util::Bytes> Pop();
    // The sender says it has numbered packets up to `number`: the gaps before it are known.
    bool SetEnd(uint32_t number);
    // A request packet ([1][gaps…]) of at most `max_size` bytes.
    util::Bytes MakeRequest(size_t max_size) const;

private:
    uint32_t m_start = 0;
    uint32_t m_end = 0;
    std::unordered_map<uint32_t, util::Bytes> m_packets;
};

}  // namespace tonari::tox::net_crypto
