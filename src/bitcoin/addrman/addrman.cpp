// AddrMan table operations: adding, promoting, selecting and sampling addresses
// (serialization lives in addrman_serialize.cpp). Follows Bitcoin Core's addrman.cpp in
// behaviour; the comments say why each rule exists.
#include "bitcoin/addrman/addrman.h"

#include <algorithm>
#include <cassert>
#include <limits>

namespace tonari::bitcoin::addrman {

namespace {

constexpr int64_t ONE_HOUR = 3600;
constexpr int64_t ONE_DAY = 24 * ONE_HOUR;

uint32_t ClampTime(int64_t t) {
    return static_cast<uint32_t>(std::clamp<int64_t>(t, 0, std::numeric_limits<uint32_t>::max()));
}

}  // namespace

AddrMan::AddrMan(AddrManOptions options)
    : m_hasher(options.key0, options.key1),
      m_rng(options.rng_seed),
      m_new(static_cast<size_t>(NEW_BUCKET_COUNT) * BUCKET_SIZE, EMPTY),
      m_tried(static_cast<size_t>(TRIED_BUCKET_COUNT) * BUCKET_SIZE, EMPTY) {}

uint64_t AddrMan::RandBelow(uint64_t n) {
    // Multiply-shift rather than std::uniform_int_distribution, whose output differs between
    // standard libraries: the same seed gives the same choices everywhere.
    assert(n > 0);
    return static_cast<uint64_t>((static_cast<unsigned __int128>(m_rng()) * n) >> 64);
}

bool AddrMan::Acceptable(const wire::NetAddress& addr) const {
    const size_t len = wire::AddressLength(addr.net);
    if (len == 0 || addr.net == wire::NetId::TorV2 || addr.addr.size() != len) return false;
    return m_allow_local || addr.IsRoutable();
}

AddrInfo* AddrMan::Find(const wire::NetAddress& addr, Id* id_out) {
    const auto it = m_ids.find(addr);
    if (it == m_ids.end()) return nullptr;
    if (id_out != nullptr) *id_out = it->second;
    return &m_info.at(it->second);
}

const AddrInfo* AddrMan::Find(const wire::NetAddress& addr) const {
    const auto it = m_ids.find(addr);
    return it == m_ids.end() ? nullptr : &m_info.at(it->second);
}

AddrMan::Id AddrMan::Create(const wire::AddrEntry& entry, const wire::NetAddress& source) {
    const Id id = m_next_id++;
    AddrInfo info;
    info.entry = entry;
    info.source = source;
    info.random_pos = m_random.size();
    m_info.emplace(id, std::move(info));
    m_ids.emplace(entry.address, id);
    m_random.push_back(id);
    ++m_new_count;
    return id;
}

void AddrMan::SwapRandom(size_t a, size_t b) {
    if (a == b) return;
    std::swap(m_random[a], m_random[b]);
    m_info.at(m_random[a]).random_pos = a;
    m_info.at(m_random[b]).random_pos = b;
}

void AddrMan::Delete(Id id) {
    const auto it = m_info.find(id);
    assert(it != m_info.end() && !it->second.in_tried && it->second.ref_count == 0);
    SwapRandom(it->second.random_pos, m_random.size() - 1);
    m_random.pop_back();
    m_ids.erase(it->second.entry.address);
    m_info.erase(it);
    --m_new_count;
}

void AddrMan::ClearNew(int bucket, int position) {
    Id& slot = NewSlot(bucket, position);
    if (slot == EMPTY) return;
    const Id id = slot;
    slot = EMPTY;
    AddrInfo& info = m_info.at(id);
    assert(info.ref_count > 0);
    if (--info.ref_count == 0) Delete(id);
}

size_t AddrMan::Add(const std::vector<wire::AddrEntry>& entries, const wire::NetAddress& source,
                    int64_t time_penalty, int64_t now) {
    // A malformed source (e.g. a default NetAddress for seeds) becomes 0.0.0.0:0, so that
    // every stored source has a well-formed encoding.
    wire::NetAddress src = source;
    const size_t src_len = wire::AddressLength(src.net);
    if (src_len == 0 || src.addr.size() != src_len) src = {wire::NetId::IPv4, util::Bytes(4, 0), 0};
    size_t added = 0;
    for (const wire::AddrEntry& entry : entries) {
        if (AddOne(entry, src, time_penalty, now)) ++added;
    }
    return added;
}

bool AddrMan::AddOne(const wire::AddrEntry& entry, const wire::NetAddress& source,
                     int64_t time_penalty, int64_t now) {
    if (!Acceptable(entry.address)) return false;
    // A peer announcing itself is first-hand news: no penalty.
    if (entry.address == source) time_penalty = 0;

    Id id = EMPTY;
    AddrInfo* info = Find(entry.address, &id);
    bool created = false;
    if (info != nullptr) {
        // Refresh the time now and then, not on every gossip: an hour when the address looks
        // online, a day otherwise, so relayed times cannot be used to track a node closely.
        const int64_t heard = entry.time;
        const int64_t interval = (now - heard < ONE_DAY) ? ONE_HOUR : ONE_DAY;
        if (heard != 0 && info->entry.time < heard - interval - time_penalty) {
            info->entry.time = ClampTime(heard - time_penalty);
        }
        info->entry.services |= entry.services;
        // Nothing newer than what we know: no extra reference.
        if (heard == 0 || (info->entry.time != 0 && heard <= info->entry.time)) return false;
        if (info->in_tried) return false;
        if (info->ref_count >= NEW_BUCKETS_PER_ADDRESS) return false;
        // Each extra reference is half as likely as the last: a popular address drifts towards
        // 8 buckets, a single chatty source cannot push it there quickly.
        if (info->ref_count > 0 && RandBelow(uint64_t{1} << info->ref_count) != 0) return false;
    } else {
        wire::AddrEntry stored = entry;
        stored.time = ClampTime(static_cast<int64_t>(entry.time) - time_penalty);
        id = Create(stored, source);
        info = &m_info.at(id);
        created = true;
    }

    const int bucket = m_hasher.NewBucket(entry.address, source);
    const int position = m_hasher.Position(true, bucket, entry.address);
    const Id occupant = NewSlot(bucket, position);
    if (occupant == id) return false;  // already referenced from this very slot

    bool insert = occupant == EMPTY;
    if (!insert) {
        // Only evict what is worthless, or a duplicate reference in favour of a first one:
        // honest entries cannot be pushed out by fresh junk.
        const AddrInfo& old = m_info.at(occupant);
        insert = old.IsTerrible(now) || (old.ref_count > 1 && info->ref_count == 0);
    }
    if (insert) {
        ClearNew(bucket, position);
        ++info->ref_count;
        NewSlot(bucket, position) = id;
        return created;
    }
    if (info->ref_count == 0) Delete(id);  // a brand-new entry that found no room
    return false;
}

void AddrMan::MakeTried(Id id) {
    AddrInfo& info = m_info.at(id);
    // Drop every new-table reference. The buckets are not stored per entry (nor in Core):
    // probing all 1024 positions costs a few hundred microseconds, once per handshake.
    for (int b = 0; b < NEW_BUCKET_COUNT && info.ref_count > 0; ++b) {
        Id& slot = NewSlot(b, m_hasher.Position(true, b, info.entry.address));
        if (slot == id) {
            slot = EMPTY;
            --info.ref_count;
        }
    }
    assert(info.ref_count == 0);
    --m_new_count;

    const int bucket = m_hasher.TriedBucket(info.entry.address);
    const int position = m_hasher.Position(false, bucket, info.entry.address);
    const Id old_id = TriedSlot(bucket, position);
    if (old_id != EMPTY) {
        // Collision: Core would test the old entry first; we simply demote it to its new
        // bucket (replacing whatever sits in that slot), so it can earn its way back.
        AddrInfo& old = m_info.at(old_id);
        old.in_tried = false;
        TriedSlot(bucket, position) = EMPTY;
        --m_tried_count;
        const int nb = m_hasher.NewBucket(old.entry.address, old.source);
        const int np = m_hasher.Position(true, nb, old.entry.address);
        ClearNew(nb, np);
        old.ref_count = 1;
        NewSlot(nb, np) = old_id;
        ++m_new_count;
    }
    TriedSlot(bucket, position) = id;
    info.in_tried = true;
    ++m_tried_count;
}

void AddrMan::Good(const wire::NetAddress& addr, int64_t now) {
    m_last_good = now;
    Id id = EMPTY;
    AddrInfo* info = Find(addr, &id);
    if (info == nullptr) return;
    info->last_success = now;
    info->last_try = now;
    info->attempts = 0;
    // Deliberately no change to entry.time: that would tell others when we connected.
    if (!info->in_tried) MakeTried(id);
}

void AddrMan::Attempt(const wire::NetAddress& addr, bool count_failure, int64_t now) {
    AddrInfo* info = Find(addr);
    if (info == nullptr) return;
    info->last_try = now;
    if (count_failure && info->last_count_attempt < m_last_good) {
        info->last_count_attempt = now;
        ++info->attempts;
    }
}

void AddrMan::Connected(const wire::NetAddress& addr, int64_t now) {
    AddrInfo* info = Find(addr);
    if (info == nullptr) return;
    if (now - static_cast<int64_t>(info->entry.time) > CONNECTED_UPDATE_INTERVAL) {
        info->entry.time = ClampTime(now);
    }
}

void AddrMan::SetServices(const wire::NetAddress& addr, uint64_t services) {
    if (AddrInfo* info = Find(addr)) info->entry.services = services;
}

std::optional<wire::AddrEntry> AddrMan::Select(bool new_only, int64_t now) {
    if (m_random.empty() || (new_only && m_new_count == 0)) return std::nullopt;
    const bool use_tried =
        !new_only && m_tried_count > 0 && (m_new_count == 0 || RandBelow(2) == 0);
    const int bucket_count = use_tried ? TRIED_BUCKET_COUNT : NEW_BUCKET_COUNT;
    const std::vector<Id>& table = use_tried ? m_tried : m_new;

    // Terminates: the chosen table is non-empty, and chance_factor grows until any entry's
    // (positive) chance reaches 1.
    double chance_factor = 1.0;
    while (true) {
        const auto bucket = static_cast<size_t>(RandBelow(bucket_count));
        const auto start = static_cast<size_t>(RandBelow(BUCKET_SIZE));
        Id id = EMPTY;
        for (size_t i = 0; i < BUCKET_SIZE && id == EMPTY; ++i) {
            id = table[bucket * BUCKET_SIZE + (start + i) % BUCKET_SIZE];
        }
        if (id == EMPTY) continue;
        const AddrInfo& info = m_info.at(id);
        constexpr double SCALE = 1 << 30;
        if (static_cast<double>(RandBelow(1 << 30)) < chance_factor * info.GetChance(now) * SCALE) {
            return info.entry;
        }
        chance_factor *= 1.2;
    }
}

std::vector<wire::AddrEntry> AddrMan::GetAddr(size_t max_count, size_t max_pct, int64_t now) {
    size_t wanted = m_random.size();
    if (max_pct != 0) wanted = std::min<size_t>(max_pct, 100) * wanted / 100;
    if (max_count != 0) wanted = std::min(wanted, max_count);

    // Partial Fisher-Yates over the id vector: a fresh uniform sample on every call.
    std::vector<wire::AddrEntry> out;
    out.reserve(wanted);
    for (size_t i = 0; i < m_random.size() && out.size() < wanted; ++i) {
        SwapRandom(i, i + static_cast<size_t>(RandBelow(m_random.size() - i)));
        const AddrInfo& info = m_info.at(m_random[i]);
        if (!info.IsTerrible(now)) out.push_back(info.entry);
    }
    return out;
}

std::optional<AddrPosition> AddrMan::FindAddressEntry(const wire::NetAddress& addr) const {
    const AddrInfo* info = Find(addr);
    if (info == nullptr) return std::nullopt;
    AddrPosition pos;
    if (info->in_tried) {
        pos.tried = true;
        pos.multiplicity = 1;
        pos.bucket = m_hasher.TriedBucket(addr);
        pos.position = m_hasher.Position(false, pos.bucket, addr);
        return pos;
    }
    pos.multiplicity = info->ref_count;
    const Id id = m_ids.at(addr);
    for (int b = 0; b < NEW_BUCKET_COUNT; ++b) {
        const int p = m_hasher.Position(true, b, addr);
        if (m_new[static_cast<size_t>(b) * BUCKET_SIZE + p] == id) {
            pos.bucket = b;
            pos.position = p;
            break;
        }
    }
    return pos;
}

}  // namespace tonari::bitcoin::addrman
