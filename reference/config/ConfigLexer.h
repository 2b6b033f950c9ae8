// Splits one config file's text into words and the ; { } punctuation, exactly as nginx's
// ngx_conf_read_token does (quotes, backslash escapes, # comments, per-file line numbers).
#pragma once

#include <string>

#include "config/MailConfig.h"

namespace mailwire::config {

struct Token {
    enum class Kind { Word, Semicolon, BlockStart, BlockEnd, End };
    Kind kind = Kind::End;
    std::string text;  // Word only: the unescaped value
    int line = 0;      // line where the token ended (nginx reports the current line)
};

class ConfigLexer {
  public:
    ConfigLexer(std::string file, std::string text);

    // Throws ConfigError on lexical errors: `unexpected "x"` after a closing quote,
    // `unexpected end of file, expecting ";" or "}"` inside quotes.
    Token next();
    int line() const { return line_; }
    const std::string& file() const { return file_; }

  private:
    Token word(std::string raw, int line);
    [[noreturn]] void fail(const std::string& message) const;

    std::string file_;
    std::string text_;
    size_t pos_ = 0;
    int line_ = 1;
    bool needSpace_ = false;  // a closing quote must be followed by space, ';' or '{'
};

}  // namespace mailwire::config
