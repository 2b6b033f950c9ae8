#include "imap_command_reader.h"

#include <cctype>

#include "command_words.h"

namespace mailwire::fake {

bool trailingLiteral(const std::string& text, std::uint64_t& length, bool& synchronising) {
    if (text.empty() || text.back() != '}') return false;
    std::size_t open = text.rfind('{');
    if (open == std::string::npos) return false;
    std::string inside = text.substr(open + 1, text.size() - open - 2);
    synchronising = inside.empty() || inside.back() != '+';
    if (!synchronising) inside.pop_back();
    if (inside.empty() || inside.size() > 18) return false;
    length = 0;
    for (char c : inside) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
        length = length * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return true;
}

ImapCommandReader::Progress ImapCommandReader::take(const std::string& line) {
    if (literalLeft_ > 0) {
        if (line.size() <= literalLeft_) {
            literalLeft_ -= line.size();
            command_.text += line;
            return Progress::Incomplete;
        }
        const auto literalBytes = static_cast<std::size_t>(literalLeft_);
        command_.text += line.substr(0, literalBytes);
        literalLeft_ = 0;
        return continueWith(line.substr(literalBytes));
    }
    if (!inCommand_) {
        command_ = ImapCommand{};
        const std::string text = withoutLineEnd(line);
        command_.tag = text.substr(0, text.find(' '));
        command_.verb = upperFirstWord(afterFirstWord(text));
        inCommand_ = true;
    }
    return continueWith(line);
}

ImapCommandReader::Progress ImapCommandReader::continueWith(const std::string& bytes) {
    const std::string text = withoutLineEnd(bytes);
    command_.text += text;
    std::uint64_t length = 0;
    bool synchronising = true;
    if (trailingLiteral(text, length, synchronising)) {
        // The next line continues this command even for `{0}`, as inCommand_ stays set.
        literalLeft_ = length;
        return synchronising ? Progress::WantsContinuation : Progress::Incomplete;
    }
    inCommand_ = false;
    return Progress::Complete;
}

}  // namespace mailwire::fake
