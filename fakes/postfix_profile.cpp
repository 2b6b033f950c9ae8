#include "postfix_profile.h"

#include "command_words.h"

namespace mailwire::fake {

void PostfixSmtpDialogue::takeLine(const std::string& line) {
    if (closing()) return;  // lines pipelined after QUIT are recorded, never answered
    const std::string text = withoutLineEnd(line);
    if (inData_) {
        // Only a lone "." ends the message; dot-stuffed lines ("..") are message text.
        if (text == ".") {
            inData_ = false;
            resetTransaction();
            reply("250 2.0.0 Ok: queued as 4F1A2B3C" + std::to_string(++queued_) + "\r\n");
        }
        return;
    }
    if (auth_.active()) {
        switch (auth_.take(text)) {
            case SmtpSaslExchange::Next::Prompt:
                reply(auth_.prompt());
                break;
            case SmtpSaslExchange::Next::Cancelled:
                reply("501 5.7.0 Authentication aborted\r\n");
                break;
            default:
                reply("235 2.7.0 Authentication successful\r\n");
                break;
        }
        return;
    }
    const std::string verb = upperFirstWord(text);
    if (verb == "EHLO") {
        resetTransaction();
        reply(kEhloReply);
    } else if (verb == "HELO") {
        resetTransaction();
        reply("250 mail.example.test\r\n");
    } else if (verb == "XCLIENT") {
        // Postfix restarts the session after XCLIENT: the reply is a new greeting, and EHLO comes again.
        resetTransaction();
        reply(kGreeting);
    } else if (verb == "AUTH") {
        switch (auth_.start(afterFirstWord(text))) {
            case SmtpSaslExchange::Next::Prompt:
                reply(auth_.prompt());
                break;
            case SmtpSaslExchange::Next::UnknownMechanism:
                reply("535 5.7.8 Error: authentication failed: Invalid authentication mechanism\r\n");
                break;
            default:
                reply("235 2.7.0 Authentication successful\r\n");
                break;
        }
    } else if (verb == "MAIL") {
        if (mailGiven_) {
            reply("503 5.5.1 Error: nested MAIL command\r\n");
        } else {
            mailGiven_ = true;
            reply("250 2.1.0 Ok\r\n");
        }
    } else if (verb == "RCPT") {
        if (!mailGiven_) {
            reply("503 5.5.1 Error: need MAIL command\r\n");
        } else {
            ++recipients_;
            reply("250 2.1.5 Ok\r\n");
        }
    } else if (verb == "DATA") {
        if (recipients_ == 0) {
            reply("503 5.5.1 Error: need RCPT command\r\n");
        } else {
            inData_ = true;
            reply("354 End data with <CR><LF>.<CR><LF>\r\n");
        }
    } else if (verb == "RSET") {
        resetTransaction();
        reply("250 2.0.0 Ok\r\n");
    } else if (verb == "NOOP") {
        reply("250 2.0.0 Ok\r\n");
    } else if (verb == "STARTTLS") {
        // Postfix without smtpd TLS (the proxy does TLS): the command is known, not offered.
        reply("502 5.5.1 Error: command not implemented\r\n");
    } else if (verb == "QUIT") {
        reply("221 2.0.0 Bye\r\n");
        closeAfterReplies();
    } else {
        reply("500 5.5.2 Error: command not recognized\r\n");
    }
}

}  // namespace mailwire::fake
