// The send and receive windows.
#include "tox/net_crypto/packet_window.h"

#include <algorithm>

namespace tonari::tox::net_crypto {

namespace {
constexpr uint8_t PACKET_ID_REQUEST = 1;
}

std::optional<uint32_t> SendWindow::Push(util::Bytes data) {
    if (Size() >= PACKET_WINDOW) return std::nullopt;
    const uint32_t n = m_end++;
    m_packets[n] = Entry{std::move(data), -1};
    return n;
}

bool SendWindow::AckUntil(uint32_t number) {
    const uint32_t spots = m_end - m_start;
    if (number == m_start) return true;
    // Only a number in (start, end]: one we actually sent.
    if (m_end - number >= spots || number - m_start > spots) return false;
    for (uint32_t n = m_start; n != number; ++n) m_packets.erase(n);
    m_start = number;
    return true;
}

std::optional<size_t> SendWindow::HandleRequest(util::ByteSpan body, int64_t now_us, int64_t rtt_us,
                                                int64_t* latest_acked_sent_us) {
    size_t gaps = 0;
    uint32_t step = 1;
    size_t at = 0;
    for (uint32_t n = m_start; n != m_end && at < body.size(); ++n) {
        auto it = m_packets.find(n);
        if (step == body[at]) {
            // Asked for again: send it once more, unless it went out less than a round trip ago.
            if (it != m_packets.end() && it->second.sent_us >= 0 && it->second.sent_us + rtt_us < now_us) {
                it->second.sent_us = -1;
            }
            ++at;
            step = 0;
            ++gaps;
        } else if (it != m_packets.end()) {
            // Between two gaps: it arrived.
            if (latest_acked_sent_us != nullptr) *latest_acked_sent_us = std::max(*latest_acked_sent_us, it->second.sent_us);
            m_packets.erase(it);
        }
        if (step == 255) {
            step = 1;
            if (at >= body.size() || body[at] != 0) return std::nullopt;
            ++at;
        } else {
            ++step;
        }
    }
    return gaps;
}

bool ReceiveWindow::Add(uint32_t number, util::Bytes data) {
    if (number - m_start >= MAX_RECEIVE_AHEAD) return false;
    if (!m_packets.emplace(number, std::move(data)).second) return false;
    if (number - m_start >= m_end - m_start) m_end = number + 1;
    return true;
}

std::optional<util::Bytes> ReceiveWindow::Pop() {
    if (m_start == m_end) return std::nullopt;
    auto it = m_packets.find(m_start);
    if (it == m_packets.end()) return std::nullopt;
    util::Bytes data = std::move(it->second);
    m_packets.erase(it);
    ++m_start;
    return data;
}

bool ReceiveWindow::SetEnd(uint32_t number) {
    if (number - m_start > PACKET_WINDOW || number - m_end > PACKET_WINDOW) return false;
    // Never past what we would keep: gaps beyond it would be asked for, resent and dropped.
    m_end = number - m_start > MAX_RECEIVE_AHEAD ? m_start + MAX_RECEIVE_AHEAD : number;
    return true;
}

util::Bytes ReceiveWindow::MakeRequest(size_t max_size) const {
    util::Bytes out{PACKET_ID_REQUEST};
    uint32_t n = 1;
    for (uint32_t i = m_start; i != m_end && out.size() < max_size; ++i) {
        if (m_packets.count(i) == 0) {
            out.push_back(static_cast<uint8_t>(n));
            n = 0;
        } else if (n == 255) {
            out.push_back(0);
            n = 0;
        }
        ++n;
    }
    return out;
}

}  // namespace tonari::tox::net_crypto
