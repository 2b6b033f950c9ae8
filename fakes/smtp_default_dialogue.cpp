#include "smtp_default_dialogue.h"

#include <cctype>

namespace mailwire::fake {

namespace {

std::string withoutLineEnd(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

std::string upperVerb(const std::string& text) {
    std::string verb = text.substr(0, text.find(' '));
    for (char& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return verb;
}

}  // namespace

DialogueNeed SmtpDefaultDialogue::run(DialogueActions& actions) {
    if (!greeted_) {
        greeted_ = true;
        actions.send(kGreeting);
    }
    if (!replies_.empty()) {
        actions.send(replies_);
        replies_.clear();
    }
    if (quit_) return {DialogueNeed::Kind::Close};
    if (ended_) return {DialogueNeed::Kind::Done};
    return {DialogueNeed::Kind::Line};
}

void SmtpDefaultDialogue::takeLine(const std::string& line) {
    const std::string text = withoutLineEnd(line);
    if (inData_) {
        // Only a lone "." ends the message; dot-stuffed lines ("..") are message text.
        if (text == ".") {
            inData_ = false;
            replies_ += "250 2.0.0 OK queued\r\n";
        }
        return;
    }
    const std::string verb = upperVerb(text);
    if (verb == "EHLO") {
        replies_ += kEhloReply;
    } else if (verb == "HELO") {
        replies_ += "250 mailwire-fake\r\n";
    } else if (verb == "XCLIENT") {
        // Like Postfix: XCLIENT restarts the session, so the reply is a new greeting.
        replies_ += kGreeting;
    } else if (verb == "AUTH") {
        replies_ += "235 2.7.0 Authentication successful\r\n";
    } else if (verb == "MAIL" || verb == "RSET" || verb == "NOOP") {
        replies_ += "250 2.0.0 OK\r\n";
    } else if (verb == "RCPT") {
        replies_ += "250 2.1.5 OK\r\n";
    } else if (verb == "DATA") {
        inData_ = true;
        replies_ += "354 End data with <CR><LF>.<CR><LF>\r\n";
    } else if (verb == "QUIT") {
        replies_ += "221 2.0.0 Bye\r\n";
        quit_ = true;
    } else {
        replies_ += "502 5.5.2 Command not recognized\r\n";
    }
}

}  // namespace mailwire::fake
