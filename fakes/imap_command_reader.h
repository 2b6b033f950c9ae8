#pragma once

#include <cstdint>
#include <string>

namespace mailwire::fake {

// One IMAP command, literals included.
struct ImapCommand {
    std::string tag;   // "" for an empty line
    std::string verb;  // uppercased; "" when the line has only a tag
    std::string text;  // the whole command without its final CRLF; each literal's bytes follow its `{N}`
};

// The length of a literal announced at the end of `text` (`{N}` or `{N+}`), if there is one.
bool trailingLiteral(const std::string& text, std::uint64_t& length, bool& synchronising);

// Assembles IMAP commands from received lines, following `{N}` and `{N+}` literals, for the built-in IMAP
// dialogues. It decides nothing about replies: it says when a synchronising literal wants a `+`.
class ImapCommandReader {
  public:
    enum class Progress {
        Incomplete,         // more lines needed, nothing to answer
        WantsContinuation,  // a synchronising literal was announced: answer with a `+` line
        Complete,           // command() holds a whole command
    };

    // Feeds one received line (up to and including LF).
    Progress take(const std::string& line);
    const ImapCommand& command() const { return command_; }

  private:
    Progress continueWith(const std::string& text);

    std::uint64_t literalLeft_ = 0;  // bytes of a literal still to come
    bool inCommand_ = false;         // a command was started and is not complete yet
    ImapCommand command_;
};

}  // namespace mailwire::fake
