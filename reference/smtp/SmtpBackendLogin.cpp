#include "smtp/SmtpBackendLogin.h"

#include "sasl/Base64.h"
#include "smtp/SmtpReplies.h"
#include "smtp/Xtext.h"

namespace mailwire::smtp {

using mail::BackendStep;

SmtpBackendLogin::SmtpBackendLogin(SmtpBackendSettings settings, SmtpLoginFacts facts)
    : settings_(std::move(settings)), facts_(std::move(facts)) {}

bool SmtpBackendLogin::replyComplete(std::string_view reply) {
    const size_t size = reply.size();
    if (size < 4 || reply[size - 2] != '\r' || reply[size - 1] != '\n') return false;
    if (reply[3] != '-') return true;
    // Multi-line: find the CRLF before the last line, starting 7 bytes from the end ("\r\n200\r\n"),
    // and look at column 4 of the line after it.
    if (size < 8) return false;
    size_t m = size - 7;
    while (m > 0) {
        if (reply[m] == '\r' && reply[m + 1] == '\n') break;
        --m;
    }
    if (m == 0) return false;
    return reply[m + 5] != '-';
}

std::string SmtpBackendLogin::xclientLine() const {
    std::string line = "XCLIENT ADDR=";
    // An IPv6 client gets the IPV6: prefix; a unix-domain one is "unix:" as it stands.
    if (facts_.clientIp.find(':') != std::string::npos && facts_.clientIp != "unix:") line += "IPV6:";
    line += facts_.clientIp;
    if (!facts_.login.empty() && !settings_.proxySmtpAuth) {
        line += " LOGIN=";
        line += encodeXtext(facts_.login);
    }
    line += " NAME=";
    line += facts_.clientHost;
    line += "\r\n";
    return line;
}

BackendStep SmtpBackendLogin::send(std::string line, Stage next, const char* action) {
    BackendStep step;
    step.kind = BackendStep::Send;
    step.toBackend = std::move(line);
    step.action = action;
    action_ = action;
    stage_ = next;
    return step;
}

BackendStep SmtpBackendLogin::fail(std::string_view reply) {
    // The logged text is the whole reply without its final CRLF.
    std::string_view text = reply.substr(0, reply.size() - 2);

    BackendStep step;
    step.kind = BackendStep::Failed;
    step.action = "reading response from upstream";  // nginx judges replies in its read handler
    step.logAsError = !settings_.passErrorMessage;
    if (settings_.passErrorMessage) {
        step.toClient = std::string(reply);
    } else {
        // nginx prints this one as a C string, so it ends at the first NUL byte.
        text = text.substr(0, text.find('\0'));
        step.toClient = replies::kInternalError;
    }
    step.logText = "upstream sent invalid response: \"" + std::string(text) + "\"";
    stage_ = Stage::Finished;
    return step;
}

BackendStep SmtpBackendLogin::internalError(std::string logText, const char* action) {
    BackendStep step;
    step.kind = BackendStep::Failed;
    step.toClient = replies::kInternalError;
    step.logText = std::move(logText);
    step.action = action;
    action_ = action;
    stage_ = Stage::Finished;
    return step;
}

BackendStep SmtpBackendLogin::done(std::string_view reply) {
    BackendStep step;
    step.kind = BackendStep::Done;
    // smtp_auth none: the backend's RCPT reply is the client's; otherwise nginx answers AUTH itself.
    step.toClient = facts_.none ? std::string(reply) : std::string(replies::kAuthOk);
    step.action = action_;
    stage_ = Stage::Finished;
    return step;
}

bool SmtpBackendLogin::accepted(std::string_view reply) const {
    const auto is = [&](const char* code) { return reply.compare(0, 3, code) == 0; };
    switch (stage_) {
        case Stage::Start:
            return is("220");
        case Stage::Helo:
        case Stage::HeloXclient:
        case Stage::HeloFrom:
        case Stage::HeloAuth:
        case Stage::From:
            return is("250");
        case Stage::Xclient:
        case Stage::XclientHelo:
        case Stage::XclientFrom:
        case Stage::XclientAuth:
            return is("250") || is("220");
        case Stage::AuthPlain:
            return is("235");
        case Stage::To:
            return true;
        case Stage::Finished:
            break;
    }
    return false;
}

SmtpBackendLogin::Stage SmtpBackendLogin::afterHelo() const {
    if (facts_.none) return Stage::HeloFrom;
    if (settings_.proxySmtpAuth) return Stage::HeloAuth;
    return Stage::Helo;
}

BackendStep SmtpBackendLogin::sendAuthPlain() {
    const char* action = "sending AUTH to upstream";
    if (!facts_.passwordAvailable) return internalError("no password available", action);
    std::string plain;
    plain += '\0';
    plain += facts_.login;
    plain += '\0';
    plain += facts_.password;
    return send("AUTH PLAIN " + sasl::encodeBase64(plain) + "\r\n", Stage::AuthPlain, action);
}

BackendStep SmtpBackendLogin::onReply(std::string_view reply) {
    if (stage_ == Stage::Finished) {
        return internalError("backend login already finished", action_.c_str());
    }
    if (!replyComplete(reply)) {
        BackendStep waiting;
        waiting.action = action_;
        return waiting;
    }
    if (!accepted(reply)) return fail(reply);

    switch (stage_) {
        case Stage::Start: {
            const bool ehlo = facts_.esmtp || settings_.xclient;
            return send((ehlo ? "EHLO " : "HELO ") + settings_.serverName + "\r\n",
                        settings_.xclient ? Stage::HeloXclient : afterHelo(),
                        "sending HELO/EHLO to upstream");
        }
        case Stage::HeloXclient: {
            Stage next = Stage::Xclient;
            if (!facts_.clientHelo.empty()) {
                next = Stage::XclientHelo;
            } else if (facts_.none) {
                next = Stage::XclientFrom;
            } else if (settings_.proxySmtpAuth) {
                next = Stage::XclientAuth;
            }
            return send(xclientLine(), next, "sending XCLIENT to upstream");
        }
        case Stage::XclientHelo:
            return send((facts_.esmtp ? "EHLO " : "HELO ") + facts_.clientHelo + "\r\n", afterHelo(),
                        "sending client HELO/EHLO to upstream");
        case Stage::HeloAuth:
        case Stage::XclientAuth:
            return sendAuthPlain();
        case Stage::HeloFrom:
        case Stage::XclientFrom:
            return send(facts_.mailLine + "\r\n", Stage::From, "sending MAIL FROM to upstream");
        case Stage::From:
            return send(facts_.rcptLine + "\r\n", Stage::To, "sending RCPT TO to upstream");
        case Stage::Helo:
        case Stage::Xclient:
        case Stage::AuthPlain:
        case Stage::To:
            return done(reply);
        case Stage::Finished:
            break;
    }
    return internalError("backend login already finished", action_.c_str());
}

}  // namespace mailwire::smtp
