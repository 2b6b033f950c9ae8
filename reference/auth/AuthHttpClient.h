// AuthClient over a real socket: one HTTP/1.0 exchange with the auth_http server on the worker's event loop.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "auth/AuthClient.h"
#include "auth/AuthReply.h"
#include "config/MailConfig.h"
#include "core/Connection.h"
#include "core/EventLoop.h"
#include "core/TcpConnection.h"

namespace mailwire::auth {

// Connects, writes the request once connected, reads the response head (at most 1024 bytes), then closes.
// One timer of `timeout` covers the whole exchange and is never re-armed (§7.1).
class AuthHttpClient : public AuthClient, private core::ConnectionHandler {
  public:
    AuthHttpClient(core::EventLoop& loop, const config::AuthHttpTarget& target,
                   std::chrono::milliseconds timeout);
    ~AuthHttpClient() override;
    AuthHttpClient(const AuthHttpClient&) = delete;
    AuthHttpClient& operator=(const AuthHttpClient&) = delete;

    void start(const std::string& requestBytes, std::function<void(const AuthOutcome&)> done) override;
    void cancel() override;

    const std::string& peer() const { return peer_; }  // "127.0.0.1:9000", "[::1]:9000", "unix:/path"
    bool busy() const { return static_cast<bool>(done_); }

  private:
    void onConnected() override;
    void onReadable() override;
    void onConnectFailed(const core::ConnectFailure& failure) override;
    void onWriteFailed(const std::string& error) override;

    // `connectFailure`: for ConnectFailed, what kind (the session logs a used-up pool at alert level).
    void finish(AuthOutcome::Status status, std::string error, std::string detail,
                core::ConnectFailure::Kind connectFailure = core::ConnectFailure::Failed);
    void teardown();

    core::EventLoop& loop_;
    const config::AuthHttpTarget target_;
    const std::chrono::milliseconds timeout_;
    const std::string peer_;
    std::string request_;
    std::function<void(const AuthOutcome&)> done_;
    std::unique_ptr<core::TcpConnection> connection_;
    core::TimerId timer_ = 0;
    AuthReplyParser parser_;
    std::shared_ptr<bool>
        exchange_;  // lets tasks posted for this exchange notice it was cancelled or finished
};

}  // namespace mailwire::auth
