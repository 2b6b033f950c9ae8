#include "imap/ImapClientProtocol.h"

#include <algorithm>

#include "imap/ImapBackendLogin.h"
#include "imap/ImapReplies.h"
#include "sasl/Salt.h"
#include "sasl/SaslPayloads.h"

namespace mailwire::imap {

using mail::ClientStep;

ImapClientProtocol::ImapClientProtocol(const config::ServerConfig& server,
                                       std::function<std::string()> makeSalt)
    : maxErrors_(server.maxErrors),
      authMethods_(server.imapAuth),
      starttls_(server.starttls),
      proxyPassErrorMessage_(server.proxyPassErrorMessage),
      makeSalt_(std::move(makeSalt)),
      capabilities_(server),
      bufferSize_(server.imapClientBuffer) {}

std::string ImapClientProtocol::greeting() { return replies::kGreeting; }

char* ImapClientProtocol::readSpace(size_t& room) {
    awaitingRead_ = false;
    if (buffer_.empty()) buffer_.resize(bufferSize_);  // like nginx, only once the client sends something
    room = bufferSize_ - last_;
    return buffer_.data() + last_;
}

void ImapClientProtocol::commitRead(size_t bytes) { last_ = std::min(last_ + bytes, bufferSize_); }

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

    const ImapParseEvent event = parser_.parse(buffer_.data(), pos_, last_);
    Outcome outcome;
    switch (event.kind) {
        case ImapParseEvent::NeedMore:
            if (last_ < bufferSize_) return step;
            // Full buffer, unfinished command: reply and close; this is not counted as an error.
            outcome = invalid("client sent too long command \"" + std::string(buffer_.data(), last_) + "\"");
            quit_ = true;
            break;
        case ImapParseEvent::LiteralContinuation:
            step.kind = ClientStep::Reply;
            step.output = replies::kLiteralContinue;
            awaitingRead_ = pos_ == last_;
            return step;
        case ImapParseEvent::Invalid:
            outcome = invalid();
            if (++errors_ >= maxErrors_) {
                outcome.infoLog = "client sent too many invalid commands";
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
        if (pos_ == last_) pos_ = last_ = 0;
        parser_.resetToStart();
        step.kind = ClientStep::Authenticate;
        step.credentials = std::move(outcome.credentials);
        return step;
    }

    if (outcome.result == Outcome::Invalid) {
        outcome.out = replies::kInvalidCommand;
        mailState_ = MailState::Start;
        pendingLogin_.clear();
    }
    step.output = outcome.tagged ? outcome.text + currentTag() + outcome.out : outcome.out;

    parser_.clearArguments();
    if (outcome.result == Outcome::Continue && parser_.inContinuation()) {
        // A SASL continuation follows: the tag is kept, and so is the buffer it was read into.
    } else {
        if (pos_ == last_) pos_ = last_ = 0;
        parser_.resetToStart();
    }

    step.kind = quit_ ? ClientStep::Close : ClientStep::Reply;
    awaitingRead_ = pos_ == last_;
    return step;
}

ImapClientProtocol::Outcome ImapClientProtocol::handleCommand() {
    if (mailState_ == MailState::Start) return handleStartCommand();
    return handleContinuation();
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
            outcome.text = capabilities_.line(tlsActive_);
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
            pos_ = last_ = 0;
            startTlsRequested_ = true;
            return outcome;

        case ImapCommand::None:
            break;
    }
    return invalid();
}

ImapClientProtocol::Outcome ImapClientProtocol::handleAuthenticate() {
    if (loginBlockedByStartTlsOnly()) return invalid();
    const std::vector<std::string>& args = parser_.arguments();
    if (args.empty()) return invalid();

    Outcome prompt;
    prompt.result = Outcome::Continue;
    prompt.tagged = false;

    switch (sasl::parseMechanism(args[0])) {
        case sasl::SaslMechanism::Login:
            // Accepted whether or not imap_auth lists it, as in nginx.
            if (args.size() == 1) {
                mailState_ = MailState::AuthLoginUsername;
                prompt.out = replies::kUsernamePrompt;
                return prompt;
            }
            if (args.size() == 2) {
                sasl::SaslOutcome user = sasl::decodeAuthLoginUsername(args[1]);
                if (!user.ok) return invalid(user.infoLog);
                pendingLogin_ = std::move(user.login);
                mailState_ = MailState::AuthLoginPassword;
                prompt.out = replies::kPasswordPrompt;
                return prompt;
            }
            return invalid();

        case sasl::SaslMechanism::Plain:
            // Accepted whether or not imap_auth lists it, as in nginx.
            if (args.size() == 1) {
                mailState_ = MailState::AuthPlain;
                prompt.out = replies::kPlainPrompt;
                return prompt;
            }
            if (args.size() == 2) {
                sasl::SaslOutcome plain = sasl::decodeAuthPlain(args[1]);
                if (!plain.ok) return invalid(plain.infoLog);
                return authenticateWith("plain", std::move(plain.login), std::move(plain.password),
                                        std::string());
            }
            return invalid();

        case sasl::SaslMechanism::CramMd5:
            if (args.size() != 1) return invalid();  // no initial response allowed
            if (!(authMethods_ & config::kAuthCramMd5)) return invalid();
            mailState_ = MailState::AuthCramMd5;
            prompt.out = sasl::cramMd5Challenge(replies::kChallengePrefix, salt());
            return prompt;

        case sasl::SaslMechanism::External:
            if (args.size() == 1) {
                if (!(authMethods_ & config::kAuthExternal)) return invalid();
                mailState_ = MailState::AuthExternal;
                prompt.out = replies::kUsernamePrompt;
                return prompt;
            }
            if (args.size() == 2) {
                // nginx decodes an initial response before it looks at imap_auth, so this form is accepted
                // even with EXTERNAL disabled (auth_http still decides).
                sasl::SaslOutcome external = sasl::decodeAuthExternal(args[1]);
                if (!external.ok) return invalid(external.infoLog);
                return authenticateWith("external", std::move(external.login), std::string(), std::string());
            }
            return invalid();

        case sasl::SaslMechanism::Unknown:
            break;
    }
    return invalid();
}

