// In-memory Env with crash and fault simulation; see memory_env.h for the model.
#include "storage/memory_env.h"

#include <algorithm>

namespace tonari::storage {

namespace fs = std::filesystem;

struct MemoryEnv::Node {
    util::Bytes data;
    util::Bytes synced;         // contents as of the last Sync: what survives a crash
    bool name_durable = false;  // the directory was synced after the file was created
};

namespace {

std::string Key(const fs::path& path) {
    return path.lexically_normal().generic_string();
}

}  // namespace

// Handles reach back into the env for its mutex and fault settings, so the env must outlive
// them (it does in every test: the env is the outermost object).
class MemoryWritableFile final : public WritableFile {
public:
    MemoryWritableFile(MemoryEnv& env, std::shared_ptr<MemoryEnv::Node> node, std::string name)
        : m_env(env), m_node(std::move(node)), m_name(std::move(name)) {}

    Status Append(util::ByteSpan data) override {
        const std::lock_guard lock(m_env.m_mutex);
        size_t n = data.size();
        bool fail = false;
        if (m_env.m_write_budget) {
            if (n > *m_env.m_write_budget) {
                n = static_cast<size_t>(*m_env.m_write_budget);
                fail = true;
            }
            *m_env.m_write_budget -= n;
        }
        m_node->data.insert(m_node->data.end(), data.begin(), data.begin() + static_cast<long>(n));
        if (fail) return util::Fail(StorageError::Io("write " + m_name + ": No space left on device"));
        return {};
    }

    Status Sync() override {
        const std::lock_guard lock(m_env.m_mutex);
        if (m_env.m_sync_fails) return util::Fail(StorageError::Io("fdatasync " + m_name + ": I/O error"));
        m_node->synced = m_node->data;
        return {};
    }

    Status Truncate(uint64_t size) override {
        const std::lock_guard lock(m_env.m_mutex);
        m_node->data.resize(static_cast<size_t>(size));
        return {};
    }

    uint64_t Size() const override {
        const std::lock_guard lock(m_env.m_mutex);
        return m_node->data.size();
    }

private:
    MemoryEnv& m_env;
    std::shared_ptr<MemoryEnv::Node> m_node;
    std::string m_name;
};

class MemoryReadableFile final : public ReadableFile {
public:
    MemoryReadableFile(const MemoryEnv& env, std::shared_ptr<MemoryEnv::Node> node)
        : m_env(env), m_node(std::move(node)) {}

    StorageResult<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const override {
        const std::lock_guard lock(m_env.m_mutex);
        const util::Bytes& d = m_node->data;
        if (offset >= d.size()) return size_t{0};
        const size_t n = std::min<size_t>(out.size(), d.size() - static_cast<size_t>(offset));
        std::copy_n(d.begin() + static_cast<long>(offset), n, out.begin());
        return n;
    }

    StorageResult<uint64_t> Size() const override {
        const std::lock_guard lock(m_env.m_mutex);
        return static_cast<uint64_t>(m_node->data.size());
    }

private:
    const MemoryEnv& m_env;
    std::shared_ptr<MemoryEnv::Node> m_node;
};

class MemoryRandomAccessFile final : public RandomAccessFile {
public:
    MemoryRandomAccessFile(MemoryEnv& env, std::shared_ptr<MemoryEnv::Node> node, std::string name)
        : m_env(env), m_reader(env, node), m_node(std::move(node)), m_name(std::move(name)) {}

    StorageResult<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const override {
        return m_reader.ReadAt(offset, out);
    }
    StorageResult<uint64_t> Size() const override { return m_reader.Size(); }

    Status WriteAt(uint64_t offset, util::ByteSpan data) override {
        const std::lock_guard lock(m_env.m_mutex);
        const uint64_t end = offset + data.size();
        uint64_t grow = end > m_node->data.size() ? end - m_node->data.size() : 0;
        if (m_env.m_write_budget) {
            if (grow > *m_env.m_write_budget) {
                return util::Fail(StorageError::Io("write " + m_name + ": No space left on device"));
            }
            *m_env.m_write_budget -= grow;
        }
        if (end > m_node->data.size()) m_node->data.resize(static_cast<size_t>(end));
        std::copy(data.begin(), data.end(), m_node->data.begin() + static_cast<long>(offset));
        return {};
    }

