// The incoming PROXY protocol header (spec 10): v1 text and v2 binary, read from the bytes nginx peeks before
// TLS and the greeting. Pure: the session peeks, calls again with more bytes while the result is Incomplete
// (until `timeout` or 4096 bytes), and consumes `length` bytes once it is Ok.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mailwire::proxyproto {

// nginx peeks at most this much, and the whole header has to be in it.
constexpr size_t kMaxHeaderLength = 4096;
// The PROXY protocol's limit for a v1 line, CRLF included.
constexpr size_t kMaxV1HeaderLength = 107;
// "\r\n\r\n\0\r\nQUIT\n".
constexpr std::string_view kV2Signature{"\r\n\r\n\0\r\nQUIT\n", 12};

struct ParseResult {
    enum Status { Ok, Invalid, Incomplete } status = Incomplete;
    size_t length = 0;  // Ok: the bytes the header occupies (to consume); 0 otherwise

    // v1 TCP4/TCP6, v2 PROXY over STREAM with an INET or INET6 family. The Proxy-Protocol-* auth headers and
    // realip use these; nginx's v1 reader keeps the address text exactly as sent (validated here by
    // inet_pton), v2 addresses are formatted by inet_ntop. No brackets either way.
    bool hasAddresses = false;
    std::string sourceIp;
    std::string destinationIp;
    uint16_t sourcePort = 0;
    uint16_t destinationPort = 0;
    int family = 0;  // AF_INET, AF_INET6, or 0 (v1 UNKNOWN, v2 LOCAL, UNSPEC, UNIX, non-STREAM)

    // Not Ok: the peeked bytes up to the first CR or LF, for `broken header: "<firstLine>"`.
    std::string firstLine;
    // Not Ok: the error-level line nginx logs if these bytes are all it gets (for Incomplete: if the session
    // gives up now). Empty where nginx logs nothing at error level (a v2 address block too short for its
    // family) or would have accepted the header (a v2 command other than LOCAL and PROXY).
    std::string errorLog;
};

// `peeked` is everything received so far; only its first kMaxHeaderLength bytes count, as only those fit in
// nginx's peek. `length` is exact: what follows the header is the protocol's. Never reads outside `peeked`.
ParseResult parseProxyHeader(std::string_view peeked);

}  // namespace mailwire::proxyproto
