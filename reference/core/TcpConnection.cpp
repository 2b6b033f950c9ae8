#include "core/TcpConnection.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mailwire::core {

namespace {

std::string errnoText(const char* call, int err) {
    return std::string(call) + " failed (" + std::to_string(err) + ": " + std::strerror(err) + ")";
}

void setNonBlocking(int fd) {
    const int flags = ::fcntl(fd, F_GETFL, 0);
    ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

bool describe(const sockaddr_storage& addr, std::string& ip, unsigned short& port) {
    char text[INET6_ADDRSTRLEN] = {0};
    if (addr.ss_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
        ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
        port = ntohs(in->sin_port);
    } else if (addr.ss_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
        ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
        port = ntohs(in6->sin6_port);
    } else if (addr.ss_family == AF_UNIX) {
        // nginx shows an accepted unix-domain client as "unix:" (its peer socket has no path).
        ip = "unix:";
        port = 0;
        return true;
    } else {
        return false;
    }
    ip = text;
    return true;
}

std::string peerTextOf(const sockaddr_storage& addr, const std::string& ip, unsigned short port) {
    return addr.ss_family == AF_UNIX ? ip : formatAddress(ip, port);
}

}  // namespace

std::string formatAddress(const std::string& ip, unsigned short port) {
    if (ip.find(':') != std::string::npos) return "[" + ip + "]:" + std::to_string(port);
    return ip + ":" + std::to_string(port);
}

TcpConnection::TcpConnection(EventLoop& loop, int fd, bool connecting)
    : loop_(loop), fd_(fd), connecting_(connecting), alive_(std::make_shared<bool>(true)) {
    setNonBlocking(fd_);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    loop_.watch(fd_, connecting_ ? kWritable : kReadable, [this](uint32_t events) { onEvents(events); });
    if (!connecting_) describeEndpoints();
}

TcpConnection::~TcpConnection() { close(); }

std::unique_ptr<TcpConnection> TcpConnection::adopt(EventLoop& loop, int fd, const sockaddr_storage* peer) {
    std::unique_ptr<TcpConnection> conn(new TcpConnection(loop, fd, false));
    std::string ip;
    unsigned short port = 0;
    if (peer && describe(*peer, ip, port)) {
        conn->peerIp_ = ip;
        conn->peerText_ = peerTextOf(*peer, ip, port);
        conn->peerFamily_ = peer->ss_family;
        conn->peerPort_ = port;
    }
    return conn;
}

std::unique_ptr<TcpConnection> TcpConnection::connect(EventLoop& loop, const std::string& ip,
                                                      unsigned short port, ConnectionHandler* handler) {
    sockaddr_storage addr{};
    socklen_t len = 0;
    auto* in = reinterpret_cast<sockaddr_in*>(&addr);
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&addr);
    std::string failure;
    if (::inet_pton(AF_INET, ip.c_str(), &in->sin_addr) == 1) {
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        len = sizeof(sockaddr_in);
    } else if (::inet_pton(AF_INET6, ip.c_str(), &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        len = sizeof(sockaddr_in6);
    } else {
        failure = "invalid address \"" + ip + "\"";
    }
    return startConnect(loop, addr, len, ip, formatAddress(ip, port), handler, failure);
}

std::unique_ptr<TcpConnection> TcpConnection::connectUnix(EventLoop& loop, const std::string& path,
                                                          ConnectionHandler* handler) {
    sockaddr_storage addr{};
    auto* un = reinterpret_cast<sockaddr_un*>(&addr);
    std::string failure;
    if (path.empty() || path.size() >= sizeof un->sun_path) {
        failure = "invalid unix socket path \"" + path + "\"";
    } else {
        un->sun_family = AF_UNIX;
        std::memcpy(un->sun_path, path.c_str(), path.size() + 1);
    }
    return startConnect(loop, addr, sizeof(sockaddr_un), "unix:", "unix:" + path, handler, failure);
}

// Every connect failure, immediate or not, reaches the handler through the loop, never from inside connect().
std::unique_ptr<TcpConnection> TcpConnection::startConnect(EventLoop& loop, const sockaddr_storage& addr,
                                                           socklen_t len, const std::string& peerIp,
                                                           const std::string& peerText,
                                                           ConnectionHandler* handler, std::string failure) {
    const int family = failure.empty() ? addr.ss_family : AF_INET;
    int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 && failure.empty()) {
        failure = errnoText("socket()", errno);
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    }
    std::unique_ptr<TcpConnection> conn(new TcpConnection(loop, fd, true));
    conn->handler_ = handler;
    conn->peerIp_ = peerIp;
    conn->peerText_ = peerText;
    if (failure.empty() && ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), len) != 0 &&
        errno != EINPROGRESS && errno != EAGAIN)
        failure = errnoText("connect()", errno);
    if (!failure.empty()) {
        conn->connecting_ = false;
        loop.unwatch(fd);  // a socket that never connected reports HUP: nothing to hear from it
        std::weak_ptr<bool> alive = conn->alive_;
        TcpConnection* raw = conn.get();
        loop.post([alive, raw, failure] {
            if (alive.lock() && raw->handler_) raw->handler_->onConnectFailed(failure);
        });
    }
    return conn;
}

