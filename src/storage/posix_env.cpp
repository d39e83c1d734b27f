// The real-filesystem Env: POSIX file descriptors, so fsync, ftruncate and positional reads are
// available (std::fstream offers none of them). Every call retries on EINTR and turns errno into
// a StorageError carrying the path.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "storage/env.h"

namespace tonari::storage {
namespace {

namespace fs = std::filesystem;

StorageError ErrnoError(const std::string& what, const fs::path& path, int err) {
    std::string msg = what + " " + path.string() + ": " + std::strerror(err);
    if (err == ENOENT) return StorageError::NotFound(std::move(msg));
    return StorageError::Io(std::move(msg));
}

StorageError EcError(const std::string& what, const fs::path& path, const std::error_code& ec) {
    std::string msg = what + " " + path.string() + ": " + ec.message();
    if (ec == std::errc::no_such_file_or_directory) return StorageError::NotFound(std::move(msg));
    return StorageError::Io(std::move(msg));
}

// Owns a descriptor; closes it once.
class Fd {
public:
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd() {
        if (m_fd >= 0) ::close(m_fd);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

class PosixWritableFile final : public WritableFile {
public:
    PosixWritableFile(fs::path path, int fd, uint64_t size)
        : m_path(std::move(path)), m_fd(fd), m_size(size) {}

    Status Append(util::ByteSpan data) override {
        size_t done = 0;
        while (done < data.size()) {
            // pwrite at our own idea of the end, so a short write followed by a retry cannot
            // leave a gap or duplicate bytes.
            const ssize_t n = ::pwrite(m_fd.get(), data.data() + done, data.size() - done,
                                       static_cast<off_t>(m_size + done));
            if (n < 0) {
                if (errno == EINTR) continue;
                const int err = errno;
                m_size += done;
                return util::Fail(ErrnoError("write", m_path, err));
            }
            done += static_cast<size_t>(n);
        }
        m_size += done;
        return {};
    }

    Status Sync() override {
        while (::fdatasync(m_fd.get()) != 0) {
            if (errno != EINTR) return util::Fail(ErrnoError("fdatasync", m_path, errno));
        }
        return {};
    }

    Status Truncate(uint64_t size) override {
        while (::ftruncate(m_fd.get(), static_cast<off_t>(size)) != 0) {
            if (errno != EINTR) return util::Fail(ErrnoError("truncate", m_path, errno));
        }
        m_size = size;
        return {};
    }

    uint64_t Size() const override { return m_size; }

private:
    fs::path m_path;
    Fd m_fd;
    uint64_t m_size;
};

class PosixReadableFile final : public ReadableFile {
public:
    PosixReadableFile(fs::path path, int fd) : m_path(std::move(path)), m_fd(fd) {}

    StorageResult<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const override {
        size_t done = 0;
        while (done < out.size()) {
            const ssize_t n =
                ::pread(m_fd.get(), out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
            if (n < 0) {
                if (errno == EINTR) continue;
                return util::Fail(ErrnoError("read", m_path, errno));
            }
            if (n == 0) break;  // EOF
            done += static_cast<size_t>(n);
        }
        return done;
    }

    StorageResult<uint64_t> Size() const override {
        struct stat st {};
        if (::fstat(m_fd.get(), &st) != 0) return util::Fail(ErrnoError("stat", m_path, errno));
        return static_cast<uint64_t>(st.st_size);
    }

private:
    fs::path m_path;
    Fd m_fd;
};

class PosixRandomAccessFile final : public RandomAccessFile {
public:
    PosixRandomAccessFile(fs::path path, int fd) : m_reader(path, fd), m_path(std::move(path)), m_fd(fd) {}

    StorageResult<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) const override {
        return m_reader.ReadAt(offset, out);
    }
    StorageResult<uint64_t> Size() const override { return m_reader.Size(); }

    Status WriteAt(uint64_t offset, util::ByteSpan data) override {
        size_t done = 0;
        while (done < data.size()) {
            const ssize_t n =
                ::pwrite(m_fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
            if (n < 0) {
                if (errno == EINTR) continue;
                return util::Fail(ErrnoError("write", m_path, errno));
            }
            done += static_cast<size_t>(n);
        }
        return {};
    }

    Status Sync() override {
        while (::fdatasync(m_fd) != 0) {
            if (errno != EINTR) return util::Fail(ErrnoError("fdatasync", m_path, errno));
        }
        return {};
    }

    Status Resize(uint64_t size) override {
        while (::ftruncate(m_fd, static_cast<off_t>(size)) != 0) {
            if (errno != EINTR) return util::Fail(ErrnoError("truncate", m_path, errno));
        }
        return {};
    }

private:
    PosixReadableFile m_reader;  // owns the descriptor; m_fd borrows it
    fs::path m_path;
    int m_fd;
};

int OpenRetry(const fs::path& path, int flags, mode_t mode = 0) {
    int fd;
    do {
        fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    } while (fd < 0 && errno == EINTR);
    return fd;
}

class PosixEnv final : public Env {
public:
    StorageResult<std::unique_ptr<WritableFile>> OpenAppendable(const fs::path& path) override {
        const int fd = OpenRetry(path, O_WRONLY | O_CREAT, 0644);
        if (fd < 0) return util::Fail(ErrnoError("open", path, errno));
        struct stat st {};
        if (::fstat(fd, &st) != 0) {
            const int err = errno;
            ::close(fd);
            return util::Fail(ErrnoError("stat", path, err));
        }
        return std::unique_ptr<WritableFile>(
            std::make_unique<PosixWritableFile>(path, fd, static_cast<uint64_t>(st.st_size)));
    }

    StorageResult<std::unique_ptr<ReadableFile>> OpenReadable(const fs::path& path) override {
        const int fd = OpenRetry(path, O_RDONLY);
        if (fd < 0) return util::Fail(ErrnoError("open", path, errno));
        return std::unique_ptr<ReadableFile>(std::make_unique<PosixReadableFile>(path, fd));
    }

    StorageResult<std::unique_ptr<RandomAccessFile>> OpenRandomAccess(const fs::path& path) override {
        const int fd = OpenRetry(path, O_RDWR | O_CREAT | O_NOFOLLOW, 0644);
        if (fd < 0) return util::Fail(ErrnoError("open", path, errno));
        return std::unique_ptr<RandomAccessFile>(std::make_unique<PosixRandomAccessFile>(path, fd));
    }

    StorageResult<bool> FileExists(const fs::path& path) override {
        std::error_code ec;
        const bool exists = fs::exists(path, ec);
        if (ec) return util::Fail(EcError("stat", path, ec));
        return exists;
    }

    StorageResult<std::vector<std::string>> ListDir(const fs::path& dir) override {
        std::error_code ec;
        fs::directory_iterator it(dir, ec);
        if (ec) return util::Fail(EcError("list", dir, ec));
        std::vector<std::string> names;
        for (; it != fs::directory_iterator(); it.increment(ec)) {
            if (ec) return util::Fail(EcError("list", dir, ec));
            std::error_code type_ec;
            if (it->is_regular_file(type_ec)) names.push_back(it->path().filename().string());
        }
        if (ec) return util::Fail(EcError("list", dir, ec));
        return names;
    }

    Status CreateDirs(const fs::path& dir) override {
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec) return util::Fail(EcError("create directory", dir, ec));
        return {};
    }

    Status RemoveFile(const fs::path& path) override {
        std::error_code ec;
        fs::remove(path, ec);
        if (ec) return util::Fail(EcError("remove", path, ec));
        return {};
    }

    Status SyncDir(const fs::path& dir) override {
        const int fd = OpenRetry(dir, O_RDONLY | O_DIRECTORY);
        if (fd < 0) return util::Fail(ErrnoError("open directory", dir, errno));
        const Fd owner(fd);
        while (::fsync(fd) != 0) {
            if (errno != EINTR) return util::Fail(ErrnoError("fsync directory", dir, errno));
        }
        return {};
    }
};

}  // namespace

std::unique_ptr<Env> Env::MakePosix() {
    return std::make_unique<PosixEnv>();
}

}  // namespace tonari::storage
