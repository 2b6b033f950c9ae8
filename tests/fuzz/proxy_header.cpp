// The incoming PROXY protocol v1/v2 parser on arbitrary peeked bytes. Checks: the length consumed lies within
// the bytes and nginx's peek; a shorter prefix of an accepted header is Incomplete, never Invalid; and an
// accepted header's addresses survive being written again by the outgoing writer and parsed back.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "FuzzInput.h"
#include "proxyproto/ProxyHeader.h"
#include "proxyproto/ProxyHeaderWriter.h"

namespace {

using namespace mailwire;
using proxyproto::ParseResult;

// "::ffff:1.2.3.4" -> "1.2.3.4"; any other text unchanged.
std::string unmapped(const std::string& ip) {
    unsigned char bytes[16];
    if (inet_pton(AF_INET6, ip.c_str(), bytes) != 1 ||
        !IN6_IS_ADDR_V4MAPPED(reinterpret_cast<in6_addr*>(bytes)))
        return ip;
    char text[INET_ADDRSTRLEN];
    return inet_ntop(AF_INET, bytes + 12, text, sizeof text) ? std::string(text) : ip;
}

void checkRoundTrip(const ParseResult& parsed, bool v2) {
    std::string again;
    if (v2) {
        const auto client = proxyproto::endpointFromText(parsed.sourceIp, parsed.sourcePort);
        const auto local = proxyproto::endpointFromText(parsed.destinationIp, parsed.destinationPort);
        if (!client || !local) fuzz::violated("an accepted v2 address does not parse", parsed.sourceIp);
        again = proxyproto::proxyV2Header({*client, *local}, nullptr);
    } else {
        again = proxyproto::proxyV1Header(parsed.family, parsed.sourceIp, parsed.sourcePort,
                                          parsed.destinationIp, parsed.destinationPort);
    }
    const ParseResult reparsed = proxyproto::parseProxyHeader(again);
    if (reparsed.status != ParseResult::Ok || reparsed.length != again.size())
        fuzz::violated("our own header is not accepted whole", again);
    // v2 sends two IPv4-mapped addresses as IPv4, as nginx does (spec 8.2); v1 keeps the text as it came.
    const bool demoted = v2 && unmapped(parsed.sourceIp) != parsed.sourceIp &&
                         unmapped(parsed.destinationIp) != parsed.destinationIp;
    const auto same = [demoted](const std::string& before, const std::string& after) {
        return (demoted ? unmapped(before) : before) == after;
    };
    if (!same(parsed.sourceIp, reparsed.sourceIp) || !same(parsed.destinationIp, reparsed.destinationIp) ||
        reparsed.sourcePort != parsed.sourcePort || reparsed.destinationPort != parsed.destinationPort ||
        (reparsed.family != parsed.family && !(demoted && reparsed.family == AF_INET)))
        fuzz::violated("addresses changed in a write and parse round trip", again);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view peeked(reinterpret_cast<const char*>(data), size);
    const ParseResult result = proxyproto::parseProxyHeader(peeked);
    if (result.status != ParseResult::Ok) {
        if (result.length != 0) fuzz::violated("a length without a header");
        return 0;
    }
    if (result.length == 0 || result.length > size || result.length > proxyproto::kMaxHeaderLength)
        fuzz::violated("header length outside the peeked bytes");
    if (result.hasAddresses != (result.family == AF_INET || result.family == AF_INET6))
        fuzz::violated("addresses without an INET family");
    // The session peeks again while Incomplete: a prefix must never be refused outright.
    const size_t cut = size > 0 ? data[size - 1] % result.length : 0;
    if (proxyproto::parseProxyHeader(peeked.substr(0, cut)).status != ParseResult::Incomplete)
        fuzz::violated("a prefix of an accepted header is not Incomplete", peeked.substr(0, cut));
    if (result.hasAddresses) checkRoundTrip(result, peeked.substr(0, 12) == proxyproto::kV2Signature);
    return 0;
}
