#pragma once

#include <cstddef>

#include "backend_dialogue.h"
#include "mail_script.h"

namespace mailwire::fake {

// Runs one connection's steps from a mail script.
class ScriptedDialogue : public BackendDialogue {
  public:
    explicit ScriptedDialogue(MailConnectionScript steps) : steps_(std::move(steps)) {}

    DialogueNeed run(DialogueActions& actions) override;
    void takeLine(const std::string& line) override;
    void takeEof() override;
    void timerFired() override {}

  private:
    MailConnectionScript steps_;
    std::size_t next_ = 0;
    bool ended_ = false;  // EOF arrived where a line was expected
    // A split send in progress: pieces written so far and the bytes they held.
    std::size_t piece_ = 0;
    std::size_t sentBytes_ = 0;
};

}  // namespace mailwire::fake
