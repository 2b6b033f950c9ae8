#pragma once

#include <string>

#include "auth_script.h"

namespace mailwire::fake {

// Decides how the fake auth_http server answers a request. Pure, so both kinds are tested without sockets.
class AuthResponder {
  public:
    virtual ~AuthResponder() = default;
    // `requestNumber` counts HTTP connections from 1; `head` is the request head up to the blank line.
    virtual AuthReply reply(int requestNumber, const std::string& head) = 0;
};

// Answers from a script: request N gets entry N (or the last).
class ScriptedAuthResponder : public AuthResponder {
  public:
    explicit ScriptedAuthResponder(AuthScript script) : script_(std::move(script)) {}
    AuthReply reply(int requestNumber, const std::string&) override {
        return script_.forRequest(requestNumber);
    }

  private:
    AuthScript script_;
};

// Without --script: user `good` or password `secret` go to the backend, anyone else is refused with a
// one-second Auth-Wait.
class DefaultAuthResponder : public AuthResponder {
  public:
    // `backend` is HOST:PORT or [IPv6]:PORT; throws std::invalid_argument when it is not.
    explicit DefaultAuthResponder(const std::string& backend);
    AuthReply reply(int requestNumber, const std::string& head) override;

  private:
    std::string host_;
    std::string port_;
};

}  // namespace mailwire::fake
