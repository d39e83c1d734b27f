// AddrMan persistence (peers.dat equivalent). Format, version 1, integers little-endian:
//
//   "TADM" | u8 version=1 | u64 key fingerprint | u32 new bucket count | u32 bucket size
//   | u32 entry count | entries... | 32-byte SHA256d of everything before it
//
//   entry: address | u32 time | u64 services | source address | i64 last_try
//          | i64 last_count_attempt | i64 last_success | i32 attempts | u8 in_tried
//          | if not tried: u8 n (1..8) and n x u16 new-bucket index, strictly ascending
//   address: u8 BIP155 network id | AddressLength(id) bytes | u16 port
//
// Entries are written in id order and re-numbered in file order on load, so a table that was
// loaded serializes back to the same bytes. The key itself is never written, only a MAC of
// a constant under it: with the same key the new-bucket lists are restored exactly (the slot
// inside a bucket is recomputed), otherwise everything is re-bucketed (see addrman.h).
#include <cstring>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "bitcoin/addrman/addrman.h"
#include "crypto/sha256.h"
#include "util/byte_reader.h"
#include "util/byte_writer.h"

namespace tonari::bitcoin::addrman {

namespace {

constexpr uint8_t MAGIC[4] = {'T', 'A', 'D', 'M'};
constexpr uint8_t VERSION = 1;
constexpr size_t HEADER_SIZE = 4 + 1 + 8 + 4 + 4 + 4;
constexpr size_t CHECKSUM_SIZE = 32;
// Two 7-byte IPv4 addresses plus the fixed fields: bounds the entry count against the input.
constexpr size_t MIN_ENTRY_SIZE = 7 + 4 + 8 + 7 + 8 + 8 + 8 + 4 + 1;
// Stored times beyond this are corrupt (year ~36,800); the cap keeps `now - t` from overflowing.
constexpr int64_t MAX_STORED_TIME = int64_t{1} << 40;

void WriteAddress(util::ByteWriter& w, const wire::NetAddress& a) {
    w.WriteU8(static_cast<uint8_t>(a.net));
    w.WriteBytes(a.addr);
    w.WriteU16LE(a.port);
}

// nullopt for an unknown network id; a short read leaves `r` failed.
std::optional<wire::NetAddress> ReadAddress(util::ByteReader& r) {
    wire::NetAddress a;
    a.net = static_cast<wire::NetId>(r.ReadU8());
    const size_t len = wire::AddressLength(a.net);
    if (len == 0) return std::nullopt;
    a.addr = r.ReadBytes(len);
    a.port = r.ReadU16LE();
    return a;
}

bool ValidTime(int64_t t) { return t >= 0 && t <= MAX_STORED_TIME; }

}  // namespace

util::Bytes AddrMan::Serialize() const {
    // Which new buckets reference each entry, in ascending bucket order.
    std::unordered_map<Id, std::vector<uint16_t>> buckets_of;
    for (int b = 0; b < NEW_BUCKET_COUNT; ++b) {
        for (int p = 0; p < BUCKET_SIZE; ++p) {
            const Id id = m_new[static_cast<size_t>(b) * BUCKET_SIZE + p];
            if (id != EMPTY) buckets_of[id].push_back(static_cast<uint16_t>(b));
        }
    }

    util::ByteWriter w(HEADER_SIZE + m_info.size() * 80 + CHECKSUM_SIZE);
    w.WriteBytes(MAGIC);
    w.WriteU8(VERSION);
    w.WriteU64LE(m_hasher.Fingerprint());
    w.WriteU32LE(NEW_BUCKET_COUNT);
    w.WriteU32LE(BUCKET_SIZE);
    w.WriteU32LE(static_cast<uint32_t>(m_info.size()));
    for (const auto& [id, info] : m_info) {
        WriteAddress(w, info.entry.address);
        w.WriteU32LE(info.entry.time);
        w.WriteU64LE(info.entry.services);
        WriteAddress(w, info.source);
        w.WriteI64LE(info.last_try);
        w.WriteI64LE(info.last_count_attempt);
        w.WriteI64LE(info.last_success);
        w.WriteI32LE(info.attempts);
        w.WriteU8(info.in_tried ? 1 : 0);
        if (!info.in_tried) {
            const std::vector<uint16_t>& buckets = buckets_of[id];
            w.WriteU8(static_cast<uint8_t>(buckets.size()));
            for (uint16_t b : buckets) w.WriteU16LE(b);
        }
    }
    const util::Uint256 checksum = crypto::Sha256d(w.data());
    w.WriteBytes(checksum.span());
    return w.Take();
}

util::Result<AddrMan, std::string> AddrMan::Deserialize(util::ByteSpan bytes,
                                                        AddrManOptions options) {
    using util::Fail;
    if (bytes.size() < HEADER_SIZE + CHECKSUM_SIZE) return Fail(std::string("truncated"));
    const util::ByteSpan body = bytes.first(bytes.size() - CHECKSUM_SIZE);
    const util::Uint256 checksum = crypto::Sha256d(body);
    if (std::memcmp(checksum.data(), bytes.data() + body.size(), CHECKSUM_SIZE) != 0) {
        return Fail(std::string("checksum mismatch"));
    }

    util::ByteReader r(body);
    const util::ByteSpan magic = r.ReadSpan(4);
    if (std::memcmp(magic.data(), MAGIC, 4) != 0) return Fail(std::string("bad magic"));
    const uint8_t version = r.ReadU8();
    if (version != VERSION) return Fail("unsupported version " + std::to_string(version));
    const uint64_t fingerprint = r.ReadU64LE();
    const uint32_t file_new_buckets = r.ReadU32LE();
    const uint32_t file_bucket_size = r.ReadU32LE();
    const uint32_t count = r.ReadU32LE();
    if (count > MAX_ENTRIES) return Fail(std::string("too many entries"));
    if (!r.CheckCount(count, MIN_ENTRY_SIZE)) return Fail(std::string("truncated"));

    AddrMan man(options);
    const bool same_key = fingerprint == man.m_hasher.Fingerprint() &&
                          file_new_buckets == NEW_BUCKET_COUNT && file_bucket_size == BUCKET_SIZE;

    for (uint32_t i = 0; i < count; ++i) {
        AddrInfo info;
        const auto addr = ReadAddress(r);
        info.entry.time = r.ReadU32LE();
        info.entry.services = r.ReadU64LE();
        const auto source = ReadAddress(r);
        if (r.failed()) return Fail(std::string("truncated"));
        if (!addr || !source || addr->net == wire::NetId::TorV2) {
            return Fail(std::string("bad network id"));
        }
        info.last_try = r.ReadI64LE();
        info.last_count_attempt = r.ReadI64LE();
        info.last_success = r.ReadI64LE();
        info.attempts = r.ReadI32LE();
        const uint8_t tried = r.ReadU8();
        std::vector<int> buckets;
        if (tried == 0) {
            const uint8_t n = r.ReadU8();
            if (!r.failed() && (n == 0 || n > NEW_BUCKETS_PER_ADDRESS)) {
                return Fail(std::string("bad reference count"));
            }
            for (uint8_t j = 0; j < n && !r.failed(); ++j) {
                const int b = r.ReadU16LE();
                if (!r.failed() && (static_cast<uint32_t>(b) >= file_new_buckets ||
                                    (!buckets.empty() && b <= buckets.back()))) {
                    return Fail(std::string("bad bucket index"));
                }
                buckets.push_back(b);
            }
        }
        if (r.failed()) return Fail(std::string("truncated"));
        if (tried > 1) return Fail(std::string("bad tried flag"));
        if (!ValidTime(info.last_try) || !ValidTime(info.last_count_attempt) ||
            !ValidTime(info.last_success) || info.attempts < 0) {
            return Fail(std::string("bad entry statistics"));
        }
        if (man.m_ids.count(*addr) != 0) return Fail(std::string("duplicate address"));
        info.entry.address = *addr;
        info.source = *source;

        // Find the slots first; only a placed entry is created.
        bool as_tried = false;
        std::vector<std::pair<int, int>> slots;
        if (tried == 1) {
            const int tb = man.m_hasher.TriedBucket(*addr);
            const int tp = man.m_hasher.Position(false, tb, *addr);
            if (man.TriedSlot(tb, tp) == EMPTY) {
                as_tried = true;
                slots.emplace_back(tb, tp);
            } else if (same_key) {
                return Fail(std::string("tried slot collision"));
            }
        } else if (same_key) {
            for (int b : buckets) {
                const int p = man.m_hasher.Position(true, b, *addr);
                if (man.NewSlot(b, p) != EMPTY) return Fail(std::string("new slot collision"));
                slots.emplace_back(b, p);
            }
        }
        if (slots.empty()) {
            // Re-bucketing under a different key, or a tried entry displaced by the new key.
            const int nb = man.m_hasher.NewBucket(*addr, *source);
            const int np = man.m_hasher.Position(true, nb, *addr);
            if (man.NewSlot(nb, np) != EMPTY) continue;  // no room: forget it
            slots.emplace_back(nb, np);
        }

        const Id id = man.Create(info.entry, info.source);
        AddrInfo& stored = man.m_info.at(id);
        stored.last_try = info.last_try;
        stored.last_count_attempt = info.last_count_attempt;
        stored.last_success = info.last_success;
        stored.attempts = info.attempts;
        if (as_tried) {
            stored.in_tried = true;
            --man.m_new_count;
            ++man.m_tried_count;
            man.TriedSlot(slots[0].first, slots[0].second) = id;
        } else {
            for (const auto& [b, p] : slots) man.NewSlot(b, p) = id;
            stored.ref_count = static_cast<int>(slots.size());
        }
    }
    if (!r.empty()) return Fail(std::string("trailing bytes"));
    return man;
}

}  // namespace tonari::bitcoin::addrman
