#pragma once

#include <Poco/Net/ServerSocket.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "event_loop.h"
#include "session.h"
#include "transcript.h"

namespace mailwire::fake {

// Listens on one or more addresses, numbers accepted connections from 1, records `accept`, and hands each
// socket to a session made by the factory.
class TcpServer {
  public:
    TcpServer(EventLoop& loop, Transcript& transcript, SessionFactory factory);
    ~TcpServer();

    // `address` is HOST:PORT or [IPv6]:PORT; throws std::runtime_error naming it when it cannot listen.
    void listen(const std::string& address);
    // The bound port of each listener, in listen() order.
    std::vector<std::uint16_t> ports() const;
    // Records `close` for every open session and stops listening.
    void shutdown();
    std::size_t openSessions() const { return sessions_.size(); }

  private:
    class Listener;
    void acceptFrom(Listener& listener);

    EventLoop& loop_;
    Transcript& transcript_;
    SessionFactory factory_;
    std::vector<std::unique_ptr<Listener>> listeners_;
    std::map<int, std::unique_ptr<Session>> sessions_;
    int accepted_ = 0;
};

}  // namespace mailwire::fake
