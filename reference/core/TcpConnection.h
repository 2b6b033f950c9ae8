// core::Connection over a non-blocking socket registered on an EventLoop, edge-triggered: one epoll_ctl()
// per connection, and the session's read interest kept in user space (as nginx does).
#pragma once

#include <sys/socket.h>

#include <memory>
#include <string>

#include "core/Connection.h"
#include "core/EventLoop.h"

namespace mailwire::core {

class TcpConnection : public Connection {
  public:
    // Takes ownership of an accepted, connected, already non-blocking socket (accept4 SOCK_NONBLOCK).
    // `peer` is the address accept() returned: getpeername() fails once the client has already reset.
    // `local`, when the caller knows it (the listener's own address), saves a getsockname().
    static std::unique_ptr<TcpConnection> adopt(EventLoop& loop, int fd,
                                                const sockaddr_storage* peer = nullptr,
                                                const sockaddr_storage* local = nullptr);
    // Starts a non-blocking connect to ip:port; the handler hears onConnected or onConnectFailed.
    // A bad address fails through onConnectFailed as well (posted, never synchronously).
    static std::unique_ptr<TcpConnection> connect(EventLoop& loop, const std::string& ip, unsigned short port,
                                                  ConnectionHandler* handler);
    // The same over a unix-domain socket (auth_http unix:/path:/uri); the peer reads "unix:/path".
    static std::unique_ptr<TcpConnection> connectUnix(EventLoop& loop, const std::string& path,
                                                      ConnectionHandler* handler);
    ~TcpConnection() override;

    // worker_connections: nginx takes every connection of a worker (clients, auth_http, backends) from
    // one pool of that size, which its listening sockets also draw on. `slots` is what the listeners
    // leave (0: no limit). While no slot is free, a connect fails with connectionPoolExhaustedText() and
    // the acceptor closes new clients at once, as nginx does ("4 worker_connections are not enough").
    static void setConnectionPool(size_t slots, int workerConnections);
    static bool connectionPoolExhausted();
    static std::string connectionPoolExhaustedText();

    void setHandler(ConnectionHandler* handler) override { handler_ = handler; }
    ReadResult read(char* into, size_t capacity) override;
    ReadResult peek(char* into, size_t capacity) override;
    void write(std::string_view bytes) override;
    size_t pendingWrite() const override { return output_.size() - outputSent_; }
    void setReadInterest(bool wanted) override;
    void close() override;
    // TCP_NODELAY: client and backend connections carry interactive traffic. Backend connections get it
    // here; accepted ones inherit it from their listener (app/Listeners.cpp).
    void setNoDelay();
    std::string peerIp() const override { return peerIp_; }
    std::string peerText() const override { return peerText_; }
    // The accepted socket's local address (the listening address), for the PROXY header to backends; asked
    // of the kernel on first use only.
    int localFamily() const;  // AF_INET, AF_INET6, AF_UNIX
    const std::string& localIp() const;
    unsigned short localPort() const;
    int peerFamily() const { return peerFamily_; }
    unsigned short peerPort() const { return peerPort_; }
    int fd() const { return fd_; }
    // Relay fast paths (splice) move bytes without read()/write(): they report what they saw here, so that
    // readiness stays right.
    bool readReady() const { return readReady_; }
    void sawReadWouldBlock() { readReady_ = false; }
    void sawWriteWouldBlock();  // the drain is reported when the socket is writable again

  private:
    TcpConnection(EventLoop& loop, int fd, bool connecting);
    static std::unique_ptr<TcpConnection> startConnect(EventLoop& loop, const sockaddr_storage& addr,
                                                       socklen_t len, const std::string& peerIp,
                                                       const std::string& peerText,
                                                       ConnectionHandler* handler, std::string failure);
    ReadResult receive(char* into, size_t capacity, int flags);
    void onEvents(uint32_t events);
    void flush();
    // A read that took less than it asked for emptied the socket, unless the peer's FIN is still queued.
    // After the peer's FIN, a short read took the last byte: the next read is the end of stream, known
    // without asking the kernel (saves the recv() that would return 0).
    void sawShortRead() {
        if (peerClosed_)
            atEof_ = true;
        else
            readReady_ = false;
    }
    void announceReadable();
    void describeLocal() const;
    void failWrite(int err);

    EventLoop& loop_;
    int fd_;
    bool connecting_;
    bool wantRead_ = true;
    bool readReady_ = true;      // no read has met EAGAIN since the last edge: bytes may be waiting
    bool writeReady_ = true;     // no send has met EAGAIN since the last edge
    bool announced_ = false;     // a readiness signal for the next turn is queued
    bool peerClosed_ = false;    // EPOLLRDHUP seen: an end of stream waits after the data
    bool atEof_ = false;         // peerClosed_ and the data before the FIN all read
    bool writeBlocked_ = false;  // a send() met a full socket buffer; the drain is then reported
    ConnectionHandler* handler_ = nullptr;
    std::string output_;
    size_t outputSent_ = 0;
    std::string peerIp_, peerText_;
    int peerFamily_ = 0;
    unsigned short peerPort_ = 0;
    mutable bool localKnown_ = false;
    mutable std::string localIp_;
    mutable int localFamily_ = 0;
    mutable unsigned short localPort_ = 0;
    std::shared_ptr<bool> alive_;  // lets posted callbacks notice the connection is gone
};

// "ip:port" / "[ip6]:port" for a sockaddr, as nginx prints addresses.
std::string formatAddress(const std::string& ip, unsigned short port);

// The IP address of an IPv4 or IPv6 sockaddr as text ("127.0.0.1", "::1"); empty for any other family.
std::string hostText(const sockaddr_storage& addr);

}  // namespace mailwire::core
