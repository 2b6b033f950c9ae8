// DNS wire format, as far as the client-name lookup needs it: build one-question queries and read
// responses (name compression included). Pure: bytes in, values out; garbage gives nullopt, never a crash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mailwire::resolver {

enum class RecordType : uint16_t { A = 1, Cname = 5, Ptr = 12, Aaaa = 28 };

// Response codes as nginx numbers them (also the numbers in its "could not be resolved (N: ...)" lines).
enum Rcode : int { kNoError = 0, kFormErr = 1, kServFail = 2, kNxDomain = 3, kNotImp = 4, kRefused = 5 };

struct DnsRecord {
    std::string name;  // owner name, labels joined with '.', bytes as sent
    uint16_t type = 0;
    uint16_t rclass = 0;
    uint32_t ttl = 0;
    std::string value;  // A/AAAA: the address as text; PTR/CNAME: the target name; else empty
};

struct DnsResponse {
    uint16_t id = 0;
    int rcode = 0;
    bool truncated = false;
    std::string questionName;  // the first question; empty name is the root
    uint16_t questionType = 0;
    uint16_t questionClass = 0;
    std::vector<DnsRecord> answers;
};

// A recursive query (RD set) for `name` (no trailing dot needed); nullopt when the name cannot be encoded
// (an empty label, a label over 63 bytes, more than 253 bytes in all).
std::optional<std::string> buildQuery(uint16_t id, const std::string& name, RecordType type);

// Parses a response; nullopt when it is not a well-formed DNS response (QR clear, no question, truncated
// records, bad or looping compression pointers). Answers of unknown types are kept with an empty value.
std::optional<DnsResponse> parseResponse(std::string_view datagram);

// The reverse-lookup name of an address: "1.0.0.127.in-addr.arpa" or the nibble form under "ip6.arpa";
// empty when `ip` is not an IPv4 or IPv6 address literal.
std::string reverseName(const std::string& ip);

}  // namespace mailwire::resolver
