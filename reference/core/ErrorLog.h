// core::Log for error_log directives: nginx-format lines fanned out to several sinks, each with its own
// level.
#pragma once

#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/ErrorLogSinks.h"
#include "core/Log.h"

namespace mailwire::core {

class ErrorLog : public Log {
  public:
    using Clock = std::function<std::time_t()>;

    ErrorLog();
    ~ErrorLog() override;

    void add(std::unique_ptr<LogSink> sink, LogLevel minimum);
    // Takes other's sinks (this object keeps its identity, so references held by sessions stay valid).
    void replaceSinks(ErrorLog&& other);
    bool empty() const { return targets_.empty(); }

    bool enabled(LogLevel level) const override;
    void write(LogLevel level, const std::string& message) override;

    // USR1: reopens every file; returns the error texts of those that failed (they keep the old file).
    std::vector<std::string> reopen();

    // Before the process settles, nginx also shows warn..emerg on stderr as "<program>: [level] message"
    // unless a sink already writes to stderr.
    void setStartupEcho(std::string programName) { echoProgram_ = std::move(programName); }
    void clearStartupEcho() { echoProgram_.clear(); }

    void setClockForTest(Clock clock) { clock_ = std::move(clock); }

  private:
    struct Target {
        std::unique_ptr<LogSink> sink;
        LogLevel minimum;
    };
    bool echoes(LogLevel level) const;

    std::vector<Target> targets_;
    std::string echoProgram_;
    Clock clock_;
};

// Opens "stderr" / "syslog:..." / path targets, each with an nginx level name. On failure returns null and
// sets `error` to the text nginx would log at emerg.
std::unique_ptr<ErrorLog> openErrorLog(const std::vector<std::pair<std::string, std::string>>& targets,
                                       std::string& error);

}  // namespace mailwire::core
