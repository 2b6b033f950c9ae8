// The seam between an SMTP session and DNS: works out the client's host name without blocking the loop.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace mailwire::resolver {

// An error-level log line and the session action it happened in ("in resolving client address" for the
// PTR lookup, "in resolving client hostname" for the forward one), as nginx reports them.
struct ResolverLog {
    std::string action;
    std::string text;
    bool operator==(const ResolverLog& other) const { return action == other.action && text == other.text; }
};

class ClientHostResolver {
  public:
    using Done = std::function<void(const std::string& host, const std::vector<ResolverLog>& errorLogs)>;
    virtual ~ClientHostResolver() = default;
    // Spec 6.1: PTR of clientIp, then a forward-confirming A/AAAA lookup. `host` is the verified name,
    // "[UNAVAILABLE]" or "[TEMPUNAVAIL]"; `errorLogs` are error-level lines to log (e.g.
    // "127.0.0.1 could not be resolved (3: Host not found)" in "in resolving client address"). `done` runs
    // once, on the loop, never from inside start(), unless cancel() came first.
    virtual void start(const std::string& clientIp, Done done) = 0;
    virtual void cancel() = 0;
};

}  // namespace mailwire::resolver
