#include "dovecot_profile.h"

#include "command_words.h"

namespace mailwire::fake {

namespace {

const char* const kTimings = " (0.001 + 0.000 secs).\r\n";
// As Dovecot 2.3.19 lists them (harness/real): TOP too, and USER and SASL only before the login.
const char* const kPop3Capabilities =
    "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\nUSER\r\nSASL PLAIN\r\n.\r\n";
const char* const kPop3CapabilitiesLoggedIn =
    "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\n.\r\n";

bool allDigits(const std::string& text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

// The message's header, the blank line and its first `bodyLines` body lines: what TOP sends.
std::string messageTop(const std::string& message, unsigned long bodyLines) {
    std::size_t end = message.find("\r\n\r\n") + 4;
    for (unsigned long line = 0; line < bodyLines && end < message.size(); ++line)
        end = message.find("\r\n", end) + 2;
    return message.substr(0, end);
}

}  // namespace

void DovecotImapDialogue::takeLine(const std::string& line) {
    if (closing()) return;  // lines pipelined after LOGOUT are recorded, never answered
    switch (reader_.take(line)) {
        case ImapCommandReader::Progress::Incomplete:
            return;
        case ImapCommandReader::Progress::WantsContinuation:
            reply("+ OK\r\n");
            return;
        case ImapCommandReader::Progress::Complete:
            answer(reader_.command());
            return;
    }
}

void DovecotImapDialogue::answer(const ImapCommand& command) {
    const std::string& tag = command.tag;
    if (tag.empty()) {
        reply("* BAD Error in IMAP command received by server.\r\n");
    } else if (command.verb.empty()) {
        reply(tag + " BAD Error in IMAP command received by server.\r\n");
    } else if (command.verb == "LOGOUT") {
        reply("* BYE Logging out\r\n" + tag + " OK Logout completed" + kTimings);
        closeAfterReplies();
    } else if (command.verb == "NOOP") {
        reply(tag + " OK NOOP completed" + kTimings);
    } else if (loggedIn_) {
        answerLoggedIn(command);
    } else if (command.verb == "CAPABILITY") {
        reply(std::string("* CAPABILITY ") + kPreLoginCapability + "\r\n" + tag +
              " OK Pre-login capabilities listed, post-login capabilities have more.\r\n");
    } else if (command.verb == "LOGIN") {
        // Any user and password: one tagged line, the capabilities in its response code.
        loggedIn_ = true;
        reply(tag + " OK [CAPABILITY " + kCapability + "] Logged in\r\n");
    } else {
        reply(tag + " BAD Error in IMAP command " + command.verb + ": Unknown command.\r\n");
    }
}

void DovecotImapDialogue::answerLoggedIn(const ImapCommand& command) {
    const std::string& tag = command.tag;
    const std::string& verb = command.verb;
    if (verb == "CAPABILITY") {
        reply(std::string("* CAPABILITY ") + kCapability + "\r\n" + tag + " OK Capability completed" +
              kTimings);
    } else if (verb == "LIST") {
        reply("* LIST (\\HasNoChildren) \".\" INBOX\r\n" + tag + " OK List completed" + kTimings);
    } else if (verb == "SELECT" || verb == "EXAMINE") {
        selected_ = true;
        const bool readOnly = verb == "EXAMINE";
        reply(
            "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n"
            "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted.\r\n"
            "* 1 EXISTS\r\n"
            "* 0 RECENT\r\n"
            "* OK [UIDVALIDITY 1700000000] UIDs valid\r\n"
            "* OK [UIDNEXT 2] Predicted next UID\r\n" +
            tag + (readOnly ? " OK [READ-ONLY] Examine completed" : " OK [READ-WRITE] Select completed") +
            kTimings);
    } else if (verb == "FETCH" ||
               (verb == "UID" && upperFirstWord(afterFirstWord(afterFirstWord(command.text))) == "FETCH")) {
        if (!selected_) {
            reply(tag + " BAD No mailbox selected" + kTimings);
            return;
        }
        const std::string size = DovecotMailbox::messageSize();
        reply("* 1 FETCH (UID 1 RFC822.SIZE " + size + " FLAGS (\\Seen) BODY[] {" + size + "}\r\n" +
              DovecotMailbox::kMessage + ")\r\n" + tag + " OK Fetch completed" + kTimings);
    } else if (verb == "CLOSE" || verb == "UNSELECT") {
        if (!selected_) {
            reply(tag + " BAD No mailbox selected" + kTimings);
            return;
        }
        selected_ = false;
        reply(tag + " OK " + (verb == "CLOSE" ? "Close" : "Unselect") + " completed" + kTimings);
    } else {
        reply(tag + " BAD Error in IMAP command " + verb + ": Unknown command" + kTimings);
    }
}

void DovecotPop3Dialogue::takeLine(const std::string& line) {
    if (closing()) return;  // lines pipelined after QUIT are recorded, never answered
    const std::string text = withoutLineEnd(line);
    const std::string verb = upperFirstWord(text);
    const std::string argument = afterFirstWord(text);
    if (verb == "QUIT") {
        reply(loggedIn_ ? "+OK Logging out.\r\n" : "+OK Logging out\r\n");
        closeAfterReplies();
    } else if (verb == "CAPA") {
        reply(loggedIn_ ? kPop3CapabilitiesLoggedIn : kPop3Capabilities);
    } else if (loggedIn_) {
        answerLoggedIn(verb, argument);
    } else if (verb == "USER") {
        userGiven_ = !argument.empty();
        reply(userGiven_ ? "+OK\r\n" : "-ERR No username given.\r\n");
    } else if (verb == "PASS") {
        if (!userGiven_) {
            reply("-ERR No username given.\r\n");
            return;
        }
        // Any password: this profile logs everyone in.
        loggedIn_ = true;
        reply("+OK Logged in.\r\n");
    } else {
        reply("-ERR Unknown command.\r\n");
    }
}

void DovecotPop3Dialogue::answerLoggedIn(const std::string& verb, const std::string& argument) {
    const std::string size = DovecotMailbox::messageSize();
    const bool firstMessage = argument == "1";
    const std::string noSuchMessage = "-ERR There's no message " + argument + ".\r\n";
    if (verb == "STAT") {
        reply("+OK 1 " + size + "\r\n");
    } else if (verb == "LIST") {
        if (argument.empty())
            reply("+OK 1 messages:\r\n1 " + size + "\r\n.\r\n");
        else
            reply(firstMessage ? "+OK 1 " + size + "\r\n" : noSuchMessage);
    } else if (verb == "UIDL") {
        if (argument.empty())
            reply("+OK\r\n1 00000001\r\n.\r\n");
        else
            reply(firstMessage ? "+OK 1 00000001\r\n" : noSuchMessage);
    } else if (verb == "RETR") {
        reply(firstMessage ? "+OK " + size + " octets\r\n" + DovecotMailbox::kMessage + ".\r\n"
                           : noSuchMessage);
    } else if (verb == "TOP") {
        const std::string lines = afterFirstWord(argument);
        const std::string number = argument.substr(0, argument.find(' '));
        if (number != "1")
            reply("-ERR There's no message " + number + ".\r\n");
        else if (!allDigits(lines))
            reply("-ERR Invalid size: " + lines + "\r\n");
        else
            // More lines than a 32-bit count holds means the whole body; stoul would throw on it.
            reply("+OK\r\n" +
                  messageTop(DovecotMailbox::kMessage, lines.size() > 9 ? 1000000000UL : std::stoul(lines)) +
                  ".\r\n");
    } else if (verb == "DELE") {
        reply(firstMessage ? "+OK Marked to be deleted.\r\n" : noSuchMessage);
    } else if (verb == "NOOP" || verb == "RSET") {
        reply("+OK\r\n");
    } else {
        reply("-ERR Unknown command: " + verb + "\r\n");
    }
}

}  // namespace mailwire::fake
