#include <gtest/gtest.h>

#include <vector>

#include "config/ConfigError.h"
#include "config/ConfigLexer.h"

namespace mailwire::config {
namespace {

std::vector<std::string> words(const std::string& text) {
    ConfigLexer lexer("/x.conf", text);
    std::vector<std::string> out;
    for (Token t = lexer.next(); t.kind != Token::Kind::End; t = lexer.next()) {
        switch (t.kind) {
            case Token::Kind::Word:
                out.push_back("w:" + t.text);
                break;
            case Token::Kind::Semicolon:
                out.push_back(";");
                break;
            case Token::Kind::BlockStart:
                out.push_back("{");
                break;
            default:
                out.push_back("}");
                break;
        }
    }
    return out;
}

std::string lexError(const std::string& text) {
    try {
        words(text);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "no error";
}

TEST(ConfigLexerTest, SplitsWordsAndPunctuation) {
    EXPECT_EQ(words("a b;c{d}"), (std::vector<std::string>{"w:a", "w:b", ";", "w:c", "{", "w:d}"}));
    EXPECT_EQ(words("mail {\n}\n"), (std::vector<std::string>{"w:mail", "{", "}"}));
}

TEST(ConfigLexerTest, CommentsRunToEndOfLineButNotInsideWords) {
    EXPECT_EQ(words("# all\na b#c; # tail\n"), (std::vector<std::string>{"w:a", "w:b#c", ";"}));
}

TEST(ConfigLexerTest, QuotesKeepSpacesAndUnescape) {
    EXPECT_EQ(words("x \"SIZE 100\" 'a b';"), (std::vector<std::string>{"w:x", "w:SIZE 100", "w:a b", ";"}));
    EXPECT_EQ(words(R"(x "q\"q" 'it\'s' "b\\s" "t\tr\rn\n";)"),
              (std::vector<std::string>{"w:x", "w:q\"q", "w:it's", "w:b\\s", "w:t\tr\rn\n", ";"}));
    EXPECT_EQ(words(R"(x a\"b "\d";)"), (std::vector<std::string>{"w:x", "w:a\"b", "w:\\d", ";"}));
    EXPECT_EQ(words("x \"a;{}#\";"), (std::vector<std::string>{"w:x", "w:a;{}#", ";"}));
}

TEST(ConfigLexerTest, VariablesWithBracesStayOneWord) {
    EXPECT_EQ(words("x ${a}b;"), (std::vector<std::string>{"w:x", "w:${a}b", ";"}));
}

TEST(ConfigLexerTest, TokensCarryTheirLine) {
    ConfigLexer lexer("/x.conf", "a\n\n  b\n;");
    EXPECT_EQ(lexer.next().line, 1);
    EXPECT_EQ(lexer.next().line, 3);
    EXPECT_EQ(lexer.next().line, 4);
}

TEST(ConfigLexerTest, ClosingQuoteNeedsASeparator) {
    EXPECT_EQ(lexError("x\n\"a\"b;"), "[emerg] unexpected \"b\" in /x.conf:2");
    EXPECT_EQ(lexError("x \"a\"}"), "[emerg] unexpected \"}\" in /x.conf:1");
    EXPECT_EQ(words("x \"a\";"), (std::vector<std::string>{"w:x", "w:a", ";"}));
    EXPECT_EQ(words("x \"a\"{"), (std::vector<std::string>{"w:x", "w:a", "{"}));
}

TEST(ConfigLexerTest, UnterminatedQuoteIsEndOfFile) {
    EXPECT_EQ(lexError("x \"abc\n\n"),
              "[emerg] unexpected end of file, expecting \";\" or \"}\" in /x.conf:3");
}

}  // namespace
}  // namespace mailwire::config
