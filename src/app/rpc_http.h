// The JSON-RPC server's answer as an HTTP response: the one place it happens, for the RPC port
// and for the dashboard's buttons, so both slow down failed logins the same way.
#pragma once

#include <chrono>
#include <thread>
#include <utility>

#include "bitcoin/rpc/server.h"
#include "netcore/http_message.h"

namespace tonari::app {

// Waits out the server's delay for a failed login (brute force) on the
// calling worker thread before answering.
inline netcore::HttpResponse ToHttp(bitcoin::rpc::HttpResponse out) {
    if (out.delay.count() > 0) std::this_thread::sleep_for(out.delay);
    netcore::HttpResponse res;
    res.status = out.status;
    res.body = std::move(out.body);
    res.headers = std::move(out.headers);
    res.content_type = res.body.empty() ? "" : "application/json";
    return res;
}

}  // namespace tonari::app
