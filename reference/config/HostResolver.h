// Config-time name resolution (listen host names, the auth_http host). Blocking is fine here:
// it runs once, before the event loop starts.
#pragma once

#include <string>
#include <vector>

namespace mailwire::config {

// Addresses as text ("127.0.0.1", "::1"), in resolver order; a literal returns itself; empty if not found.
std::vector<std::string> resolveHost(const std::string& host);

}  // namespace mailwire::config
