#include "mail/Session.h"

#include "auth/AuthReply.h"
#include "auth/AuthRequest.h"
#include "core/TcpConnection.h"

namespace mailwire::mail {

// Forwards the backend connection's events to the session (the session itself handles the client's).
class Session::BackendSide : public core::ConnectionHandler {
  public:
    explicit BackendSide(Session& session) : session_(session) {}
    void onReadable() override { session_.onBackendReadable(); }
    void onConnected() override {}
    void onConnectFailed(const std::string& error) override { session_.onBackendConnectFailed(error); }
    void onWriteFailed(const std::string& error) override { session_.onBackendConnectFailed(error); }

  private:
    Session& session_;
};

Session::Session(uint64_t id, SessionDeps deps, std::unique_ptr<core::Connection> client,
                 std::shared_ptr<const config::ServerConfig> server, std::string listenText,
                 std::unique_ptr<ClientProtocol> protocol)
    : id_(id),
      deps_(std::move(deps)),
      client_(std::move(client)),
      server_(std::move(server)),
      listenText_(std::move(listenText)),
      protocol_(std::move(protocol)) {
    client_->setHandler(this);
}

Session::~Session() {
    if (resolver_) resolver_->cancel();
    cancelTimer(timeoutTimer_);
    cancelTimer(waitTimer_);
    if (authClient_) authClient_->cancel();
    if (backend_) {
        backend_->setHandler(nullptr);
        backend_->close();
    }
    if (client_) {
        client_->setHandler(nullptr);
        client_->close();
    }
}

void Session::log(core::LogLevel level, const std::string& message) {
    if (!deps_.log.enabled(level)) return;
    std::string line = "*" + std::to_string(id_) + " " + message;
    if (!action_.empty()) line += " while " + action_;
    line += ", client: " + client_->peerIp() + ", server: " + listenText_;
    // Before authentication the protocol knows the login nginx would show (USER, a decoded SASL user name).
    const std::string login = !login_.empty() ? login_ : protocol_->loginForLog();
    if (!login.empty()) line += ", login: \"" + login + "\"";
    if (!upstream_.empty()) line += ", upstream: " + upstream_;
    deps_.log.write(level, line);
}

void Session::cancelTimer(core::TimerId& id) {
    if (id != 0) deps_.timers.cancelTimer(id);
    id = 0;
}

void Session::armPreAuthTimer() {
    cancelTimer(timeoutTimer_);
    timeoutTimer_ = deps_.timers.addTimer(server_->timeout, [this] {
        timeoutTimer_ = 0;
        logInfo("client timed out (110: Connection timed out)");
        finish();
    });
}

void Session::start() {
    if (!protocol_->wantsClientHost()) {
        sendGreeting();
        return;
    }
    if (!deps_.makeResolver) {
        onClientHostKnown("[UNAVAILABLE]");
        return;
    }
    // The client is not read while its name is looked up.
    phase_ = Phase::Resolving;
    action_ = "in resolving client address";
    client_->setReadInterest(false);
    resolver_ = deps_.makeResolver();
    resolver_->start(client_->peerIp(),
                     [this](const std::string& host, const std::vector<resolver::ResolverLog>& errors) {
                         for (const auto& line : errors) {
                             action_ = line.action;
                             logError(line.text);
                         }
                         onClientHostKnown(host);
                     });
}

void Session::onClientHostKnown(const std::string& host) {
    clientHost_ = host;
    const auto delay = protocol_->greetingDelay();
    if (delay.count() <= 0) {
        sendGreeting();
        return;
    }
    // smtp_greeting_delay: a client that talks before the greeting is rejected.
    phase_ = Phase::GreetingDelay;
    action_ = "in delay pipelining state";
    armPreAuthTimer();
    cancelTimer(waitTimer_);
    waitTimer_ = deps_.timers.addTimer(delay, [this] {
        waitTimer_ = 0;
        sendGreeting();
    });
    client_->setReadInterest(true);
}

void Session::sendGreeting() {
    phase_ = Phase::PreAuth;
    client_->write(protocol_->greeting());
    action_ = "in auth state";
    armPreAuthTimer();
    client_->setReadInterest(true);
}

void Session::rejectBeforeGreeting() {
    std::string early(protocol_->relayBufferSize(), '\0');
    const core::ReadResult result = client_->read(early.data(), early.size());
    if (result.status == core::ReadResult::WouldBlock) return;
    if (result.status != core::ReadResult::Data) {
        finish();
        return;
    }
    early.resize(result.bytes);
    for (char& c : early)
        if (c == '\r' || c == '\n') c = '_';
    logInfo("client was rejected before greeting: \"" + early + "\"");
    closeAfterWrite(protocol_->rejectedBeforeGreetingReply());
}

void Session::shutdown(const std::string& reason) {
    if (!reason.empty()) logInfo(reason);
    finish();
}

// ---- client side ----

void Session::onReadable() {
    switch (phase_) {
        case Phase::GreetingDelay:
            rejectBeforeGreeting();
            return;
        case Phase::PreAuth: {
            size_t room = 0;
            char* space = protocol_->readSpace(room);
            if (room > 0) {
                const core::ReadResult result = client_->read(space, room);
                if (result.status == core::ReadResult::WouldBlock) return;
                if (result.status == core::ReadResult::Eof) {
                    finish();  // nginx closes quietly when the client goes away before logging in
                    return;
                }
                if (result.status == core::ReadResult::Error) {
                    logInfo(result.error);
                    finish();
                    return;
                }
                protocol_->commitRead(result.bytes);
            }
            processClientInput();
            return;
        }
        case Phase::Closing: {
            // Discard what the client still says while its final reply drains; notice if it goes away.
            char sink[4096];
            const core::ReadResult result = client_->read(sink, sizeof sink);
            if (result.status == core::ReadResult::Eof || result.status == core::ReadResult::Error) finish();
            return;
        }
        default:
            client_->setReadInterest(false);  // nginx does not read the client during auth or backend login
            return;
    }
}

void Session::processClientInput() {
    while (phase_ == Phase::PreAuth) {
        // One command at a time: the next is parsed only once the previous reply is fully written.
        if (client_->pendingWrite() > 0) {
            client_->setReadInterest(false);
            return;
        }
        ClientStep step = protocol_->step();
        if (!step.infoLog.empty()) logInfo(step.infoLog);
        switch (step.kind) {
            case ClientStep::NeedMore:
                client_->setReadInterest(true);
                return;
            case ClientStep::Reply:
                client_->write(step.output);
                continue;
            case ClientStep::Close:
                closeAfterWrite(step.output);
                return;
            case ClientStep::Authenticate:
                if (!step.output.empty()) client_->write(step.output);
                startAuth(step.credentials);
                return;
        }
    }
}

void Session::onWriteDrained() {
    switch (phase_) {
        case Phase::PreAuth:
            processClientInput();
            return;
        case Phase::Closing:
            finish();
            return;
        default:
            return;
    }
}

void Session::onWriteFailed(const std::string& error) {
    logInfo(error);
    finish();
}

// nginx logs these two with no "while ..." part.
void Session::logWithoutAction(const std::string& message) {
    const std::string action = std::move(action_);
    action_.clear();
    logInfo(message);
    action_ = action;
}

// ---- auth_http ----

void Session::startAuth(const Credentials& credentials) {
    phase_ = Phase::Auth;
    action_ = "in http auth state";
    cancelTimer(timeoutTimer_);
    client_->setReadInterest(false);
    credentials_ = credentials;
    login_ = credentials.login;  // from here on, log lines name the login, as nginx's do
    ++loginAttempt_;

    auth::AuthRequest request;
    request.method = credentials.method;
    request.user = credentials.login;
    request.pass = credentials.password;
    request.salt = credentials.salt;
    request.protocol = protocol_->name();
    request.loginAttempt = loginAttempt_;
    request.clientIp = client_->peerIp();
    request.clientHost = clientHost_;
    request.smtpHelo = credentials.smtpHelo;
    request.smtpFrom = credentials.smtpFrom;
    request.smtpTo = credentials.smtpTo;
    authRequestBytes_ = auth::buildAuthRequest(request, server_->authHttp, server_->authHttpHeaders);
    sendAuthRequest();
}

void Session::sendAuthRequest() {
    authClient_ = deps_.makeAuthClient();
    authClient_->start(authRequestBytes_,
                       [this](const auth::AuthOutcome& outcome) { onAuthOutcome(outcome); });
}

void Session::onAuthOutcome(const auth::AuthOutcome& outcome) {
    if (outcome.status != auth::AuthOutcome::Replied) {
        logAuthFailure(outcome);
        failInternal();
        return;
    }
    // IMAP and POP3 log in to the backend with a password; SMTP can do without one.
    const bool needPassword = std::string(protocol_->name()) != "smtp";
    const bool passwordKnown = credentials_.method == "plain";
    const auth::AuthDecision decision = auth::decideAuth(outcome.reply, passwordKnown, needPassword);
    switch (decision.kind) {
        case auth::AuthDecision::InternalError:
            logError("auth http server " + outcome.peer + " " + decision.logMessage);
            failInternal();
            return;
        case auth::AuthDecision::Retry:
            phase_ = Phase::AuthWait;
            waitTimer_ = deps_.timers.addTimer(std::chrono::seconds(decision.waitSeconds), [this] {
                waitTimer_ = 0;
                phase_ = Phase::Auth;
                sendAuthRequest();
            });
            return;
        case auth::AuthDecision::LoginFailed: {
            logInfo("client login failed: \"" + decision.text + "\"");
            const std::string reply = protocol_->loginFailedReply(decision.text, decision.errorCode);
            if (decision.waitSeconds <= 0) {
                closeAfterWrite(reply);
                return;
            }
            // Auth-Wait: the error comes after the delay, and the client may try again.
            phase_ = Phase::AuthWait;
            waitTimer_ = deps_.timers.addTimer(std::chrono::seconds(decision.waitSeconds), [this, reply] {
                waitTimer_ = 0;
                phase_ = Phase::PreAuth;
                action_ = "in auth state";
                protocol_->resetAfterFailedLogin();
                login_.clear();
                client_->write(reply);
                armPreAuthTimer();
                processClientInput();
            });
            return;
        }
        case auth::AuthDecision::Connect: {
            Credentials effective = credentials_;
            if (outcome.reply.user) effective.login = *outcome.reply.user;
            if (outcome.reply.pass) effective.password = *outcome.reply.pass;
            login_ = effective.login;
            backendLogin_ =
                protocol_->makeBackendLogin(effective, ClientContext{client_->peerIp(), clientHost_});
            connectBackend(decision.backendIp, decision.backendPort);
            return;
        }
    }
}

// The wording nginx uses for each way the exchange can fail (auth/AuthClient.h).
void Session::logAuthFailure(const auth::AuthOutcome& outcome) {
    switch (outcome.status) {
        case auth::AuthOutcome::TimedOut:
        case auth::AuthOutcome::Invalid:
            logError("auth http server " + outcome.peer + " " + outcome.error);
            return;
        case auth::AuthOutcome::ConnectFailed:
            logError(outcome.error);
            return;
        case auth::AuthOutcome::Closed:
            // A clean EOF or an oversized head: nginx logs nothing at error level.
            if (!outcome.error.empty())
                logError(outcome.error);
            else if (!outcome.detail.empty())
                log(core::LogLevel::Debug, "auth http server " + outcome.peer + " " + outcome.detail);
            return;
        case auth::AuthOutcome::Replied:
            return;
    }
}

// ---- backend login ----

void Session::connectBackend(const std::string& ip, unsigned short port) {
    phase_ = Phase::BackendLogin;
    action_ = "connecting to upstream";
    upstream_ = core::formatAddress(ip, port);
    backendSide_ = std::make_unique<BackendSide>(*this);
    // The whole login sequence runs under one `timeout` timer.
    cancelTimer(timeoutTimer_);
    timeoutTimer_ = deps_.timers.addTimer(server_->timeout, [this] {
        timeoutTimer_ = 0;
        logInfo("upstream timed out (110: Connection timed out)");
        failInternal();
    });
    backend_ = deps_.backends.connect(ip, port, backendSide_.get());
    action_ = "reading response from upstream";
}

void Session::onBackendConnectFailed(const std::string& error) {
    logError(error);
    failInternal();
}

void Session::onBackendReadable() {
    if (phase_ != Phase::BackendLogin) {
        backend_->setReadInterest(false);
        return;
    }
    const size_t capacity = server_->proxyBuffer;
    const size_t used = backendReply_.size();
    backendReply_.resize(capacity);
    const core::ReadResult result = backend_->read(&backendReply_[used], capacity - used);
    backendReply_.resize(used + (result.status == core::ReadResult::Data ? result.bytes : 0));
    if (result.status == core::ReadResult::WouldBlock) return;
    if (result.status == core::ReadResult::Eof) {
        logError("upstream prematurely closed connection");
        failInternal();
        return;
    }
    if (result.status == core::ReadResult::Error) {
        logError(result.error);
        failInternal();
        return;
    }
    const BackendStep step = backendLogin_->onReply(backendReply_);
    if (step.kind == BackendStep::NeedMore && backendReply_.size() >= capacity) {
        logError("upstream sent too long response line: \"" + backendReply_ + "\"");
        failInternal();
        return;
    }
    onBackendLoginStep(step);
}

void Session::onBackendLoginStep(const BackendStep& step) {
    switch (step.kind) {
        case BackendStep::NeedMore:
            return;
        case BackendStep::Send:
            backendReply_.clear();
            if (!step.action.empty()) action_ = step.action;
            backend_->write(step.toBackend);
            return;
        case BackendStep::Failed:
            // The failing step may name its own action (SMTP: "no password available" while sending AUTH).
            if (!step.action.empty()) action_ = step.action;
            log(step.logAsError ? core::LogLevel::Error : core::LogLevel::Info, step.logText);
            closeAfterWrite(step.toClient);
            return;
        case BackendStep::Done:
            backendReply_.clear();
            cancelTimer(timeoutTimer_);
            client_->write(step.toClient);
            startRelay();
            return;
    }
}

// ---- relay ----

void Session::startRelay() {
    phase_ = Phase::Relay;
    logWithoutAction("client logged in");
    action_ = "proxying";
    backend::Relay::Settings settings{protocol_->relayBufferSize(), server_->proxyBuffer,
                                      server_->proxyTimeout};
    relay_ =
        std::make_unique<backend::Relay>(*client_, *backend_, deps_.timers, settings,
                                         [this](backend::Relay::End end, const std::string& detail) {
                                             switch (end) {
                                                 case backend::Relay::End::Done:
                                                     logWithoutAction("proxied session done");
                                                     break;
                                                 case backend::Relay::End::TimedOut:
                                                     logInfo("client timed out (110: Connection timed out)");
                                                     break;
                                                 case backend::Relay::End::Failed:
                                                     logInfo(detail);
                                                     break;
                                             }
                                             finish();
                                         });
    // Pipelined bytes that followed the login command go to the backend first.
    relay_->start(protocol_->takeUnconsumedInput());
}

// ---- endings ----

void Session::failInternal() { closeAfterWrite(protocol_->internalErrorReply()); }

void Session::closeAfterWrite(const std::string& finalBytes) {
    if (phase_ == Phase::Closing || phase_ == Phase::Done) return;
    phase_ = Phase::Closing;
    cancelTimer(waitTimer_);
    if (authClient_) authClient_->cancel();
    if (backend_) {
        backend_->setHandler(nullptr);
        backend_->close();
    }
    client_->write(finalBytes);
    if (client_->pendingWrite() == 0) {
        finish();
        return;
    }
    // A client that never reads its last reply must not keep the session forever.
    cancelTimer(timeoutTimer_);
    timeoutTimer_ = deps_.timers.addTimer(server_->timeout, [this] {
        timeoutTimer_ = 0;
        finish();
    });
    client_->setReadInterest(true);
}

void Session::finish() {
    if (phase_ == Phase::Done) return;
    phase_ = Phase::Done;
    relay_.reset();
    cancelTimer(timeoutTimer_);
    cancelTimer(waitTimer_);
    if (authClient_) authClient_->cancel();
    if (resolver_) resolver_->cancel();
    if (backend_) {
        backend_->setHandler(nullptr);
        backend_->close();
    }
    client_->setHandler(nullptr);
    client_->close();
    if (deps_.finished) deps_.finished();
}

}  // namespace mailwire::mail
