#pragma once

#include <cctype>
#include <string>

namespace mailwire::fake {

// Small text helpers shared by the built-in backend dialogues (profiles).

// `line` without its trailing CR/LF bytes.
inline std::string withoutLineEnd(std::string line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    return line;
}

// The first space-separated word of `text`, uppercased: the verb of a POP3 or SMTP command.
inline std::string upperFirstWord(const std::string& text) {
    std::string word = text.substr(0, text.find(' '));
    for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return word;
}

// What follows the first word and its spaces ("" if nothing does).
inline std::string afterFirstWord(const std::string& text) {
    std::size_t space = text.find(' ');
    if (space == std::string::npos) return "";
    std::size_t start = text.find_first_not_of(' ', space);
    return start == std::string::npos ? "" : text.substr(start);
}

}  // namespace mailwire::fake
