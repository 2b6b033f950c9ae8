#pragma once

#include <string>

#include "backend_dialogue.h"

namespace mailwire::fake {

// What every built-in backend dialogue shares: greet once, answer each line with replies queued by the
// protocol, close after the goodbye, and stay silent until the peer closes once EOF came.
class DefaultDialogue : public BackendDialogue {
  public:
    DialogueNeed run(DialogueActions& actions) final;
    void takeEof() final { ended_ = true; }
    void timerFired() final {}

  protected:
    explicit DefaultDialogue(std::string greeting) : greeting_(std::move(greeting)) {}
    void reply(const std::string& bytes) { replies_ += bytes; }  // written at the next run()
    void closeAfterReplies() { closing_ = true; }
    bool closing() const { return closing_; }

  private:
    std::string greeting_;
    bool greeted_ = false;
    bool ended_ = false;
    bool closing_ = false;
    std::string replies_;
};

}  // namespace mailwire::fake
