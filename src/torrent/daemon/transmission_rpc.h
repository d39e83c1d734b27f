// TransmissionRpc: Transmission's RPC protocol (the `/transmission/rpc` endpoint its
// transmission-remote and many front-ends speak) over a TorrentControl: HTTP Basic
// authentication like the Bitcoin RPC (401 before anything else is looked at), the
// X-Transmission-Session-Id handshake (a request without the current id gets 409 and the id,
// which keeps other web pages from driving the daemon through a browser), then JSON requests
// {"method", "arguments", "tag"} answered with {"result", "arguments", "tag"}.
//
// Methods: torrent-add (metainfo in base64, a .torrent path, or a magnet link), torrent-get
// (the fields clients ask for; unknown ones are left out, as Transmission does), torrent-start,
// torrent-start-now, torrent-stop, torrent-verify, torrent-remove (with delete-local-data),
// session-get, session-set (accepted; this daemon's settings come from its options),
// session-stats. Thread-safe if the TorrentControl is.
#pragma once

#include <chrono>
#include <string>

#include "netcore/http_auth.h"
#include "netcore/http_message.h"
#include "torrent/daemon/torrent_control.h"
#include "util/json.h"

namespace tonari::torrent::daemon {

inline constexpr const char* RPC_PATH = "/transmission/rpc";
inline constexpr const char* SESSION_ID_HEADER = "X-Transmission-Session-Id";
// The RPC version this implements (Transmission 4.0's is 17; transmission-remote 3.00 needs 15+).
inline constexpr int RPC_VERSION = 17;
// The largest request body taken (a torrent-add carries a .torrent in base64: up to about
// 12 MiB of torrent). The HTTP server reads bodies before anyone is authenticated, so this is
// also what 128 unauthenticated connections can make it hold.
inline constexpr size_t MAX_RPC_BODY = 16 << 20;

class TransmissionRpc {
public:
    TransmissionRpc(TorrentControl& control, const netcore::Authenticator& auth, std::string session_id);
    // `delay`, when given, is set to how long the transport should wait before answering
    // (AUTH_FAILURE_DELAY after wrong credentials: a password guesser gets four tries a
    // second); this class never sleeps.
    netcore::HttpResponse Handle(const netcore::HttpRequest& request, std::chrono::milliseconds* delay = nullptr);
    // The JSON request part alone (after authentication and the session id): for tests.
    util::Json Call(const util::Json& request);

private:
    util::Json TorrentGet(const util::Json& args, std::string& result);
    util::Json TorrentAdd(const util::Json& args, std::string& result);
    util::Json SessionGet();
    util::Json SessionStats();
    std::vector<int> SelectIds(const util::Json* ids);

    TorrentControl& m_control;
    const netcore::Authenticator& m_auth;
    std::string m_session_id;
};

}  // namespace tonari::torrent::daemon
