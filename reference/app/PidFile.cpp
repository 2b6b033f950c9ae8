#include "app/PidFile.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mailwire::app {

namespace {
std::string failure(const std::string& call, const std::string& path, int err) {
    return call + " \"" + path + "\" failed (" + std::to_string(err) + ": " + std::strerror(err) + ")";
}
}  // namespace

bool writePidFile(const std::string& path, pid_t pid, std::string& error) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        error = failure("open()", path, errno);
        return false;
    }
    const std::string text = std::to_string(pid) + "\n";
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    if (!ok) error = failure("write()", path, errno);
    ::close(fd);
    return ok;
}

void removePidFile(const std::string& path) { ::unlink(path.c_str()); }

bool readPidFile(const std::string& path, pid_t& pid, std::string& error) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = failure("open()", path, errno);
        return false;
    }
    char buf[64];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    const int readErr = errno;
    ::close(fd);
    if (n < 0) {
        error = failure("read()", path, readErr);
        return false;
    }
    std::string text(buf, static_cast<size_t>(n));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.pop_back();
    long value = 0;
    bool valid = !text.empty();
    for (char c : text) {
        if (c < '0' || c > '9' || value > 99999999) {
            valid = false;
            break;
        }
        value = value * 10 + (c - '0');
    }
    if (!valid || value <= 0) {
        error = "invalid PID number \"" + text + "\" in \"" + path + "\"";
        return false;
    }
    pid = static_cast<pid_t>(value);
    return true;
}

}  // namespace mailwire::app
