#include "tcp_server.h"

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <stdexcept>

namespace mailwire::fake {

class TcpServer::Listener : public IoHandler {
  public:
    Listener(TcpServer& server, Poco::Net::ServerSocket socket)
        : server_(server), socket_(std::move(socket)) {
        registration_ = server_.loop_.add(fd(), *this, true, false);
    }
    ~Listener() override { server_.loop_.remove(registration_); }

    int fd() const { return socket_.impl()->sockfd(); }
    std::uint16_t port() const { return socket_.address().port(); }
    void onIoEvent(std::uint32_t) override { server_.acceptFrom(*this); }

  private:
    TcpServer& server_;
    Poco::Net::ServerSocket socket_;
    std::uint64_t registration_;
};

TcpServer::TcpServer(EventLoop& loop, Transcript& transcript, SessionFactory factory)
    : loop_(loop), transcript_(transcript), factory_(std::move(factory)) {}

TcpServer::~TcpServer() = default;

void TcpServer::listen(const std::string& address) {
    try {
        Poco::Net::SocketAddress socketAddress(address);
        Poco::Net::ServerSocket socket;
        if (socketAddress.family() == Poco::Net::SocketAddress::IPv6)
            socket.bind6(socketAddress, true, true, true);
        else
            socket.bind(socketAddress, true);
        socket.listen(4096);
        socket.setBlocking(false);
        listeners_.push_back(std::make_unique<Listener>(*this, std::move(socket)));
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("cannot listen on " + address + ": " + e.displayText());
    }
}

std::vector<std::uint16_t> TcpServer::ports() const {
    std::vector<std::uint16_t> result;
    for (const auto& listener : listeners_) result.push_back(listener->port());
    return result;
}

void TcpServer::acceptFrom(Listener& listener) {
    // Bounded per event so a connection storm cannot starve established sessions.
    for (int i = 0; i < 64; ++i) {
        sockaddr_storage peer{};
        socklen_t peerLength = sizeof peer;
        int fd = ::accept4(listener.fd(), reinterpret_cast<sockaddr*>(&peer), &peerLength,
                           SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                std::cerr << "mailwire-fake: accept failed: " << std::strerror(errno) << "\n";
            return;
        }
        int conn = ++accepted_;
        Poco::Net::SocketAddress peerAddress(reinterpret_cast<sockaddr*>(&peer), peerLength);
        transcript_.accept(conn, peerAddress.toString());
        auto release = [this, conn] { loop_.defer([this, conn] { sessions_.erase(conn); }); };
        auto session = factory_(SessionContext{loop_, transcript_, conn, fd, release});
        Session& started = *session;
        sessions_.emplace(conn, std::move(session));
        started.start();
    }
}

void TcpServer::shutdown() {
    listeners_.clear();
    for (auto& entry : sessions_) entry.second->shutdown();
    sessions_.clear();
}

}  // namespace mailwire::fake
