#include "default_dialogue.h"

namespace mailwire::fake {

DialogueNeed DefaultDialogue::run(DialogueActions& actions) {
    if (!greeted_) {
        greeted_ = true;
        actions.send(greeting_);
    }
    if (!replies_.empty()) {
        actions.send(replies_);
        replies_.clear();
    }
    if (repeatedBytes_ > 0) {
        actions.sendRepeated(repeatedPattern_, repeatedBytes_);
        repeatedBytes_ = 0;
        if (!afterRepeated_.empty()) actions.send(afterRepeated_);
        afterRepeated_.clear();
    }
    if (closing_) return {DialogueNeed::Kind::Close};
    if (ended_) return {DialogueNeed::Kind::Done};
    return {DialogueNeed::Kind::Line};
}

}  // namespace mailwire::fake