    Status Sync() override {
        const std::lock_guard lock(m_env.m_mutex);
        if (m_env.m_sync_fails) return util::Fail(StorageError::Io("fdatasync " + m_name + ": I/O error"));
        m_node->synced = m_node->data;
        return {};
    }

    Status Resize(uint64_t size) override {
        const std::lock_guard lock(m_env.m_mutex);
        m_node->data.resize(static_cast<size_t>(size));
        return {};
    }

private:
    MemoryEnv& m_env;
    MemoryReadableFile m_reader;
    std::shared_ptr<MemoryEnv::Node> m_node;
    std::string m_name;
};

MemoryEnv::MemoryEnv() = default;
MemoryEnv::~MemoryEnv() = default;

StorageResult<std::unique_ptr<WritableFile>> MemoryEnv::OpenAppendable(const fs::path& path) {
    const std::lock_guard lock(m_mutex);
    auto& node = m_files[Key(path)];
    if (!node) node = std::make_shared<Node>();
    return std::unique_ptr<WritableFile>(std::make_unique<MemoryWritableFile>(*this, node, Key(path)));
}

StorageResult<std::unique_ptr<ReadableFile>> MemoryEnv::OpenReadable(const fs::path& path) {
    const std::lock_guard lock(m_mutex);
    const auto it = m_files.find(Key(path));
    if (it == m_files.end()) {
        return util::Fail(StorageError::NotFound("open " + Key(path) + ": No such file or directory"));
    }
    return std::unique_ptr<ReadableFile>(std::make_unique<MemoryReadableFile>(*this, it->second));
}

StorageResult<std::unique_ptr<RandomAccessFile>> MemoryEnv::OpenRandomAccess(const fs::path& path) {
    const std::lock_guard lock(m_mutex);
    auto& node = m_files[Key(path)];
    if (!node) node = std::make_shared<Node>();
    return std::unique_ptr<RandomAccessFile>(std::make_unique<MemoryRandomAccessFile>(*this, node, Key(path)));
}

StorageResult<bool> MemoryEnv::FileExists(const fs::path& path) {
    const std::lock_guard lock(m_mutex);
    return m_files.count(Key(path)) != 0;
}

StorageResult<std::vector<std::string>> MemoryEnv::ListDir(const fs::path& dir) {
    const std::lock_guard lock(m_mutex);
    const std::string want = Key(dir);
    std::vector<std::string> names;
    for (const auto& [key, node] : m_files) {
        const fs::path p(key);
        if (Key(p.parent_path()) == want) names.push_back(p.filename().string());
    }
    return names;
}

Status MemoryEnv::CreateDirs(const fs::path&) {
    return {};
}

Status MemoryEnv::RemoveFile(const fs::path& path) {
    const std::lock_guard lock(m_mutex);
    m_files.erase(Key(path));
    return {};
}

Status MemoryEnv::SyncDir(const fs::path& dir) {
    const std::lock_guard lock(m_mutex);
    if (m_sync_fails) return util::Fail(StorageError::Io("fsync directory " + Key(dir) + ": I/O error"));
    const std::string want = Key(dir);
    for (auto& [key, node] : m_files) {
        if (Key(fs::path(key).parent_path()) == want) node->name_durable = true;
    }
    return {};
}

void MemoryEnv::SimulateCrash() {
    const std::lock_guard lock(m_mutex);
    for (auto it = m_files.begin(); it != m_files.end();) {
        if (!it->second->name_durable) {
            it = m_files.erase(it);
            continue;
        }
        it->second->data = it->second->synced;
        ++it;
    }
}

void MemoryEnv::SetWriteBudget(std::optional<uint64_t> bytes) {
    const std::lock_guard lock(m_mutex);
    m_write_budget = bytes;
}

void MemoryEnv::SetSyncFails(bool fails) {
    const std::lock_guard lock(m_mutex);
    m_sync_fails = fails;
}

std::optional<util::Bytes> MemoryEnv::Contents(const fs::path& path) const {
    const std::lock_guard lock(m_mutex);
    const auto it = m_files.find(Key(path));
    if (it == m_files.end()) return std::nullopt;
    return it->second->data;
}

void MemoryEnv::SetContents(const fs::path& path, util::Bytes data) {
    const std::lock_guard lock(m_mutex);
    auto& node = m_files[Key(path)];
    if (!node) node = std::make_shared<Node>();
    node->data = data;
    node->synced = std::move(data);
    node->name_durable = true;
}

}  // namespace tonari::storage
