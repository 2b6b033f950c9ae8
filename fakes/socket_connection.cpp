#include "socket_connection.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace mailwire::fake {

namespace {
constexpr std::size_t kReadChunk = 64 * 1024;
// Reads per readiness event, so one flooding peer cannot starve the others.
constexpr int kReadsPerEvent = 8;
constexpr std::size_t kRepeatedChunk = 256 * 1024;  // most bytes one send() of a repeated write offers
}  // namespace

SocketConnection::SocketConnection(EventLoop& loop, int fd, Owner& owner)
    : loop_(loop), fd_(fd), owner_(owner) {
    updateInterest();
}

SocketConnection::~SocketConnection() {
    if (registered_) loop_.remove(registration_);
    if (fd_ >= 0) ::close(fd_);
}

void SocketConnection::write(std::string_view bytes) {
    if (fd_ < 0 || closing_ || bytes.empty()) return;
    if (output_.empty() || lastIsPiece_)
        output_.push_back({std::string(bytes)});
    else
        output_.back().bytes.append(bytes);
    lastIsPiece_ = false;
    flush();
}

void SocketConnection::writePiece(std::string_view bytes) {
    if (fd_ < 0 || closing_ || bytes.empty()) return;
    if (!noDelay_) {
        int on = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        noDelay_ = true;
    }
    output_.push_back({std::string(bytes)});
    lastIsPiece_ = true;
    flush();
}

void SocketConnection::writeRepeated(const std::string& pattern, std::uint64_t bytes) {
    if (fd_ < 0 || closing_ || bytes == 0 || pattern.empty()) return;
    Pending entry;
    // Enough copies that one send() can fill a socket buffer from any offset within the pattern.
    while (entry.bytes.size() < kRepeatedChunk + pattern.size()) entry.bytes += pattern;
    entry.patternSize = pattern.size();
    entry.repeated = bytes;
    output_.push_back(std::move(entry));
    lastIsPiece_ = true;  // later writes go after it, in entries of their own
    flush();
}

void SocketConnection::shutdownWriteWhenFlushed() {
    if (fd_ < 0 || closing_) return;
    shutdownPending_ = true;
    flush();
}

void SocketConnection::closeWhenFlushed() {
    if (fd_ < 0) return;
    closing_ = true;
    reading_ = false;
    flush();
}

void SocketConnection::resetWhenFlushed() {
    if (fd_ < 0) return;
    resetting_ = true;
    closeWhenFlushed();
}

void SocketConnection::closeNow() {
    if (fd_ < 0) return;
    output_.clear();
    frontSent_ = 0;
    if (registered_) loop_.remove(registration_);
    registered_ = false;
    ::close(fd_);
    fd_ = -1;
}

void SocketConnection::setReading(bool reading) {
    if (fd_ < 0 || closing_ || peerClosed_ || reading_ == reading) return;
    reading_ = reading;
    updateInterest();
}

void SocketConnection::onIoEvent(std::uint32_t events) {
    if (fd_ >= 0 && !output_.empty() && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) flush();
    if (fd_ >= 0 && reading_ && !peerClosed_ && (events & (EPOLLIN | EPOLLERR | EPOLLHUP))) readAvailable();
}

void SocketConnection::readAvailable() {
    char buffer[kReadChunk];
    for (int i = 0; i < kReadsPerEvent && fd_ >= 0 && reading_ && !peerClosed_; ++i) {
        ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
        if (got > 0) {
            owner_.onReceived(std::string_view(buffer, static_cast<std::size_t>(got)));
            continue;
        }
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        if (got < 0 && errno == EINTR) continue;
        peerClosed_ = true;
        updateInterest();
        owner_.onPeerClosed(got < 0);
        return;
    }
}

void SocketConnection::flush() {
    while (fd_ >= 0 && !output_.empty()) {
        Pending& next = output_.front();
        const char* data = next.bytes.data() + frontSent_;
        std::size_t size = next.bytes.size() - static_cast<std::size_t>(frontSent_);
        if (next.patternSize > 0) {
            std::size_t offset = static_cast<std::size_t>(frontSent_ % next.patternSize);
            data = next.bytes.data() + offset;
            size = static_cast<std::size_t>(
                std::min<std::uint64_t>(next.repeated - frontSent_, next.bytes.size() - offset));
        }
        ssize_t sent = ::send(fd_, data, size, MSG_NOSIGNAL);
        if (sent > 0) {
            // An offset, not erase(): erasing the front of a large reply would copy it on every send.
            frontSent_ += static_cast<std::size_t>(sent);
            if (frontSent_ == (next.patternSize > 0 ? next.repeated : next.bytes.size())) {
                output_.pop_front();
                frontSent_ = 0;
            }
            continue;
        }
        if (sent < 0 && errno == EINTR) continue;
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        std::string reason = std::string("send failed: ") + std::strerror(errno);
        closeNow();
        owner_.onWriteFailed(reason);
        owner_.onClosed();
        return;
    }
    if (fd_ < 0) return;
    if (shutdownPending_ && output_.empty()) {
        shutdownPending_ = false;
        ::shutdown(fd_, SHUT_WR);
    }
    if (closing_ && output_.empty()) {
        finishClose();
        return;
    }
    updateInterest();
}

void SocketConnection::finishClose() {
    if (resetting_) {
        linger abort{1, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
    }
    closeNow();
    owner_.onClosed();
}

void SocketConnection::updateInterest() {
    if (fd_ < 0) return;
    bool wantRead = reading_ && !peerClosed_ && !closing_;
    bool wantWrite = !output_.empty();
    // A socket whose peer hung up reports EPOLLHUP forever: only stay registered while there is interest.
    if (!wantRead && !wantWrite) {
        if (registered_) loop_.remove(registration_);
        registered_ = false;
        return;
    }
    if (!registered_) {
        registration_ = loop_.add(fd_, *this, wantRead, wantWrite);
        registered_ = true;
    } else if (wantRead != registeredRead_ || wantWrite != registeredWrite_) {
        loop_.modify(registration_, wantRead, wantWrite);
    }
    registeredRead_ = wantRead;
    registeredWrite_ = wantWrite;
}

}  // namespace mailwire::fake
