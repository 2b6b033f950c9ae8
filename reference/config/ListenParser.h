// The `listen` directive: address forms and parameters, with nginx's error messages.
#pragma once

#include <vector>

#include "config/ConfigParser.h"
#include "config/MailConfig.h"

namespace mailwire::config {

// One ListenSpec per resolved address (duplicates within the directive dropped), or one for
// "unix:/path" (the path as written: nginx does not resolve it against the prefix). Throws ConfigError.
std::vector<ListenSpec> parseListen(const Directive& d);

}  // namespace mailwire::config
