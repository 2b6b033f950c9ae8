#pragma once

#include <cstdint>
#include <string>

#include "auth_responder.h"
#include "session.h"
#include "socket_connection.h"

namespace mailwire::fake {

// One HTTP connection to the fake auth_http server: read the request head, record it as one `recv`,
// then answer as the responder says.
class AuthSession : public Session, private SocketConnection::Owner {
  public:
    static constexpr std::size_t kMaxHead = 64 * 1024;

    AuthSession(SessionContext context, AuthResponder& responder);
    ~AuthSession() override;

    void start() override {}
    void shutdown() override;

  private:
    void act();
    void writeResponse();
    void finishResponse();
    void closeSession();
    void resetSession();

    void onReceived(std::string_view bytes) override;
    void onPeerClosed(bool reset) override;
    void onWriteFailed(const std::string& reason) override;
    void onClosed() override { context_.release(); }

    SessionContext context_;
    AuthResponder& responder_;
    SocketConnection socket_;
    std::string head_;
    bool headDone_ = false;
    bool closed_ = false;
    std::uint64_t timer_ = 0;
    AuthReply reply_;
    // A split response in progress: pieces written so far and the bytes they held.
    std::size_t piece_ = 0;
    std::size_t sentBytes_ = 0;
};

}  // namespace mailwire::fake
