// The seam between a session and the auth_http server: one asynchronous request at a time.
#pragma once

#include <functional>
#include <string>

#include "auth/AuthReply.h"

namespace mailwire::auth {

struct AuthOutcome {
    enum Status { Replied, ConnectFailed, TimedOut, Invalid, Closed } status = Closed;
    AuthReply reply;     // valid when Replied
    std::string error;   // for the error log otherwise, e.g. "timed out", "sent invalid header in response"
    std::string peer;    // "127.0.0.1:9000", for "auth http server <peer> ..."
};

class AuthClient {
public:
    virtual ~AuthClient() = default;
    // Sends `requestBytes` to the configured auth server; `done` runs once, on the loop, unless cancel() came first.
    virtual void start(const std::string& requestBytes, std::function<void(const AuthOutcome&)> done) = 0;
    virtual void cancel() = 0;
};

}  // namespace mailwire::auth
