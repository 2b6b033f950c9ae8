#pragma once

#include <string>

#include "backend_dialogue.h"

namespace mailwire::fake {

// The SMTP backend used without --script: greets, accepts nginx's login sequence (EHLO/HELO, XCLIENT,
// AUTH, MAIL, RCPT) and a message after DATA, and says goodbye to QUIT. It judges nothing beyond the verb.
class SmtpDefaultDialogue : public BackendDialogue {
  public:
    static constexpr const char* kGreeting = "220 mailwire-fake ESMTP ready\r\n";
    static constexpr const char* kEhloReply =
        "250-mailwire-fake\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-XCLIENT ADDR LOGIN NAME\r\n"
        "250 AUTH PLAIN LOGIN\r\n";

    DialogueNeed run(DialogueActions& actions) override;
    void takeLine(const std::string& line) override;
    void takeEof() override { ended_ = true; }
    void timerFired() override {}

  private:
    bool greeted_ = false;
    bool ended_ = false;
    bool quit_ = false;
    bool inData_ = false;  // between DATA's 354 and the lone "."
    std::string replies_;  // written at the next run()
};

}  // namespace mailwire::fake
