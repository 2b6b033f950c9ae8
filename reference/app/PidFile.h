// The pid file: written by the master (or the single process) at start, removed at exit, read by -s.
#pragma once

#include <sys/types.h>

#include <string>

namespace mailwire::app {

// Errors are nginx's texts, e.g. `open() "/x/nginx.pid" failed (13: Permission denied)`.
bool writePidFile(const std::string& path, pid_t pid, std::string& error);
void removePidFile(const std::string& path);
// `invalid PID number "abc" in "/x/nginx.pid"` for content that is not a positive number.
bool readPidFile(const std::string& path, pid_t& pid, std::string& error);

}  // namespace mailwire::app
