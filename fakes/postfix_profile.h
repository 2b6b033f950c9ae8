#pragma once

#include <string>

#include "default_dialogue.h"
#include "smtp_sasl_exchange.h"

namespace mailwire::fake {

// `--profile postfix` (SMTP): a Postfix-like backend that trusts its proxy. EHLO offers XCLIENT with every
// attribute Postfix knows; XCLIENT is answered, as Postfix does, by a new 220 greeting; AUTH succeeds; MAIL,
// RCPT and DATA are accepted in order (Postfix's own errors when out of order). Replies are modelled on
// Postfix 3.x's wording.
class PostfixSmtpDialogue : public DefaultDialogue {
  public:
    static constexpr const char* kGreeting = "220 mail.example.test ESMTP Postfix\r\n";
    static constexpr const char* kEhloReply =
        "250-mail.example.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-ETRN\r\n"
        "250-AUTH PLAIN LOGIN\r\n"
        "250-XCLIENT NAME ADDR PROTO HELO REVERSE_NAME PORT LOGIN DESTADDR DESTPORT\r\n"
        "250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250 CHUNKING\r\n";

    PostfixSmtpDialogue() : DefaultDialogue(kGreeting) {}
    void takeLine(const std::string& line) override;

  private:
    void resetTransaction() {
        mailGiven_ = false;
        recipients_ = 0;
    }

    SmtpSaslExchange auth_;
    bool inData_ = false;  // between DATA's 354 and the lone "."
    bool mailGiven_ = false;
    int recipients_ = 0;
    int queued_ = 0;  // messages accepted, for the queue id
};

}  // namespace mailwire::fake
