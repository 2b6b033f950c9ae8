// The seam between a session and the auth_http server: one asynchronous request at a time.
#pragma once

#include <functional>
#include <string>

#include "auth/AuthReply.h"
#include "core/Connection.h"

namespace mailwire::auth {

// How the session logs each status (error level; it adds nginx's " while ..." context):
//   TimedOut, Invalid: "auth http server <peer> <error>", e.g. error "timed out (110: Connection timed out)"
//   ConnectFailed:     "<error>" as is, e.g. "connect() failed (111: Connection refused)"
//   Closed:            "<error>" as is for a read or write error; empty after a clean EOF or an oversized
//                      head, where nginx logs nothing (`detail` then says which, for debug logs)
// Every status but Replied ends in the internal error for the client.
struct AuthOutcome {
    enum Status { Replied, ConnectFailed, TimedOut, Invalid, Closed } status = Closed;
    AuthReply reply;     // valid when Replied
    std::string error;   // for the error log otherwise, e.g. "timed out", "sent invalid header in response"
    std::string peer;    // "127.0.0.1:9000", for "auth http server <peer> ..."
    std::string detail;  // when `error` is empty: what happened, for a debug-level line
    core::ConnectFailure::Kind connectFailure = core::ConnectFailure::Failed;  // when ConnectFailed
};

class AuthClient {
  public:
    virtual ~AuthClient() = default;
    // Sends `requestBytes` to the configured auth server; `done` runs once, on the loop, unless cancel() came
    // first, and never from inside start(). `done` may destroy the client or start() it again.
    virtual void start(const std::string& requestBytes, std::function<void(const AuthOutcome&)> done) = 0;
    virtual void cancel() = 0;
};

}  // namespace mailwire::auth
