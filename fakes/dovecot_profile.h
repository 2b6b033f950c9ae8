#pragma once

#include <string>

#include "default_dialogue.h"
#include "imap_command_reader.h"

namespace mailwire::fake {

// `--profile dovecot`: a Dovecot-like backend that logs anyone in and serves one message. Replies are
// modelled on Dovecot 2.3's wording.

// The one message in INBOX, the same for IMAP and POP3.
struct DovecotMailbox {
    static constexpr const char* kMessage =
        "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: mailwire-fake test message\r\n\r\n"
        "Hello from the Dovecot profile.\r\n";
    static std::string messageSize() { return std::to_string(std::char_traits<char>::length(kMessage)); }
};

// IMAP: capability-rich greeting, `+ OK` to literals, LOGIN answered by ONE tagged line
// `<tag> OK [CAPABILITY ...] Logged in` (nginx before 1.27.3 accepts no untagged line before it), then
// CAPABILITY, LIST, SELECT/EXAMINE, FETCH (the one message, whatever was asked), NOOP, CLOSE, LOGOUT.
class DovecotImapDialogue : public DefaultDialogue {
  public:
    static constexpr const char* kPreLoginCapability =
        "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN";
    static constexpr const char* kCapability =
        "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS "
        "THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS "
        "LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH "
        "LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE LITERAL+ NOTIFY";
    static constexpr const char* kGreeting =
        "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN] "
        "Dovecot ready.\r\n";

    DovecotImapDialogue() : DefaultDialogue(kGreeting) {}
    void takeLine(const std::string& line) override;

  private:
    void answer(const ImapCommand& command);
    void answerLoggedIn(const ImapCommand& command);

    ImapCommandReader reader_;
    bool loggedIn_ = false;
    bool selected_ = false;
};

// POP3: `+OK Dovecot ready.`, USER/PASS succeed (any password), then STAT, LIST, UIDL, RETR, TOP, DELE, NOOP,
// RSET and QUIT.
class DovecotPop3Dialogue : public DefaultDialogue {
  public:
    static constexpr const char* kGreeting = "+OK Dovecot ready.\r\n";

    DovecotPop3Dialogue() : DefaultDialogue(kGreeting) {}
    void takeLine(const std::string& line) override;

  private:
    void answerLoggedIn(const std::string& verb, const std::string& argument);

    bool userGiven_ = false;
    bool loggedIn_ = false;
};

}  // namespace mailwire::fake
