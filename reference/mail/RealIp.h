// set_real_ip_from: is the immediate peer a trusted sender of PROXY headers (spec 10)?
#pragma once

#include <string>
#include <vector>

#include "config/MailConfig.h"

namespace mailwire::mail {

// `peerIp` as the connection names it ("127.0.0.1", "::1", "unix:"); an IPv4-mapped IPv6 peer is compared
// as IPv4.
bool peerIsTrusted(const std::vector<config::RealIpSource>& trusted, int peerFamily,
                   const std::string& peerIp);

// "2001:DB8:0::1" -> "2001:db8::1" (family AF_INET6); empty when the text is not an IPv4 or IPv6 address.
std::string canonicalAddress(const std::string& text, int& family);

}  // namespace mailwire::mail
