#pragma once

#include <string>

#include "backend_dialogue.h"

namespace mailwire::fake {

// The POP3 backend used without --script: greets, answers `+OK` to every line (so nginx's USER/PASS
// login succeeds and any later command gets a reply), and closes after its `+OK` to QUIT.
class Pop3DefaultDialogue : public BackendDialogue {
  public:
    static constexpr const char* kGreeting = "+OK mailwire-fake POP3 ready\r\n";

    DialogueNeed run(DialogueActions& actions) override;
    void takeLine(const std::string& line) override;
    void takeEof() override { ended_ = true; }
    void timerFired() override {}

  private:
    bool greeted_ = false;
    bool ended_ = false;
    bool quit_ = false;
    std::string replies_;  // written at the next run()
};

}  // namespace mailwire::fake
