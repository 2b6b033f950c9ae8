#pragma once

#include <cstdint>
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
    // Written at the next run(), in order.
    void reply(const std::string& bytes) { (repeatedBytes_ > 0 ? afterRepeated_ : replies_) += bytes; }
    // `bytes` bytes of `pattern` repeated, after the replies so far (one per run(); see sendRepeated()).
    void replyRepeated(const std::string& pattern, std::uint64_t bytes) {
        repeatedPattern_ = pattern;
        repeatedBytes_ = bytes;
    }
    void closeAfterReplies() { closing_ = true; }
    bool closing() const { return closing_; }

  private:
    std::string greeting_;
    bool greeted_ = false;
    bool ended_ = false;
    bool closing_ = false;
    std::string replies_;
    std::string repeatedPattern_;
    std::uint64_t repeatedBytes_ = 0;
    std::string afterRepeated_;  // replies queued after the repeated bytes
};

}  // namespace mailwire::fake
