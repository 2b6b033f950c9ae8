#include "config/ConfigError.h"

namespace mailwire::config {

std::string formatAt(const char* level, const std::string& message, const SourceLocation& where) {
    return std::string("[") + level + "] " + message + " in " + where.file + ":" + std::to_string(where.line);
}

void throwAt(const std::string& message, const SourceLocation& where) {
    throw ConfigError(formatAt("emerg", message, where));
}

}  // namespace mailwire::config