ImapClientProtocol::Outcome ImapClientProtocol::handleContinuation() {
    const std::vector<std::string>& args = parser_.arguments();
    const std::string response = args.empty() ? std::string() : args[0];

    switch (mailState_) {
        case MailState::AuthLoginUsername: {
            sasl::SaslOutcome user = sasl::decodeAuthLoginUsername(response);
            if (!user.ok) {
                Outcome rejected = invalid(user.infoLog);
                rejected.tagged = false;  // quirk 7: a bare "BAD invalid command\r\n"
                return rejected;
            }
            pendingLogin_ = std::move(user.login);
            mailState_ = MailState::AuthLoginPassword;
            Outcome prompt;
            prompt.result = Outcome::Continue;
            prompt.tagged = false;
            prompt.out = replies::kPasswordPrompt;
            return prompt;
        }
        case MailState::AuthLoginPassword: {
            sasl::SaslOutcome password = sasl::decodeAuthLoginPassword(response);
            if (!password.ok) return invalid(password.infoLog);
            return authenticateWith("plain", pendingLogin_, std::move(password.password), std::string());
        }
        case MailState::AuthPlain: {
            sasl::SaslOutcome plain = sasl::decodeAuthPlain(response);
            if (!plain.ok) return invalid(plain.infoLog);
            return authenticateWith("plain", std::move(plain.login), std::move(plain.password),
                                    std::string());
        }
        case MailState::AuthCramMd5: {
            sasl::SaslOutcome cram = sasl::decodeAuthCramMd5(response);
            if (!cram.ok) return invalid(cram.infoLog);
            return authenticateWith("cram-md5", std::move(cram.login), std::move(cram.password), salt());
        }
        case MailState::AuthExternal: {
            sasl::SaslOutcome external = sasl::decodeAuthExternal(response);
            if (!external.ok) return invalid(external.infoLog);
            return authenticateWith("external", std::move(external.login), std::string(), std::string());
        }
        case MailState::Start:
            break;
    }
    return invalid();
}

ImapClientProtocol::Outcome ImapClientProtocol::authenticateWith(const char* method, std::string login,
                                                                 std::string password, std::string salt) {
    Outcome outcome;
    outcome.result = Outcome::Authenticate;
    outcome.credentials.method = method;
    outcome.credentials.login = std::move(login);
    outcome.credentials.password = std::move(password);
    outcome.credentials.salt = std::move(salt);
    mailState_ = MailState::Start;
    pendingLogin_.clear();
    return outcome;
}

const std::string& ImapClientProtocol::salt() {
    if (!saltMade_) {
        salt_ = makeSalt_ ? makeSalt_() : std::string();
        saltMade_ = true;
    }
    return salt_;
}

std::string ImapClientProtocol::loginFailedReply(const std::string& text, const std::string& /*errorCode*/) {
    return loginTag_ + "NO " + text + "\r\n";
}

void ImapClientProtocol::resetAfterFailedLogin() {
    mailState_ = MailState::Start;
    pendingLogin_.clear();
    // nginx keeps a stale tag pointing into the reused buffer here (quirk 8); a fresh line starts clean
    // instead.
    parser_.resetToStart();
}

std::string ImapClientProtocol::internalErrorReply() const { return replies::kInternalError; }

std::string ImapClientProtocol::takeUnconsumedInput() {
    std::string rest(buffer_.data() + pos_, last_ - pos_);
    pos_ = last_ = 0;
    return rest;
}

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
