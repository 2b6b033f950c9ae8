#include "mail/Session.h"

#include <sys/socket.h>

#include "auth/AuthReply.h"
#include "auth/AuthRequest.h"
#include "core/ScratchBuffer.h"
#include "core/TcpConnection.h"

namespace mailwire::mail {

// Forwards the backend connection's events to the session (the session itself handles the client's).
class Session::BackendSide : public core::ConnectionHandler {
  public:
    explicit BackendSide(Session& session) : session_(session) {}
    void onReadable() override { session_.onBackendReadable(); }
    void onConnected() override {}
    void onConnectFailed(const core::ConnectFailure& failure) override {
        session_.onBackendConnectFailed(failure);
    }
    void onWriteFailed(const std::string& error) override {
        session_.onBackendConnectFailed({core::ConnectFailure::Failed, error});
    }

  private:
    Session& session_;
};

Session::Session(uint64_t id, SessionDeps deps, std::unique_ptr<core::Connection> client,
                 std::shared_ptr<const config::ServerConfig> server, std::string listenText,
                 std::unique_ptr<ClientProtocol> protocol, ClientOrigin origin)
    : id_(id),
      deps_(std::move(deps)),
      client_(std::move(client)),
      server_(std::move(server)),
      listenText_(std::move(listenText)),
      protocol_(std::move(protocol)),
      origin_(std::move(origin)),
      clientIp_(client_->peerIp()),
      clientPort_(origin_.peerPort),
      clientFamily_(origin_.peerFamily) {
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
    line += ", client: " + clientIp_ + (usingStartTls_ ? " using starttls" : "") + ", server: " + listenText_;
    // Before authentication the protocol knows the login nginx would show (USER, a decoded SASL user name).
    // Before authentication a login being typed (USER, a SASL user name) wins over one that already failed.
    const std::string typed = phase_ == Phase::PreAuth ? protocol_->loginForLog() : std::string();
    const std::string login = !typed.empty()    ? typed
                              : !login_.empty() ? login_
                              : protocol_       ? protocol_->loginForLog()
                                                : std::string();
    if (!login.empty()) line += ", login: \"" + login + "\"";
    if (!upstream_.empty()) line += ", upstream: " + upstream_;
    deps_.log.write(level, line);
}

namespace {

const char* phaseName(Session::Phase phase) {
    switch (phase) {
        case Session::Phase::ProxyHeader:
            return "reading PROXY header";
        case Session::Phase::TlsHandshake:
            return "TLS handshake";
        case Session::Phase::Resolving:
            return "resolving the client's name";
        case Session::Phase::GreetingDelay:
            return "greeting delay";
        case Session::Phase::PreAuth:
            return "reading commands";
        case Session::Phase::Auth:
            return "asking auth_http";
        case Session::Phase::AuthWait:
            return "waiting (Auth-Wait)";
        case Session::Phase::BackendLogin:
            return "logging in to the backend";
        case Session::Phase::Relay:
            return "relaying";
        case Session::Phase::Closing:
            return "sending the last reply";
        case Session::Phase::Done:
            return "done";
    }
    return "?";
}

}  // namespace

// Debug lines (error_log ... debug) follow a session step by step, for learners; never at other levels.
void Session::enter(Phase next) {
    if (phase_ != next) log(core::LogLevel::Debug, std::string("mail state: ") + phaseName(next));
    phase_ = next;
}

void Session::debugBytes(const char* what, std::string_view bytes) {
    if (deps_.log.enabled(core::LogLevel::Debug))
        log(core::LogLevel::Debug, std::string(what) + ": \"" + core::visibleBytes(bytes) + "\"");
}

void Session::toClient(std::string_view bytes) {
    if (bytes.empty()) return;
    debugBytes("mail send to client", bytes);
    client_->write(bytes);
}

void Session::cancelTimer(core::TimerId& id) {
    if (id != 0) deps_.timers.cancelTimer(id);
    id = 0;
}

void Session::armPreAuthTimer() {
    cancelTimer(timeoutTimer_);
    timeoutTimer_ = deps_.timers.addTimer(server_->timeout, [this] {
        timeoutTimer_ = 0;
        onClientTimedOut();
    });
}

void Session::onClientTimedOut() {
    if (phase_ == Phase::TlsHandshake) {
        if (startTlsAwaitingHello_) {
            // nginx's STARTTLS state wakes on the timer as on data: it tries the handshake, finds nothing,
            // and waits one more `timeout` (seen on nginx 1.22: closed after twice the timeout).
            startTlsAwaitingHello_ = false;
            usingStartTls_ = true;
            action_ = "in starttls state";
            armPreAuthTimer();
            return;
        }
        finish();  // an unfinished handshake ends without a log line
        return;
    }
    logInfo("client timed out (110: Connection timed out)");
    finish();
}

void Session::start() {
    if (origin_.proxyProtocol) {
        // The PROXY header comes first, under `timeout` (spec 10).
        enter(Phase::ProxyHeader);
        action_ = "reading PROXY protocol";
        armPreAuthTimer();
        client_->setReadInterest(true);
        return;
    }
    afterProxyHeader();
}

void Session::beginProtocol() {
    if (!protocol_->wantsClientHost()) {
        sendGreeting();
        return;
    }
    if (!deps_.makeResolver) {
        onClientHostKnown("[UNAVAILABLE]");
        return;
    }
    if (clientFamily_ == AF_UNIX) {  // nothing to look up for a unix-domain client (spec 6.1)
        onClientHostKnown("[TEMPUNAVAIL]");
        return;
    }
    // The client is not read while its name is looked up.
    enter(Phase::Resolving);
    action_ = "in resolving client address";
    client_->setReadInterest(false);
    resolver_ = deps_.makeResolver();
    resolver_->start(clientIp_,
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
    enter(Phase::GreetingDelay);
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
    enter(Phase::PreAuth);
    toClient(protocol_->greeting());
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
        case Phase::ProxyHeader:
            readProxyHeader();
            return;
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
                debugBytes("mail read from client", std::string_view(space, result.bytes));
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
                toClient(step.output);
                if (protocol_->takeStartTlsRequest() && deps_.secure) {
                    // The handshake starts once the STARTTLS reply is out; nothing more is read meanwhile.
                    startTlsPending_ = true;
                    client_->setReadInterest(false);
                    if (client_->pendingWrite() == 0) startTls(true);
                    return;
                }
                continue;
            case ClientStep::Close:
                closeAfterWrite(step.output);
                return;
            case ClientStep::Authenticate:
                if (!step.output.empty()) toClient(step.output);
                startAuth(step.credentials);
                return;
        }
    }
}

