// Accepts connections on a ListenerSet's sockets and hands each to the SessionRegistry with its server.
#pragma once

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
    void start(std::shared_ptr<const ListenerSet> listeners, ServerLogs* logs, int workerConnections,
               std::shared_ptr<const tls::TlsContexts> tls = nullptr);
    // Stops watching the sockets (QUIT). Our copies of them are released; the sockets close once nothing
    // holds them.
    void stop();

  private:
    void onReadable(const Listener& listener);
    void pauseAfterFailure();

    core::EventLoop& loop_;
    mail::SessionRegistry& sessions_;
    core::Log& log_;
    int workerConnections_;
    std::shared_ptr<const ListenerSet> listeners_;
    ServerLogs* logs_ = nullptr;
    std::shared_ptr<const tls::TlsContexts> tls_;
    core::TimerId resumeTimer_ = 0;
};

}  // namespace mailwire::app
