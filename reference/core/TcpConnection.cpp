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

#include "core/Ipv4Text.h"

namespace mailwire::core {

namespace {

std::string errnoText(const char* call, int err) {
    return std::string(call) + " failed (" + std::to_string(err) + ": " + std::strerror(err) + ")";
}

bool describe(const sockaddr_storage& addr, std::string& ip, unsigned short& port) {
    char text[INET6_ADDRSTRLEN] = {0};
    if (addr.ss_family == AF_INET) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
        formatIpv4(reinterpret_cast<const unsigned char*>(&in->sin_addr.s_addr), text);
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

std::string hostText(const sockaddr_storage& addr) {
    if (addr.ss_family != AF_INET && addr.ss_family != AF_INET6) return {};
    std::string ip;
    unsigned short port = 0;
    describe(addr, ip, port);
    return ip;
}

std::string formatAddress(const std::string& ip, unsigned short port) {
    if (ip.find(':') != std::string::npos) return "[" + ip + "]:" + std::to_string(port);
    return ip + ":" + std::to_string(port);
}

namespace {
// The worker's connection pool (setConnectionPool()); a worker is one thread, so plain counters do.
size_t poolSlots = 0;
size_t openSockets = 0;
int poolWorkerConnections = 0;
}  // namespace

void TcpConnection::setConnectionPool(size_t slots, int workerConnections) {
    poolSlots = slots;
    poolWorkerConnections = workerConnections;
}

bool TcpConnection::connectionPoolExhausted() { return poolSlots != 0 && openSockets >= poolSlots; }

std::string TcpConnection::connectionPoolExhaustedText() {
    return std::to_string(poolWorkerConnections) + " worker_connections are not enough";
}

TcpConnection::TcpConnection(EventLoop& loop, int fd, bool connecting)
    : loop_(loop),
      fd_(fd),
      connecting_(connecting),
      writeReady_(!connecting),
      alive_(std::make_shared<bool>(true)) {
    if (fd_ >= 0) ++openSockets;
    // Registered once for both directions: epoll_ctl(ADD) reports what is already readable or writable.
    loop_.watch(
        fd_, 0, [this](uint32_t events) { onEvents(events); }, Trigger::Edge);
}

TcpConnection::~TcpConnection() { close(); }

std::unique_ptr<TcpConnection> TcpConnection::adopt(EventLoop& loop, int fd, const sockaddr_storage* peer,
                                                    const sockaddr_storage* local) {
    std::unique_ptr<TcpConnection> conn(new TcpConnection(loop, fd, false));
    std::string ip;
    unsigned short port = 0;
    sockaddr_storage asked{};
    if (!peer) {
        socklen_t len = sizeof asked;
        if (::getpeername(fd, reinterpret_cast<sockaddr*>(&asked), &len) == 0) peer = &asked;
    }
    if (peer && describe(*peer, ip, port)) {
        conn->peerIp_ = ip;
        conn->peerText_ = peerTextOf(*peer, ip, port);
        conn->peerFamily_ = peer->ss_family;
        conn->peerPort_ = port;
    }
    if (local && describe(*local, ip, port)) {
        conn->localKnown_ = true;
        conn->localFamily_ = local->ss_family;
        conn->localIp_ = ip;
        conn->localPort_ = port;
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
    ConnectFailure::Kind kind = ConnectFailure::Failed;
    if (failure.empty() && connectionPoolExhausted()) {
        failure = connectionPoolExhaustedText();
        kind = ConnectFailure::PoolExhausted;
    }
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
    if (failure.empty()) {
        conn->peerFamily_ = addr.ss_family;
        if (addr.ss_family == AF_INET)
            conn->peerPort_ = ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
        if (addr.ss_family == AF_INET6)
            conn->peerPort_ = ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
        if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), len) != 0 && errno != EINPROGRESS &&
            errno != EAGAIN)
            failure = errnoText("connect()", errno);
    }
    if (!failure.empty()) {
        conn->connecting_ = false;
        loop.unwatch(fd);  // a socket that never connected reports HUP: nothing to hear from it
        std::weak_ptr<bool> alive = conn->alive_;
        TcpConnection* raw = conn.get();
        loop.post([alive, raw, report = ConnectFailure{kind, failure}] {
            const auto live = alive.lock();
            if (live && *live && raw->handler_) raw->handler_->onConnectFailed(report);
        });
    }
    return conn;
}

void TcpConnection::setNoDelay() {
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

void TcpConnection::describeLocal() const {
    localKnown_ = true;
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    std::string ip;
    unsigned short port = 0;
    if (fd_ >= 0 && ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0 &&
        describe(addr, ip, port)) {
        localFamily_ = addr.ss_family;
        localIp_ = ip;
        localPort_ = port;
    }
}

int TcpConnection::localFamily() const {
    if (!localKnown_) describeLocal();
    return localFamily_;
}

const std::string& TcpConnection::localIp() const {
    if (!localKnown_) describeLocal();
    return localIp_;
}

unsigned short TcpConnection::localPort() const {
    if (!localKnown_) describeLocal();
    return localPort_;
}

void TcpConnection::onEvents(uint32_t events) {
    std::weak_ptr<bool> alive = alive_;
    announced_ = false;
    if (connecting_) {
        if (!(events & (kWritable | kHangup))) return;
        connecting_ = false;
        if (events & kHangup) {
            int err = 0;
            socklen_t len = sizeof err;
            ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
            if (err != 0) {
                // nginx learns of a refused non-blocking connect from its first recv(), and logs it so.
                if (handler_)
                    handler_->onConnectFailed({ConnectFailure::RefusedOnRead, errnoText("recv()", err)});
                return;
            }
        }
        writeReady_ = true;
        if (handler_) handler_->onConnected();
        if (!alive.lock() || fd_ < 0) return;
    }
    if (events & kPeerClosed) peerClosed_ = true;
    if (events & kWritable) {
        writeReady_ = true;
        if (pendingWrite() > 0) {
            flush();
        } else if (writeBlocked_) {  // a splice into this socket had to wait
            writeBlocked_ = false;
            if (handler_) handler_->onWriteDrained();
        }
        if (!alive.lock() || fd_ < 0) return;
    }
    if (events & kReadable) {
        readReady_ = true;
        if (wantRead_ && handler_) {
            handler_->onReadable();
            if (!alive.lock() || fd_ < 0) return;
        }
        // Level-triggered behaviour for the session: bytes it left waiting are announced again.
        if (wantRead_ && readReady_) announceReadable();
    }
}

void TcpConnection::announceReadable() {
    if (announced_ || fd_ < 0 || connecting_) return;
    announced_ = true;
    loop_.signalReady(fd_, kReadable);
}

ReadResult TcpConnection::read(char* into, size_t capacity) { return receive(into, capacity, 0); }

ReadResult TcpConnection::peek(char* into, size_t capacity) { return receive(into, capacity, MSG_PEEK); }

ReadResult TcpConnection::receive(char* into, size_t capacity, int flags) {
    ReadResult result;
    if (fd_ < 0 || (atEof_ && capacity > 0)) {
        result.status = ReadResult::Eof;
        return result;
    }
    const ssize_t n = ::recv(fd_, into, capacity, flags);
    if (n > 0) {
        result.status = ReadResult::Data;
        result.bytes = static_cast<size_t>(n);
        // A short read emptied the socket: new bytes will make a new edge (nginx reasons the same way).
        if (!(flags & MSG_PEEK) && result.bytes < capacity) sawShortRead();
    } else if (n == 0) {
        result.status = capacity == 0 ? ReadResult::WouldBlock : ReadResult::Eof;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
        if (errno != EINTR) readReady_ = false;
        result.status = ReadResult::WouldBlock;
    } else {
        result.status = ReadResult::Error;
        result.error = errnoText("recv()", errno);
    }
    return result;
}

void TcpConnection::write(std::string_view bytes) {
    if (fd_ < 0 || bytes.empty()) return;
    if (pendingWrite() > 0 || connecting_ || !writeReady_) {
        output_.append(bytes.data(), bytes.size());
        return;
    }
    // Nothing queued: hand the bytes to the kernel straight from the caller's buffer, keep only the rest.
    output_.clear();
    outputSent_ = 0;
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n > 0) {
            bytes.remove_prefix(static_cast<size_t>(n));
            if (!bytes.empty()) sawWriteWouldBlock();  // a short send filled the socket buffer
            if (!writeReady_) break;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            sawWriteWouldBlock();
            break;
        }
        failWrite(errno);
        return;
    }
    output_.assign(bytes.data(), bytes.size());
}

