// BanList: operator bans by subnet with expiry, and discouraged addresses.
#include "bitcoin/p2p/ban_list.h"

#include <algorithm>

namespace tonari::bitcoin::p2p {

bool BanList::Ban(const std::string& subnet_text, int64_t now, int64_t until) {
    auto subnet = netcore::Subnet::Parse(subnet_text);
    if (!subnet) return false;
    const std::lock_guard lock(m_mutex);
    const std::string key = subnet->ToString();
    for (auto& b : m_bans) {
        if (b.entry.subnet == key) {
            b.entry.until = until;
            return true;
        }
    }
    if (m_bans.size() >= MAX_BANNED) return false;
    m_bans.push_back({*subnet, {key, now, until}});
    return true;
}

bool BanList::Unban(const std::string& subnet_text) {
    auto subnet = netcore::Subnet::Parse(subnet_text);
    if (!subnet) return false;
    const std::lock_guard lock(m_mutex);
    const std::string key = subnet->ToString();
    const auto it = std::find_if(m_bans.begin(), m_bans.end(), [&](const BanRecord& b) { return b.entry.subnet == key; });
    if (it == m_bans.end()) return false;
    m_bans.erase(it);
    return true;
}

void BanList::Clear() {
    const std::lock_guard lock(m_mutex);
    m_bans.clear();
    m_discouraged.clear();
    m_discouraged_order.clear();
}

bool BanList::IsBanned(const std::string& address, int64_t now) const {
    const auto ip = netcore::ParseIpAddress(address);
    if (!ip) return false;
    const std::lock_guard lock(m_mutex);
    return std::any_of(m_bans.begin(), m_bans.end(),
                       [&](const BanRecord& b) { return b.entry.until > now && b.subnet.Contains(*ip); });
}

std::vector<BanEntry> BanList::List(int64_t now) const {
    const std::lock_guard lock(m_mutex);
    std::vector<BanEntry> out;
    for (const auto& b : m_bans) {
        if (b.entry.until > now) out.push_back(b.entry);
    }
    return out;
}

void BanList::Discourage(const std::string& address) {
    const std::lock_guard lock(m_mutex);
    if (!m_discouraged.insert(address).second) return;
    m_discouraged_order.push_back(address);
    if (m_discouraged_order.size() > MAX_DISCOURAGED) {
        m_discouraged.erase(m_discouraged_order.front());
        m_discouraged_order.pop_front();
    }
}

bool BanList::IsDiscouraged(const std::string& address) const {
    const std::lock_guard lock(m_mutex);
    return m_discouraged.count(address) != 0;
}

}  // namespace tonari::bitcoin::p2p
