// The seam between the client-name logic and the network: asks one DNS question, reports one answer.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "resolver/DnsMessage.h"

namespace mailwire::resolver {

constexpr int kTimedOut = 110;  // nginx's NGX_ETIMEDOUT, as its resolver reports a timeout

struct DnsAnswer {
    int code = kNoError;  // kNoError, the response's rcode, or kTimedOut
    std::vector<DnsRecord> records;
};

class DnsTransport {
  public:
    using Done = std::function<void(const DnsAnswer& answer)>;
    virtual ~DnsTransport() = default;
    // `done` runs once, on the loop, never from inside ask(), unless cancelAll() came first.
    virtual void ask(const std::string& name, RecordType type, Done done) = 0;
    virtual void cancelAll() = 0;
};

}  // namespace mailwire::resolver
