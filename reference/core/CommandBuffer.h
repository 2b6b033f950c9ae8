// nginx's client command buffer (spec 3.1, 3.3), shared by IMAP, POP3 and SMTP before login: fixed capacity,
// allocated at the first read, appended at the end, reset only when every byte is consumed, never compacted;
// it also counts parse errors toward max_errors, as nginx's one command-reading routine does.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace mailwire::core {

class CommandBuffer {
  public:
    static constexpr const char* kTooManyErrorsLog = "client sent too many invalid commands";

    CommandBuffer(size_t capacity, int maxErrors);

    size_t capacity() const { return capacity_; }
    bool allocated() const { return buffer_ != nullptr; }

    // Where the next read goes and how much fits; allocates the buffer on the first call, so an idle session
    // costs none.
    char* readSpace(size_t& room);
    void commitRead(size_t bytes);

    // Runs `parser.parse(data, pos, last)` over the unparsed bytes; the parser advances pos.
    template <class Parser>
    auto parseWith(Parser& parser) {
        return parser.parse(buffer_.get(), pos_, last_);
    }

    size_t pos() const { return pos_; }
    size_t last() const { return last_; }
    bool consumed() const { return pos_ == last_; }
    // The parser wants more but nothing more fits: the command is "too long".
    bool full() const { return last_ >= capacity_; }

    // After a command: back to empty only if every byte was used (the buffer is never compacted).
    void resetIfConsumed();
    // Throws every byte away (STARTTLS: they could be injected commands).
    void discard();
    // The bytes not parsed yet (for the backend after login); the buffer is empty afterwards.
    std::string takeUnconsumed();

    // Everything read since the last reset, parsed or not.
    std::string_view contents() const;
    std::string tooLongLog() const;

    // Counts one parse error (not a handler reject); true once max_errors is reached.
    bool countParseError();

  private:
    const size_t capacity_;
    const int maxErrors_;
    std::unique_ptr<char[]> buffer_;  // not zeroed: only bytes read into it are ever looked at
    size_t pos_ = 0;
    size_t last_ = 0;
    int errors_ = 0;
};

}  // namespace mailwire::core
