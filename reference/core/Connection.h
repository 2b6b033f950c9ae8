// A non-blocking TCP connection as sessions see it: pull-style reads, buffered writes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mailwire::core {

// Why an outgoing connect failed, with nginx's words for it. Callers pick the log level and action from the
// kind, never by reading the text.
struct ConnectFailure {
    enum Kind {
        Failed,         // socket() or connect() failed at once: "connect() failed (...)"
        RefusedOnRead,  // the peer refused a non-blocking connect; nginx learns it from its first recv()
        PoolExhausted,  // worker_connections used up: "N worker_connections are not enough" (nginx: alert)
    } kind = Failed;
    std::string text;
};

class ConnectionHandler {
  public:
    virtual ~ConnectionHandler() = default;
    virtual void onReadable() = 0;  // data or EOF is waiting: call read()
    // Bytes that could not be written at once have all been handed to the kernel: the peer became writable
    // again (nginx's write event after a blocked write). A write the kernel takes at once reports nothing.
    virtual void onWriteDrained() {}
    virtual void onConnected() {}  // outgoing connect finished
    virtual void onConnectFailed(const ConnectFailure& /*failure*/) {}
    virtual void onWriteFailed(const std::string& /*error*/) {}
};

struct ReadResult {
    enum Status { Data, WouldBlock, Eof, Error } status = WouldBlock;
    size_t bytes = 0;
    std::string error;  // for Error: e.g. "recv() failed (104: Connection reset by peer)"
};

class Connection {
  public:
    virtual ~Connection() = default;
    virtual void setHandler(ConnectionHandler* handler) = 0;
    virtual ReadResult read(char* into, size_t capacity) = 0;
    virtual void write(std::string_view bytes) = 0;  // queued; flushed as the socket allows
    virtual size_t pendingWrite() const = 0;
    virtual void setReadInterest(
        bool wanted) = 0;                      // level-triggered: stop asking while the session can't consume
    virtual void close() = 0;                  // immediate; queued bytes are dropped
    virtual std::string peerIp() const = 0;    // "127.0.0.1", "::1" (no brackets)
    virtual std::string peerText() const = 0;  // "127.0.0.1:54321", "[::1]:54321"
    // Looks at waiting bytes without consuming them (the PROXY protocol header is read this way).
    virtual ReadResult peek(char* /*into*/, size_t /*capacity*/) {
        ReadResult result;
        result.status = ReadResult::Error;
        result.error = "peek() is not supported on this connection";
        return result;
    }
};

}  // namespace mailwire::core
