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

void Pop3DefaultDialogue::takeLine(const std::string& line) {
    if (closing()) return;  // lines after QUIT (already pipelined) are recorded, never answered
    if (verbOf(line) == "QUIT") {
        reply("+OK\r\n");
        closeAfterReplies();
        return;
    }
    reply("+OK\r\n");
}

}  // namespace mailwire::fake
