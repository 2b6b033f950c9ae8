#include "auth/AuthReply.h"

#include <arpa/inet.h>
#include <strings.h>

#include <algorithm>
#include <climits>

#include "core/Ipv4Text.h"

namespace mailwire::auth {

namespace {

bool isLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool sameName(const std::string& name, const char* expected) {
    return ::strcasecmp(name.c_str(), expected) == 0;
}

// nginx's ngx_atoi: decimal digits only, non-empty, no overflow.
std::optional<long> parseDecimal(const std::string& text, long max) {
    if (text.empty()) return std::nullopt;
    long value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
        if (value > max) return std::nullopt;
    }
    return value;
}

}  // namespace

AuthReplyParser::State AuthReplyParser::feed(const char* data, size_t len) {
    size_t i = 0;
    while (i < len && state_ == State::NeedMore && consumed_ < kMaxHead) {
        // Inside a name, a value or the status line, take the whole run up to its terminator at once: the
        // states stay the same byte by byte, only the per-byte calls and appends go.
        const size_t limit = std::min(len, i + (kMaxHead - consumed_));
        size_t run = i;
        if (step_ == Step::Value) {
            while (run < limit && data[run] != '\r' && data[run] != '\n') ++run;
            value_.append(data + i, run - i);
        } else if (step_ == Step::Name) {
            while (run < limit && (isLetterOrDigit(data[run]) || data[run] == '-')) ++run;
            name_.append(data + i, run - i);
        } else if (step_ == Step::StatusSkip) {
            while (run < limit && data[run] != '\r' && data[run] != '\n') ++run;
        }
        consumed_ += run - i;
        i = run;
        if (i == limit) break;
        ++consumed_;
        step(data[i++]);
    }
    // nginx's buffer is full and the head has not ended: its next read sees EOF.
    if (state_ == State::NeedMore && consumed_ == kMaxHead) state_ = State::TooLong;
    return state_;
}

void AuthReplyParser::fail(const char* error) {
    error_ = error;
    state_ = State::Invalid;
}

void AuthReplyParser::step(char c) {
    switch (step_) {
        case Step::StatusH:
        case Step::StatusT1:
        case Step::StatusT2:
        case Step::StatusP:
        case Step::StatusSlash: {
            static const char kPrefix[] = "HTTP/";
            const auto index = static_cast<size_t>(step_) - static_cast<size_t>(Step::StatusH);
            prefix_ += c;
            if (c == kPrefix[index]) {
                step_ = static_cast<Step>(static_cast<size_t>(step_) +
                                          1);  // StatusSlash is followed by StatusSkip
                if (step_ == Step::StatusSkip) prefix_.clear();
                return;
            }
            // No status line: every byte seen so far is the start of the headers.
            step_ = Step::LineStart;
            std::string bytes;
            bytes.swap(prefix_);
            for (const char b : bytes) {
                step(b);
                if (state_ != State::NeedMore) return;
            }
            return;
        }
        case Step::StatusSkip:
            if (c == '\r') step_ = Step::StatusAlmostDone;
            if (c == '\n') step_ = Step::LineStart;
            return;
        case Step::StatusAlmostDone:
            if (c == '\n') {
                step_ = Step::LineStart;
                return;
            }
            return fail("sent invalid response");

        case Step::LineStart:
            if (c == '\r') {
                step_ = Step::HeadAlmostDone;
                return;
            }
            if (c == '\n') {
                state_ = State::Done;
                return;
            }
            if (!isLetterOrDigit(c)) return fail("sent invalid header in response");
            name_.assign(1, c);
            value_.clear();
            step_ = Step::Name;
            return;
        case Step::Name:
            if (isLetterOrDigit(c) || c == '-') {
                name_ += c;
                return;
            }
            if (c == ':') {
                step_ = Step::SpaceBeforeValue;
                return;
            }
            // A bare name ending the line is a header with an empty value.
            if (c == '\r') {
                step_ = Step::LineAlmostDone;
                return;
            }
            if (c == '\n') return headerDone();
            return fail("sent invalid header in response");
        case Step::SpaceBeforeValue:
            if (c == ' ') return;
            if (c == '\r') {
                step_ = Step::LineAlmostDone;
                return;
            }
            if (c == '\n') return headerDone();
            value_ += c;
            step_ = Step::Value;
            return;
        case Step::Value:
            if (c == '\r') {
                step_ = Step::LineAlmostDone;
                return;
            }
            if (c == '\n') return headerDone();
            value_ += c;
            return;
        case Step::LineAlmostDone:
            if (c == '\n') return headerDone();
            return fail("sent invalid header in response");
        case Step::HeadAlmostDone:
            if (c == '\n') {
                state_ = State::Done;
                return;
            }
            return fail("sent invalid header in response");
    }
}

