#pragma once

#include <cstdint>
#include <string>

#include "imap_default_dialogue.h"
#include "pop3_default_dialogue.h"

namespace mailwire::fake {

// `--profile bulk`: the default dialogue plus a download of any size, for the benchmark's backend -> client
// relay. The message is generated as the socket drains, never stored whole: its size is in the request.
struct BulkMessage {
    static constexpr std::uint64_t kMaxBytes = 1ull << 34;  // 16 GiB: a typo must not mean a day of sending
    // One line of the message: 78 `x` and CRLF (no line starts with a dot: nothing to dot-stuff).
    static std::string line();
    // The message of `bytes` bytes (>= 2): the first bytes - 2 bytes of repeated line()s, then CRLF.
    static std::string text(std::uint64_t bytes);
};

// IMAP: `<tag> FETCH <n> BODY[]<0.N>` (or BODY.PEEK) answers `* <n> FETCH (BODY[]<0> {N}` with an N-byte
// literal, `)` and `<tag> OK FETCH completed`. Everything else as the default IMAP dialogue.
class BulkImapDialogue : public ImapDefaultDialogue {
  public:
    void takeLine(const std::string& line) override;
};

// POP3: `RETR N` answers `+OK N octets`, an N-byte message and the `.` line (the size is the argument, not a
// message number). Everything else as the default POP3 dialogue.
class BulkPop3Dialogue : public Pop3DefaultDialogue {
  public:
    void takeLine(const std::string& line) override;
};

}  // namespace mailwire::fake
