// The IMAP pre-auth line grammar (spec 4.2): bytes of the client buffer in, one command (or a parse error)
// out. It keeps its state between calls, so a command may arrive split across any number of reads.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace mailwire::imap {

enum class ImapCommand { None, Login, Logout, Capability, Noop, Authenticate, StartTls };

struct ImapParseEvent {
    enum Kind {
        NeedMore,             // every byte up to `last` is used; the command is not complete
        Command,              // command() and arguments() hold a complete line
        LiteralContinuation,  // a synchronising literal was announced: send "+ OK\r\n", then parse on
        Invalid,              // a parse error; the line is skipped up to and including its LF
    } kind = NeedMore;
    // Invalid only: the line ended in "+}", so unknown literal data follows and the session must close.
    bool closeAfterReply = false;
};

class ImapParser {
  public:
    // Parses buffer[pos, last) and advances `pos` past what it used. `buffer` is the start of the client
    // buffer: the "+}" rule looks back from the LF, as nginx does, without regard to line starts.
    ImapParseEvent parse(const char* buffer, size_t& pos, size_t last);

    // The tag with its trailing space, exactly as received; empty until the tag is complete.
    const std::string& tag() const { return tag_; }
    ImapCommand command() const { return command_; }
    const std::vector<std::string>& arguments() const { return arguments_; }

    // True after an AUTHENTICATE line (and after each of its continuation lines): the next line is a raw
    // SASL argument line, never a command, and the tag is kept.
    // Meaningful between lines, i.e. right after parse() returned Command or Invalid.
    bool inContinuation() const { return state_ != State::Start; }

    // After a command was handled and is not followed by a continuation: back to the tag of a new line.
    void resetToStart();
    // After a handled line: forget the arguments (the state and tag stay as they are).
    void clearArguments() { arguments_.clear(); }

  private:
    enum class State {
        Start,
        Tag,
        Invalid,
        SpacesBeforeCommand,
        Command,
        SpacesBeforeArgument,
        Argument,
        Backslash,
        Literal,
        NoSyncLiteral,
        StartLiteralArgument,
        LiteralArgument,
        EndLiteralArgument,
        AlmostDone,
    };

    ImapParseEvent finishLine(size_t lfIndex, size_t& pos);
    ImapParseEvent skipInvalid(const char* buffer, size_t from, size_t& pos, size_t last);
    bool recogniseCommand();
    void pushArgument();

    State state_ = State::Start;
    std::string tagChars_;
    std::string tag_;
    std::string commandWord_;
    size_t commandLength_ = 0;
    ImapCommand command_ = ImapCommand::None;
    std::vector<std::string> arguments_;
    std::string argument_;
    bool quoted_ = false;
    bool noSyncLiteral_ = false;
    size_t literalLength_ = 0;
};

}  // namespace mailwire::imap