void AuthReplyParser::headerDone() {
    const auto end = value_.find_last_not_of(' ');
    value_.erase(end == std::string::npos ? 0 : end + 1);
    if (sameName(name_, "Auth-Status")) {
        reply_.status = value_;
    } else if (sameName(name_, "Auth-Server")) {
        reply_.server = value_;
    } else if (sameName(name_, "Auth-Port")) {
        reply_.port = value_;
    } else if (sameName(name_, "Auth-User")) {
        reply_.user = value_;
    } else if (sameName(name_, "Auth-Pass")) {
        reply_.pass = value_;
    } else if (sameName(name_, "Auth-Wait")) {
        // An invalid value is ignored, as nginx's ngx_atoi failure is.
        if (const auto seconds = parseDecimal(value_, INT_MAX))
            reply_.waitSeconds = static_cast<int>(*seconds);
    } else if (sameName(name_, "Auth-Error-Code")) {
        reply_.errorCode = value_;
    }
    step_ = Step::LineStart;
}

std::optional<std::string> parseServerAddress(const std::string& text) {
    // IPv4 the way nginx reads it: four decimal octets; leading zeros are plain decimal, not octal.
    unsigned char octets[4] = {0, 0, 0, 0};
    size_t part = 0, digits = 0;
    unsigned value = 0;
    bool ipv4 = !text.empty();
    for (const char c : text) {
        if (c >= '0' && c <= '9') {
            value = value * 10 + static_cast<unsigned>(c - '0');
            ++digits;
            if (value > 255) ipv4 = false;
        } else if (c == '.' && digits > 0 && part < 3) {
            octets[part++] = static_cast<unsigned char>(value);
            value = 0;
            digits = 0;
        } else {
            ipv4 = false;
        }
        if (!ipv4) break;
    }
    if (ipv4 && part == 3 && digits > 0) {
        octets[3] = static_cast<unsigned char>(value);
        char canonical[core::kIpv4TextSize];
        core::formatIpv4(octets, canonical);
        return std::string(canonical);
    }
    in6_addr addr6{};
    if (::inet_pton(AF_INET6, text.c_str(), &addr6) == 1 && text.find('\0') == std::string::npos) {
        char canonical[INET6_ADDRSTRLEN] = {0};
        ::inet_ntop(AF_INET6, &addr6, canonical, sizeof canonical);
        return std::string(canonical);
    }
    return std::nullopt;
}

AuthDecision decideAuth(const AuthReply& reply, bool passwordKnown, bool needPassword) {
    AuthDecision decision;
    if (reply.status && *reply.status != "OK" && *reply.status != "WAIT") {
        decision.kind = AuthDecision::LoginFailed;
        decision.text = *reply.status;
        decision.errorCode = reply.errorCode.value_or("");
        decision.waitSeconds = reply.waitSeconds;
        return decision;
    }
    if (reply.status && *reply.status == "WAIT") {
        decision.kind = AuthDecision::Retry;
        decision.waitSeconds = reply.waitSeconds;
        return decision;
    }
    decision.kind = AuthDecision::InternalError;
    // nginx checks the lengths, so an empty value counts as missing.
    if (!reply.server || reply.server->empty() || !reply.port || reply.port->empty()) {
        decision.logMessage = "did not send server or port";
        return decision;
    }
    if (needPassword && !passwordKnown && !reply.pass) {
        decision.logMessage = "did not send password";
        return decision;
    }
    const auto ip = parseServerAddress(*reply.server);
    if (!ip) {
        decision.logMessage = "sent invalid server address:\"" + *reply.server + "\"";
        return decision;
    }
    const auto port = parseDecimal(*reply.port, 65535);
    if (!port || *port < 1) {
        decision.logMessage = "sent invalid server port:\"" + *reply.port + "\"";
        return decision;
    }
    decision.kind = AuthDecision::Connect;
    decision.backendIp = *ip;
    decision.backendPort = static_cast<unsigned short>(*port);
    return decision;
}

}  // namespace mailwire::auth
