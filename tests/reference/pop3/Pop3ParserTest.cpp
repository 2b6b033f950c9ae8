// The POP3 line grammar on its own (spec 5.2, 3.1, 3.3).
#include <gtest/gtest.h>

#include <string>

#include "pop3/Pop3Parser.h"

namespace mailwire::pop3 {
namespace {

struct Parsed {
    Pop3ParseEvent::Kind kind;
    Pop3Command command;
    std::vector<std::string> arguments;
    size_t pos;
};

Parsed parseAll(Pop3Parser& parser, const std::string& line) {
    size_t pos = 0;
    const Pop3ParseEvent event = parser.parse(line.data(), pos, line.size());
    return Parsed{event.kind, parser.command(), parser.arguments(), pos};
}

Parsed parseOnce(const std::string& line) {
    Pop3Parser parser;
    return parseAll(parser, line);
}

using Args = std::vector<std::string>;

TEST(Pop3Parser, EveryVerbCaseInsensitive) {
    const std::pair<const char*, Pop3Command> verbs[] = {
        {"USER x", Pop3Command::User}, {"pass x", Pop3Command::Pass}, {"ApOp a b", Pop3Command::Apop},
        {"quit", Pop3Command::Quit},   {"Capa", Pop3Command::Capa},   {"AUTH", Pop3Command::Auth},
        {"noop", Pop3Command::Noop},   {"STLS", Pop3Command::Stls}};
    for (const auto& [line, command] : verbs) {
        Parsed parsed = parseOnce(std::string(line) + "\r\n");
        EXPECT_EQ(parsed.kind, Pop3ParseEvent::Command) << line;
        EXPECT_EQ(parsed.command, command) << line;
    }
}

TEST(Pop3Parser, TransactionVerbsAndOtherLengthsAreParseErrors) {
    for (const char* line :
         {"STAT\r\n", "LIST 1\r\n", "RETR 1\r\n", "DELE 1\r\n", "RSET\r\n", "TOP 1 2\r\n", "UIDL\r\n",
          "USERS x\r\n", "USE x\r\n", "\r\n", "\n", " USER x\r\n", "US3R x\r\n", "USER\rx\n", "NOOP\r\r\n"}) {
        Parsed parsed = parseOnce(line);
        EXPECT_EQ(parsed.kind, Pop3ParseEvent::Invalid) << line;
        EXPECT_EQ(parsed.pos, std::string(line).size()) << line;  // skipped up to and including the LF
    }
}

TEST(Pop3Parser, BareLfEndsALine) {
    Parsed parsed = parseOnce("APOP a b\n");
    EXPECT_EQ(parsed.kind, Pop3ParseEvent::Command);
    EXPECT_EQ(parsed.arguments, (Args{"a", "b"}));
}

TEST(Pop3Parser, UserAndPassArgumentsKeepSpaces) {
    EXPECT_EQ(parseOnce("USER a b c\r\n").arguments, (Args{"a b c"}));
    EXPECT_EQ(parseOnce("PASS my pass \r\n").arguments, (Args{"my pass "}));
    EXPECT_EQ(parseOnce("USER    lead\r\n").arguments, (Args{"lead"}));  // leading spaces are skipped
    EXPECT_EQ(parseOnce("USER  \r\n").arguments, (Args{}));
}

TEST(Pop3Parser, OtherVerbsSplitAtSpacesUpToThreeArguments) {
    EXPECT_EQ(parseOnce("AUTH  PLAIN   abc \r\n").arguments, (Args{"PLAIN", "abc"}));
    EXPECT_EQ(parseOnce("NOOP a b c\r\n").arguments, (Args{"a", "b", "c"}));
    Parsed fourth = parseOnce("NOOP a b c d\r\nNOOP\r\n");
    EXPECT_EQ(fourth.kind, Pop3ParseEvent::Invalid);
    EXPECT_EQ(fourth.pos, 14u);
    // Three arguments and trailing spaces are fine: only a fourth argument is refused.
    EXPECT_EQ(parseOnce("NOOP a b c   \r\n").kind, Pop3ParseEvent::Command);
}

TEST(Pop3Parser, CrInsideAnArgumentEndsItAndMustBeFollowedByLf) {
    EXPECT_EQ(parseOnce("USER a\rb\r\n").kind, Pop3ParseEvent::Invalid);
}

TEST(Pop3Parser, LinesMaySplitAnywhere) {
    const std::string line = "USER split user\r\n";
    for (size_t cut = 0; cut <= line.size(); ++cut) {
        Pop3Parser parser;
        std::string buffer = line.substr(0, cut);
        size_t pos = 0;
        Pop3ParseEvent event = parser.parse(buffer.data(), pos, buffer.size());
        if (cut < line.size()) {
            ASSERT_EQ(event.kind, Pop3ParseEvent::NeedMore) << cut;
            ASSERT_EQ(pos, cut);
            buffer = line;
            event = parser.parse(buffer.data(), pos, buffer.size());
        }
        ASSERT_EQ(event.kind, Pop3ParseEvent::Command) << cut;
        EXPECT_EQ(parser.arguments(), (Args{"split user"})) << cut;
        EXPECT_EQ(pos, line.size());
    }
}

TEST(Pop3Parser, InvalidLineIsSkippedAcrossReads) {
    Pop3Parser parser;
    std::string buffer = "FOO bar";
    size_t pos = 0;
    EXPECT_EQ(parser.parse(buffer.data(), pos, buffer.size()).kind, Pop3ParseEvent::NeedMore);
    buffer += " baz\r\nNOOP\r\n";
    const Pop3ParseEvent event = parser.parse(buffer.data(), pos, buffer.size());
    EXPECT_EQ(event.kind, Pop3ParseEvent::Invalid);
    EXPECT_EQ(buffer.substr(pos), "NOOP\r\n");
    parser.resetToStart();
    EXPECT_EQ(parser.parse(buffer.data(), pos, buffer.size()).kind, Pop3ParseEvent::Command);
    EXPECT_EQ(parser.command(), Pop3Command::Noop);
}

TEST(Pop3Parser, ContinuationLineIsAnArgumentNotACommand) {
    Pop3Parser parser;
    EXPECT_EQ(parseAll(parser, "AUTH PLAIN\r\n").command, Pop3Command::Auth);
    parser.expectContinuation();
    Parsed quit = parseAll(parser, "QUIT\r\n");
    EXPECT_EQ(quit.kind, Pop3ParseEvent::Command);
    EXPECT_EQ(quit.command, Pop3Command::Auth);
    EXPECT_EQ(quit.arguments, (Args{"QUIT"}));

    parser.expectContinuation();
    EXPECT_EQ(parseAll(parser, "\r\n").arguments, (Args{""}));
    parser.expectContinuation();
    EXPECT_EQ(parseAll(parser, " abc def\r\n").arguments, (Args{"", "abc", "def"}));
    parser.expectContinuation();
    EXPECT_EQ(parseAll(parser, "a b c d\r\n").kind, Pop3ParseEvent::Invalid);
}

}  // namespace
}  // namespace mailwire::pop3
