#include "imap/ImapClientProtocol.h"

#include "imap/ImapBackendLogin.h"
#include "imap/ImapReplies.h"

namespace mailwire::imap {

using mail::ClientStep;

ImapClientProtocol::ImapClientProtocol(const config::ServerConfig& server,
                                       std::function<std::string()> makeSalt,
                                       std::shared_ptr<const ImapCapabilities> capabilities)
    : starttls_(server.starttls),
      proxyPassErrorMessage_(server.proxyPassErrorMessage),
      capabilities_(capabilities ? std::move(capabilities) : std::make_shared<ImapCapabilities>(server)),
      sasl_(sasl::SaslMechanisms{(server.imapAuth & config::kAuthCramMd5) != 0,
                                 (server.imapAuth & config::kAuthExternal) != 0},
            std::move(makeSalt)),
      input_(server.imapClientBuffer, server.maxErrors) {}

std::string ImapClientProtocol::greeting() { return replies::kGreeting; }

char* ImapClientProtocol::readSpace(size_t& room) {
    awaitingRead_ = false;
    return input_.readSpace(room);
}

void ImapClientProtocol::commitRead(size_t bytes) { input_.commitRead(bytes); }

std::string ImapClientProtocol::currentTag() const {
    return parser_.tag().empty() ? std::string(replies::kNoTag) : parser_.tag();
}

ImapClientProtocol::Outcome ImapClientProtocol::invalid(std::string infoLog) {
    Outcome outcome;
    outcome.result = Outcome::Invalid;
    outcome.infoLog = std::move(infoLog);
    return outcome;
}

ClientStep ImapClientProtocol::step() {
    ClientStep step;
    if (quit_) {
        step.kind = ClientStep::Close;  // the session should have closed already
        return step;
    }
    if (awaitingRead_) return step;

    const ImapParseEvent event = input_.parseWith(parser_);
    Outcome outcome;
    switch (event.kind) {
        case ImapParseEvent::NeedMore:
            if (!input_.full()) return step;
            // Full buffer, unfinished command: reply and close; this is not counted as an error.
            outcome = invalid(input_.tooLongLog());
            quit_ = true;
            break;
        case ImapParseEvent::LiteralContinuation:
            step.kind = ClientStep::Reply;
            step.output = replies::kLiteralContinue;
            awaitingRead_ = input_.consumed();
            return step;
        case ImapParseEvent::Invalid:
            outcome = invalid();
            if (input_.countParseError()) {
                outcome.infoLog = core::CommandBuffer::kTooManyErrorsLog;
                quit_ = true;
            }
            if (event.closeAfterReply) quit_ = true;
            break;
        case ImapParseEvent::Command:
            outcome = handleCommand();
            break;
    }
    step.infoLog = outcome.infoLog;

    if (outcome.result == Outcome::Authenticate) {
        // The tag stays for the NO reply and the backend LOGIN; unread pipelined bytes stay in the buffer.
        loginTag_ = parser_.tag();
        input_.resetIfConsumed();
        parser_.resetToStart();
        step.kind = ClientStep::Authenticate;
        step.credentials = std::move(outcome.credentials);
        return step;
    }

    if (outcome.result == Outcome::Invalid) {
        outcome.out = replies::kInvalidCommand;
        sasl_.reset();
    }
    step.output = outcome.tagged ? outcome.text + currentTag() + outcome.out : outcome.out;

    parser_.clearArguments();
    if (outcome.result == Outcome::Continue && parser_.inContinuation()) {
        // A SASL continuation follows: the tag is kept, and so is the buffer it was read into.
    } else {
        input_.resetIfConsumed();
        parser_.resetToStart();
    }

    step.kind = quit_ ? ClientStep::Close : ClientStep::Reply;
    awaitingRead_ = input_.consumed();
    return step;
}

ImapClientProtocol::Outcome ImapClientProtocol::handleCommand() {
    return sasl_.inProgress() ? handleContinuation() : handleStartCommand();
}

bool ImapClientProtocol::loginBlockedByStartTlsOnly() const {
    return starttls_ == config::StartTls::Only && !tlsActive_;
}

ImapClientProtocol::Outcome ImapClientProtocol::handleStartCommand() {
    const std::vector<std::string>& args = parser_.arguments();
    Outcome outcome;
    outcome.out = replies::kOk;

    switch (parser_.command()) {
        case ImapCommand::Login:
            if (loginBlockedByStartTlsOnly()) return invalid();
            if (args.size() != 2 || args[0].empty()) return invalid();
            return authenticateWith("plain", args[0], args[1], std::string());

        case ImapCommand::Authenticate:
            return handleAuthenticate();

        case ImapCommand::Capability:
            outcome.text = capabilities_->line(tlsActive_);
            return outcome;

        case ImapCommand::Logout:
            outcome.text = replies::kBye;
            quit_ = true;
            return outcome;

        case ImapCommand::Noop:
            return outcome;

        case ImapCommand::StartTls:
            if (tlsActive_ || starttls_ == config::StartTls::Off) return invalid();
            // Bytes after STARTTLS are thrown away: they could be injected commands.
            input_.discard();
            startTlsRequested_ = true;
            return outcome;

        case ImapCommand::None:
            break;
    }
    return invalid();
}

ImapClientProtocol::Outcome ImapClientProtocol::handleAuthenticate() {
    if (loginBlockedByStartTlsOnly()) return invalid();
    if (parser_.arguments().empty()) return invalid();
    return fromSasl(sasl_.start(parser_.arguments()));
}

ImapClientProtocol::Outcome ImapClientProtocol::handleContinuation() {
    const std::vector<std::string>& args = parser_.arguments();
    const bool usernameStep = sasl_.stage() == sasl::SaslExchange::Stage::LoginUsername;
    Outcome outcome = fromSasl(sasl_.respond(args.empty() ? std::string_view() : args[0]));
    if (usernameStep && outcome.result == Outcome::Invalid) outcome.tagged = false;  // quirk 7: a bare "BAD"
    return outcome;
}

ImapClientProtocol::Outcome ImapClientProtocol::fromSasl(sasl::SaslStep step) {
    switch (step.kind) {
        case sasl::SaslStep::Prompt: {
            Outcome prompt;
            prompt.result = Outcome::Continue;
            prompt.tagged = false;
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

ImapClientProtocol::Outcome ImapClientProtocol::authenticateWith(std::string method, std::string login,
                                                                 std::string password, std::string salt) {
    Outcome outcome;
    outcome.result = Outcome::Authenticate;
    outcome.credentials.method = std::move(method);
    outcome.credentials.login = std::move(login);
    outcome.credentials.password = std::move(password);
    outcome.credentials.salt = std::move(salt);
    return outcome;
}

std::string ImapClientProtocol::loginFailedReply(const std::string& text, const std::string& /*errorCode*/) {
    return loginTag_ + "NO " + text + "\r\n";
}

void ImapClientProtocol::resetAfterFailedLogin() {
    sasl_.reset();
    // nginx keeps a stale tag pointing into the reused buffer here (quirk 8); a fresh line starts clean
    // instead.
    parser_.resetToStart();
}

std::string ImapClientProtocol::internalErrorReply() const { return replies::kInternalError; }

std::string ImapClientProtocol::takeUnconsumedInput() { return input_.takeUnconsumed(); }

std::unique_ptr<mail::BackendLogin> ImapClientProtocol::makeBackendLogin(
    const mail::Credentials& effective, const mail::ClientContext& /*client*/) {
    return std::make_unique<ImapBackendLogin>(loginTag_, effective.login, effective.password,
                                              proxyPassErrorMessage_);
}

bool ImapClientProtocol::takeStartTlsRequest() {
    const bool requested = startTlsRequested_;
    startTlsRequested_ = false;
    return requested;
}

}  // namespace mailwire::imap
