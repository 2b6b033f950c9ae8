// Proxy mode (spec 8.8): bytes copied both ways uninterpreted, with backpressure, until either side is done.
// proxy_timeout is re-armed only by client-side events, as nginx does.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/Connection.h"
#include "core/Timers.h"

namespace mailwire::backend {

class Relay {
  public:
    struct Settings {
        size_t clientToBackendBuffer;  // imap/smtp_client_buffer; 128 for POP3
        size_t backendToClientBuffer;  // proxy_buffer
        core::Millis idleTimeout;      // proxy_timeout
    };
    enum class End {
        Done,      // one side closed and everything it sent was delivered: "proxied session done"
        TimedOut,  // proxy_timeout: "client timed out"
        // A read or write error on one side (the text is in `detail`); nginx names the side and direction.
        ClientReadFailed,
        ClientWriteFailed,
        BackendReadFailed,
        BackendWriteFailed,
    };
    using Finished = std::function<void(End end, const std::string& detail)>;

    // Takes over both connections' handlers until destroyed; `finished` runs once.
    Relay(core::Connection& client, core::Connection& backend, core::Timers& timers, Settings settings,
          Finished finished);
    ~Relay();
    Relay(const Relay&) = delete;
    Relay& operator=(const Relay&) = delete;

    // `pipelined`: client bytes that followed the login command; they go to the backend first.
    void start(const std::string& pipelined);

  private:
    class Side;
    void copy(core::Connection& from, core::Connection& to, std::string& buffer, bool& fromEof);
    void onClientEvent();
    void drained(core::Connection& from, bool fromEof);
    void end(End how, const std::string& detail);
    void armIdleTimer();

    core::Connection& client_;
    core::Connection& backend_;
    core::Timers& timers_;
    Settings settings_;
    Finished finished_;
    std::string clientToBackend_, backendToClient_;  // the relay buffers of spec 8.8
    std::unique_ptr<Side> clientSide_, backendSide_;
    bool clientEof_ = false, backendEof_ = false, ended_ = false;
    core::TimerId idleTimer_ = 0;
};

}  // namespace mailwire::backend
