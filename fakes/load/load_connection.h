#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "client_steps.h"

namespace mailwire::load {

// One client session on a connected non-blocking socket: runs its steps as bytes arrive and as the socket
// drains. It owns no event loop; the runner tells it when the socket is readable or writable.
class LoadConnection {
  public:
    enum class Status { Running, Held, Done, Failed };

    LoadConnection(int fd, const std::vector<Step>& steps);
    ~LoadConnection();
    LoadConnection(const LoadConnection&) = delete;
    LoadConnection& operator=(const LoadConnection&) = delete;

    // The socket is readable: reads what is there (several reads, bounded) and runs the steps it allows.
    void onReadable();
    // The socket is writable: writes what is pending, then runs the steps that follow.
    void onWritable();
    // The non-blocking connect finished (checks SO_ERROR), then starts the steps.
    void onConnected();

    Status status() const { return status_; }
    bool connected() const { return connected_; }
    bool wantsWrite() const { return !connected_ || outputPending(); }
    const std::string& error() const { return error_; }
    std::uint64_t payloadBytes() const { return payload_; }
    int fd() const { return fd_; }

  private:
    void feed(const char* data, std::size_t size);
    void run();
    bool takeLine(std::string& line);
    bool handleLine(const Step& step, const std::string& line);
    std::size_t consumeRaw(const char* data, std::size_t size);
    bool inRawMode() const { return rawLeft_ > 0 || readingDotBody_; }
    void flush();
    bool outputPending() const { return outputOffset_ < output_.size() || bodyLeft_ > 0 || bodyTrailer_; }
    void fail(const std::string& reason);
    std::string waitingFor() const;

    int fd_;
    const std::vector<Step>& steps_;
    std::size_t next_ = 0;  // index of the step being run
    Status status_ = Status::Running;
    bool connected_ = false;
    std::string error_;
    std::string input_;  // received bytes not yet used (line mode)
    std::string output_;
    std::size_t outputOffset_ = 0;
    std::uint64_t bodyLeft_ = 0;  // SendBody bytes still to write
    std::uint64_t bodySent_ = 0;
    bool bodyTrailer_ = false;       // the body's closing CRLF is still to be written
    std::uint64_t rawLeft_ = 0;      // literal bytes still to read
    bool readingDotBody_ = false;    // reading a POP3 body up to the `.` line
    std::string dotTail_;            // the last bytes of the POP3 body, for a terminator split across reads
    std::uint64_t rawConsumed_ = 0;  // bytes of the POP3 body and terminator read so far
    std::uint64_t payload_ = 0;
};

}  // namespace mailwire::load
