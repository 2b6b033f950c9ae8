#include "app/MasterProcess.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <string>

namespace mailwire::app {

namespace {
// After TERM, workers that are still around this long later get SIGKILL.
constexpr core::Millis kKillAfter{5000};
}  // namespace

MasterProcess::MasterProcess(core::ErrorLog& mainLog, std::unique_ptr<Generation> generation,
                             WorkerProcess::Reload reload)
    : mainLog_(mainLog), current_(std::move(generation)), reload_(std::move(reload)) {
    signals_ = std::make_unique<SignalEvents>(
        loop_, std::vector<int>{SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGCHLD},
        [this](const signalfd_siginfo& info) { onSignal(info); });
}

MasterProcess::~MasterProcess() = default;

int MasterProcess::run() {
    startWorkers();
    loop_.run();
    return 0;
}

void MasterProcess::startWorkers() {
    mainLog_.write(core::LogLevel::Notice, "start worker processes");
    for (int i = 0; i < current_->config->workerProcesses; ++i) spawnWorker();
}

void MasterProcess::spawnWorker() {
    const pid_t master = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        const int err = errno;
        mainLog_.write(core::LogLevel::Alert, "fork() failed while spawning \"worker process\" (" +
                                                  std::to_string(err) + ": " + std::strerror(err) + ")");
        return;
    }
    if (pid == 0) {
        // A worker must not outlive its master (it would keep the ports bound).
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != master) ::_exit(0);
        leaveUnixSocketFilesToTheMaster();
        int code = 0;
        try {
            WorkerProcess worker(mainLog_, std::move(current_), nullptr);
            code = worker.run();
        } catch (const std::exception& e) {
            mainLog_.write(core::LogLevel::Alert, e.what());
            code = 1;
        }
        mainLog_.write(core::LogLevel::Notice, "exit");
        ::_exit(code);
    }
    workers_[pid] = Worker{generationNumber_, false};
    mainLog_.write(core::LogLevel::Notice, "start worker process " + std::to_string(pid));
}

void MasterProcess::onSignal(const signalfd_siginfo& info) {
    const int signo = static_cast<int>(info.ssi_signo);
    if (signo == SIGCHLD) {
        reapChildren();
        return;
    }
    mainLog_.write(core::LogLevel::Notice, signalReceivedNotice(info));
    switch (signo) {
        case SIGTERM:
        case SIGINT:
            terminating_ = true;
            current_->listeners.reset();
            signalWorkers(SIGTERM, false);
            if (!killTimer_)
                killTimer_ = loop_.addTimer(kKillAfter, [this] {
                    killTimer_ = 0;
                    signalWorkers(SIGKILL, false);
                });
            finishIfIdle();
            break;
        case SIGQUIT:
            quitting_ = true;
            current_->listeners.reset();
            signalWorkers(SIGQUIT, false);
            finishIfIdle();
            break;
        case SIGHUP:
            if (!terminating_ && !quitting_) reconfigure();
            break;
        case SIGUSR1:
            reopenLogs();
            break;
    }
}

void MasterProcess::signalWorkers(int signo, bool onlyOlderGenerations) {
    for (auto& [pid, worker] : workers_) {
        if (onlyOlderGenerations && worker.generation == generationNumber_) continue;
        worker.told = worker.told || signo == SIGTERM || signo == SIGQUIT || signo == SIGKILL;
        ::kill(pid, signo);
    }
}

void MasterProcess::reapChildren() {
    for (;;) {
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid <= 0) break;
        auto found = workers_.find(pid);
        if (found == workers_.end()) continue;
        const Worker worker = found->second;
        workers_.erase(found);
        bool failed = false;
        if (WIFSIGNALED(status)) {
            failed = true;
            mainLog_.write(core::LogLevel::Alert, "worker process " + std::to_string(pid) +
                                                      " exited on signal " +
                                                      std::to_string(WTERMSIG(status)) +
                                                      (WCOREDUMP(status) ? " (core dumped)" : ""));
        } else {
            const int code = WEXITSTATUS(status);
            failed = code != 0;
            mainLog_.write(
                failed ? core::LogLevel::Alert : core::LogLevel::Notice,
                "worker process " + std::to_string(pid) + " exited with code " + std::to_string(code));
        }
        const bool wanted =
            !terminating_ && !quitting_ && !worker.told && worker.generation == generationNumber_;
        if (failed && wanted) spawnWorker();  // a crashed worker is replaced; one told to exit is not
    }
    finishIfIdle();
}

void MasterProcess::finishIfIdle() {
    if ((terminating_ || quitting_) && workers_.empty()) {
        if (killTimer_) loop_.cancelTimer(killTimer_);
        killTimer_ = 0;
        loop_.stop();
    }
}

void MasterProcess::reconfigure() {
    mainLog_.write(core::LogLevel::Notice, "reconfiguring");
    auto next = reload_(*current_);
    if (!next) return;           // logged; the running workers keep the old configuration
    current_ = std::move(next);  // the master's copies of dropped sockets close here; old workers keep theirs
    ++generationNumber_;
    startWorkers();
    signalWorkers(SIGQUIT, true);
}

void MasterProcess::reopenLogs() {
    mainLog_.write(core::LogLevel::Notice, "reopening logs");
    for (const auto& error : mainLog_.reopen()) mainLog_.write(core::LogLevel::Alert, error);
    current_->serverLogs->reopen(mainLog_);
    signalWorkers(SIGUSR1, false);
}

}  // namespace mailwire::app
