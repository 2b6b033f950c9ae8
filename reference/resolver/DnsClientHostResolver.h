// Spec 6.1 on top of a DnsTransport: PTR of the client address, host-name check, then A (and AAAA) of
// that name, which must include the client address. Failures map to [UNAVAILABLE] / [TEMPUNAVAIL] and
// error-log lines worded as nginx words them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/Timers.h"
#include "resolver/ClientHostResolver.h"
#include "resolver/DnsTransport.h"

namespace mailwire::resolver {

class DnsClientHostResolver : public ClientHostResolver {
  public:
    // `timers` only defers the answer for a client address that cannot be looked up at all.
    DnsClientHostResolver(std::unique_ptr<DnsTransport> transport, core::Timers& timers, bool ipv4,
                          bool ipv6);
    ~DnsClientHostResolver() override;

    void start(const std::string& clientIp, Done done) override;
    void cancel() override;

    // a-z A-Z 0-9 - . only, and not empty (nginx 1.29.7).
    static bool validHostName(const std::string& name);

  private:
    void onPtr(const DnsAnswer& answer);
    void onForward(RecordType type, const DnsAnswer& answer);
    void failed(const char* action, const std::string& what, int code);
    void deliver(std::string host);  // by value: `done` may destroy this
    bool matchesClient(const std::string& address) const;

    std::unique_ptr<DnsTransport> transport_;
    core::Timers& timers_;
    bool ipv4_;
    bool ipv6_;
    std::string clientIp_;
    Done done_;
    core::TimerId deferred_ = 0;
    std::string name_;                    // the PTR name being confirmed
    int pendingForward_ = 0;              // A/AAAA answers still to come
    int firstForwardError_ = kNoError;    // an error answer that came first waits for the other one
    std::vector<std::string> addresses_;  // from the forward answers so far
    std::vector<ResolverLog> errorLogs_;
};

}  // namespace mailwire::resolver
