#include "core/ErrorLog.h"

#include <sys/syscall.h>
#include <unistd.h>

#include "core/ErrorLogFormat.h"

namespace mailwire::core {

ErrorLog::ErrorLog() : clock_([] { return std::time(nullptr); }) {}

ErrorLog::~ErrorLog() = default;

void ErrorLog::add(std::unique_ptr<LogSink> sink, LogLevel minimum) {
    targets_.push_back(Target{std::move(sink), minimum});
}

void ErrorLog::replaceSinks(ErrorLog&& other) {
    targets_ = std::move(other.targets_);
    other.targets_.clear();
}

bool ErrorLog::echoes(LogLevel level) const {
    if (echoProgram_.empty() || level < LogLevel::Warn) return false;
    for (const auto& target : targets_)
        if (target.sink->isStderr()) return false;
    return true;
}

bool ErrorLog::enabled(LogLevel level) const {
    for (const auto& target : targets_)
        if (level >= target.minimum) return true;
    return echoes(level);
}

void ErrorLog::write(LogLevel level, const std::string& message) {
    if (!enabled(level)) return;
    const std::time_t now = clock_();
    std::tm local{};
    ::localtime_r(&now, &local);
    // pid and tid are looked up per line: workers are forked after the log is opened.
    const std::string line = formatLogLine(local, level, static_cast<long>(::getpid()),
                                           static_cast<long>(::syscall(SYS_gettid)), message);
    for (const auto& target : targets_)
        if (level >= target.minimum) target.sink->write(level, line, local);
    if (echoes(level)) {
        const std::string echo = echoProgram_ + ": [" + logLevelName(level) + "] " + message + "\n";
        const ssize_t n = ::write(STDERR_FILENO, echo.data(), echo.size());
        (void)n;
    }
}

std::vector<std::string> ErrorLog::reopen() {
    std::vector<std::string> errors;
    for (const auto& target : targets_) {
        std::string error = target.sink->reopen();
        if (!error.empty()) errors.push_back(std::move(error));
    }
    return errors;
}

std::unique_ptr<ErrorLog> openErrorLog(const std::vector<std::pair<std::string, std::string>>& targets,
                                       std::string& error) {
    auto log = std::make_unique<ErrorLog>();
    for (const auto& [where, levelName] : targets) {
        LogLevel level = LogLevel::Error;
        if (!levelName.empty() && !parseLogLevel(levelName, level)) {
            error = "invalid log level \"" + levelName + "\"";
            return nullptr;
        }
        auto sink = openLogSink(where, error);
        if (!sink) return nullptr;
        log->add(std::move(sink), level);
    }
    return log;
}

}  // namespace mailwire::core
