// master_process on: forks worker_processes workers that share the inherited listeners, restarts a worker
// that dies, and turns its own signals into actions on the workers (TERM/QUIT forwarded, HUP: new workers
// with the new configuration, then QUIT to the old ones; USR1: reopen everywhere).
#pragma once

#include <sys/signalfd.h>
#include <sys/types.h>

#include <map>
#include <memory>

#include "app/Generation.h"
#include "app/SignalEvents.h"
#include "app/WorkerProcess.h"
#include "core/ErrorLog.h"
#include "core/EventLoop.h"

namespace mailwire::app {

class MasterProcess {
  public:
    MasterProcess(core::ErrorLog& mainLog, std::unique_ptr<Generation> generation,
                  WorkerProcess::Reload reload);
    ~MasterProcess();

    int run();  // returns once every worker is gone after TERM/INT/QUIT

  private:
    struct Worker {
        unsigned generation = 0;
        bool told = false;  // sent TERM or QUIT: its exit is expected
    };

    void startWorkers();
    void spawnWorker();
    void onSignal(const signalfd_siginfo& info);
    void reapChildren();
    void signalWorkers(int signo, bool onlyOlderGenerations);
    void reconfigure();
    void reopenLogs();
    void finishIfIdle();

    core::ErrorLog& mainLog_;
    std::unique_ptr<Generation> current_;
    unsigned generationNumber_ = 1;
    WorkerProcess::Reload reload_;
    core::EventLoop loop_;
    std::unique_ptr<SignalEvents> signals_;
    std::map<pid_t, Worker> workers_;
    bool terminating_ = false;
    bool quitting_ = false;
    core::TimerId killTimer_ = 0;
};

}  // namespace mailwire::app
