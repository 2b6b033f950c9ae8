// Loads an nginx-syntax mailwire-proxy configuration into a MainConfig, or throws ConfigError
// carrying nginx's message (without the program prefix), e.g.
//   [emerg] unknown directive "foo" in /abs/path/x.conf:12
#pragma once

#include <string>
#include <vector>

#include "config/ConfigError.h"
#include "config/MailConfig.h"

namespace mailwire::config {

// `prefix` ends with '/'. `file` may be relative (resolved against prefix, like nginx -c).
MainConfig loadConfig(const std::string& file, const std::string& prefix);

// Same, and returns non-fatal messages in nginx's format, e.g.
//   [notice] "load_module" directive is ignored by mailwire-proxy in /abs/x.conf:1
//   [warn] duplicate value "PLAIN" in /abs/x.conf:7
MainConfig loadConfig(const std::string& file, const std::string& prefix, std::vector<std::string>& notices);

}  // namespace mailwire::config
