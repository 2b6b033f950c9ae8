#include "core/Log.h"

namespace mailwire::core {

namespace {
const char* const kLevelNames[] = {"debug", "info", "notice", "warn", "error", "crit", "alert", "emerg"};
}

const char* logLevelName(LogLevel level) {
    const int index = static_cast<int>(level);
    if (index < 0 || index > static_cast<int>(LogLevel::Emerg)) return "unknown";
    return kLevelNames[index];
}

bool parseLogLevel(const std::string& name, LogLevel& out) {
    for (int i = 0; i <= static_cast<int>(LogLevel::Emerg); ++i) {
        if (name == kLevelNames[i]) {
            out = static_cast<LogLevel>(i);
            return true;
        }
    }
    return false;
}

}  // namespace mailwire::core
