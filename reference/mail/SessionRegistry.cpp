#include "mail/SessionRegistry.h"

#include "auth/AuthHttpClient.h"
#include "backend/BackendConnector.h"
#include "mail/ProtocolFactory.h"
#include "mail/Session.h"
#include "resolver/DnsClientHostResolver.h"
#include "resolver/UdpDnsTransport.h"

namespace mailwire::mail {

SessionRegistry::SessionRegistry(core::EventLoop& loop, core::Log& log)
    : loop_(loop), log_(log), backends_(std::make_unique<backend::TcpBackendConnector>(loop)) {}

SessionRegistry::~SessionRegistry() { sessions_.clear(); }

void SessionRegistry::accept(std::unique_ptr<core::TcpConnection> client,
                             std::shared_ptr<const config::ServerConfig> server, const Listen& listen,
                             core::Log* log, std::shared_ptr<tls::TlsContext> tls) {
    const uint64_t id = nextId_++;
    core::Log& sessionLog = log ? *log : log_;
    if (sessionLog.enabled(core::LogLevel::Info))
        sessionLog.write(core::LogLevel::Info, "*" + std::to_string(id) + " client " + client->peerText() +
                                                   " connected to " + listen.text);

    // The session holds `server` for as long as it holds these: a plain pointer is enough, and keeps the
    // closures small enough for std::function to store without allocating.
    const config::ServerConfig* settings = server.get();
    SessionDeps deps{loop_, sessionLog, *backends_,
                     [this, settings] {
                         return std::make_unique<auth::AuthHttpClient>(loop_, settings->authHttp,
                                                                       settings->authHttpTimeout);
                     },
                     [this, id] { finished(id); }};
    if (server->resolverEnabled) {
        deps.makeResolver = [this, settings]() -> std::unique_ptr<resolver::ClientHostResolver> {
            auto transport = std::make_unique<resolver::UdpDnsTransport>(loop_, settings->resolverAddresses,
                                                                         settings->resolverTimeout);
            return std::make_unique<resolver::DnsClientHostResolver>(
                std::move(transport), loop_, settings->resolverIpv4, settings->resolverIpv6);
        };
    }
    if (tls) {
        deps.secure = [this, tls](std::unique_ptr<core::Connection> plain) {
            return std::make_unique<tls::TlsConnection>(std::move(plain), tls, loop_);
        };
    }
    ClientOrigin origin;
    origin.peerFamily = client->peerFamily();
    origin.peerPort = client->peerPort();
    origin.localFamily = client->localFamily();
    origin.localIp = client->localIp();
    origin.localPort = client->localPort();
    origin.implicitTls = listen.ssl || server->sslOn;
    origin.proxyProtocol = listen.proxyProtocol;
    auto protocol = protocols_.make(server);
    auto session = std::make_unique<Session>(id, std::move(deps), std::move(client), server, listen.text,
                                             std::move(protocol), std::move(origin));
    Session& started = *session;
    sessions_.emplace(id, std::move(session));
    started.start();
}

void SessionRegistry::finished(uint64_t id) {
    // Destroy later: the session is still on the stack of the call that finished it.
    loop_.post([this, id] {
        sessions_.erase(id);
        if (sessions_.empty() && whenEmpty_) {
            auto done = std::move(whenEmpty_);
            whenEmpty_ = nullptr;
            done();
        }
    });
}

void SessionRegistry::closeAll(const std::string& reason) {
    for (auto& entry : sessions_) entry.second->shutdown(reason);
}

void SessionRegistry::whenEmpty(std::function<void()> done) {
    if (sessions_.empty()) {
        loop_.post(std::move(done));
        return;
    }
    whenEmpty_ = std::move(done);
}

}  // namespace mailwire::mail
