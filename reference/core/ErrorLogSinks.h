// Where error_log lines go: a file (appended, reopened on USR1), stderr, or a syslog server over UDP.
#pragma once

#include <ctime>
#include <memory>
#include <string>

#include "core/Log.h"

namespace mailwire::core {

class LogSink {
  public:
    virtual ~LogSink() = default;
    // `line` is a whole nginx-format line without the newline; `local` is the time it carries.
    virtual void write(LogLevel level, const std::string& line, const std::tm& local) = 0;
    // Returns an nginx-style error text, or "" on success.
    virtual std::string reopen() { return {}; }
    virtual bool isStderr() const { return false; }
};

// "stderr", "syslog:server=...", or a file path (already absolute). Returns null and sets `error`
// (e.g. `open() "/x/error.log" failed (2: No such file or directory)`) on failure.
std::unique_ptr<LogSink> openLogSink(const std::string& target, std::string& error);

}  // namespace mailwire::core
