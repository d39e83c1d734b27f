// Basic authentication against salted HMAC entries, and the cookie file.
#include "netcore/http_auth.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "util/base64.h"
#include "crypto/hmac.h"
#include "crypto/random.h"
#include "util/bytes.h"
#include "util/hex.h"

namespace tonari::netcore {
namespace {

using util::DecodeBase64;
using util::EncodeBase64;

std::string HmacHex(std::string_view salt, std::string_view password) {
    const auto mac = crypto::HmacSha256(util::AsBytes(salt), util::AsBytes(password));
    return util::HexEncode(mac);
}

std::string Lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

std::string_view TrimSpace(std::string_view s) {
    constexpr std::string_view SPACE = " \f\n\r\t\v";
    const size_t begin = s.find_first_not_of(SPACE);
    if (begin == std::string_view::npos) return {};
    return s.substr(begin, s.find_last_not_of(SPACE) - begin + 1);
}

std::string ErrnoText(std::string_view what, const std::string& path) {
    return std::string(what) + " " + path + ": " + std::strerror(errno);
}

// Closes a POSIX descriptor on every path out of a function.
class Fd {
public:
    explicit Fd(int fd) : m_fd(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (m_fd >= 0) ::close(m_fd);
    }
    int get() const { return m_fd; }
    int release() {
        const int fd = m_fd;
        m_fd = -1;
        return fd;
    }

private:
    int m_fd;
};

}  // namespace

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
    // Every byte of `a` is visited whatever the contents; only the lengths steer the loop.
    size_t diff = a.size() ^ b.size();
    for (size_t i = 0; i < a.size(); ++i) {
        const uint8_t other = i < b.size() ? static_cast<uint8_t>(b[i]) : 0;
        diff |= static_cast<uint8_t>(a[i]) ^ other;
    }
    return diff == 0;
}

void Authenticator::AddPassword(std::string_view user, std::string_view password) {
    std::array<uint8_t, 16> raw_salt{};
    crypto::RandomBytes(raw_salt);
    Entry entry;
    entry.user = std::string(user);
    entry.salt = util::HexEncode(raw_salt);
    entry.hash_hex = HmacHex(entry.salt, password);
    m_entries.push_back(std::move(entry));
}

util::Result<void, std::string> Authenticator::AddUserColonPassword(std::string_view line) {
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return util::Fail(std::string("credentials have no ':'"));
    AddPassword(line.substr(0, colon), line.substr(colon + 1));
    return {};
}

util::Result<void, std::string> Authenticator::AddRpcAuth(std::string_view value) {
    const size_t colon = value.find(':');
    const std::string_view rest = colon == std::string_view::npos ? std::string_view{} : value.substr(colon + 1);
    const size_t dollar = rest.find('$');
    if (colon == std::string_view::npos || rest.find(':') != std::string_view::npos ||
        dollar == std::string_view::npos || rest.find('$', dollar + 1) != std::string_view::npos) {
        return util::Fail(std::string("Invalid -rpcauth argument."));
    }
    // Core compares against its own lower-case hex; accepting an upper-case hash from the
    // configuration changes nothing about what a client may send.
    m_entries.push_back(Entry{std::string(value.substr(0, colon)), std::string(rest.substr(0, dollar)),
                              Lower(rest.substr(dollar + 1))});
    return {};
}

util::Result<std::string, AuthFailure> Authenticator::Check(std::optional<std::string_view> authorization) const {
    if (!authorization) return util::Fail(AuthFailure::MISSING_HEADER);
    constexpr std::string_view PREFIX = "Basic ";
    if (authorization->size() > MAX_AUTHORIZATION_HEADER_SIZE || !authorization->starts_with(PREFIX)) {
        return util::Fail(AuthFailure::MALFORMED);
    }
    const auto user_pass = DecodeBase64(TrimSpace(authorization->substr(PREFIX.size())));
    if (!user_pass) return util::Fail(AuthFailure::MALFORMED);
    const size_t colon = user_pass->find(':');
    if (colon == std::string::npos) return util::Fail(AuthFailure::MALFORMED);
    const std::string_view user = std::string_view(*user_pass).substr(0, colon);
    const std::string_view password = std::string_view(*user_pass).substr(colon + 1);

    for (const Entry& entry : m_entries) {
        if (!ConstantTimeEqual(entry.user, user)) continue;
        if (ConstantTimeEqual(HmacHex(entry.salt, password), entry.hash_hex)) return std::string(user);
    }
    return util::Fail(AuthFailure::WRONG_CREDENTIALS);
}

std::string BasicAuthorizationValue(std::string_view user_colon_password) {
    return "Basic " + EncodeBase64(user_colon_password);
}

std::string GenerateCookie() {
    std::array<uint8_t, 32> secret{};
    crypto::RandomBytes(secret);
    return std::string(COOKIE_USER) + ":" + util::HexEncode(secret);
}

util::Result<void, std::string> WriteCookieFile(const std::string& path, std::string_view line) {
    const std::string tmp = path + ".tmp";
    // A stale temp file may carry wider permissions; O_EXCL then guarantees ours is new and
    // created 0600 (O_NOFOLLOW: a planted symlink cannot redirect the write).
    if (::unlink(tmp.c_str()) != 0 && errno != ENOENT) return util::Fail(ErrnoText("cannot remove", tmp));
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, S_IRUSR | S_IWUSR));
    if (fd.get() < 0) return util::Fail(ErrnoText("cannot create", tmp));
    size_t written = 0;
    while (written < line.size()) {
        const ssize_t n = ::write(fd.get(), line.data() + written, line.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return util::Fail(ErrnoText("cannot write", tmp));
        written += static_cast<size_t>(n);
    }
    if (::fsync(fd.get()) != 0) return util::Fail(ErrnoText("cannot sync", tmp));
    if (::close(fd.release()) != 0) return util::Fail(ErrnoText("cannot close", tmp));
    if (::rename(tmp.c_str(), path.c_str()) != 0) return util::Fail(ErrnoText("cannot rename over", path));
    return {};
}

util::Result<std::string, std::string> ReadCookieFile(const std::string& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return util::Fail(ErrnoText("cannot open", path));
    std::string content;
    char buf[512];
    while (true) {
        const ssize_t n = ::read(fd.get(), buf, sizeof(buf));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return util::Fail(ErrnoText("cannot read", path));
        if (n == 0) break;
        content.append(buf, static_cast<size_t>(n));
        if (content.size() > MAX_COOKIE_FILE_SIZE) return util::Fail("cookie file " + path + " is too large");
    }
    const size_t newline = content.find('\n');
    if (newline != std::string::npos) content.resize(newline);
    if (!content.empty() && content.back() == '\r') content.pop_back();
    if (content.empty()) return util::Fail("cookie file " + path + " is empty");
    return content;
}

}  // namespace tonari::netcore
