#include "smtp/SmtpParser.h"

#include <cctype>
#include <cstring>

namespace mailwire::smtp {

namespace {

bool isLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

bool verbIs(const char* verb, size_t length, const char* name) {
    if (length != std::strlen(name)) return false;
    for (size_t i = 0; i < length; ++i) {
        if (std::toupper(static_cast<unsigned char>(verb[i])) != name[i]) return false;
    }
    return true;
}

}  // namespace

void SmtpParser::startArgumentLine(size_t pos) {
    state_ = State::Argument;
    argumentStart_ = pos;
    arguments_.clear();
}

void SmtpParser::resetToStart() {
    state_ = State::Start;
    arguments_.clear();
}

bool SmtpParser::recogniseCommand(const char* verb, size_t length) {
    struct Verb {
        const char* name;
        SmtpCommand command;
    };
    // DATA and every other verb are parse errors before login.
    static const Verb kVerbs[] = {
        {"HELO", SmtpCommand::Helo}, {"EHLO", SmtpCommand::Ehlo}, {"QUIT", SmtpCommand::Quit},
        {"AUTH", SmtpCommand::Auth}, {"NOOP", SmtpCommand::Noop}, {"MAIL", SmtpCommand::Mail},
        {"RSET", SmtpCommand::Rset}, {"RCPT", SmtpCommand::Rcpt}, {"VRFY", SmtpCommand::Vrfy},
        {"EXPN", SmtpCommand::Expn}, {"HELP", SmtpCommand::Help}, {"STARTTLS", SmtpCommand::StartTls},
    };
    for (const Verb& v : kVerbs) {
        if (verbIs(verb, length, v.name)) {
            command_ = v.command;
            return true;
        }
    }
    return false;
}

SmtpParseEvent SmtpParser::finishLine(const char* buffer, size_t lfIndex, size_t& pos) {
    pos = lfIndex + 1;
    if (!arguments_.empty() && lastArgumentEnd_ >= commandStart_) {
        lineAsTyped_.assign(buffer + commandStart_, lastArgumentEnd_ - commandStart_);
    } else {
        lineAsTyped_.clear();
    }
    state_ = State::Start;
    SmtpParseEvent event;
    event.kind = SmtpParseEvent::Command;
    return event;
}

SmtpParseEvent SmtpParser::skipInvalid(const char* buffer, size_t from, size_t& pos, size_t last) {
    state_ = State::Invalid;
    arguments_.clear();
    for (size_t p = from; p < last; ++p) {
        if (buffer[p] == '\n') {
            state_ = State::Start;
            pos = p + 1;
            SmtpParseEvent event;
            event.kind = SmtpParseEvent::Invalid;
            return event;
        }
    }
    pos = last;
    return SmtpParseEvent{};
}

SmtpParseEvent SmtpParser::parse(const char* buffer, size_t& pos, size_t last) {
    for (size_t p = pos; p < last; ++p) {
        const char ch = buffer[p];
        switch (state_) {
            case State::Start:
                commandStart_ = p;
                command_ = SmtpCommand::None;
                arguments_.clear();
                lineAsTyped_.clear();
                state_ = State::Command;
                [[fallthrough]];

            case State::Command:
                if (ch == ' ' || ch == '\r' || ch == '\n') {
                    if (!recogniseCommand(buffer + commandStart_, p - commandStart_))
                        return skipInvalid(buffer, p, pos, last);
                    if (ch == ' ') {
                        state_ = State::SpacesBeforeArgument;
                    } else if (ch == '\r') {
                        state_ = State::AlmostDone;
                    } else {
                        return finishLine(buffer, p, pos);
                    }
                    break;
                }
                if (!isLetter(ch)) return skipInvalid(buffer, p, pos, last);
                break;

            case State::Invalid:
                return skipInvalid(buffer, p, pos, last);

            case State::SpacesBeforeArgument:
                if (ch == ' ') break;
                if (ch == '\r') {
                    state_ = State::AlmostDone;
                    break;
                }
                if (ch == '\n') return finishLine(buffer, p, pos);
                if (arguments_.size() >= kMaxArguments) return skipInvalid(buffer, p, pos, last);
                state_ = State::Argument;
                argumentStart_ = p;
                break;

            case State::Argument:
                if (ch == ' ' || ch == '\r' || ch == '\n') {
                    arguments_.emplace_back(buffer + argumentStart_, p - argumentStart_);
                    lastArgumentEnd_ = p;
                    if (ch == ' ') {
                        state_ = State::SpacesBeforeArgument;
                    } else if (ch == '\r') {
                        state_ = State::AlmostDone;
                    } else {
                        return finishLine(buffer, p, pos);
                    }
                }
                break;

            case State::AlmostDone:
                if (ch == '\n') return finishLine(buffer, p, pos);
                return skipInvalid(buffer, p, pos, last);
        }
    }
    pos = last;
    return SmtpParseEvent{};
}

}  // namespace mailwire::smtp