void TcpConnection::sawWriteWouldBlock() {
    writeReady_ = false;
    writeBlocked_ = true;
}

void TcpConnection::failWrite(int err) {
    output_.clear();
    outputSent_ = 0;
    if (handler_) handler_->onWriteFailed(errnoText("send()", err));
}

void TcpConnection::flush() {
    while (outputSent_ < output_.size()) {
        const ssize_t n =
            ::send(fd_, output_.data() + outputSent_, output_.size() - outputSent_, MSG_NOSIGNAL);
        if (n > 0) {
            outputSent_ += static_cast<size_t>(n);
            if (outputSent_ < output_.size()) {
                sawWriteWouldBlock();
                return;
            }
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            sawWriteWouldBlock();
            return;
        }
        failWrite(errno);
        return;
    }
    output_.clear();
    outputSent_ = 0;
    const bool report = writeBlocked_;
    writeBlocked_ = false;
    if (report && handler_) handler_->onWriteDrained();
}

void TcpConnection::setReadInterest(bool wanted) {
    wantRead_ = wanted;
    if (wanted && readReady_) announceReadable();
}

void TcpConnection::close() {
    if (fd_ < 0) return;
    loop_.forget(fd_);  // close() takes the socket out of epoll by itself
    ::close(fd_);
    fd_ = -1;
    --openSockets;
    *alive_ = false;  // posted callbacks that outlive the close see it
}

}  // namespace mailwire::core
