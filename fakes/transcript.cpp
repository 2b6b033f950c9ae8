#include "transcript.h"

#include <cstdio>
#include <stdexcept>

#include "byte_text.h"

namespace mailwire::fake {

Transcript::Transcript(std::ostream& out, Clock::time_point start) : out_(&out), start_(start) {}

std::unique_ptr<Transcript> Transcript::appendingTo(const std::string& path, Clock::time_point start) {
    auto file = std::make_unique<std::ofstream>(path, std::ios::out | std::ios::app | std::ios::binary);
    if (!*file) throw std::runtime_error("cannot open transcript file " + path);
    auto transcript = std::make_unique<Transcript>(*file, start);
    transcript->owned_ = std::move(file);
    return transcript;
}

std::unique_ptr<Transcript> Transcript::discarding(Clock::time_point start) {
    auto sink = std::make_unique<std::ostream>(nullptr);
    auto transcript = std::make_unique<Transcript>(*sink, start);
    transcript->owned_ = std::move(sink);
    return transcript;
}

void Transcript::accept(int conn, const std::string& peer) {
    write(conn, "accept", ", \"peer\": " + bytesToJsonString(peer));
}
void Transcript::send(int conn, std::string_view bytes, bool piece) {
    if (!out_->rdbuf()) return;  // discarding: skip the JSON encoding too (bulk benchmark transfers)
    write(conn, "send", ", \"data\": " + bytesToJsonString(bytes) + (piece ? ", \"piece\": true" : ""));
}
void Transcript::recv(int conn, std::string_view bytes) {
    if (!out_->rdbuf()) return;
    write(conn, "recv", ", \"data\": " + bytesToJsonString(bytes));
}
void Transcript::eof(int conn, bool reset) { write(conn, "eof", reset ? ", \"reset\": true" : ""); }
void Transcript::close(int conn) { write(conn, "close", ""); }
void Transcript::reset(int conn) { write(conn, "reset", ""); }
void Transcript::halfClose(int conn) { write(conn, "half_close", ""); }
void Transcript::stall(int conn) { write(conn, "stall", ""); }
void Transcript::error(int conn, std::string_view message) {
    write(conn, "error", ", \"data\": " + bytesToJsonString(message));
}

void Transcript::write(int conn, const char* event, const std::string& extra) {
    if (!out_->rdbuf()) return;
    const auto now = Clock::now();
    const double seconds = std::chrono::duration<double>(now - start_).count();
    // "mono": CLOCK_MONOTONIC (steady_clock on Linux), the clock of Python's time.monotonic(): the harness
    // merges the legs' events into one ordered trace with it.
    const double mono = std::chrono::duration<double>(now.time_since_epoch()).count();
    char head[128];
    std::snprintf(head, sizeof head, "{\"conn\": %d, \"t\": %.6f, \"mono\": %.6f, \"event\": \"%s\"", conn,
                  seconds, mono, event);
    *out_ << head << extra << "}\n";
    out_->flush();
}

}  // namespace mailwire::fake
