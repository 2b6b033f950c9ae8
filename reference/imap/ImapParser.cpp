#include "imap/ImapParser.h"

#include <cstdint>

namespace mailwire::imap {

namespace {

constexpr char CR = '\r';
constexpr char LF = '\n';
constexpr size_t kMaxTagLength = 32;
constexpr size_t kMaxArguments = 3;
constexpr size_t kLongestCommand = 12;  // AUTHENTICATE

bool isTagChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_';
}

bool isLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

void ImapParser::resetToStart() {
    state_ = State::Start;
    tagChars_.clear();
    tag_.clear();
    arguments_.clear();
    argument_.clear();
    quoted_ = false;
    noSyncLiteral_ = false;
    literalLength_ = 0;
}

void ImapParser::pushArgument() {
    arguments_.push_back(std::move(argument_));
    argument_.clear();
}

bool ImapParser::recogniseCommand() {
    if (commandLength_ != commandWord_.size()) return false;  // longer than any verb we know
    std::string word;
    for (char c : commandWord_) word += upper(c);
    if (word == "NOOP") {
        command_ = ImapCommand::Noop;
    } else if (word == "LOGIN") {
        command_ = ImapCommand::Login;
    } else if (word == "LOGOUT") {
        command_ = ImapCommand::Logout;
    } else if (word == "STARTTLS") {
        command_ = ImapCommand::StartTls;
    } else if (word == "CAPABILITY") {
        command_ = ImapCommand::Capability;
    } else if (word == "AUTHENTICATE") {
        command_ = ImapCommand::Authenticate;
    } else {
        return false;
    }
    return true;
}

ImapParseEvent ImapParser::finishLine(size_t lfIndex, size_t& pos) {
    pos = lfIndex + 1;
    quoted_ = false;
    noSyncLiteral_ = false;
    literalLength_ = 0;
    argument_.clear();
    // Lines after AUTHENTICATE are SASL responses: one raw argument each, the tag kept (nginx: sw_argument).
    state_ = command_ == ImapCommand::Authenticate ? State::Argument : State::Start;
    ImapParseEvent event;
    event.kind = ImapParseEvent::Command;
    return event;
}

ImapParseEvent ImapParser::skipInvalid(const char* buffer, size_t from, size_t& pos, size_t last) {
    state_ = State::Invalid;
    quoted_ = false;
    noSyncLiteral_ = false;
    literalLength_ = 0;
    argument_.clear();

    for (size_t p = from; p < last; ++p) {
        if (buffer[p] != LF) continue;
        state_ = State::Start;
        pos = p + 1;
        ImapParseEvent event;
        event.kind = ImapParseEvent::Invalid;
        // A rejected line announcing a non-synchronising literal: its data cannot be told from commands.
        if (p > 4) {
            size_t q = p - 1;
            if (buffer[q] == CR) --q;
            if (buffer[q] == '}' && buffer[q - 1] == '+') event.closeAfterReply = true;
        }
        return event;
    }
    pos = last;
    return ImapParseEvent{};
}

ImapParseEvent ImapParser::parse(const char* buffer, size_t& pos, size_t last) {
    for (size_t p = pos; p < last; ++p) {
        const char ch = buffer[p];

        switch (state_) {
            case State::Start:
                tagChars_.clear();
                tag_.clear();
                arguments_.clear();
                argument_.clear();
                command_ = ImapCommand::None;
                state_ = State::Tag;
                [[fallthrough]];

            case State::Tag:
                if (ch == ' ') {
                    tag_ = tagChars_ + ' ';  // a line starting with a space gives the empty tag " " (quirk)
                    state_ = State::SpacesBeforeCommand;
                    break;
                }
                if (ch == CR || ch == LF || !isTagChar(ch) || tagChars_.size() >= kMaxTagLength) {
                    return skipInvalid(buffer, p, pos, last);
                }
                tagChars_ += ch;
                break;

            case State::Invalid:
                return skipInvalid(buffer, p, pos, last);

            case State::SpacesBeforeCommand:
                if (ch == ' ') break;
                if (ch == CR || ch == LF) return skipInvalid(buffer, p, pos, last);
                // Like nginx, the first character is only judged when the whole word is compared.
                commandWord_.assign(1, ch);
                commandLength_ = 1;
                state_ = State::Command;
                break;

            case State::Command:
                if (ch == ' ' || ch == CR || ch == LF) {
                    if (!recogniseCommand()) return skipInvalid(buffer, p, pos, last);
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
                if (commandWord_.size() < kLongestCommand + 1) commandWord_ += ch;
                ++commandLength_;
                break;

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
                        argument_.clear();
                        if (ch == '"') {
                            quoted_ = true;
                            state_ = State::Argument;
                        } else if (ch == '{') {
                            literalLength_ = 0;
                            state_ = State::Literal;
                        } else {
                            argument_ += ch;
                            state_ = State::Argument;
                        }
                        break;
                }
                break;

            case State::Argument:
                if (quoted_) {
                    if (ch == '"') {
                        quoted_ = false;
                        pushArgument();
                        state_ = State::SpacesBeforeArgument;
                    } else if (ch == '\\') {
                        state_ = State::Backslash;
                    } else if (ch == CR || ch == LF) {
                        // nginx accepts this and stays "quoted" for later lines (quirk 6); we reject the
                        // line.
                        return skipInvalid(buffer, p, pos, last);
                    } else {
                        argument_ += ch;
                    }
                    break;
                }
                if (ch == ' ') {
                    pushArgument();
                    state_ = State::SpacesBeforeArgument;
                } else if (ch == CR) {
                    pushArgument();
                    state_ = State::AlmostDone;
                } else if (ch == LF) {
                    pushArgument();
                    return finishLine(p, pos);
                } else {
                    argument_ += ch;  // '"' and '\' are ordinary inside an atom
                }
                break;

            case State::Backslash:
                if (ch == CR || ch == LF) return skipInvalid(buffer, p, pos, last);
                argument_ += ch;
                state_ = State::Argument;
                break;

            case State::Literal:
                if (ch >= '0' && ch <= '9') {
                    const size_t digit = static_cast<size_t>(ch - '0');
                    if (literalLength_ > (SIZE_MAX - digit) / 10) return skipInvalid(buffer, p, pos, last);
                    literalLength_ = literalLength_ * 10 + digit;
                } else if (ch == '}') {
                    noSyncLiteral_ = false;
                    state_ = State::StartLiteralArgument;
                } else if (ch == '+') {
                    state_ = State::NoSyncLiteral;
                } else {
                    return skipInvalid(buffer, p, pos, last);
                }
                break;

            case State::NoSyncLiteral:
                if (ch != '}') return skipInvalid(buffer, p, pos, last);
                noSyncLiteral_ = true;
                state_ = State::StartLiteralArgument;
                break;

            case State::StartLiteralArgument:
                if (ch == CR) break;
                if (ch != LF) return skipInvalid(buffer, p, pos, last);
                state_ = State::LiteralArgument;
                argument_.clear();
                if (!noSyncLiteral_) {
                    pos = p + 1;
                    ImapParseEvent event;
                    event.kind = ImapParseEvent::LiteralContinuation;
                    return event;
                }
                noSyncLiteral_ = false;
                break;

            case State::LiteralArgument:
                argument_ += ch;
                // As in nginx, "{0}" still takes one byte (quirk 5).
                if (literalLength_ && --literalLength_) break;
                pushArgument();
                state_ = State::EndLiteralArgument;
                break;

            case State::EndLiteralArgument:
                // Since nginx 1.29.6 only SP, CR or LF may follow a literal.
                if (ch == ' ') {
                    state_ = State::SpacesBeforeArgument;
                } else if (ch == CR) {
                    state_ = State::AlmostDone;
                } else if (ch == LF) {
                    return finishLine(p, pos);
                } else {
                    return skipInvalid(buffer, p, pos, last);
                }
                break;

            case State::AlmostDone:
                if (ch != LF) return skipInvalid(buffer, p, pos, last);
                return finishLine(p, pos);
        }
    }
    pos = last;
    return ImapParseEvent{};
}

}  // namespace mailwire::imap
