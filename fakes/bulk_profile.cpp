#include "bulk_profile.h"

#include <regex>

#include "command_words.h"

namespace mailwire::fake {

namespace {

constexpr std::uint64_t kLineBytes = 80;

// The decimal in `digits` if it is a valid bulk size (2 bytes to kMaxBytes), else 0.
std::uint64_t bulkSize(const std::string& digits) {
    if (digits.empty() || digits.size() > 12) return 0;
    std::uint64_t bytes = std::stoull(digits);
    return bytes >= 2 && bytes <= BulkMessage::kMaxBytes ? bytes : 0;
}

}  // namespace

std::string BulkMessage::line() { return std::string(kLineBytes - 2, 'x') + "\r\n"; }

std::string BulkMessage::text(std::uint64_t bytes) {
    std::string text;
    while (text.size() + kLineBytes <= bytes - 2) text += line();
    text += line().substr(0, static_cast<std::size_t>(bytes - 2 - text.size()));
    return text + "\r\n";
}

void BulkImapDialogue::takeLine(const std::string& line) {
    static const std::regex fetch(R"(^(\S+) FETCH (\d+) BODY(\.PEEK)?\[\]<0\.(\d+)>$)", std::regex::icase);
    std::smatch match;
    const std::string text = withoutLineEnd(line);
    if (!inLiteral() && std::regex_match(text, match, fetch)) {
        if (std::uint64_t bytes = bulkSize(match[4].str())) {
            reply("* " + match[2].str() + " FETCH (BODY[]<0> {" + std::to_string(bytes) + "}\r\n");
            replyRepeated(BulkMessage::line(), bytes - 2);
            reply("\r\n)\r\n" + match[1].str() + " OK FETCH completed\r\n");
            return;
        }
    }
    ImapDefaultDialogue::takeLine(line);
}

void BulkPop3Dialogue::takeLine(const std::string& line) {
    static const std::regex retr(R"(^RETR (\d+)$)", std::regex::icase);
    std::smatch match;
    const std::string text = withoutLineEnd(line);
    if (!closing() && std::regex_match(text, match, retr)) {
        if (std::uint64_t bytes = bulkSize(match[1].str())) {
            reply("+OK " + std::to_string(bytes) + " octets\r\n");
            replyRepeated(BulkMessage::line(), bytes - 2);
            reply("\r\n.\r\n");
            return;
        }
    }
    Pop3DefaultDialogue::takeLine(line);
}

}  // namespace mailwire::fake
