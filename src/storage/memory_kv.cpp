// The in-memory KvStore for tests. An ordered map behind a shared_ptr: iterators hold the map
// they were created on, and a Write copies the map first if any iterator still holds it. That
// gives exactly RocksDB's snapshot semantics with no bookkeeping, at a copy per write while
// iterators are alive (fine for tests).
#include <map>
#include <mutex>

#include "storage/kv.h"

namespace tonari::storage {
namespace {

struct BytesLess {
    using is_transparent = void;
    static bool Less(util::ByteSpan a, util::ByteSpan b) {
        return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
    }
    bool operator()(const util::Bytes& a, const util::Bytes& b) const { return Less(a, b); }
    bool operator()(const util::Bytes& a, util::ByteSpan b) const { return Less(a, b); }
    bool operator()(util::ByteSpan a, const util::Bytes& b) const { return Less(a, b); }
};

using Map = std::map<util::Bytes, util::Bytes, BytesLess>;

class MemoryIterator final : public KvIterator {
public:
    explicit MemoryIterator(std::shared_ptr<const Map> map) : m_map(std::move(map)), m_it(m_map->end()) {}

    void SeekToFirst() override { m_it = m_map->begin(); }
    void Seek(util::ByteSpan key) override { m_it = m_map->lower_bound(key); }
    bool Valid() const override { return m_it != m_map->end(); }
    void Next() override { ++m_it; }
    util::ByteSpan Key() const override { return m_it->first; }
    util::ByteSpan Value() const override { return m_it->second; }
    Status GetStatus() const override { return {}; }

private:
    std::shared_ptr<const Map> m_map;
    Map::const_iterator m_it;
};

class MemoryKv final : public KvStore {
public:
    StorageResult<std::optional<util::Bytes>> Get(util::ByteSpan key) const override {
        const std::lock_guard lock(m_mutex);
        const auto it = m_map->find(key);
        if (it == m_map->end()) return std::optional<util::Bytes>();
        return std::optional<util::Bytes>(it->second);
    }

    StorageResult<bool> Exists(util::ByteSpan key) const override {
        const std::lock_guard lock(m_mutex);
        return m_map->find(key) != m_map->end();
    }

    Status Write(const WriteBatch& batch, bool) override {
        const std::lock_guard lock(m_mutex);
        if (m_map.use_count() > 1) m_map = std::make_shared<Map>(*m_map);  // an iterator holds it
        batch.ForEach([&](WriteBatch::OpType type, util::ByteSpan key, util::ByteSpan value) {
            if (type == WriteBatch::OpType::Put) {
                const auto it = m_map->find(key);
                if (it != m_map->end()) {
                    it->second.assign(value.begin(), value.end());
                } else {
                    m_map->emplace(util::Bytes(key.begin(), key.end()),
                                   util::Bytes(value.begin(), value.end()));
                }
            } else {
                const auto it = m_map->find(key);
                if (it != m_map->end()) m_map->erase(it);
            }
        });
        return {};
    }

    std::unique_ptr<KvIterator> NewIterator() const override {
        const std::lock_guard lock(m_mutex);
        return std::make_unique<MemoryIterator>(m_map);
    }

    Status CompactRange(std::optional<util::ByteSpan>, std::optional<util::ByteSpan>) override { return {}; }

    StorageResult<uint64_t> EstimateSize(util::ByteSpan begin, util::ByteSpan end) const override {
        const std::lock_guard lock(m_mutex);
        uint64_t total = 0;
        for (auto it = m_map->lower_bound(begin); it != m_map->end() && BytesLess::Less(it->first, end);
             ++it) {
            total += it->first.size() + it->second.size();
        }
        return total;
    }

private:
    mutable std::mutex m_mutex;
    std::shared_ptr<Map> m_map = std::make_shared<Map>();
};

}  // namespace

std::unique_ptr<KvStore> KvStore::MakeMemoryKv() {
    return std::make_unique<MemoryKv>();
}

}  // namespace tonari::storage
