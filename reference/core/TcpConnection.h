// core::Connection over a non-blocking socket registered on an EventLoop.
#pragma once

#include <sys/socket.h>

#include <memory>
#include <string>

#include "core/Connection.h"
#include "core/EventLoop.h"

namespace mailwire::core {

class TcpConnection : public Connection {
  public:
    // Takes ownership of an accepted, connected socket (made non-blocking here).
    // `peer` is the address accept() returned: getpeername() fails once the client has already reset.
    static std::unique_ptr<TcpConnection> adopt(EventLoop& loop, int fd,
                                                const sockaddr_storage* peer = nullptr);
    // Starts a non-blocking connect to ip:port; the handler hears onConnected or onConnectFailed.
    // A bad address fails through onConnectFailed as well (posted, never synchronously).
    static std::unique_ptr<TcpConnection> connect(EventLoop& loop, const std::string& ip, unsigned short port,
                                                  ConnectionHandler* handler);
    // The same over a unix-domain socket (auth_http unix:/path:/uri); the peer reads "unix:/path".
    static std::unique_ptr<TcpConnection> connectUnix(EventLoop& loop, const std::string& path,
                                                      ConnectionHandler* handler);
    ~TcpConnection() override;

    void setHandler(ConnectionHandler* handler) override { handler_ = handler; }
    ReadResult read(char* into, size_t capacity) override;
    ReadResult peek(char* into, size_t capacity) override;
    void write(std::string_view bytes) override;
    size_t pendingWrite() const override { return output_.size() - outputSent_; }
    void setReadInterest(bool wanted) override;
    void close() override;
    std::string peerIp() const override { return peerIp_; }
    std::string peerText() const override { return peerText_; }
    std::string localText() const { return localText_; }  // "127.0.0.1:1143"
    // The accepted socket's local address (the listening address), for the PROXY header to backends.
    int localFamily() const { return localFamily_; }  // AF_INET, AF_INET6, AF_UNIX
    const std::string& localIp() const { return localIp_; }
    unsigned short localPort() const { return localPort_; }
    int peerFamily() const { return peerFamily_; }
    unsigned short peerPort() const { return peerPort_; }
    int fd() const { return fd_; }

  private:
    TcpConnection(EventLoop& loop, int fd, bool connecting);
    static std::unique_ptr<TcpConnection> startConnect(EventLoop& loop, const sockaddr_storage& addr,
                                                       socklen_t len, const std::string& peerIp,
                                                       const std::string& peerText,
                                                       ConnectionHandler* handler, std::string failure);
    ReadResult receive(char* into, size_t capacity, int flags);
    void onEvents(uint32_t events);
    void flush();
    void updateInterest();
    void describeEndpoints();

    EventLoop& loop_;
    int fd_;
    bool connecting_;
    bool wantRead_ = true;
    ConnectionHandler* handler_ = nullptr;
    std::string output_;
    size_t outputSent_ = 0;
    bool writeBlocked_ = false;  // a send() met a full socket buffer; the drain is then reported
    std::string peerIp_, peerText_, localText_, localIp_;
    int localFamily_ = 0, peerFamily_ = 0;
    unsigned short localPort_ = 0, peerPort_ = 0;
    std::shared_ptr<bool> alive_;  // lets posted callbacks notice the connection is gone
};

// "ip:port" / "[ip6]:port" for a sockaddr, as nginx prints addresses.
std::string formatAddress(const std::string& ip, unsigned short port);

}  // namespace mailwire::core
