#include "resolver/DnsClientHostResolver.h"

#include <arpa/inet.h>

#include <cstring>

#include "resolver/ResolverErrors.h"

namespace mailwire::resolver {

namespace {

const char* const kUnavailable = "[UNAVAILABLE]";
const char* const kTempUnavailable = "[TEMPUNAVAIL]";
const char* const kAddressAction = "in resolving client address";
const char* const kHostnameAction = "in resolving client hostname";

// Binary form with the family, so "::1" never equals "127.0.0.1" and spellings do not matter.
std::string binaryAddress(const std::string& text) {
    unsigned char bytes[16];
    if (inet_pton(AF_INET, text.c_str(), bytes) == 1)
        return "4" + std::string(reinterpret_cast<char*>(bytes), 4);
    if (inet_pton(AF_INET6, text.c_str(), bytes) == 1)
        return "6" + std::string(reinterpret_cast<char*>(bytes), 16);
    return "";
}

}  // namespace

DnsClientHostResolver::DnsClientHostResolver(std::unique_ptr<DnsTransport> transport, core::Timers& timers,
                                             bool ipv4, bool ipv6)
    : transport_(std::move(transport)), timers_(timers), ipv4_(ipv4), ipv6_(ipv6) {}

DnsClientHostResolver::~DnsClientHostResolver() { cancel(); }

bool DnsClientHostResolver::validHostName(const std::string& name) {
    if (name.empty()) return false;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '-' || c == '.';
        if (!ok) return false;
    }
    return true;
}

void DnsClientHostResolver::start(const std::string& clientIp, Done done) {
    clientIp_ = clientIp;
    done_ = std::move(done);
    const std::string reverse = reverseName(clientIp);
    if (reverse.empty()) {  // not an IP address (a unix-domain client): nothing to look up
        deferred_ = timers_.addTimer(core::Millis(0), [this] {
            deferred_ = 0;
            deliver(kTempUnavailable);
        });
        return;
    }
    transport_->ask(reverse, RecordType::Ptr, [this](const DnsAnswer& answer) { onPtr(answer); });
}

void DnsClientHostResolver::cancel() {
    done_ = nullptr;
    if (deferred_) timers_.cancelTimer(deferred_);
    deferred_ = 0;
    if (transport_) transport_->cancelAll();
}

void DnsClientHostResolver::onPtr(const DnsAnswer& answer) {
    int code = answer.code;
    const DnsRecord* ptr = nullptr;
    if (code == kNoError) {
        for (const auto& record : answer.records) {
            if (record.type == static_cast<uint16_t>(RecordType::Ptr)) {
                ptr = &record;
                break;
            }
        }
        if (!ptr) code = kNxDomain;  // nginx treats an empty answer as a missing name
    }
    if (code != kNoError) {
        failed(kAddressAction, clientIp_, code);
        return;
    }
    if (!validHostName(ptr->value)) {
        errorLogs_.push_back(
            {kAddressAction, clientIp_ + " resolved to invalid host name \"" + ptr->value + "\""});
        deliver(kTempUnavailable);
        return;
    }
    name_ = ptr->value;
    pendingForward_ = (ipv4_ ? 1 : 0) + (ipv6_ ? 1 : 0);
    // A before AAAA, as nginx sends them.
    if (ipv4_)
        transport_->ask(name_, RecordType::A, [this](const DnsAnswer& a) { onForward(RecordType::A, a); });
    if (ipv6_)
        transport_->ask(name_, RecordType::Aaaa,
                        [this](const DnsAnswer& a) { onForward(RecordType::Aaaa, a); });
}

// nginx's rules for the pair of answers: a timeout ends the lookup at once; an error answer fails the
// whole lookup even when the other one has addresses (the later error wins); no addresses at all is
// "Host not found".
void DnsClientHostResolver::onForward(RecordType type, const DnsAnswer& answer) {
    if (answer.code == kTimedOut) {
        transport_->cancelAll();
        failed(kHostnameAction, "\"" + name_ + "\"", kTimedOut);
        return;
    }
    --pendingForward_;
    for (const auto& record : answer.records)
        if (record.type == static_cast<uint16_t>(type) && !record.value.empty())
            addresses_.push_back(record.value);
    int code = answer.code;
    if (code == kNoError) code = firstForwardError_;
    if (pendingForward_ > 0) {
        if (code != kNoError) firstForwardError_ = code;
        return;
    }
    if (code == kNoError && addresses_.empty()) code = kNxDomain;
    if (code != kNoError) {
        failed(kHostnameAction, "\"" + name_ + "\"", code);
        return;
    }
    for (const auto& address : addresses_) {
        if (matchesClient(address)) {
            deliver(name_);
            return;
        }
    }
    deliver(kUnavailable);
}

bool DnsClientHostResolver::matchesClient(const std::string& address) const {
    const std::string client = binaryAddress(clientIp_);
    return !client.empty() && client == binaryAddress(address);
}

void DnsClientHostResolver::failed(const char* action, const std::string& what, int code) {
    errorLogs_.push_back({action, what + " could not be resolved (" + std::to_string(code) + ": " +
                                      resolverErrorText(code) + ")"});
    deliver(code == kNxDomain ? kUnavailable : kTempUnavailable);
}

void DnsClientHostResolver::deliver(std::string host) {
    if (!done_) return;
    Done done = std::move(done_);
    done_ = nullptr;
    const std::vector<ResolverLog> logs = std::move(errorLogs_);
    errorLogs_.clear();
    done(host, logs);
}

}  // namespace mailwire::resolver
