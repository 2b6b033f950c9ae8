#include "app/Acceptor.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/TcpConnection.h"

namespace mailwire::app {

namespace {

bool isWildcard(const sockaddr_storage& addr) {
    if (addr.ss_family == AF_INET)
        return reinterpret_cast<const sockaddr_in*>(&addr)->sin_addr.s_addr == htonl(INADDR_ANY);
    if (addr.ss_family == AF_INET6)
        return IN6_IS_ADDR_UNSPECIFIED(&reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_addr);
    return true;  // unix-domain: accepted sockets are described by their own getsockname()
}

}  // namespace

Acceptor::Acceptor(core::EventLoop& loop, mail::SessionRegistry& sessions, core::Log& log,
                   int workerConnections)
    : loop_(loop), sessions_(sessions), log_(log), workerConnections_(workerConnections) {}

Acceptor::~Acceptor() { stop(); }

void Acceptor::start(std::shared_ptr<const ListenerSet> listeners, ServerLogs* logs, int workerConnections,
                     std::shared_ptr<const tls::TlsContexts> tls, bool multiAccept) {
    stop();
    tls_ = std::move(tls);
    listeners_ = std::move(listeners);
    logs_ = logs;
    workerConnections_ = workerConnections;
    multiAccept_ = multiAccept;
    // As in nginx, each listening socket takes one of the worker's connections; what is left serves clients,
    // auth_http and backends alike.
    const size_t listening = listeners_->listeners().size();
    const size_t pool = static_cast<size_t>(workerConnections_ > 0 ? workerConnections_ : 0);
    core::TcpConnection::setConnectionPool(pool > listening ? pool - listening : 1, workerConnections_);
    bound_.assign(listeners_->listeners().size(), BoundAddress{});
    for (size_t i = 0; i < bound_.size(); ++i) {
        const Listener& listener = listeners_->listeners()[i];
        BoundAddress& bound = bound_[i];
        socklen_t len = sizeof bound.address;
        bound.specific =
            ::getsockname(listener.socket->fd(), reinterpret_cast<sockaddr*>(&bound.address), &len) == 0 &&
            !isWildcard(bound.address);
        loop_.watch(
            listener.socket->fd(), core::kReadable,
            [this, &listener, &bound](uint32_t) { onReadable(listener, bound); }, core::Trigger::Exclusive);
    }
}

void Acceptor::stop() {
    if (resumeTimer_) loop_.cancelTimer(resumeTimer_);
    resumeTimer_ = 0;
    if (listeners_)
        for (const auto& listener : listeners_->listeners()) loop_.unwatch(listener.socket->fd());
    listeners_.reset();
}

void Acceptor::pauseAfterFailure() {
    // Out of descriptors: stop accepting for a while instead of spinning on a level-triggered socket.
    for (const auto& listener : listeners_->listeners()) loop_.setInterest(listener.socket->fd(), 0);
    resumeTimer_ = loop_.addTimer(core::Millis(500), [this] {
        resumeTimer_ = 0;
        if (listeners_)
            for (const auto& listener : listeners_->listeners())
                loop_.setInterest(listener.socket->fd(), core::kReadable);
    });
}

void Acceptor::onReadable(const Listener& listener, const BoundAddress& bound) {
    // Keeps the set (and `listener`) alive even if a session callback swaps configurations meanwhile.
    auto keep = listeners_;
    while (acceptOne(listener, bound) && multiAccept_) {
    }
}

// False when there is nothing more to accept now.
bool Acceptor::acceptOne(const Listener& listener, const BoundAddress& bound) {
    for (;;) {
        sockaddr_storage peer{};
        socklen_t peerLength = sizeof peer;
        const int fd = ::accept4(listener.socket->fd(), reinterpret_cast<sockaddr*>(&peer), &peerLength,
                                 SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            const int err = errno;
            if (err == EAGAIN || err == EWOULDBLOCK) return false;
            if (err == EINTR || err == ECONNABORTED || err == EPROTO) continue;
            const core::LogLevel level = (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM)
                                             ? core::LogLevel::Crit
                                             : core::LogLevel::Alert;
            log_.write(level, std::string("accept4() failed (") + std::to_string(err) + ": " +
                                  std::strerror(err) + ")");
            pauseAfterFailure();
            return false;
        }
        if (core::TcpConnection::connectionPoolExhausted()) {
            log_.write(core::LogLevel::Alert, core::TcpConnection::connectionPoolExhaustedText());
            ::close(fd);
            return true;
        }
        // A specific listening address is the accepted socket's local address; a wildcard one needs asking.
        sockaddr_storage local = bound.address;
        bool localKnown = bound.specific;
        if (!localKnown && peer.ss_family != AF_UNIX) {
            socklen_t len = sizeof local;
            localKnown = ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0;
        }
        // Only a socket shared by several servers' listens needs the local host to pick one.
        const bool pick = listener.plan.routes.size() > 1 && localKnown;
        const ListenRoute* route = routeFor(listener.plan, pick ? core::hostText(local) : std::string());
        if (!route) {
            ::close(fd);
            return true;
        }
        const size_t index = static_cast<size_t>(route - listener.plan.routes.data());
        const auto& server = listener.servers[index];
        core::Log* serverLog = logs_ ? &logs_->forServer(server.get()) : nullptr;
        sessions_.accept(core::TcpConnection::adopt(loop_, fd, &peer, localKnown ? &local : nullptr), server,
                         {route->listenText, route->ssl, route->proxyProtocol}, serverLog,
                         tls_ ? tls_->forServer(server.get()) : nullptr);
        return true;
    }
}

}  // namespace mailwire::app
