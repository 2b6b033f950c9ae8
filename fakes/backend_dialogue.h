#pragma once

#include <cstdint>
#include <string>

namespace mailwire::fake {

// Where a backend's side of the conversation lives. It is pure: the session feeds it lines, EOF and timer
// expiries, and it answers through DialogueActions and by saying what it needs next. No sockets, no clock.

class DialogueActions {
  public:
    virtual ~DialogueActions() = default;
    // Writes bytes to the peer (recorded as one `send` event).
    virtual void send(const std::string& bytes) = 0;
    // Writes one piece of a split send in write(2) calls of its own (a `send` event with "piece": true).
    virtual void sendPiece(const std::string& bytes) = 0;
    // Shuts down the write side once everything written has gone out (recorded as `half_close`); reading
    // goes on.
    virtual void halfClose() = 0;
    // Writes `bytes` bytes made by repeating `pattern` (a bulk download). A session may stream it without
    // ever holding it whole; by default it is built and sent as one send().
    virtual void sendRepeated(const std::string& pattern, std::uint64_t bytes) {
        std::string text;
        text.reserve(static_cast<std::size_t>(bytes));
        while (text.size() + pattern.size() <= bytes) text += pattern;
        text.append(pattern, 0, static_cast<std::size_t>(bytes - text.size()));
        send(text);
    }
};

struct DialogueNeed {
    enum class Kind {
        Line,   // the next received line (or EOF)
        Timer,  // `ms` to pass, then timerFired()
        Done,   // nothing more to say: read until the peer closes, then close
        Close,  // close the connection now
        Reset,  // close it with RST
        Stall,  // neither read nor write any more; the connection stays open until the fake exits
    };
    Kind kind;
    int ms = 0;
};

class BackendDialogue {
  public:
    virtual ~BackendDialogue() = default;
    // Runs until the dialogue needs something; safe to call again with nothing new delivered.
    virtual DialogueNeed run(DialogueActions& actions) = 0;
    // Answers a Line need with a line (up to and including LF, or the last bytes before EOF).
    virtual void takeLine(const std::string& line) = 0;
    // Answers a Line need with the peer's EOF.
    virtual void takeEof() = 0;
    // Answers a Timer need.
    virtual void timerFired() = 0;
};

}  // namespace mailwire::fake
