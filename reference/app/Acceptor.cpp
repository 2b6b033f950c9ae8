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

std::string localHostOf(int fd) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return {};
    char text[INET6_ADDRSTRLEN] = {};
    if (addr.ss_family == AF_INET)
        ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&addr)->sin_addr, text, sizeof text);
    else if (addr.ss_family == AF_INET6)
        ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&addr)->sin6_addr, text, sizeof text);
    return text;
}

}  // namespace

Acceptor::Acceptor(core::EventLoop& loop, mail::SessionRegistry& sessions, core::Log& log,
                   int workerConnections)
    : loop_(loop), sessions_(sessions), log_(log), workerConnections_(workerConnections) {}

Acceptor::~Acceptor() { stop(); }

void Acceptor::start(std::shared_ptr<const ListenerSet> listeners, ServerLogs* logs, int workerConnections,
                     std::shared_ptr<const tls::TlsContexts> tls) {
    stop();
    tls_ = std::move(tls);
    listeners_ = std::move(listeners);
    logs_ = logs;
    workerConnections_ = workerConnections;
    for (const auto& listener : listeners_->listeners())
        loop_.watch(listener.socket->fd(), core::kReadable,
                    [this, &listener](uint32_t) { onReadable(listener); });
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

void Acceptor::onReadable(const Listener& listener) {
    // Keeps the set (and `listener`) alive even if a session callback swaps configurations meanwhile.
    auto keep = listeners_;
    for (;;) {
        sockaddr_storage peer{};
        socklen_t peerLength = sizeof peer;
        const int fd = ::accept4(listener.socket->fd(), reinterpret_cast<sockaddr*>(&peer), &peerLength,
                                 SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            const int err = errno;
            if (err == EAGAIN || err == EWOULDBLOCK) return;
            if (err == EINTR || err == ECONNABORTED || err == EPROTO) continue;
            const core::LogLevel level = (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM)
                                             ? core::LogLevel::Crit
                                             : core::LogLevel::Alert;
            log_.write(level, std::string("accept4() failed (") + std::to_string(err) + ": " +
                                  std::strerror(err) + ")");
            pauseAfterFailure();
            return;
        }
        if (static_cast<int>(sessions_.active()) >= workerConnections_) {
            log_.write(core::LogLevel::Alert,
                       std::to_string(workerConnections_) + " worker_connections are not enough");
            ::close(fd);
            continue;
        }
        const ListenRoute* route = routeFor(listener.plan, localHostOf(fd));
        if (!route) {
            ::close(fd);
            continue;
        }
        const size_t index = static_cast<size_t>(route - listener.plan.routes.data());
        const auto& server = listener.servers[index];
        core::Log* serverLog = logs_ ? &logs_->forServer(server.get()) : nullptr;
        sessions_.accept(core::TcpConnection::adopt(loop_, fd, &peer), server,
                         {route->listenText, route->ssl, route->proxyProtocol}, serverLog,
                         tls_ ? tls_->forServer(server.get()) : nullptr);
    }
}

}  // namespace mailwire::app
