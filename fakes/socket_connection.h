#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "event_loop.h"

namespace mailwire::fake {

// An accepted, non-blocking TCP socket: reads whatever arrives, buffers what cannot be written yet,
// and tells its owner about data, the peer's EOF, and failures.
class SocketConnection : public IoHandler {
  public:
    class Owner {
      public:
        virtual ~Owner() = default;
        virtual void onReceived(std::string_view bytes) = 0;
        // The peer closed (reset: it reset the connection). Reading stops.
        virtual void onPeerClosed(bool reset) = 0;
        // Writing failed (for example the peer reset); the socket is closed.
        virtual void onWriteFailed(const std::string& reason) = 0;
        // The socket is closed after closeWhenFlushed() or a failure: the owner may now be destroyed.
        virtual void onClosed() = 0;
    };

    // Takes ownership of `fd`.
    SocketConnection(EventLoop& loop, int fd, Owner& owner);
    ~SocketConnection() override;
    SocketConnection(const SocketConnection&) = delete;
    SocketConnection& operator=(const SocketConnection&) = delete;

    void write(std::string_view bytes);
    // Writes `bytes` with send() calls of their own, never merged with other writes, and with TCP_NODELAY on
    // so Nagle does not hold them back (a split send, piece by piece).
    void writePiece(std::string_view bytes);
    // Writes `bytes` bytes of `pattern` repeated, generated as the socket drains (a bulk download that is
    // never held whole).
    void writeRepeated(const std::string& pattern, std::uint64_t bytes);
    // Sends FIN (shutdown(SHUT_WR)) once every written byte has gone out; reading goes on.
    void shutdownWriteWhenFlushed();
    // Closes once every written byte has gone out.
    void closeWhenFlushed();
    // Like closeWhenFlushed(), but closes with RST (SO_LINGER {1, 0}).
    void resetWhenFlushed();
    // Closes now, dropping unsent bytes (at exit).
    void closeNow();
    // Stops reading for back-pressure (a script busy waiting while the peer floods it).
    void setReading(bool reading);
    bool isOpen() const { return fd_ >= 0; }

    void onIoEvent(std::uint32_t events) override;

  private:
    void readAvailable();
    void flush();
    void updateInterest();
    void finishClose();

    EventLoop& loop_;
    int fd_;
    Owner& owner_;
    std::uint64_t registration_ = 0;
    bool registered_ = false;
    bool registeredRead_ = false;
    bool registeredWrite_ = false;
    bool reading_ = true;
    bool peerClosed_ = false;
    bool closing_ = false;
    bool resetting_ = false;        // closing_ with RST
    bool shutdownPending_ = false;  // shutdownWriteWhenFlushed() not done yet
    bool noDelay_ = false;
    // What is not written yet; each entry goes out in send() calls of its own. Plain writes share an entry,
    // a piece or a repeated write has one to itself.
    struct Pending {
        std::string bytes;            // the bytes; for a repeated entry, whole copies of the pattern
        std::size_t patternSize = 0;  // repeated entry: the pattern's size
        std::uint64_t repeated = 0;   // repeated entry: bytes still to write
    };
    std::deque<Pending> output_;
    std::uint64_t frontSent_ = 0;  // bytes of output_.front() already sent
    bool lastIsPiece_ = false;
};

}  // namespace mailwire::fake
