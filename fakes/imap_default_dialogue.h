#pragma once

#include <cstdint>
#include <string>

#include "backend_dialogue.h"

namespace mailwire::fake {

// The IMAP backend used without --script: greets, accepts any command (literals included, so nginx's
// `LOGIN {n}` sequence logs in), answers `<tag> OK <VERB> completed`, and says BYE to LOGOUT.
class ImapDefaultDialogue : public BackendDialogue {
  public:
    static constexpr const char* kGreeting = "* OK mailwire-fake IMAP ready\r\n";

    DialogueNeed run(DialogueActions& actions) override;
    void takeLine(const std::string& line) override;
    void takeEof() override { ended_ = true; }
    void timerFired() override {}

  private:
    void continueCommand(std::string text);

    bool greeted_ = false;
    bool ended_ = false;
    bool loggedOut_ = false;
    std::uint64_t literalLeft_ = 0;  // bytes of a literal still to skip
    std::string tag_;
    std::string verb_;
    std::string replies_;  // written at the next run()
};

}  // namespace mailwire::fake
