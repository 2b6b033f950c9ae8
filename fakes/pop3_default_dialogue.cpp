#include "pop3_default_dialogue.h"

#include <cctype>

namespace mailwire::fake {

namespace {

// The verb of a POP3 line, uppercased: its first word (the line end excluded).
std::string verbOf(const std::string& line) {
    std::string verb;
    for (char c : line) {
        if (c == ' ' || c == '\r' || c == '\n') break;
        verb += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return verb;
}

}  // namespace

DialogueNeed Pop3DefaultDialogue::run(DialogueActions& actions) {
    if (!greeted_) {
        greeted_ = true;
        actions.send(kGreeting);
    }
    if (!replies_.empty()) {
        actions.send(replies_);
        replies_.clear();
    }
    if (quit_) return {DialogueNeed::Kind::Close};
    if (ended_) return {DialogueNeed::Kind::Done};
    return {DialogueNeed::Kind::Line};
}

void Pop3DefaultDialogue::takeLine(const std::string& line) {
    if (quit_) return;  // lines after QUIT (already pipelined) are recorded, never answered
    if (verbOf(line) == "QUIT") {
        replies_ += "+OK\r\n";
        quit_ = true;
        return;
    }
    replies_ += "+OK\r\n";
}

}  // namespace mailwire::fake
