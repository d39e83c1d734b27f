// Whole-file reads and atomic replacement with POSIX calls (fsync of the file and its folder).
#include "storage/whole_file.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace tonari::storage {
namespace {

bool WriteAllAndSync(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (n == 0) errno = EIO;
            return false;
        }
        bytes.remove_prefix(static_cast<size_t>(n));
    }
    return ::fsync(fd) == 0;
}

}  // namespace

std::optional<std::string> ReadSmallFile(const std::filesystem::path& path, std::uintmax_t limit) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec) || ec) return std::nullopt;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec || size > limit) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string ReplaceFile(const std::filesystem::path& path, std::string_view bytes, unsigned mode) {
    // A name of its own (two writers never share one), created fresh (never through a link
    // planted at that name).
    std::string tmp = path.string() + ".new.XXXXXX";
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0) return "cannot write " + tmp + ": " + std::strerror(errno);
    ::fchmod(fd, static_cast<mode_t>(mode));
    bool written = WriteAllAndSync(fd, bytes);
    int saved_errno = errno;
    if (::close(fd) != 0 && written) {
        written = false;
        saved_errno = errno;
    }
    if (!written) {
        ::unlink(tmp.c_str());
        return "cannot write " + tmp + ": " + std::strerror(saved_errno);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(tmp.c_str());
        return "cannot replace " + path.string() + ": " + why;
    }
    // The rename itself must survive a power cut too.
    const auto folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return "cannot open " + folder.string() + " to make the new file durable: " + std::strerror(errno);
    const bool synced = ::fsync(dir) == 0;
    const std::string why = synced ? std::string() : std::strerror(errno);
    ::close(dir);
    if (!synced) return "cannot make " + path.string() + " durable: " + why;
    return {};
}

}  // namespace tonari::storage
