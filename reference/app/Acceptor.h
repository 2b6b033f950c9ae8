// Accepts connections on a ListenerSet's sockets and hands each to the SessionRegistry with its server.
#pragma once

#include <sys/socket.h>

#include <memory>
#include <vector>

#include "app/Listeners.h"
#include "app/ServerLogs.h"
#include "core/EventLoop.h"
#include "core/Log.h"
#include "mail/SessionRegistry.h"
#include "tls/TlsContext.h"

namespace mailwire::app {

class Acceptor {
  public:
    Acceptor(core::EventLoop& loop, mail::SessionRegistry& sessions, core::Log& log, int workerConnections);
    ~Acceptor();

    // Starts accepting on `listeners` (replacing any set accepted on before); `logs` picks each server's log.
    // Workers share the sockets: each wake-up goes to one worker only (EPOLLEXCLUSIVE), which takes one
    // connection, or the whole backlog with `multi_accept on`, as nginx's workers do.
    void start(std::shared_ptr<const ListenerSet> listeners, ServerLogs* logs, int workerConnections,
               std::shared_ptr<const tls::TlsContexts> tls = nullptr, bool multiAccept = false);
    // Stops watching the sockets (QUIT). Our copies of them are released; the sockets close once nothing
    // holds them.
    void stop();

  private:
    // The listening socket's own address when it is a specific one: accepted sockets then share it, and
    // need no getsockname() each.
    struct BoundAddress {
        bool specific = false;
        sockaddr_storage address{};
    };
    void onReadable(const Listener& listener, const BoundAddress& bound);
    bool acceptOne(const Listener& listener, const BoundAddress& bound);
    void pauseAfterFailure();

    core::EventLoop& loop_;
    mail::SessionRegistry& sessions_;
    core::Log& log_;
    int workerConnections_;
    bool multiAccept_ = false;
    std::shared_ptr<const ListenerSet> listeners_;
    std::vector<BoundAddress> bound_;  // parallel to listeners_->listeners()
    ServerLogs* logs_ = nullptr;
    std::shared_ptr<const tls::TlsContexts> tls_;
    core::TimerId resumeTimer_ = 0;
};

}  // namespace mailwire::app
