#include "app/SignalCommand.h"

#include <signal.h>

#include <cerrno>
#include <cstring>

#include "app/PidFile.h"

namespace mailwire::app {

int signalNumberFor(const std::string& command) {
    if (command == "stop") return SIGTERM;
    if (command == "quit") return SIGQUIT;
    if (command == "reopen") return SIGUSR1;
    if (command == "reload") return SIGHUP;
    return 0;
}

int sendSignalCommand(const std::string& command, const std::string& pidFile, core::Log& log) {
    log.write(core::LogLevel::Notice, "signal process started");
    pid_t pid = 0;
    std::string error;
    if (!readPidFile(pidFile, pid, error)) {
        log.write(core::LogLevel::Error, error);
        return 1;
    }
    const int signo = signalNumberFor(command);
    if (::kill(pid, signo) != 0) {
        const int err = errno;
        log.write(core::LogLevel::Alert, "kill(" + std::to_string(pid) + ", " + std::to_string(signo) +
                                             ") failed (" + std::to_string(err) + ": " + std::strerror(err) +
                                             ")");
        return 1;
    }
    return 0;
}

}  // namespace mailwire::app
