#include "app/Daemon.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mailwire::app {

namespace {
std::string failure(const char* call, int err) {
    return std::string(call) + " failed (" + std::to_string(err) + ": " + std::strerror(err) + ")";
}
}  // namespace

bool daemonize(bool keepStderr, std::string& error) {
    const pid_t pid = ::fork();
    if (pid < 0) {
        error = failure("fork()", errno);
        return false;
    }
    if (pid > 0) ::_exit(0);
    if (::setsid() < 0) {
        error = failure("setsid()", errno);
        return false;
    }
    const int null = ::open("/dev/null", O_RDWR);
    if (null < 0) {
        error = failure("open(\"/dev/null\")", errno);
        return false;
    }
    ::dup2(null, STDIN_FILENO);
    ::dup2(null, STDOUT_FILENO);
    if (!keepStderr) ::dup2(null, STDERR_FILENO);
    if (null > STDERR_FILENO) ::close(null);
    return true;
}

}  // namespace mailwire::app
