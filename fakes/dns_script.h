#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mailwire::fake {

// One scripted answer of the fake DNS server (docs/fake-protocol.md, "DNS script").
struct DnsAnswer {
    std::string question;  // name, matched case-insensitively, without a trailing dot
    std::uint16_t type = 0;
    int rcode = 0;
    std::vector<std::string> records;
    bool drop = false;  // never answer (the resolver times out)
    std::uint32_t ttl = 60;
};

struct DnsScript {
    std::vector<DnsAnswer> answers;

    // The answer for a question, or null (the server then says NXDOMAIN).
    const DnsAnswer* find(const std::string& name, std::uint16_t type) const;

    // ScriptError naming `source` (or the file) and the problem.
    static DnsScript fromJson(const std::string& text, const std::string& source);
    static DnsScript fromFile(const std::string& path);
};

}  // namespace mailwire::fake