void TcpConnection::describeEndpoints() {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    std::string ip;
    unsigned short port = 0;
    if (::getpeername(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0 && describe(addr, ip, port)) {
        peerIp_ = ip;
        peerText_ = peerTextOf(addr, ip, port);
        peerFamily_ = addr.ss_family;
        peerPort_ = port;
    }
    len = sizeof addr;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0 && describe(addr, ip, port)) {
        localText_ = peerTextOf(addr, ip, port);
        localFamily_ = addr.ss_family;
        localIp_ = ip;
        localPort_ = port;
    }
}

void TcpConnection::onEvents(uint32_t events) {
    std::weak_ptr<bool> alive = alive_;
    if (connecting_) {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
        connecting_ = false;
        if (err != 0) {
            loop_.unwatch(fd_);
            // nginx learns of a refused non-blocking connect from its first recv(), and logs it so.
            if (handler_) handler_->onConnectFailed(errnoText("recv()", err));
            return;
        }
        describeEndpoints();
        updateInterest();
        if (handler_) handler_->onConnected();
        if (!alive.lock()) return;
        if (pendingWrite() > 0) flush();
        return;
    }
    if ((events & kWritable) && pendingWrite() > 0) {
        flush();
        if (!alive.lock() || fd_ < 0) return;
    }
    if ((events & kReadable) && wantRead_ && handler_) handler_->onReadable();
}

ReadResult TcpConnection::read(char* into, size_t capacity) { return receive(into, capacity, 0); }

ReadResult TcpConnection::peek(char* into, size_t capacity) { return receive(into, capacity, MSG_PEEK); }

ReadResult TcpConnection::receive(char* into, size_t capacity, int flags) {
    ReadResult result;
    if (fd_ < 0) {
        result.status = ReadResult::Eof;
        return result;
    }
    const ssize_t n = ::recv(fd_, into, capacity, flags);
    if (n > 0) {
        result.status = ReadResult::Data;
        result.bytes = static_cast<size_t>(n);
    } else if (n == 0) {
        result.status = capacity == 0 ? ReadResult::WouldBlock : ReadResult::Eof;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        result.status = ReadResult::WouldBlock;
    } else {
        result.status = ReadResult::Error;
        result.error = errnoText("recv()", errno);
    }
    return result;
}

void TcpConnection::write(std::string_view bytes) {
    if (fd_ < 0 || bytes.empty()) return;
    if (outputSent_ > 0 && outputSent_ == output_.size()) {
        output_.clear();
        outputSent_ = 0;
    }
    output_.append(bytes.data(), bytes.size());
    if (!connecting_) flush();
}

void TcpConnection::flush() {
    std::weak_ptr<bool> alive = alive_;
    while (outputSent_ < output_.size()) {
        const ssize_t n =
            ::send(fd_, output_.data() + outputSent_, output_.size() - outputSent_, MSG_NOSIGNAL);
        if (n > 0) {
            outputSent_ += static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            writeBlocked_ = true;
            break;
        }
        if (n < 0 && errno == EINTR) continue;
        const std::string error = errnoText("send()", errno);
        output_.clear();
        outputSent_ = 0;
        updateInterest();
        if (handler_) handler_->onWriteFailed(error);
        return;
    }
    const bool drained = outputSent_ == output_.size();
    const bool report = drained && writeBlocked_;
    if (drained) {
        output_.clear();
        outputSent_ = 0;
        writeBlocked_ = false;
    }
    updateInterest();
    if (report && handler_) handler_->onWriteDrained();
}

void TcpConnection::setReadInterest(bool wanted) {
    wantRead_ = wanted;
    updateInterest();
}

void TcpConnection::updateInterest() {
    if (fd_ < 0 || connecting_) return;
    uint32_t interest = 0;
    if (wantRead_) interest |= kReadable;
    if (pendingWrite() > 0) interest |= kWritable;
    loop_.setInterest(fd_, interest);
}

void TcpConnection::close() {
    if (fd_ < 0) return;
    loop_.unwatch(fd_);
    ::close(fd_);
    fd_ = -1;
    *alive_ = false;
    alive_ = std::make_shared<bool>(false);
}

}  // namespace mailwire::core
