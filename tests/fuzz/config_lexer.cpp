// The nginx-syntax config lexer on arbitrary text: it either yields tokens up to End or throws ConfigError,
// with line numbers that never go back and never pass the text's own count.
#include <algorithm>

#include "FuzzInput.h"
#include "config/ConfigError.h"
#include "config/ConfigLexer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mailwire;
    std::string text(reinterpret_cast<const char*>(data), size);
    const int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    config::ConfigLexer lexer("/fuzz/mailwire.conf", std::move(text));
    int lastLine = 1;
    try {
        for (size_t tokens = 0;; ++tokens) {
            if (tokens > size + 1) fuzz::violated("more tokens than bytes");
            const config::Token token = lexer.next();
            if (token.line < lastLine || token.line > lines) fuzz::violated("a token's line is out of order");
            lastLine = token.line;
            if (token.kind == config::Token::Kind::End) break;
        }
    } catch (const config::ConfigError&) {
    }
    return 0;
}