void Session::onWriteDrained() {
    switch (phase_) {
        case Phase::PreAuth:
            if (startTlsPending_) {
                startTls(true);
                return;
            }
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
    enter(Phase::Auth);
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
    request.clientIp = clientIp_;
    request.clientHost = clientHost_;
    if (proxyHeaderHasAddresses_) {
        request.hasProxyProtocol = true;
        request.proxyProtocolAddr = proxySourceIp_;
        request.proxyProtocolPort = std::to_string(proxySourcePort_);
        request.proxyProtocolServerAddr = proxyDestinationIp_;
        request.proxyProtocolServerPort = std::to_string(proxyDestinationPort_);
    }
    if (tls_) {
        const tls::TlsDetails& details = tls_->details();
        request.ssl = true;
        request.sslProtocol = details.protocol;
        request.sslCipher = details.cipher;
        if (server_->ssl.verifyClient != config::VerifyClient::Off) {
            request.sslVerify = details.verify;
            request.sslSubject = details.subject;
            request.sslIssuer = details.issuer;
            request.sslSerial = details.serial;
            request.sslFingerprint = details.fingerprint;
            if (server_->authHttpPassClientCert) request.sslCert = details.pem;
        }
    }
    request.smtpHelo = credentials.smtpHelo;
    request.smtpFrom = credentials.smtpFrom;
    request.smtpTo = credentials.smtpTo;
    authRequestBytes_ = auth::buildAuthRequest(request, server_->authHttp, server_->authHttpHeaders);
    sendAuthRequest();
}

void Session::sendAuthRequest() {
    debugBytes("mail auth http request", authRequestBytes_);
    authClient_ = deps_.makeAuthClient();
    authClient_->start(authRequestBytes_,
                       [this](const auth::AuthOutcome& outcome) { onAuthOutcome(outcome); });
}

void Session::onAuthOutcome(const auth::AuthOutcome& outcome) {
    if (deps_.log.enabled(core::LogLevel::Debug)) {
        const auth::AuthReply& reply = outcome.reply;
        log(core::LogLevel::Debug,
            "mail auth http reply: " +
                (outcome.status == auth::AuthOutcome::Replied
                     ? "Auth-Status: \"" + reply.status.value_or("") + "\", Auth-Server: \"" +
                           reply.server.value_or("") + "\", Auth-Port: \"" + reply.port.value_or("") +
                           "\", Auth-Wait: " + std::to_string(reply.waitSeconds)
                     : std::string("none (") + (outcome.error.empty() ? outcome.detail : outcome.error) +
                           ")"));
    }
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
            enter(Phase::AuthWait);
            waitTimer_ = deps_.timers.addTimer(std::chrono::seconds(decision.waitSeconds), [this] {
                waitTimer_ = 0;
                enter(Phase::Auth);
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
            enter(Phase::AuthWait);
            waitTimer_ = deps_.timers.addTimer(std::chrono::seconds(decision.waitSeconds), [this, reply] {
                waitTimer_ = 0;
                enter(Phase::PreAuth);
                action_ = "in auth state";
                protocol_->resetAfterFailedLogin();
                toClient(reply);  // nginx keeps the failed login for its log lines until a new one is typed
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
            backendLogin_ = protocol_->makeBackendLogin(effective, ClientContext{clientIp_, clientHost_});
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
            // No free connection in the worker's pool (worker_connections): nginx says so at alert level.
            log(outcome.connectFailure == core::ConnectFailure::PoolExhausted ? core::LogLevel::Alert
                                                                              : core::LogLevel::Error,
                outcome.error);
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
    enter(Phase::BackendLogin);
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
    // proxy_protocol on|v2: the header goes out first, in one write, before the greeting is read (spec 8.2).
    if (server_->proxyProtocol != config::ProxyProtocolOut::Off) {
        action_ = "sending PROXY protocol header to upstream";
        backend_->write(proxyHeaderForBackend());
    }
    // nginx's log says "connecting to upstream" until its first read from the backend: a connect that hangs
    // times out with that action.
}

void Session::onBackendConnectFailed(const core::ConnectFailure& failure) {
    // A refused non-blocking connect is learnt from the first read, and logged while reading (spec 8.1).
    if (failure.kind == core::ConnectFailure::RefusedOnRead) action_ = "reading response from upstream";
    log(failure.kind == core::ConnectFailure::PoolExhausted ? core::LogLevel::Alert : core::LogLevel::Error,
        failure.text);
    failInternal();
}

void Session::onBackendReadable() {
    if (phase_ != Phase::BackendLogin) {
        backend_->setReadInterest(false);
        return;
    }
    // Whatever was last sent, nginx reads (and logs read failures) "while reading response from upstream".
    action_ = "reading response from upstream";
    const size_t capacity = server_->proxyBuffer;
    const size_t used = backendReply_.size();
    // Read into the worker's scratch space and keep only what came (no zero-filled proxy_buffer per read).
    char* scratch = core::scratchBuffer(capacity);
    const core::ReadResult result = backend_->read(scratch, capacity - used);
    if (result.status == core::ReadResult::Data) backendReply_.append(scratch, result.bytes);
    if (result.status == core::ReadResult::WouldBlock) return;
    if (result.status == core::ReadResult::Eof) {
        failInternal();  // nginx says nothing of a backend that closes during the login
        return;
    }
    if (result.status == core::ReadResult::Error) {
        logError(result.error);
        failInternal();
        return;
    }
    debugBytes("mail read from upstream", std::string_view(backendReply_).substr(used));
    const BackendStep step = backendLogin_->onReply(backendReply_);
    if (step.kind == BackendStep::NeedMore && backendReply_.size() >= capacity) {
        // nginx's buffer ends in the string terminator: it quotes one byte less than it read.
        logError("upstream sent too long response line: \"" + backendReply_.substr(0, capacity - 1) + "\"");
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
            debugBytes("mail send to upstream", step.toBackend);
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
            startRelay(step.toClient);
            return;
    }
}

// ---- relay ----

// The backend's last login reply reaches the client in proxy mode, as in nginx: a client that left meanwhile
// is noticed "while proxying and sending to client", after "client logged in".
void Session::startRelay(const std::string& finalReply) {
    enter(Phase::Relay);
    logWithoutAction("client logged in");
    action_ = "proxying";
    backend::Relay::Settings settings{protocol_->relayBufferSize(), server_->proxyBuffer,
                                      server_->proxyTimeout};
    relay_ = std::make_unique<backend::Relay>(
        *client_, *backend_, deps_.timers, settings,
        [this](backend::Relay::End end, const std::string& detail) { onRelayEnded(end, detail); });
    // Pipelined bytes that followed the login command go to the backend first.
    relay_->start(protocol_->takeUnconsumedInput());
    toClient(finalReply);
    releaseLoginState();
}

// Proxy mode needs nothing the login used: free it, so that an idle proxied session stays small.
void Session::releaseLoginState() {
    protocol_.reset();
    backendLogin_.reset();
    backendSide_.reset();  // the relay handles the backend's events now
    authClient_.reset();
    resolver_.reset();
    credentials_ = Credentials{};
    std::string().swap(authRequestBytes_);
    std::string().swap(backendReply_);
    deps_.makeAuthClient = nullptr;
    deps_.makeResolver = nullptr;
    deps_.secure = nullptr;
}

// nginx logs a failed side with its direction: the client's errors at info, the backend's at error; every
// ending but the timeout is then "proxied session done".
void Session::onRelayEnded(backend::Relay::End end, const std::string& detail) {
    using End = backend::Relay::End;
    switch (end) {
        case End::TimedOut:
            logInfo("client timed out (110: Connection timed out)");
            finish();
            return;
        case End::ClientReadFailed:
            action_ = "proxying and reading from client";
            logInfo(detail);
            break;
        case End::ClientWriteFailed:
            action_ = "proxying and sending to client";
            logInfo(detail);
            break;
        case End::BackendReadFailed:
            action_ = "proxying and reading from upstream";
            logError(detail);
            break;
        case End::BackendWriteFailed:
            action_ = "proxying and sending to upstream";
            logError(detail);
            break;
        case End::Done:
            break;
    }
    logWithoutAction("proxied session done");
    finish();
}

// ---- endings ----

void Session::failInternal() {
    if (!protocol_) {  // proxy mode has no reply of its own to send
        finish();
        return;
    }
    closeAfterWrite(protocol_->internalErrorReply());
}

void Session::closeAfterWrite(const std::string& finalBytes) {
    if (phase_ == Phase::Closing || phase_ == Phase::Done) return;
    enter(Phase::Closing);
    cancelTimer(waitTimer_);
    if (authClient_) authClient_->cancel();
    if (backend_) {
        backend_->setHandler(nullptr);
        backend_->close();
    }
    toClient(finalBytes);
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
    enter(Phase::Done);
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
