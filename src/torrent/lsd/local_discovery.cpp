// BEP 14 announce timing and the checks on announces heard.
#include "torrent/lsd/local_discovery.h"

#include <algorithm>

#include "netcore/address_scope.h"

namespace tonari::torrent::lsd {

LocalDiscovery::LocalDiscovery(uint16_t listen_port, std::string cookie) : m_port(listen_port), m_cookie(std::move(cookie)) {}

void LocalDiscovery::Track(const InfoHash& info_hash) {
    if (std::find(m_tracked.begin(), m_tracked.end(), info_hash) != m_tracked.end()) return;
    if (m_tracked.size() >= MAX_HASHES_PER_ANNOUNCE) return;
    m_tracked.push_back(info_hash);
    m_due = true;
}

std::optional<std::string> LocalDiscovery::Tick(int64_t now_us) {
    if (m_tracked.empty() || (!m_due && now_us < m_next_announce_us)) return std::nullopt;
    m_due = false;
    m_next_announce_us = now_us + ANNOUNCE_INTERVAL_US;
    ++m_stats.sent;
    Announce a;
    a.port = m_port;
    a.info_hashes = m_tracked;
    a.cookie = m_cookie;
    return EncodeAnnounce(a, std::string(LSD_GROUP) + ":" + std::to_string(LSD_PORT));
}

std::optional<LocalDiscovery::Heard> LocalDiscovery::OnDatagram(const netcore::PeerEndpoint& from, util::ByteSpan data,
                                                                int64_t now_us) {
    auto ignore = [this]() -> std::optional<Heard> {
        ++m_stats.ignored;
        return std::nullopt;
    };
    if (!netcore::IsLocalAddress(from.address)) return ignore();
    auto a = ParseAnnounce(data);
    if (!a || (!m_cookie.empty() && a->cookie == m_cookie)) return ignore();
    Heard heard;
    for (const auto& h : a->info_hashes) {
        if (std::find(m_tracked.begin(), m_tracked.end(), h) != m_tracked.end()) heard.info_hashes.push_back(h);
    }
    if (heard.info_hashes.empty()) return ignore();
    const netcore::PeerEndpoint peer{from.address, a->port};
    const std::string key = peer.ToString();
    std::erase_if(m_last_heard, [now_us](const auto& e) { return now_us - e.second >= MIN_ANNOUNCE_GAP_US; });
    if (m_last_heard.count(key) || m_last_heard.size() >= MAX_SENDERS) return ignore();
    const size_t same_address = static_cast<size_t>(std::count_if(m_last_heard.begin(), m_last_heard.end(), [&from](const auto& e) {
        return e.first.rfind(from.address + ":", 0) == 0 || e.first.rfind("[" + from.address + "]:", 0) == 0;
    }));
    if (same_address >= MAX_PORTS_PER_ADDRESS) return ignore();
    m_last_heard[key] = now_us;
    ++m_stats.heard;
    heard.peer = peer;
    return heard;
}

}  // namespace tonari::torrent::lsd
