// The auth_http URL, split as nginx splits it (spec 2.2): optional http://, port 80, uri "/",
// Host header = host part without the port, host resolved now (first address wins).
#pragma once

#include <string>

#include "config/MailConfig.h"

namespace mailwire::config {

// Returns "" and fills `out`, or nginx's error text, e.g. `invalid port in auth_http "x:0"`.
std::string parseAuthHttpUrl(const std::string& written, AuthHttpTarget& out);

}  // namespace mailwire::config
