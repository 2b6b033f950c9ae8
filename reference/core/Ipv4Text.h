// Dotted-quad text for an IPv4 address, written by hand: glibc's inet_ntop() formats IPv4 with sprintf(),
// which was a tenth of a login's user time.
#pragma once

namespace mailwire::core {

constexpr int kIpv4TextSize = 16;  // "255.255.255.255" and its NUL

// `octets`: the four bytes in network order. Writes "a.b.c.d" and a NUL to `text` (kIpv4TextSize bytes).
void formatIpv4(const unsigned char* octets, char* text);

}  // namespace mailwire::core
