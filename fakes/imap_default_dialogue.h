#pragma once

#include <cstdint>
#include <string>

#include "default_dialogue.h"

namespace mailwire::fake {

// The IMAP backend used without --script: greets, accepts any command (literals included, so nginx's
// `LOGIN {n}` sequence logs in), answers `<tag> OK <VERB> completed`, and says BYE to LOGOUT.
class ImapDefaultDialogue : public DefaultDialogue {
  public:
    static constexpr const char* kGreeting = "* OK mailwire-fake IMAP ready\r\n";

    ImapDefaultDialogue() : DefaultDialogue(kGreeting) {}
    void takeLine(const std::string& line) override;

  protected:
    bool inLiteral() const { return literalLeft_ > 0; }

  private:
    void continueCommand(std::string text);

    std::uint64_t literalLeft_ = 0;  // bytes of a literal still to skip
    std::string tag_;
    std::string verb_;
};

}  // namespace mailwire::fake
