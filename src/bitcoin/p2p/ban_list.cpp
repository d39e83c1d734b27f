// BanList: operator bans by subnet with expiry, and discouraged addresses.
#include "bitcoin/p2p/ban_list.h"

#include <algorithm>

#include "util/json.h"

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

std::string BanList::ToJson(int64_t now) const {
    util::Json nets = util::Json::MakeArray();
    for (const BanEntry& b : List(now)) {
        util::Json e = util::Json::MakeObject();
        e.Set("version", 1);
        e.Set("ban_created", b.created);
        e.Set("banned_until", b.until);
        e.Set("address", b.subnet);
        nets.PushBack(std::move(e));
    }
    util::Json doc = util::Json::MakeObject();
    doc.Set("banned_nets", std::move(nets));
    return doc.Dump(1);
}

util::Result<size_t, std::string> BanList::LoadJson(std::string_view text, int64_t now) {
    auto doc = util::ParseJson(text);
    if (!doc) return util::Fail("not JSON: " + doc.error().message);
    const util::Json* nets = doc->IsObject() ? doc->Find("banned_nets") : nullptr;
    if (nets == nullptr || !nets->IsArray()) return util::Fail(std::string("no banned_nets array"));
    size_t added = 0;
    for (const util::Json& e : nets->GetArray()) {
        const util::Json* address = e.IsObject() ? e.Find("address") : nullptr;
        const util::Json* created = e.IsObject() ? e.Find("ban_created") : nullptr;
        const util::Json* until = e.IsObject() ? e.Find("banned_until") : nullptr;
        if (address == nullptr || !address->IsString() || until == nullptr || !until->GetInt64()) continue;
        if (*until->GetInt64() <= now) continue;
        const int64_t since = created != nullptr && created->GetInt64() ? *created->GetInt64() : now;
        if (Ban(address->GetString(), since, *until->GetInt64())) ++added;
    }
    return added;
}

}  // namespace tonari::bitcoin::p2p
