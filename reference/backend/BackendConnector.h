// The seam between a session and its backend: opening the connection (mocked in session tests).
#pragma once

#include <memory>
#include <string>

#include "core/Connection.h"
#include "core/EventLoop.h"

namespace mailwire::backend {

class BackendConnector {
  public:
    virtual ~BackendConnector() = default;
    // Starts a non-blocking connect; `handler` hears onConnected / onConnectFailed / onReadable.
    virtual std::unique_ptr<core::Connection> connect(const std::string& ip, unsigned short port,
                                                      core::ConnectionHandler* handler) = 0;
};

class TcpBackendConnector : public BackendConnector {
  public:
    explicit TcpBackendConnector(core::EventLoop& loop) : loop_(loop) {}
    std::unique_ptr<core::Connection> connect(const std::string& ip, unsigned short port,
                                              core::ConnectionHandler* handler) override;

  private:
    core::EventLoop& loop_;
};

}  // namespace mailwire::backend
