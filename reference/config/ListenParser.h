// The `listen` directive: address forms and parameters, with nginx's error messages.
#pragma once

#include <vector>

#include "config/ConfigParser.h"
#include "config/MailConfig.h"

namespace mailwire::config {

// One ListenSpec per resolved address (duplicates within the directive dropped). Throws ConfigError.
// Parameters not built yet (ssl, proxy_protocol, unix:) are left to the caller to refuse: see
// NotYetSupported.
std::vector<ListenSpec> parseListen(const Directive& d);

}  // namespace mailwire::config
