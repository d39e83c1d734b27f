// HTTP Basic authentication for the RPC server, and the cookie file bitcoin-cli style
// clients read their credentials from.
//
// Credentials are kept the way Bitcoin Core keeps them since v28: every accepted user is a
// (user, salt, HMAC-SHA256(salt, password) in hex) entry, whether it came from an rpcauth=
// line or from a plain password (the cookie, rpcuser/rpcpassword), which is salted and hashed
// on entry so the plain password is not kept in memory. Checking compares the user name and
// the hex digest in time independent of where they differ.
//
// A failed check must be slowed down by the transport (AUTH_FAILURE_DELAY); this module
// never sleeps, so it stays testable and the transport decides how to wait without blocking
// its event loop.
//
// Thread-safety: add credentials at start-up; afterwards Check() is const and may run on any
// number of threads at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace tonari::netcore {

// Core waits 250 ms before answering a wrong password: a brute-force guesser on one
// connection gets at most four tries a second.
inline constexpr std::chrono::milliseconds AUTH_FAILURE_DELAY{250};

// The Authorization header is decoded and hashed before the credentials are known to be
// good: a longer value is refused outright, so an unauthenticated client cannot make us
// decode and HMAC megabytes (CPU and memory exhaustion before authentication).
inline constexpr size_t MAX_AUTHORIZATION_HEADER_SIZE = 4096;

// The user name written into the cookie file (only for recognition in logs).
inline constexpr std::string_view COOKIE_USER = "__cookie__";

// The realm presented with 401 responses, as Core: WWW-Authenticate: Basic realm="jsonrpc".
inline constexpr std::string_view WWW_AUTHENTICATE_VALUE = "Basic realm=\"jsonrpc\"";

enum class AuthFailure {
    MISSING_HEADER,     // no Authorization header: 401 at once (Core does not delay this)
    MALFORMED,          // not "Basic <base64 of user:password>", or too long
    WRONG_CREDENTIALS,  // well-formed but no entry matches
};

class Authenticator {
public:
    // A plain user and password: the cookie's "__cookie__" and its hex, or rpcuser/rpcpassword.
    void AddPassword(std::string_view user, std::string_view password);
    // A "user:password" line such as the cookie file's; fails when there is no ':'.
    util::Result<void, std::string> AddUserColonPassword(std::string_view line);
    // An rpcauth= value, "user:salt$hash" with hash = hex HMAC-SHA256(key=salt, password), as
    // written by Core's share/rpcauth/rpcauth.py. Fails unless there is exactly one ':' and
    // the part after it has exactly one '$' (Core's "Invalid -rpcauth argument.").
    util::Result<void, std::string> AddRpcAuth(std::string_view value);

    bool empty() const { return m_entries.empty(); }

    // The authenticated user name, or why not. `authorization` is the Authorization header's
    // value, nullopt when the request had none.
    util::Result<std::string, AuthFailure> Check(std::optional<std::string_view> authorization) const;

private:
    struct Entry {
        std::string user;
        std::string salt;
        std::string hash_hex;  // lower-case
    };
    std::vector<Entry> m_entries;
};

// "Basic " + base64(user_colon_password): what a client sends.
std::string BasicAuthorizationValue(std::string_view user_colon_password);

// Equality of two strings in time that depends on their lengths only, not on where they
// differ (so a guesser learns nothing from response timing).
bool ConstantTimeEqual(std::string_view a, std::string_view b);

// "__cookie__:" followed by 32 random bytes in hex: a fresh cookie line.
std::string GenerateCookie();

// Writes `line` to `path` (no trailing newline, as Core) through `path`.tmp created with
// mode 0600 and renamed over `path`, so a reader never sees a partial or world-readable file.
util::Result<void, std::string> WriteCookieFile(const std::string& path, std::string_view line);

// The cookie file's first line. Fails if it cannot be read, is empty, or is larger than
// MAX_COOKIE_FILE_SIZE.
util::Result<std::string, std::string> ReadCookieFile(const std::string& path);

// A cookie line is about 75 bytes; a pointer to a huge file (or /dev/zero) in the client's
// configuration must not make it read without end.
inline constexpr size_t MAX_COOKIE_FILE_SIZE = 4096;

}  // namespace tonari::netcore
