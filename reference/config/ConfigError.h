// The one exception config loading throws; what() is nginx's message without the program prefix.
#pragma once

#include <stdexcept>
#include <string>

#include "config/MailConfig.h"

namespace mailwire::config {

struct ConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// "[emerg] <message> in <file>:<line>", as nginx's ngx_conf_log_error prints it.
std::string formatAt(const char* level, const std::string& message, const SourceLocation& where);
[[noreturn]] void throwAt(const std::string& message, const SourceLocation& where);

}  // namespace mailwire::config
