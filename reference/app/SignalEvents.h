// Signals as loop events: blocked for the whole process and read from a signalfd, so handling them runs
// ordinary code on the loop instead of async-signal-unsafe handlers.
#pragma once

#include <sys/signalfd.h>

#include <functional>
#include <string>
#include <vector>

#include "core/EventLoop.h"

namespace mailwire::app {

// Blocks the signals the proxy handles (and ignores SIGPIPE). Call before forking, so children inherit it.
void blockProxySignals();

// "SIGTERM" for SIGTERM: the name nginx prints in "signal 15 (SIGTERM) received from ...".
std::string signalName(int signo);

// nginx's notice for a received signal: "signal 15 (SIGTERM) received from 1234, exiting".
std::string signalReceivedNotice(const signalfd_siginfo& info);

class SignalEvents {
  public:
    using Handler = std::function<void(const signalfd_siginfo& info)>;
    SignalEvents(core::EventLoop& loop, const std::vector<int>& signals, Handler handler);
    ~SignalEvents();
    SignalEvents(const SignalEvents&) = delete;
    SignalEvents& operator=(const SignalEvents&) = delete;

  private:
    void drain();

    core::EventLoop& loop_;
    int fd_ = -1;
    Handler handler_;
};

}  // namespace mailwire::app
