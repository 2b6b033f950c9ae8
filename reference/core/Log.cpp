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

std::string visibleBytes(std::string_view bytes) {
    static const char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(bytes.size());
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\r') {
            out += "\\r";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte < 0x20 || byte >= 0x7F) {
            out += "\\x";
            out += kHex[byte >> 4];
            out += kHex[byte & 15];
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace mailwire::core
