#include "imap_default_dialogue.h"

#include <cctype>

#include "command_words.h"
#include "imap_command_reader.h"

namespace mailwire::fake {

void ImapDefaultDialogue::takeLine(const std::string& line) {
    if (literalLeft_ > 0) {
        if (line.size() <= literalLeft_) {
            literalLeft_ -= line.size();
            return;
        }
        std::string rest = line.substr(static_cast<std::size_t>(literalLeft_));
        literalLeft_ = 0;
        continueCommand(std::move(rest));
        return;
    }
    std::string text = withoutLineEnd(line);
    std::size_t tagEnd = text.find(' ');
    tag_ = text.substr(0, tagEnd);
    verb_.clear();
    if (tagEnd != std::string::npos) {
        std::size_t verbEnd = text.find(' ', tagEnd + 1);
        verb_ = text.substr(tagEnd + 1, verbEnd == std::string::npos ? verbEnd : verbEnd - tagEnd - 1);
        for (char& c : verb_) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    continueCommand(line);
}

void ImapDefaultDialogue::continueCommand(std::string text) {
    text = withoutLineEnd(std::move(text));
    std::uint64_t length = 0;
    bool synchronising = true;
    if (trailingLiteral(text, length, synchronising)) {
        literalLeft_ = length;
        if (synchronising) reply("+ OK\r\n");
        return;
    }
    if (tag_.empty()) {
        reply("* BAD empty command\r\n");
    } else if (verb_.empty()) {
        reply(tag_ + " BAD missing command\r\n");
    } else if (verb_ == "LOGOUT") {
        reply("* BYE mailwire-fake logging out\r\n" + tag_ + " OK LOGOUT completed\r\n");
        closeAfterReplies();
    } else {
        reply(tag_ + " OK " + verb_ + " completed\r\n");
    }
}

}  // namespace mailwire::fake
