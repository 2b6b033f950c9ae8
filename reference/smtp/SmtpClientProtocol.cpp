#include "smtp/SmtpClientProtocol.h"

#include <algorithm>

#include "smtp/SmtpBackendLogin.h"
#include "smtp/SmtpReplies.h"

namespace mailwire::smtp {

using mail::ClientStep;

SmtpClientProtocol::SmtpClientProtocol(const config::ServerConfig& server,
                                       std::function<std::string()> makeSalt,
                                       std::shared_ptr<const SmtpCapabilities> capabilities)
    : authMethods_(server.smtpAuth),
      starttls_(server.starttls),
      greetingDelay_(server.smtpGreetingDelay),
      serverName_(server.serverName),
      xclient_(server.xclient),
      proxySmtpAuth_(server.proxySmtpAuth),
      proxyPassErrorMessage_(server.proxyPassErrorMessage),
      capabilities_(capabilities ? std::move(capabilities) : std::make_shared<SmtpCapabilities>(server)),
      sasl_(sasl::SaslMechanisms{(server.smtpAuth & config::kAuthCramMd5) != 0,
                                 (server.smtpAuth & config::kAuthExternal) != 0},
            std::move(makeSalt)),
      input_(std::max<size_t>(server.smtpClientBuffer, 1), server.maxErrors) {}

std::string SmtpClientProtocol::greeting() { return "220 " + serverName_ + " ESMTP ready\r\n"; }

std::string SmtpClientProtocol::rejectedBeforeGreetingReply() const { return replies::kPipelining; }

char* SmtpClientProtocol::readSpace(size_t& room) {
    awaitingRead_ = false;
    return input_.readSpace(room);
}

void SmtpClientProtocol::commitRead(size_t bytes) { input_.commitRead(bytes); }

SmtpClientProtocol::Outcome SmtpClientProtocol::reply(const char* text) {
    Outcome outcome;
    outcome.out = text;
    return outcome;
}

SmtpClientProtocol::Outcome SmtpClientProtocol::invalid(std::string infoLog) {
    Outcome outcome;
    outcome.result = Outcome::Invalid;
    outcome.infoLog = std::move(infoLog);
    return outcome;
}

ClientStep SmtpClientProtocol::step() {
    ClientStep step;
    if (quit_) {
        step.kind = ClientStep::Close;  // the session should have closed already
        return step;
    }
    if (awaitingRead_) return step;

    const SmtpParseEvent event = input_.parseWith(parser_);
    Outcome outcome;
    switch (event.kind) {
        case SmtpParseEvent::NeedMore:
            if (!input_.full()) return step;
            // Full buffer, unfinished command: reply and close; this is not counted as an error.
            outcome = invalid(input_.tooLongLog());
            quit_ = true;
            break;
        case SmtpParseEvent::Invalid:
            outcome = invalid();
            if (input_.countParseError()) {
                outcome.infoLog = core::CommandBuffer::kTooManyErrorsLog;
                quit_ = true;
            }
            break;
        case SmtpParseEvent::Command:
            outcome = sasl_.inProgress() ? handleContinuation() : handleStartCommand();
            break;
    }
    step.infoLog = outcome.infoLog;

    if (outcome.result == Outcome::Authenticate) {
        // Unread pipelined bytes stay in the buffer: they go to the backend after a successful login.
        input_.resetIfConsumed();
        parser_.resetToStart();
        step.kind = ClientStep::Authenticate;
        step.credentials = credentialsFor(outcome.method);
        return step;
    }

    if (outcome.result == Outcome::Invalid) {
        outcome.out = replies::kInvalidCommand;
        sasl_.reset();
    }
    step.output = outcome.out;

    input_.resetIfConsumed();
    // After an AUTH step that prompts, the next line is a raw SASL argument (nginx stays in its argument
    // state).
    if (sasl_.inProgress()) {
        parser_.startArgumentLine(input_.pos());
    } else {
        parser_.resetToStart();
    }

    step.kind = quit_ ? ClientStep::Close : ClientStep::Reply;
    awaitingRead_ = input_.consumed();
    return step;
}

SmtpClientProtocol::Outcome SmtpClientProtocol::handleStartCommand() {
    switch (parser_.command()) {
        case SmtpCommand::Helo:
            return handleHelo(false);
        case SmtpCommand::Ehlo:
            return handleHelo(true);
        case SmtpCommand::Auth:
            return handleAuth();
        case SmtpCommand::Quit:
            quit_ = true;
            return reply(replies::kBye);
        case SmtpCommand::Mail:
            return handleMail();
        case SmtpCommand::Rcpt:
            return handleRcpt();
        case SmtpCommand::Rset:
            mailFrom_.clear();
            rcptTo_.clear();
            return reply(replies::kOk);
        case SmtpCommand::Noop:
            return reply(replies::kOk);
        case SmtpCommand::StartTls:
            return handleStartTls();
        case SmtpCommand::Vrfy:
        case SmtpCommand::Expn:
        case SmtpCommand::Help:
        case SmtpCommand::None:
            break;
    }
    return invalid();  // a handler reject: not counted
}

SmtpClientProtocol::Outcome SmtpClientProtocol::handleHelo(bool ehlo) {
    const std::vector<std::string>& args = parser_.arguments();
    if (args.size() != 1) return reply(replies::kInvalidArgument);
    helo_ = args[0];
    mailFrom_.clear();
    rcptTo_.clear();
    if (!ehlo) {
        Outcome outcome;
        outcome.out = capabilities_->helo();
        return outcome;
    }
    esmtp_ = true;
    Outcome outcome;
    outcome.out = capabilities_->ehlo(tlsActive_);
    return outcome;
}

SmtpClientProtocol::Outcome SmtpClientProtocol::handleAuth() {
    if (starttls_ == config::StartTls::Only && !tlsActive_) return invalid();
    if (parser_.arguments().empty()) return reply(replies::kInvalidArgument);
    return fromSasl(sasl_.start(parser_.arguments()));
}

std::string SmtpClientProtocol::bufferForLog() const {
    std::string text(input_.contents());
    for (char& c : text)
        if (c == '\r' || c == '\n') c = '_';
    return text;
}

SmtpClientProtocol::Outcome SmtpClientProtocol::handleMail() {
    if (!(authMethods_ & config::kAuthNone)) {
        Outcome outcome = reply(replies::kAuthRequired);
        outcome.infoLog = "client was rejected: \"" + bufferForLog() + "\"";
        return outcome;
    }
    if (!mailFrom_.empty()) return reply(replies::kBadSequence);
    if (parser_.arguments().empty()) return reply(replies::kInvalidArgument);
    mailFrom_ = parser_.lineAsTyped();
    // nginx >= 1.29.1: credentials of an earlier AUTH attempt do not leak into the relay request.
    login_.clear();
    password_.clear();
    passwordSet_ = false;
    return reply(replies::kOk);
}

SmtpClientProtocol::Outcome SmtpClientProtocol::handleRcpt() {
    if (mailFrom_.empty()) return reply(replies::kBadSequence);
    if (parser_.arguments().empty()) return reply(replies::kInvalidArgument);
    rcptTo_ = parser_.lineAsTyped();
    Outcome outcome;
    outcome.result = Outcome::Authenticate;
    outcome.method = "none";
    return outcome;
}

SmtpClientProtocol::Outcome SmtpClientProtocol::handleStartTls() {
    if (tlsActive_ || starttls_ == config::StartTls::Off) return invalid();
    // RFC 3207: forget what the client said before TLS (but not the ESMTP flag), and the bytes after
    // STARTTLS.
    helo_.clear();
    mailFrom_.clear();
    rcptTo_.clear();
    input_.discard();
    startTlsRequested_ = true;
    return reply(replies::kStartTls);
}

SmtpClientProtocol::Outcome SmtpClientProtocol::handleContinuation() {
    const std::vector<std::string>& args = parser_.arguments();
    return fromSasl(sasl_.respond(args.empty() ? std::string_view() : args[0]));
}

SmtpClientProtocol::Outcome SmtpClientProtocol::fromSasl(sasl::SaslStep step) {
    Outcome outcome;
    switch (step.kind) {
        case sasl::SaslStep::Prompt:
            // The AUTH LOGIN user name is kept at once, like the rest of what the session remembers.
            if (step.prompt.kind == sasl::SaslPrompt::Password) login_ = std::move(step.credentials.login);
            outcome.result = Outcome::Continue;
            outcome.out = step.prompt.line(replies::kChallengePrefix);
            return outcome;
        case sasl::SaslStep::Complete:
            login_ = std::move(step.credentials.login);
            if (step.credentials.hasPassword) {
                password_ = std::move(step.credentials.password);
                passwordSet_ = true;
            }
            outcome.result = Outcome::Authenticate;
            outcome.method = std::move(step.credentials.method);
            return outcome;
        case sasl::SaslStep::Reject:
            break;
    }
    return invalid(std::move(step.infoLog));
}

mail::Credentials SmtpClientProtocol::credentialsFor(const std::string& method) {
    mail::Credentials credentials;
    credentials.method = method;
    credentials.login = login_;
    credentials.password = passwordSet_ ? password_ : std::string();
    if (credentials.method == "cram-md5") {
        credentials.salt = sasl_.salt();
        // nginx >= 1.29.7 forgets the digest once it is sent: it is no password for the backend.
        password_.clear();
        passwordSet_ = false;
    }
    if (credentials.method == "none") {
        credentials.smtpHelo = helo_;
        credentials.smtpFrom = mailFrom_;
        credentials.smtpTo = rcptTo_;
    }
    lastCredentials_ = credentials;
    return credentials;
}

std::string SmtpClientProtocol::loginFailedReply(const std::string& text, const std::string& errorCode) {
    return (errorCode.empty() ? std::string(replies::kDefaultErrorCode) : errorCode) + " " + text + "\r\n";
}

void SmtpClientProtocol::resetAfterFailedLogin() {
    sasl_.reset();
    parser_.resetToStart();
}

std::string SmtpClientProtocol::internalErrorReply() const { return replies::kInternalError; }

std::string SmtpClientProtocol::takeUnconsumedInput() { return input_.takeUnconsumed(); }

std::unique_ptr<mail::BackendLogin> SmtpClientProtocol::makeBackendLogin(const mail::Credentials& effective,
                                                                         const mail::ClientContext& client) {
    SmtpBackendSettings settings;
    settings.serverName = serverName_;
    settings.xclient = xclient_;
    settings.proxySmtpAuth = proxySmtpAuth_;
    settings.passErrorMessage = proxyPassErrorMessage_;

    SmtpLoginFacts facts;
    facts.esmtp = esmtp_;
    facts.clientHelo = helo_;
    facts.none = effective.method == "none";
    facts.mailLine = effective.smtpFrom;
    facts.rcptLine = effective.smtpTo;
    facts.login = effective.login;
    facts.password = effective.password;
    // An Auth-Pass from auth_http always counts; otherwise only what nginx still keeps (not a CRAM-MD5
    // digest).
    const bool overridden = effective.password != lastCredentials_.password;
    facts.passwordAvailable = overridden || (effective.method != "cram-md5" && passwordSet_);
    facts.clientIp = client.ip;
    facts.clientHost = client.host;
    return std::make_unique<SmtpBackendLogin>(std::move(settings), std::move(facts));
}

bool SmtpClientProtocol::takeStartTlsRequest() {
    const bool requested = startTlsRequested_;
    startTlsRequested_ = false;
    return requested;
}

}  // namespace mailwire::smtp
