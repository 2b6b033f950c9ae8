#pragma once

#include <functional>
#include <memory>

namespace mailwire::fake {

class EventLoop;
class Transcript;

// One accepted connection of a fake, whatever its protocol.
class Session {
  public:
    virtual ~Session() = default;
    virtual void start() = 0;
    // The fake is exiting: record `close` if still open and close the socket.
    virtual void shutdown() = 0;
};

// What a session needs from its server.
struct SessionContext {
    EventLoop& loop;
    Transcript& transcript;
    int conn;                       // 1, 2, ... in accept order
    int fd;                         // the accepted socket, non-blocking; the session owns it
    std::function<void()> release;  // call once closed: the server destroys the session later in the round
};

using SessionFactory = std::function<std::unique_ptr<Session>(SessionContext context)>;

}  // namespace mailwire::fake
