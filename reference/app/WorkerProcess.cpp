#include "app/WorkerProcess.h"

#include <signal.h>

#include <string>

namespace mailwire::app {

WorkerProcess::WorkerProcess(core::ErrorLog& mainLog, std::unique_ptr<Generation> generation, Reload reload)
    : mainLog_(mainLog),
      current_(std::move(generation)),
      reload_(std::move(reload)),
      sessions_(loop_, mainLog),
      acceptor_(loop_, sessions_, mainLog, current_->config->workerConnections) {
    signals_ =
        std::make_unique<SignalEvents>(loop_, std::vector<int>{SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1},
                                       [this](const signalfd_siginfo& info) { onSignal(info); });
    acceptor_.start(current_->listeners, current_->serverLogs.get(), current_->config->workerConnections,
                    current_->tls, current_->config->multiAccept);
}

WorkerProcess::~WorkerProcess() {
    acceptor_.stop();
    sessions_.closeAll();
}

int WorkerProcess::run() {
    loop_.run();
    return 0;
}

void WorkerProcess::onSignal(const signalfd_siginfo& info) {
    const int signo = static_cast<int>(info.ssi_signo);
    if (single()) {
        // The single process reports signals the way nginx's master does.
        mainLog_.write(core::LogLevel::Notice, signalReceivedNotice(info));
    }
    switch (signo) {
        case SIGTERM:
        case SIGINT:
            terminate();
            break;
        case SIGQUIT:
            shutDownGracefully();
            break;
        case SIGUSR1:
            reopenLogs();
            break;
        case SIGHUP:
            if (single()) reconfigure();
            break;
    }
}

void WorkerProcess::exitLoop() {
    mainLog_.write(core::LogLevel::Notice, "exiting");
    loop_.stop();
}

void WorkerProcess::terminate() {
    acceptor_.stop();
    sessions_.closeAll();
    exitLoop();
}

void WorkerProcess::shutDownGracefully() {
    if (shuttingDown_) return;
    shuttingDown_ = true;
    mainLog_.write(core::LogLevel::Notice, "gracefully shutting down");
    acceptor_.stop();
    current_->listeners.reset();  // this process's copies of the sockets close now
    for (auto& old : retired_) old->listeners.reset();
    sessions_.whenEmpty([this] { exitLoop(); });
    const auto limit = current_->config->workerShutdownTimeout;
    if (limit.count() > 0) {
        loop_.addTimer(limit, [this] {
            sessions_.closeAll("shutdown timeout");  // the sessions end on the loop; whenEmpty then exits
        });
    }
}

void WorkerProcess::reopenLogs() {
    mainLog_.write(core::LogLevel::Notice, "reopening logs");
    for (const auto& error : mainLog_.reopen()) mainLog_.write(core::LogLevel::Alert, error);
    current_->serverLogs->reopen(mainLog_);
    for (auto& old : retired_) old->serverLogs->reopen(mainLog_);
}

void WorkerProcess::reconfigure() {
    if (shuttingDown_) return;
    mainLog_.write(core::LogLevel::Notice, "reconfiguring");
    auto next = reload_(*current_);
    if (!next) return;  // the old configuration stays in force
    acceptor_.start(next->listeners, next->serverLogs.get(), next->config->workerConnections, next->tls,
                    next->config->multiAccept);
    current_->listeners.reset();  // sockets the new configuration dropped close here
    retired_.push_back(std::move(current_));
    current_ = std::move(next);
}

}  // namespace mailwire::app
