// Logging seam: nginx's error_log levels and line format, behind an interface sessions can mock.
#pragma once

#include <string>
#include <string_view>

namespace mailwire::core {

enum class LogLevel { Debug = 0, Info, Notice, Warn, Error, Crit, Alert, Emerg };
const char* logLevelName(LogLevel level);  // "info", "error", ...
bool parseLogLevel(const std::string& name, LogLevel& out);

// Wire bytes for a one-line log message: CR, LF, TAB, '"', '\\' and other control or high bytes escaped
// ("a1 LOGIN\\r\\n").
std::string visibleBytes(std::string_view bytes);

class Log {
  public:
    virtual ~Log() = default;
    virtual bool enabled(LogLevel level) const = 0;
    // `message` is the text after "PID#TID: ", e.g. "*3 client login failed: ..." (the caller adds "*N ").
    virtual void write(LogLevel level, const std::string& message) = 0;
};

}  // namespace mailwire::core
