#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mailwire::load {

// One step of a client session. The steps of a mode are fixed; a connection runs them in order.
struct Step {
    enum class Kind {
        Send,          // write `text`
        ExpectLine,    // one line that starts with `text`
        ExpectTagged,  // IMAP: skip untagged lines up to the one tagged `text`; it must be `<tag> OK`
        ExpectSmtp,    // SMTP: a (multi-line) reply whose final line starts with the code in `text`
        ReadLiteral,   // IMAP: a line ending in `{N}`, then N bytes of payload
        ReadDotBody,   // POP3: payload up to the lone `.` line
        SendBody,      // write `bytes` bytes of payload (1000-byte CRLF lines; no line starts with a dot)
        ExpectEof,     // the server closes
        Hold,          // the session is established: stay until told to stop (idle)
    };
    Kind kind;
    std::string text;
    std::uint64_t bytes = 0;
};

// The session a mode runs (options as in LoadOptions).
std::vector<Step> stepsFor(const std::string& mode, const std::string& user, const std::string& password,
                           std::uint64_t bytes);

}  // namespace mailwire::load
