#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailwire::fake {

// The few DNS wire-format pieces the fake DNS server needs: read one question, write one answer.
// Independent of the proxy's own codec, so the fake checks it rather than mirrors it.

enum DnsType : std::uint16_t { kDnsA = 1, kDnsPtr = 12, kDnsAaaa = 28 };

struct DnsQuestion {
    std::uint16_t id = 0;
    std::uint16_t flags = 0;
    std::string name;  // labels joined with '.', bytes as sent, no trailing dot
    std::uint16_t type = 0;
    std::uint16_t qclass = 0;
    std::string questionBytes;  // the question section as received, echoed in the answer
};

// The first question of a query; nullopt for anything that is not a well-formed query.
std::optional<DnsQuestion> parseDnsQuery(std::string_view datagram);

// "A", "AAAA", "PTR", else "TYPE<n>"; typeFromName: 0 when unknown.
std::string dnsTypeName(std::uint16_t type);
std::uint16_t dnsTypeFromName(const std::string& name);
// "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"; fromName: -1 when unknown.
std::string dnsRcodeName(int rcode);
int dnsRcodeFromName(const std::string& name);

// Whether `value` is a valid record value of `type` (an address for A/AAAA, a name of labels <= 63 bytes
// and <= 253 bytes in all for PTR).
bool validDnsRecordValue(std::uint16_t type, const std::string& value);

// The answer datagram: the question echoed, then one record of the question's type per value.
std::string buildDnsResponse(const DnsQuestion& question, int rcode, const std::vector<std::string>& records,
                             std::uint32_t ttl);

}  // namespace mailwire::fake
