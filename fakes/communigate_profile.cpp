#include "communigate_profile.h"

#include "command_words.h"

namespace mailwire::fake {

void CommuniGatePop3Dialogue::takeLine(const std::string& line) {
    if (closing()) return;  // lines pipelined after QUIT are recorded, never answered
    const std::string text = withoutLineEnd(line);
    const std::string verb = upperFirstWord(text);
    if (verb == "USER") {
        userGiven_ = !afterFirstWord(text).empty();
        reply(userGiven_ ? "+OK please send the PASS\r\n" : "-ERR please specify the user name\r\n");
    } else if (verb == "PASS") {
        // Whatever the password: the refusal is about the mailbox, not the credentials.
        reply(userGiven_ ? kRefusal : "-ERR please send the USER first\r\n");
        userGiven_ = false;
    } else if (verb == "CAPA") {
        reply("+OK capability list follows\r\nTOP\r\nUSER\r\nUIDL\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\n.\r\n");
    } else if (verb == "QUIT") {
        reply("+OK CommuniGatePro POP3 Server connection closed\r\n");
        closeAfterReplies();
    } else {
        reply("-ERR command not available before login\r\n");
    }
}

void CommuniGateImapDialogue::takeLine(const std::string& line) {
    if (closing()) return;
    switch (reader_.take(line)) {
        case ImapCommandReader::Progress::Incomplete:
            return;
        case ImapCommandReader::Progress::WantsContinuation:
            reply("+ ready for literal data\r\n");
            return;
        case ImapCommandReader::Progress::Complete:
            break;
    }
    const ImapCommand& command = reader_.command();
    if (command.tag.empty()) {
        reply("* BAD empty command line\r\n");
    } else if (command.verb.empty()) {
        reply(command.tag + " BAD missing command\r\n");
    } else if (command.verb == "LOGIN") {
        reply(command.tag + " " + kRefusal);
    } else if (command.verb == "CAPABILITY") {
        reply("* CAPABILITY IMAP4rev1 ID LITERAL+ AUTH=PLAIN AUTH=LOGIN\r\n" + command.tag +
              " OK CAPABILITY completed\r\n");
    } else if (command.verb == "NOOP") {
        reply(command.tag + " OK NOOP completed\r\n");
    } else if (command.verb == "LOGOUT") {
        reply("* BYE CommuniGatePro IMAP Server connection closed\r\n" + command.tag +
              " OK LOGOUT completed\r\n");
        closeAfterReplies();
    } else {
        reply(command.tag + " BAD command not available before login\r\n");
    }
}

void CommuniGateSmtpDialogue::takeLine(const std::string& line) {
    if (closing()) return;
    const std::string text = withoutLineEnd(line);
    if (auth_.active()) {
        switch (auth_.take(text)) {
            case SmtpSaslExchange::Next::Prompt:
                reply(auth_.prompt());
                break;
            case SmtpSaslExchange::Next::Cancelled:
                reply("501 5.0.0 authentication cancelled\r\n");
                break;
            default:
                reply(kRefusal);
                break;
        }
        return;
    }
    const std::string verb = upperFirstWord(text);
    if (verb == "EHLO") {
        reply(kEhloReply);
    } else if (verb == "HELO") {
        reply("250 mail.example.test is glad to see you\r\n");
    } else if (verb == "XCLIENT") {
        reply(kGreeting);  // XCLIENT restarts the session: the reply is a new greeting
    } else if (verb == "AUTH") {
        switch (auth_.start(afterFirstWord(text))) {
            case SmtpSaslExchange::Next::Prompt:
                reply(auth_.prompt());
                break;
            case SmtpSaslExchange::Next::UnknownMechanism:
                reply("504 5.5.4 unsupported authentication mechanism\r\n");
                break;
            default:
                reply(kRefusal);
                break;
        }
    } else if (verb == "MAIL") {
        reply("250 2.1.0 sender accepted\r\n");
    } else if (verb == "RCPT") {
        reply("452 4.2.2 mailbox overflow\r\n");
    } else if (verb == "DATA") {
        reply("554 5.5.1 no valid recipients\r\n");
    } else if (verb == "RSET" || verb == "NOOP") {
        reply("250 2.0.0 OK\r\n");
    } else if (verb == "QUIT") {
        reply("221 2.0.0 mail.example.test CommuniGatePro SMTP closing connection\r\n");
        closeAfterReplies();
    } else {
        reply("500 5.5.1 unknown command\r\n");
    }
}

}  // namespace mailwire::fake
