// Proxy mode (spec 8.8): bytes copied both ways uninterpreted, with backpressure, until either side is done.
// proxy_timeout is re-armed only by client-side events, as nginx does.
//
// Between two plain TCP sockets a bulk burst moves with splice(2) through a pipe borrowed for it (no copy
// into the process, a few system calls per pipeful, up to 1 MiB); short exchanges and TLS go through a buffer
// the worker's relays share, so an idle session holds no relay buffer either way.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "backend/SplicePipes.h"
#include "core/Connection.h"
#include "core/Timers.h"

namespace mailwire::core {
class TcpConnection;
}

namespace mailwire::backend {

class Relay {
  public:
    struct Settings {
        size_t clientToBackendBuffer;  // imap/smtp_client_buffer; 128 for POP3 (the copying path's reads)
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
    struct Direction {
        core::Connection& from;
        core::Connection& to;
        core::TcpConnection* spliceFrom;  // both set: the splice path
        core::TcpConnection* spliceTo;
        size_t bufferSize;
        bool fromIsClient;
        bool fromEof = false;
        bool bulk = false;  // this burst filled a plain read: splice the rest of it
        SplicePipe pipe;
    };
    void pump(Direction& d);
    bool deliverHeld(Direction& d);
    bool spliceIn(Direction& d);
    size_t copyOnce(Direction& d);
    void fromClosed(Direction& d);
    void toDrained(Direction& d);
    void end(End how, const std::string& detail);
    void noteClientActivity();
    void armIdleTimer(core::Millis after);
    void onIdleTimer();

    core::Connection& client_;
    core::Connection& backend_;
    core::Timers& timers_;
    Settings settings_;
    Finished finished_;
    Direction upstream_;    // client -> backend
    Direction downstream_;  // backend -> client
    std::unique_ptr<Side> clientSide_, backendSide_;
    bool ended_ = false;
    std::shared_ptr<bool> alive_ =
        std::make_shared<bool>(true);  // lets a step notice the relay was destroyed
    core::TimerId idleTimer_ = 0;
    core::TimePoint lastClientActivity_;
};

}  // namespace mailwire::backend
