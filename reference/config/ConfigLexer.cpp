#include "config/ConfigLexer.h"

#include <utility>

#include "config/ConfigError.h"

namespace mailwire::config {

namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// nginx unescapes \" \' \\ \t \r \n in every word, quoted or not; any other backslash stays.
std::string unescape(const std::string& raw) {
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\\' && i + 1 < raw.size()) {
            char n = raw[i + 1];
            if (n == '"' || n == '\'' || n == '\\') {
                out += n;
                ++i;
                continue;
            }
            if (n == 't' || n == 'r' || n == 'n') {
                out += n == 't' ? '\t' : n == 'r' ? '\r' : '\n';
                ++i;
                continue;
            }
        }
        out += raw[i];
    }
    return out;
}

}  // namespace

ConfigLexer::ConfigLexer(std::string file, std::string text)
    : file_(std::move(file)), text_(std::move(text)) {}

void ConfigLexer::fail(const std::string& message) const { throwAt(message, SourceLocation{file_, line_}); }

Token ConfigLexer::word(std::string raw, int line) {
    Token t;
    t.kind = Token::Kind::Word;
    t.text = unescape(raw);
    t.line = line;
    return t;
}

Token ConfigLexer::next() {
    auto punct = [this](Token::Kind kind) {
        Token t;
        t.kind = kind;
        t.line = line_;
        return t;
    };
    auto take = [this]() {
        char c = text_[pos_++];
        if (c == '\n') ++line_;
        return c;
    };

    if (needSpace_) {
        needSpace_ = false;
        if (pos_ < text_.size()) {
            char c = text_[pos_];
            if (c == ';' || c == '{') {
                take();
                return punct(c == ';' ? Token::Kind::Semicolon : Token::Kind::BlockStart);
            }
            if (!isSpace(c) && c != ')') {
                take();
                fail(std::string("unexpected \"") + c + "\"");
            }
            take();
        }
    }

    // Skip blanks and comments.
    while (pos_ < text_.size()) {
        char c = text_[pos_];
        if (isSpace(c)) {
            take();
        } else if (c == '#') {
            while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
        } else {
            break;
        }
    }
    if (pos_ >= text_.size()) return punct(Token::Kind::End);

    char c = take();
    if (c == ';') return punct(Token::Kind::Semicolon);
    if (c == '{') return punct(Token::Kind::BlockStart);
    if (c == '}') return punct(Token::Kind::BlockEnd);

    if (c == '"' || c == '\'') {
        std::string raw;
        while (true) {
            if (pos_ >= text_.size()) fail("unexpected end of file, expecting \";\" or \"}\"");
            char ch = take();
            if (ch == '\\') {
                raw += ch;
                if (pos_ < text_.size()) raw += take();
                continue;
            }
            if (ch == c) break;
            raw += ch;
        }
        needSpace_ = true;
        return word(std::move(raw), line_);
    }

    // An unquoted word ends at a blank, ';' or '{' ('}' and '#' are ordinary characters inside it).
    std::string raw(1, c);
    bool escaped = c == '\\';
    bool variable = c == '$';
    while (pos_ < text_.size()) {
        char ch = text_[pos_];
        if (escaped) {
            escaped = false;
            raw += take();
            continue;
        }
        if (ch == '{' && variable) {  // "${name}" stays one word
            variable = false;
            raw += take();
            continue;
        }
        variable = ch == '$';
        if (isSpace(ch) || ch == ';' || ch == '{') break;
        if (ch == '\\') escaped = true;
        raw += take();
    }
    return word(std::move(raw), line_);
}

}  // namespace mailwire::config
