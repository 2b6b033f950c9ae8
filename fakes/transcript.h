#pragma once

#include <chrono>
#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

namespace mailwire::fake {

// The JSON-lines record of what happened on every connection (docs/fake-protocol.md). Each event is
// flushed at once because the harness reads the file while the fake runs.
class Transcript {
  public:
    using Clock = std::chrono::steady_clock;

    // Events go to `out` (which must outlive the transcript); times count from `start`.
    Transcript(std::ostream& out, Clock::time_point start);
    // Appends to the file at `path`; throws std::runtime_error naming the file when it cannot be opened.
    static std::unique_ptr<Transcript> appendingTo(const std::string& path, Clock::time_point start);
    // Drops every event: a fake started by hand without --transcript.
    static std::unique_ptr<Transcript> discarding(Clock::time_point start);

    // False for a discarding transcript (no --transcript): callers may skip work done only to record.
    bool records() const { return out_->rdbuf() != nullptr; }

    void accept(int conn, const std::string& peer);
    // `piece`: one piece of a split write (extra field "piece": true).
    void send(int conn, std::string_view bytes, bool piece = false);
    void recv(int conn, std::string_view bytes);
    // `reset`: the peer reset the connection instead of closing it cleanly (extra field "reset": true).
    void eof(int conn, bool reset = false);
    void close(int conn);
    // The fake's own faults: it reset the connection, shut down its write side, or stopped serving it.
    void reset(int conn);
    void halfClose(int conn);
    void stall(int conn);
    void error(int conn, std::string_view message);

  private:
    void write(int conn, const char* event, const std::string& extra);

    std::unique_ptr<std::ostream> owned_;
    std::ostream* out_;
    Clock::time_point start_;
};

}  // namespace mailwire::fake
