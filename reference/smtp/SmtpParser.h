// The SMTP pre-auth line grammar (spec 6.3): `VERB [SP+ arg]{0..11} CRLF|LF`. Bytes of the client buffer in,
// one command (or a parse error) out. State is kept between calls, so a line may arrive in any number of
// reads.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace mailwire::smtp {

enum class SmtpCommand { None, Helo, Ehlo, Auth, Quit, Noop, Mail, Rcpt, Rset, Vrfy, Expn, Help, StartTls };

struct SmtpParseEvent {
    enum Kind {
        NeedMore,  // every byte up to `last` is used; the line is not complete
        Command,   // command() and arguments() hold a complete line
        Invalid,   // a parse error; the line was skipped up to and including its LF
    } kind = NeedMore;
};

class SmtpParser {
  public:
    // Parses buffer[pos, last) and advances `pos` past what it used. Offsets stay valid while the line is
    // incomplete, because the session's buffer is only emptied once every byte in it was used.
    SmtpParseEvent parse(const char* buffer, size_t& pos, size_t last);

    SmtpCommand command() const { return command_; }
    const std::vector<std::string>& arguments() const { return arguments_; }
    // The line from the verb to the end of its last argument, as typed ("MAIL FROM: <a@b> SIZE=10").
    const std::string& lineAsTyped() const { return lineAsTyped_; }

    // The next line is a raw SASL argument line starting at `pos`, never a command (nginx keeps the AUTH
    // command and parses on in its argument state).
    void startArgumentLine(size_t pos);
    // Back to the verb of a new line.
    void resetToStart();
    void clearArguments() { arguments_.clear(); }

  private:
    enum class State { Start, Command, Invalid, SpacesBeforeArgument, Argument, AlmostDone };

    static constexpr size_t kMaxArguments = 11;

    bool recogniseCommand(const char* verb, size_t length);
    SmtpParseEvent finishLine(const char* buffer, size_t lfIndex, size_t& pos);
    SmtpParseEvent skipInvalid(const char* buffer, size_t from, size_t& pos, size_t last);

    State state_ = State::Start;
    size_t commandStart_ = 0;
    size_t argumentStart_ = 0;
    size_t lastArgumentEnd_ = 0;
    SmtpCommand command_ = SmtpCommand::None;
    std::vector<std::string> arguments_;
    std::string lineAsTyped_;
};

}  // namespace mailwire::smtp
