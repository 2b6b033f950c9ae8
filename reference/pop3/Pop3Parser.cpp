#include "pop3/Pop3Parser.h"

namespace mailwire::pop3 {

namespace {

constexpr char CR = '\r';
constexpr char LF = '\n';
constexpr size_t kVerbLength = 4;
constexpr size_t kMaxArguments = 3;

bool isLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

void Pop3Parser::resetToStart() {
    state_ = State::Start;
    arguments_.clear();
    argument_.clear();
}

void Pop3Parser::expectContinuation() {
    state_ = State::Argument;
    arguments_.clear();
    argument_.clear();
}

void Pop3Parser::pushArgument() {
    arguments_.push_back(std::move(argument_));
    argument_.clear();
}

bool Pop3Parser::recogniseVerb() {
    if (verbLength_ != kVerbLength) return false;
    std::string word;
    for (char c : verb_) word += upper(c);
    static const struct {
        const char* name;
        Pop3Command command;
    } kVerbs[] = {{"USER", Pop3Command::User}, {"PASS", Pop3Command::Pass}, {"APOP", Pop3Command::Apop},
                  {"QUIT", Pop3Command::Quit}, {"CAPA", Pop3Command::Capa}, {"AUTH", Pop3Command::Auth},
                  {"NOOP", Pop3Command::Noop}, {"STLS", Pop3Command::Stls}};
    for (const auto& verb : kVerbs) {
        if (word == verb.name) {
            command_ = verb.command;
            return true;
        }
    }
    return false;
}

Pop3ParseEvent Pop3Parser::finishLine(size_t lfIndex, size_t& pos) {
    pos = lfIndex + 1;
    argument_.clear();
    // Lines after AUTH may be SASL responses; the protocol decides (resetToStart / expectContinuation).
    state_ = State::Start;
    Pop3ParseEvent event;
    event.kind = Pop3ParseEvent::Command;
    return event;
}

Pop3ParseEvent Pop3Parser::skipInvalid(const char* buffer, size_t from, size_t& pos, size_t last) {
    state_ = State::Invalid;
    argument_.clear();
    for (size_t p = from; p < last; ++p) {
        if (buffer[p] != LF) continue;
        state_ = State::Start;
        pos = p + 1;
        Pop3ParseEvent event;
        event.kind = Pop3ParseEvent::Invalid;
        return event;
    }
    pos = last;
    return Pop3ParseEvent{};
}

Pop3ParseEvent Pop3Parser::parse(const char* buffer, size_t& pos, size_t last) {
    for (size_t p = pos; p < last; ++p) {
        const char ch = buffer[p];

        switch (state_) {
            case State::Start:
                verb_.clear();
                verbLength_ = 0;
                arguments_.clear();
                argument_.clear();
                command_ = Pop3Command::None;
                state_ = State::Verb;
                [[fallthrough]];

            case State::Verb:
                if (ch == ' ' || ch == CR || ch == LF) {
                    // An empty line has a verb of length 0: a parse error like any unknown verb.
                    if (!recogniseVerb()) return skipInvalid(buffer, p, pos, last);
                    if (ch == ' ') {
                        state_ = State::SpacesBeforeArgument;
                    } else if (ch == CR) {
                        state_ = State::AlmostDone;
                    } else {
                        return finishLine(p, pos);
                    }
                    break;
                }
                if (!isLetter(ch)) return skipInvalid(buffer, p, pos, last);
                if (verb_.size() <= kVerbLength) verb_ += ch;
                ++verbLength_;
                break;

            case State::Invalid:
                return skipInvalid(buffer, p, pos, last);

            case State::SpacesBeforeArgument:
                switch (ch) {
                    case ' ':
                        break;
                    case CR:
                        state_ = State::AlmostDone;
                        break;
                    case LF:
                        return finishLine(p, pos);
                    default:
                        if (arguments_.size() >= kMaxArguments) return skipInvalid(buffer, p, pos, last);
                        argument_.assign(1, ch);
                        state_ = State::Argument;
                        break;
                }
                break;

            case State::Argument:
                switch (ch) {
                    case ' ':
                        // The user name and password run to the end of the line, spaces included.
                        if (command_ == Pop3Command::User || command_ == Pop3Command::Pass) {
                            argument_ += ch;
                            break;
                        }
                        pushArgument();
                        state_ = State::SpacesBeforeArgument;
                        break;
                    case CR:
                        pushArgument();
                        state_ = State::AlmostDone;
                        break;
                    case LF:
                        pushArgument();
                        return finishLine(p, pos);
                    default:
                        argument_ += ch;
                        break;
                }
                break;

            case State::AlmostDone:
                if (ch != LF) return skipInvalid(buffer, p, pos, last);
                return finishLine(p, pos);
        }
    }
    pos = last;
    return Pop3ParseEvent{};
}

}  // namespace mailwire::pop3
