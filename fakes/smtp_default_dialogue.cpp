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

void SmtpDefaultDialogue::takeLine(const std::string& line) {
    const std::string text = withoutLineEnd(line);
    if (inData_) {
        // Only a lone "." ends the message; dot-stuffed lines ("..") are message text.
        if (text == ".") {
            inData_ = false;
            reply("250 2.0.0 OK queued\r\n");
        }
        return;
    }
    const std::string verb = upperVerb(text);
    if (verb == "EHLO") {
        reply(kEhloReply);
    } else if (verb == "HELO") {
        reply("250 mailwire-fake\r\n");
    } else if (verb == "XCLIENT") {
        // Like Postfix: XCLIENT restarts the session, so the reply is a new greeting.
        reply(kGreeting);
    } else if (verb == "AUTH") {
        reply("235 2.7.0 Authentication successful\r\n");
    } else if (verb == "MAIL" || verb == "RSET" || verb == "NOOP") {
        reply("250 2.0.0 OK\r\n");
    } else if (verb == "RCPT") {
        reply("250 2.1.5 OK\r\n");
    } else if (verb == "DATA") {
        inData_ = true;
        reply("354 End data with <CR><LF>.<CR><LF>\r\n");
    } else if (verb == "QUIT") {
        reply("221 2.0.0 Bye\r\n");
        closeAfterReplies();
    } else {
        reply("502 5.5.2 Command not recognized\r\n");
    }
}

}  // namespace mailwire::fake
