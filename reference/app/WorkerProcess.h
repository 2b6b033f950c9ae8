// The process that serves clients: its own EventLoop and SessionRegistry, accepting on inherited listeners.
// As a worker it obeys the master (TERM, QUIT, USR1); with master_process off it is the single process and
// also reloads the configuration itself on HUP.
#pragma once

#include <sys/signalfd.h>

#include <functional>
#include <memory>
#include <vector>

#include "app/Acceptor.h"
#include "app/Generation.h"
#include "app/SignalEvents.h"
#include "core/ErrorLog.h"
#include "core/EventLoop.h"
#include "mail/SessionRegistry.h"

namespace mailwire::app {

class WorkerProcess {
  public:
    // Builds the next generation from the current one; null when the new configuration failed (already
    // logged).
    using Reload = std::function<std::unique_ptr<Generation>(const Generation& current)>;

    // `reload` empty: a worker under a master. Set: the single process.
    WorkerProcess(core::ErrorLog& mainLog, std::unique_ptr<Generation> generation, Reload reload);
    ~WorkerProcess();

    int run();  // returns the exit code

  private:
    bool single() const { return static_cast<bool>(reload_); }
    void onSignal(const signalfd_siginfo& info);
    void terminate();
    void shutDownGracefully();
    void reopenLogs();
    void reconfigure();
    void exitLoop();

    // Declared before the loop and the sessions so the logs outlive every session.
    core::ErrorLog& mainLog_;
    std::unique_ptr<Generation> current_;
    std::vector<std::unique_ptr<Generation>>
        retired_;  // their server logs may still be in use by live sessions
    Reload reload_;
    core::EventLoop loop_;
    mail::SessionRegistry sessions_;
    Acceptor acceptor_;
    std::unique_ptr<SignalEvents> signals_;
    bool shuttingDown_ = false;
};

}  // namespace mailwire::app
