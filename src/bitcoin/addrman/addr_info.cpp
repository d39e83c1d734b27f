// AddrInfo ageing rules and bucket hashing (see addr_info.h). Each hash input starts with a
// one-byte domain tag so that the four hashes of the scheme can never be confused.
#include "bitcoin/addrman/addr_info.h"

#include <algorithm>
#include <cmath>

#include "crypto/siphash.h"
#include "util/byte_writer.h"

namespace tonari::bitcoin::addrman {

namespace {

// Unambiguous encoding of an address with its port (Core's GetKey()).
void WriteAddressKey(util::ByteWriter& w, const wire::NetAddress& addr) {
    w.WriteU8(static_cast<uint8_t>(addr.net));
    w.WriteU8(static_cast<uint8_t>(addr.addr.size()));
    w.WriteBytes(addr.addr);
    w.WriteU16LE(addr.port);
}

// Length-prefixed, so that two groups written back to back cannot be re-split differently.
void WriteGroup(util::ByteWriter& w, const wire::NetAddress& addr) {
    const util::Bytes group = NetGroup(addr);
    w.WriteU8(static_cast<uint8_t>(group.size()));
    w.WriteBytes(group);
}

}  // namespace

bool AddrInfo::IsTerrible(int64_t now) const {
    // Never drop something we tried a moment ago: the attempt may still be in flight.
    if (last_try != 0 && now - last_try <= RECENT_TRY) return false;
    const int64_t time = entry.time;
    if (time > now + FUTURE_SLACK) return true;                 // forged or broken clock
    if (time == 0 || now - time > HORIZON) return true;        // not seen recently
    if (last_success == 0 && attempts >= RETRIES) return true;  // never worked
    if (now - last_success > MIN_FAIL && attempts >= MAX_FAILURES) return true;
    return false;
}

double AddrInfo::GetChance(int64_t now) const {
    double chance = 1.0;
    // Tried in the last few minutes: almost never pick it again straight away.
    if (now - last_try < CHANCE_RECENT_TRY) chance *= 0.01;
    // Each failure makes it a third less likely, down to a floor after 8.
    chance *= std::pow(0.66, std::min<int32_t>(attempts, 8));
    return chance;
}

util::Bytes NetGroup(const wire::NetAddress& addr) {
    util::Bytes group;
    group.push_back(static_cast<uint8_t>(addr.net));
    const util::Bytes& a = addr.addr;
    switch (addr.net) {
        case wire::NetId::IPv4:
            group.insert(group.end(), a.begin(), a.begin() + std::min<size_t>(a.size(), 2));
            break;
        case wire::NetId::IPv6:
            group.insert(group.end(), a.begin(), a.begin() + std::min<size_t>(a.size(), 4));
            break;
        default:
            if (!a.empty()) group.push_back(static_cast<uint8_t>(a[0] >> 4));
            break;
    }
    return group;
}

uint64_t BucketHasher::Hash(util::ByteSpan data) const {
    return crypto::SipHash24(m_k0, m_k1, data);
}

int BucketHasher::TriedBucket(const wire::NetAddress& addr) const {
    // The address picks one of its group's 8 buckets; the group picks which 8.
    util::ByteWriter w1;
    w1.WriteU8('T');
    WriteAddressKey(w1, addr);
    const uint64_t slot_in_group = Hash(w1.data()) % TRIED_BUCKETS_PER_GROUP;

    util::ByteWriter w2;
    w2.WriteU8('t');
    WriteGroup(w2, addr);
    w2.WriteU64LE(slot_in_group);
    return static_cast<int>(Hash(w2.data()) % TRIED_BUCKET_COUNT);
}

int BucketHasher::NewBucket(const wire::NetAddress& addr, const wire::NetAddress& source) const {
    // The (address group, source group) pair picks one of the source group's 64 buckets; the
    // source group alone picks which 64. One source group thus reaches 64 buckets at most.
    util::ByteWriter w1;
    w1.WriteU8('N');
    WriteGroup(w1, addr);
    WriteGroup(w1, source);
    const uint64_t slot_in_source = Hash(w1.data()) % NEW_BUCKETS_PER_SOURCE_GROUP;

    util::ByteWriter w2;
    w2.WriteU8('n');
    WriteGroup(w2, source);
    w2.WriteU64LE(slot_in_source);
    return static_cast<int>(Hash(w2.data()) % NEW_BUCKET_COUNT);
}

int BucketHasher::Position(bool is_new, int bucket, const wire::NetAddress& addr) const {
    util::ByteWriter w;
    w.WriteU8(is_new ? 'P' : 'p');
    w.WriteU32LE(static_cast<uint32_t>(bucket));
    WriteAddressKey(w, addr);
    return static_cast<int>(Hash(w.data()) % BUCKET_SIZE);
}

uint64_t BucketHasher::Fingerprint() const {
    return Hash(util::AsBytes("tonari addrman key fingerprint"));
}

}  // namespace tonari::bitcoin::addrman
