#pragma once

#include <string>

#include "default_dialogue.h"

namespace mailwire::fake {

// The POP3 backend used without --script: greets, answers `+OK` to every line (so nginx's USER/PASS
// login succeeds and any later command gets a reply), and closes after its `+OK` to QUIT.
class Pop3DefaultDialogue : public DefaultDialogue {
  public:
    static constexpr const char* kGreeting = "+OK mailwire-fake POP3 ready\r\n";

    Pop3DefaultDialogue() : DefaultDialogue(kGreeting) {}
    void takeLine(const std::string& line) override;

  private:
};

}  // namespace mailwire::fake
