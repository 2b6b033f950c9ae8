// The POP3 pre-auth line grammar (spec 5.2): bytes of the client buffer in, one command (or a parse error)
// out. It keeps its state between calls, so a command may arrive split across any number of reads.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace mailwire::pop3 {

enum class Pop3Command { None, User, Pass, Apop, Quit, Capa, Auth, Noop, Stls };

struct Pop3ParseEvent {
    enum Kind {
        NeedMore,  // every byte up to `last` is used; the command is not complete
        Command,   // command() and arguments() hold a complete line
        Invalid,   // a parse error; the line was skipped up to and including its LF
    } kind = NeedMore;
};

class Pop3Parser {
  public:
    // Parses buffer[pos, last) and advances `pos` past what it used.
    Pop3ParseEvent parse(const char* buffer, size_t& pos, size_t last);

    Pop3Command command() const { return command_; }
    const std::vector<std::string>& arguments() const { return arguments_; }

    // After a handled line: the next line starts with a verb again.
    void resetToStart();
    // After an AUTH line that asked for more (a continuation prompt was sent): the next line is one raw SASL
    // argument line, never a command; spaces still split it into arguments (nginx: sw_argument).
    void expectContinuation();

  private:
    enum class State { Start, Verb, Invalid, SpacesBeforeArgument, Argument, AlmostDone };

    Pop3ParseEvent finishLine(size_t lfIndex, size_t& pos);
    Pop3ParseEvent skipInvalid(const char* buffer, size_t from, size_t& pos, size_t last);
    bool recogniseVerb();
    void pushArgument();

    State state_ = State::Start;
    std::string verb_;
    size_t verbLength_ = 0;
    Pop3Command command_ = Pop3Command::None;
    std::vector<std::string> arguments_;
    std::string argument_;
};

}  // namespace mailwire::pop3
