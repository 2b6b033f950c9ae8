#include "scripted_dialogue.h"

namespace mailwire::fake {

DialogueNeed ScriptedDialogue::run(DialogueActions& actions) {
    while (!ended_ && next_ < steps_.size()) {
        const MailStep& step = steps_[next_];
        switch (step.kind) {
            case MailStep::Kind::Send: {
                if (!step.split.splits()) {
                    ++next_;
                    actions.send(step.bytes);
                    break;
                }
                std::size_t length = step.split.pieceLength(piece_, sentBytes_, step.bytes.size());
                actions.sendPiece(step.bytes.substr(sentBytes_, length));
                ++piece_;
                sentBytes_ += length;
                if (sentBytes_ >= step.bytes.size()) {
                    ++next_;
                    piece_ = sentBytes_ = 0;
                } else if (step.split.gapMs > 0) {
                    return {DialogueNeed::Kind::Timer, step.split.gapMs};
                }
                break;
            }
            case MailStep::Kind::Wait:
                ++next_;
                return {DialogueNeed::Kind::Timer, step.ms};
            case MailStep::Kind::Close:
                ++next_;
                return {DialogueNeed::Kind::Close};
            case MailStep::Kind::Reset:
                ++next_;
                return {DialogueNeed::Kind::Reset};
            case MailStep::Kind::Stall:
                ++next_;
                return {DialogueNeed::Kind::Stall};
            case MailStep::Kind::HalfClose:
                ++next_;
                actions.halfClose();
                break;
            case MailStep::Kind::Expect:
            case MailStep::Kind::ExpectEof:
                return {DialogueNeed::Kind::Line};
        }
    }
    return {DialogueNeed::Kind::Done};
}

void ScriptedDialogue::takeLine(const std::string&) {
    // expect_eof keeps reading: only EOF moves it on.
    if (next_ < steps_.size() && steps_[next_].kind == MailStep::Kind::Expect) ++next_;
}

void ScriptedDialogue::takeEof() {
    if (next_ < steps_.size() && steps_[next_].kind == MailStep::Kind::ExpectEof)
        ++next_;
    else
        ended_ = true;
}

}  // namespace mailwire::fake
