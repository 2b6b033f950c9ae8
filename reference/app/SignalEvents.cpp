#include "app/SignalEvents.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace mailwire::app {

namespace {
const int kHandled[] = {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGCHLD};
}

void blockProxySignals() {
    sigset_t set;
    sigemptyset(&set);
    for (int signo : kHandled) sigaddset(&set, signo);
    ::sigprocmask(SIG_BLOCK, &set, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
}

std::string signalReceivedNotice(const signalfd_siginfo& info) {
    const int signo = static_cast<int>(info.ssi_signo);
    const char* action = "";
    switch (signo) {
        case SIGTERM:
        case SIGINT:
            action = ", exiting";
            break;
        case SIGQUIT:
            action = ", shutting down";
            break;
        case SIGHUP:
            action = ", reconfiguring";
            break;
        case SIGUSR1:
            action = ", reopening logs";
            break;
    }
    return "signal " + std::to_string(signo) + " (" + signalName(signo) + ") received from " +
           std::to_string(info.ssi_pid) + action;
}

std::string signalName(int signo) {
    switch (signo) {
        case SIGTERM:
            return "SIGTERM";
        case SIGINT:
            return "SIGINT";
        case SIGQUIT:
            return "SIGQUIT";
        case SIGHUP:
            return "SIGHUP";
        case SIGUSR1:
            return "SIGUSR1";
        case SIGCHLD:
            return "SIGCHLD";
        default:
            return "SIG" + std::to_string(signo);
    }
}

SignalEvents::SignalEvents(core::EventLoop& loop, const std::vector<int>& signals, Handler handler)
    : loop_(loop), handler_(std::move(handler)) {
    sigset_t set;
    sigemptyset(&set);
    for (int signo : signals) sigaddset(&set, signo);
    fd_ = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd_ < 0) throw std::runtime_error(std::string("signalfd() failed: ") + std::strerror(errno));
    loop_.watch(fd_, core::kReadable, [this](uint32_t) { drain(); });
}

SignalEvents::~SignalEvents() {
    loop_.unwatch(fd_);
    ::close(fd_);
}

void SignalEvents::drain() {
    signalfd_siginfo info;
    while (::read(fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) handler_(info);
}

}  // namespace mailwire::app
