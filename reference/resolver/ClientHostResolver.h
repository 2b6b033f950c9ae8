// The seam between an SMTP session and DNS: works out the client's host name without blocking the loop.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace mailwire::resolver {

class ClientHostResolver {
public:
    using Done = std::function<void(const std::string& host, const std::vector<std::string>& errorLogs)>;
    virtual ~ClientHostResolver() = default;
    // Spec 6.1: PTR of clientIp, then a forward-confirming A/AAAA lookup. `host` is the verified name,
    // "[UNAVAILABLE]" or "[TEMPUNAVAIL]"; `errorLogs` are error-level lines to log (e.g.
    // "127.0.0.1 could not be resolved (3: Host not found)"). `done` runs once, on the loop, never from
    // inside start(), unless cancel() came first.
    virtual void start(const std::string& clientIp, Done done) = 0;
    virtual void cancel() = 0;
};

}  // namespace mailwire::resolver
