#pragma once

#include <string>

#include "default_dialogue.h"

namespace mailwire::fake {

// The SMTP backend used without --script: greets, accepts nginx's login sequence (EHLO/HELO, XCLIENT,
// AUTH, MAIL, RCPT) and a message after DATA, and says goodbye to QUIT. It judges nothing beyond the verb.
class SmtpDefaultDialogue : public DefaultDialogue {
  public:
    static constexpr const char* kGreeting = "220 mailwire-fake ESMTP ready\r\n";
    static constexpr const char* kEhloReply =
        "250-mailwire-fake\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-XCLIENT ADDR LOGIN NAME\r\n"
        "250 AUTH PLAIN LOGIN\r\n";

    SmtpDefaultDialogue() : DefaultDialogue(kGreeting) {}
    void takeLine(const std::string& line) override;

  private:
    bool inData_ = false;  // between DATA's 354 and the lone "."
};

}  // namespace mailwire::fake
