#pragma once

#include <string>

#include "default_dialogue.h"
#include "imap_command_reader.h"
#include "smtp_sasl_exchange.h"

namespace mailwire::fake {

// `--profile communigate`: a CommuniGate Pro-like backend that refuses a CORRECT password, as a server does
// whose mailbox is over its limit (docs/communigate.md). The wording is modelled on CommuniGate Pro's style,
// not copied from a real server. The connection stays open after the refusal until the client says goodbye.

// POP3: USER gets `+OK please send the PASS`, every PASS the refusal; QUIT closes.
class CommuniGatePop3Dialogue : public DefaultDialogue {
  public:
    static constexpr const char* kGreeting =
        "+OK CommuniGatePro POP3 Server 6.3 ready <1.1700000000@mail.example.test>\r\n";
    static constexpr const char* kRefusal =
        "-ERR [IN-USE] account is temporarily locked: mailbox overflow\r\n";

    CommuniGatePop3Dialogue() : DefaultDialogue(kGreeting) {}
    void takeLine(const std::string& line) override;

  private:
    bool userGiven_ = false;
};

// IMAP: accepts nginx's `LOGIN {n}` literals with `+`, then refuses every LOGIN with NO [ALERT].
class CommuniGateImapDialogue : public DefaultDialogue {
  public:
    static constexpr const char* kGreeting =
        "* OK CommuniGatePro IMAP Server 6.3 at mail.example.test ready\r\n";
    static constexpr const char* kRefusal = "NO [ALERT] mailbox overflow\r\n";  // after "<tag> "

    CommuniGateImapDialogue() : DefaultDialogue(kGreeting) {}
    void takeLine(const std::string& line) override;

  private:
    ImapCommandReader reader_;
};

// SMTP: EHLO offers XCLIENT, XCLIENT gets a new 220 greeting, AUTH is refused with 535; recipients are
// refused as over quota, so a session that logged in through XCLIENT alone still cannot deliver.
class CommuniGateSmtpDialogue : public DefaultDialogue {
  public:
    static constexpr const char* kGreeting =
        "220 mail.example.test ESMTP CommuniGatePro 6.3 is glad to see you!\r\n";
    static constexpr const char* kEhloReply =
        "250-mail.example.test is glad to see you\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SIZE 10485760\r\n"
        "250-AUTH LOGIN PLAIN\r\n250-XCLIENT ADDR LOGIN NAME\r\n250 HELP\r\n";
    static constexpr const char* kRefusal = "535 5.7.0 mailbox overflow\r\n";

    CommuniGateSmtpDialogue() : DefaultDialogue(kGreeting) {}
    void takeLine(const std::string& line) override;

  private:
    SmtpSaslExchange auth_;
};

}  // namespace mailwire::fake
