// Logging seam: nginx's error_log levels and line format, behind an interface sessions can mock.
#pragma once

#include <string>

namespace mailwire::core {

enum class LogLevel { Debug = 0, Info, Notice, Warn, Error, Crit, Alert, Emerg };
const char* logLevelName(LogLevel level);  // "info", "error", ...
bool parseLogLevel(const std::string& name, LogLevel& out);

class Log {
  public:
    virtual ~Log() = default;
    virtual bool enabled(LogLevel level) const = 0;
    // `message` is the text after "PID#TID: ", e.g. "*3 client login failed: ..." (the caller adds "*N ").
    virtual void write(LogLevel level, const std::string& message) = 0;
};

}  // namespace mailwire::core
