#include "pop3/Pop3ClientProtocol.h"

#include "pop3/Pop3BackendLogin.h"
#include "pop3/Pop3Replies.h"

namespace mailwire::pop3 {

using mail::ClientStep;

Pop3ClientProtocol::Pop3ClientProtocol(const config::ServerConfig& server,
                                       std::function<std::string()> makeSalt,
                                       std::shared_ptr<const Pop3Capabilities> capabilities)
    : authMethods_(effectivePop3AuthMethods(server.pop3Auth)),
      starttls_(server.starttls),
      proxyPassErrorMessage_(server.proxyPassErrorMessage),
      capabilities_(capabilities ? std::move(capabilities) : std::make_shared<Pop3Capabilities>(server)),
      sasl_(sasl::SaslMechanisms{(authMethods_ & config::kAuthCramMd5) != 0,
                                 (authMethods_ & config::kAuthExternal) != 0},
            std::move(makeSalt)),
      input_(kClientBufferSize, server.maxErrors) {
    // The greeting carries the salt, so it is made now.
    if (authMethods_ & (config::kAuthApop | config::kAuthCramMd5)) salt_ = sasl_.salt();
}

std::string Pop3ClientProtocol::greeting() {
    if (salt_.empty()) return replies::kGreeting;
    return replies::kGreetingBeforeSalt + salt_ + "\r\n";
}

char* Pop3ClientProtocol::readSpace(size_t& room) {
    awaitingRead_ = false;
    return input_.readSpace(room);
}

void Pop3ClientProtocol::commitRead(size_t bytes) { input_.commitRead(bytes); }

Pop3ClientProtocol::Outcome Pop3ClientProtocol::invalid(std::string infoLog) {
    Outcome outcome;
    outcome.result = Outcome::Invalid;
    outcome.infoLog = std::move(infoLog);
    return outcome;
}

ClientStep Pop3ClientProtocol::step() {
    ClientStep step;
    if (quit_) {
        step.kind = ClientStep::Close;  // the session should have closed already
        return step;
    }
    if (awaitingRead_) return step;

    const Pop3ParseEvent event = input_.parseWith(parser_);
    Outcome outcome;
    switch (event.kind) {
        case Pop3ParseEvent::NeedMore:
            if (!input_.full()) return step;
            // Full buffer, unfinished command (the buffer is never compacted, so pipelined commands can
            // fill it): reply and close; this is not counted as an error.
            outcome = invalid(input_.tooLongLog());
            quit_ = true;
            break;
        case Pop3ParseEvent::Invalid:
            outcome = invalid();
            if (input_.countParseError()) {
                outcome.infoLog = core::CommandBuffer::kTooManyErrorsLog;
                quit_ = true;
            }
            break;
        case Pop3ParseEvent::Command:
            outcome = handleCommand();
            break;
    }
    step.infoLog = outcome.infoLog;

    if (outcome.result == Outcome::Authenticate) {
        // Unread pipelined bytes stay in the buffer: they go to the backend once it has logged us in.
        input_.resetIfConsumed();
        parser_.resetToStart();
        step.kind = ClientStep::Authenticate;
        step.credentials = std::move(outcome.credentials);
        return step;
    }

    if (outcome.result == Outcome::Invalid) {
        // Any invalid command, parsed or refused, sends the client back to START (quirk 10).
        outcome.out = replies::kInvalidCommand;
        mailState_ = MailState::Start;
        login_.clear();
        sasl_.reset();
    }
    step.output = outcome.out;

    if (sasl_.inProgress()) {
        parser_.expectContinuation();  // the next line is a SASL response, not a command
    } else {
        parser_.resetToStart();
    }
    input_.resetIfConsumed();

    step.kind = quit_ ? ClientStep::Close : ClientStep::Reply;
    awaitingRead_ = input_.consumed();
    return step;
}

Pop3ClientProtocol::Outcome Pop3ClientProtocol::handleCommand() {
    if (sasl_.inProgress()) return handleContinuation();
    return mailState_ == MailState::User ? handleUserCommand() : handleStartCommand();
}

bool Pop3ClientProtocol::loginBlockedByStartTlsOnly() const {
    return starttls_ == config::StartTls::Only && !tlsActive_;
}

Pop3ClientProtocol::Outcome Pop3ClientProtocol::handleStartCommand() {
    const std::vector<std::string>& args = parser_.arguments();
    Outcome outcome;

    switch (parser_.command()) {
        case Pop3Command::User:
            if (loginBlockedByStartTlsOnly() || args.size() != 1) return invalid();
            login_ = args[0];
            sasl_.noteLogin(login_);  // nginx's s->login, shown in later log lines
            mailState_ = MailState::User;
            return outcome;

        case Pop3Command::Capa:
            outcome.out = capabilities_->capa(tlsActive_, true);
            return outcome;

        case Pop3Command::Apop:
            if (loginBlockedByStartTlsOnly() || args.size() != 2) return invalid();
            if (!(authMethods_ & config::kAuthApop)) return invalid();
            // The digest is not checked here: auth_http gets it with the salt.
            return authenticateWith("apop", args[0], args[1], salt_);

        case Pop3Command::Auth:
            return handleAuth();

        case Pop3Command::Quit:
            quit_ = true;
            return outcome;

        case Pop3Command::Noop:
            return outcome;

        case Pop3Command::Stls:
            if (tlsActive_ || starttls_ == config::StartTls::Off) return invalid();
            // Bytes after STLS are thrown away: they could be injected commands.
            input_.discard();
            startTlsRequested_ = true;
            return outcome;

        case Pop3Command::Pass:
        case Pop3Command::None:
            break;
    }
    return invalid();
}

Pop3ClientProtocol::Outcome Pop3ClientProtocol::handleUserCommand() {
    const std::vector<std::string>& args = parser_.arguments();
    Outcome outcome;

    switch (parser_.command()) {
        case Pop3Command::Pass:
            if (args.size() != 1) return invalid();
            return authenticateWith("plain", login_, args[0], std::string());

        case Pop3Command::Capa:
            outcome.out = capabilities_->capa(tlsActive_, false);  // never STLS here (quirk 10)
            return outcome;

        case Pop3Command::Quit:
            quit_ = true;
            return outcome;

        case Pop3Command::Noop:
            return outcome;

        default:
            break;
    }
    return invalid();
}

Pop3ClientProtocol::Outcome Pop3ClientProtocol::handleAuth() {
    if (loginBlockedByStartTlsOnly()) return invalid();
    if (parser_.arguments().empty()) {
        Outcome outcome;
        outcome.out = capabilities_->methods();
        return outcome;
    }
    return fromSasl(sasl_.start(parser_.arguments()));
}

Pop3ClientProtocol::Outcome Pop3ClientProtocol::handleContinuation() {
    // A continuation line split at spaces: only its first part counts.
    const std::vector<std::string>& args = parser_.arguments();
    return fromSasl(sasl_.respond(args.empty() ? std::string_view() : args[0]));
}

Pop3ClientProtocol::Outcome Pop3ClientProtocol::fromSasl(sasl::SaslStep step) {
    switch (step.kind) {
        case sasl::SaslStep::Prompt: {
            Outcome prompt;
            prompt.out = step.prompt.line(replies::kChallengePrefix);
            return prompt;
        }
        case sasl::SaslStep::Complete: {
            sasl::SaslCredentials& done = step.credentials;
            return authenticateWith(std::move(done.method), std::move(done.login), std::move(done.password),
                                    std::move(done.salt));
        }
        case sasl::SaslStep::Reject:
            break;
    }
    return invalid(std::move(step.infoLog));
}

Pop3ClientProtocol::Outcome Pop3ClientProtocol::authenticateWith(std::string method, std::string login,
                                                                 std::string password, std::string salt) {
    Outcome outcome;
    outcome.result = Outcome::Authenticate;
    outcome.credentials.method = std::move(method);
    outcome.credentials.login = std::move(login);
    outcome.credentials.password = std::move(password);
    outcome.credentials.salt = std::move(salt);
    mailState_ = MailState::Start;
    login_.clear();
    return outcome;
}

std::string Pop3ClientProtocol::loginFailedReply(const std::string& text, const std::string& /*errorCode*/) {
    return replies::kErrorPrefix + text + "\r\n";
}

void Pop3ClientProtocol::resetAfterFailedLogin() {
    // Back to START: a client that used USER/PASS must send USER again.
    mailState_ = MailState::Start;
    login_.clear();
    sasl_.reset();
    parser_.resetToStart();
}

std::string Pop3ClientProtocol::internalErrorReply() const { return replies::kInternalError; }

std::string Pop3ClientProtocol::takeUnconsumedInput() { return input_.takeUnconsumed(); }

std::unique_ptr<mail::BackendLogin> Pop3ClientProtocol::makeBackendLogin(
    const mail::Credentials& effective, const mail::ClientContext& /*client*/) {
    return std::make_unique<Pop3BackendLogin>(effective.login, effective.password, proxyPassErrorMessage_);
}

bool Pop3ClientProtocol::takeStartTlsRequest() {
    const bool requested = startTlsRequested_;
    startTlsRequested_ = false;
    return requested;
}

}  // namespace mailwire::pop3
