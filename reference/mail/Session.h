// One client session: greeting, pre-auth dialogue (through a ClientProtocol), the auth_http request,
// the backend login (through a BackendLogin), then the relay. It talks to the world only through the
// seams in SessionDeps, so tests drive it with mocks and no sockets.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "auth/AuthClient.h"
#include "backend/BackendConnector.h"
#include "backend/Relay.h"
#include "config/MailConfig.h"
#include "core/Connection.h"
#include "core/Log.h"
#include "core/Timers.h"
#include "mail/ClientProtocol.h"
#include "resolver/ClientHostResolver.h"
#include "tls/TlsConnection.h"

namespace mailwire::mail {

// How the client reached the proxy: its listener's options and the addresses accept() gave.
struct ClientOrigin {
    bool implicitTls = false;    // listen ... ssl
    bool proxyProtocol = false;  // listen ... proxy_protocol
    int peerFamily = 0;          // AF_INET, AF_INET6, AF_UNIX
    uint16_t peerPort = 0;
    int localFamily = 0;
    std::string localIp;  // the listening socket's address, for the PROXY header to backends
    uint16_t localPort = 0;
};

struct SessionDeps {
    core::Timers& timers;
    core::Log& log;
    backend::BackendConnector& backends;
    std::function<std::unique_ptr<auth::AuthClient>()> makeAuthClient;
    std::function<void()>
        finished;  // the session is done; its owner may destroy it (not from inside this call)
    // SMTP with `resolver` configured; empty when resolver is off (the host is then "[UNAVAILABLE]").
    std::function<std::unique_ptr<resolver::ClientHostResolver>()> makeResolver = nullptr;
    // Servers with TLS: wraps the client connection for a handshake (implicit TLS or STARTTLS).
    std::function<std::unique_ptr<tls::TlsConnection>(std::unique_ptr<core::Connection>)> secure = nullptr;
};

class Session : private core::ConnectionHandler {
  public:
    Session(uint64_t id, SessionDeps deps, std::unique_ptr<core::Connection> client,
            std::shared_ptr<const config::ServerConfig> server, std::string listenText,
            std::unique_ptr<ClientProtocol> protocol, ClientOrigin origin = {});
    ~Session() override;
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    void start();  // sends the greeting and arms `timeout`
    void shutdown(
        const std::string& reason = {});  // closes both sides at once (TERM, worker_shutdown_timeout)

    enum class Phase {
        ProxyHeader,
        TlsHandshake,
        Resolving,
        GreetingDelay,
        PreAuth,
        Auth,
        AuthWait,
        BackendLogin,
        Relay,
        Closing,
        Done
    };
    Phase phase() const { return phase_; }

  private:
    class BackendSide;

    // before the greeting: the PROXY header, implicit TLS
    void readProxyHeader();
    void afterProxyHeader();
    void startTls(bool afterStartTls);
    void onHandshakeDone(const tls::HandshakeResult& result, bool afterStartTls);
    bool clientCertificateAccepted();
    void beginProtocol();

    // before the greeting (SMTP)
    void onClientHostKnown(const std::string& host);
    void sendGreeting();
    void rejectBeforeGreeting();

    // client side
    void onReadable() override;
    void onWriteDrained() override;
    void onWriteFailed(const std::string& error) override;
    void processClientInput();

    // auth_http
    void startAuth(const Credentials& credentials);
    void sendAuthRequest();
    void onAuthOutcome(const auth::AuthOutcome& outcome);
    void logAuthFailure(const auth::AuthOutcome& outcome);

    // backend
    void connectBackend(const std::string& ip, unsigned short port);
    std::string proxyHeaderForBackend() const;
    void onBackendConnectFailed(const core::ConnectFailure& failure);
    void onBackendReadable();
    void onBackendLoginStep(const BackendStep& step);
    void startRelay(const std::string& finalReply);
    void releaseLoginState();
    void onRelayEnded(backend::Relay::End end, const std::string& detail);

    // endings
    void failInternal();  // the protocol's internal error, then close
    void closeAfterWrite(const std::string& finalBytes);
    void finish();
    void armPreAuthTimer();
    void onClientTimedOut();
    void cancelTimer(core::TimerId& id);

    void enter(Phase next);
    void toClient(std::string_view bytes);
    void debugBytes(const char* what, std::string_view bytes);
    void logInfo(const std::string& message) { log(core::LogLevel::Info, message); }
    void logWithoutAction(const std::string& message);
    void logError(const std::string& message) { log(core::LogLevel::Error, message); }
    void log(core::LogLevel level, const std::string& message);

    uint64_t id_;
    SessionDeps deps_;
    std::unique_ptr<core::Connection> client_;
    std::shared_ptr<const config::ServerConfig> server_;
    std::string listenText_;
    std::unique_ptr<ClientProtocol> protocol_;
    ClientOrigin origin_;

    // The client as nginx names it: the peer, or the PROXY header's source when realip trusts the peer.
    std::string clientIp_;
    uint16_t clientPort_ = 0;
    int clientFamily_ = 0;
    bool proxyHeaderHasAddresses_ = false;  // then Proxy-Protocol-* go to auth_http
    std::string proxySourceIp_, proxyDestinationIp_;
    uint16_t proxySourcePort_ = 0, proxyDestinationPort_ = 0;

    tls::TlsConnection* tls_ = nullptr;   // client_ itself once TLS is up
    bool usingStartTls_ = false;          // the log context says "using starttls"
    bool startTlsPending_ = false;        // STARTTLS accepted; the handshake starts when its reply is out
    bool startTlsAwaitingHello_ = false;  // ... started, and no handshake byte has come yet

    Phase phase_ = Phase::PreAuth;
    std::string action_ = "sending client greeting line";  // the log's "while ..." part

    std::unique_ptr<resolver::ClientHostResolver> resolver_;
    std::string clientHost_;  // SMTP: Client-Host and XCLIENT NAME=

    Credentials credentials_;
    int loginAttempt_ = 0;
    std::string authRequestBytes_;
    std::unique_ptr<auth::AuthClient> authClient_;

    std::unique_ptr<BackendSide> backendSide_;
    std::unique_ptr<core::Connection> backend_;
    std::unique_ptr<BackendLogin> backendLogin_;
    std::unique_ptr<backend::Relay> relay_;  // proxy mode; owns both connections' handlers meanwhile
    std::string backendReply_;  // bytes of the backend reply being read during login (capped at proxy_buffer)
    std::string upstream_;      // "127.0.0.1:1143" for log lines
    std::string login_;         // for log lines once known

    core::TimerId timeoutTimer_ = 0;  // `timeout` (pre-auth, backend login, stalled final writes)
    core::TimerId waitTimer_ = 0;     // Auth-Wait
};

}  // namespace mailwire::mail
