// The arguments of `resolver address[:port] ... [valid=time] [ipv4=on|off] [ipv6=on|off]`.
#pragma once

#include <string>
#include <vector>

#include "config/MailConfig.h"

namespace mailwire::config {

// Fills `out` from the directive's arguments (not "off"); returns nginx's error text, or "" when fine.
// Host names are resolved now (blocking is fine at config time); the default port is 53.
std::string parseResolverArgs(const std::vector<std::string>& args, ResolverSettings& out);

}  // namespace mailwire::config
