// The SMTP line grammar (spec 6.3).
#include <gtest/gtest.h>

#include <string>

#include "smtp/SmtpParser.h"

namespace mailwire::smtp {
namespace {

struct Parsed {
    SmtpParseEvent::Kind kind;
    size_t pos;
};

Parsed parseAll(SmtpParser& parser, const std::string& bytes, size_t from = 0) {
    size_t pos = from;
    const SmtpParseEvent event = parser.parse(bytes.data(), pos, bytes.size());
    return {event.kind, pos};
}

TEST(SmtpParser, VerbsAreCaseInsensitive) {
    const std::pair<const char*, SmtpCommand> cases[] = {
        {"helo x\r\n", SmtpCommand::Helo}, {"EhLo x\r\n", SmtpCommand::Ehlo},
        {"auth\r\n", SmtpCommand::Auth},   {"QUIT\r\n", SmtpCommand::Quit},
        {"noop\r\n", SmtpCommand::Noop},   {"Mail\r\n", SmtpCommand::Mail},
        {"rcpt\r\n", SmtpCommand::Rcpt},   {"RSET\r\n", SmtpCommand::Rset},
        {"vrfy\r\n", SmtpCommand::Vrfy},   {"EXPN\r\n", SmtpCommand::Expn},
        {"help\r\n", SmtpCommand::Help},   {"starttls\r\n", SmtpCommand::StartTls},
    };
    for (const auto& [line, command] : cases) {
        SmtpParser parser;
        const Parsed parsed = parseAll(parser, line);
        EXPECT_EQ(parsed.kind, SmtpParseEvent::Command) << line;
        EXPECT_EQ(parser.command(), command) << line;
    }
}

TEST(SmtpParser, DataAndUnknownVerbsAreParseErrors) {
    for (const char* line : {"DATA\r\n", "XYZZ\r\n", "HEL\r\n", "HELOO\r\n", "STARTTL\r\n", "\r\n", "\n",
                             " HELO x\r\n", "HE1O x\r\n", "HELO\rx\n"}) {
        SmtpParser parser;
        EXPECT_EQ(parseAll(parser, line).kind, SmtpParseEvent::Invalid) << line;
    }
}

TEST(SmtpParser, BareLfEndsALine) {
    SmtpParser parser;
    EXPECT_EQ(parseAll(parser, "HELO a\n").kind, SmtpParseEvent::Command);
    EXPECT_EQ(parser.arguments(), std::vector<std::string>{"a"});
}

TEST(SmtpParser, SpacesSeparateArgumentsAndTrailingSpacesAreIgnored) {
    SmtpParser parser;
    EXPECT_EQ(parseAll(parser, "MAIL   FROM:<a@b>   SIZE=10   \r\n").kind, SmtpParseEvent::Command);
    EXPECT_EQ(parser.arguments(), (std::vector<std::string>{"FROM:<a@b>", "SIZE=10"}));
    EXPECT_EQ(parser.lineAsTyped(), "MAIL   FROM:<a@b>   SIZE=10");
}

TEST(SmtpParser, LineAsTypedRunsFromVerbToLastArgument) {
    SmtpParser parser;
    const std::string bytes = "NOOP\r\nmail FROM: <a@b> SIZE=10\r\n";
    size_t pos = 0;
    EXPECT_EQ(parser.parse(bytes.data(), pos, bytes.size()).kind, SmtpParseEvent::Command);
    EXPECT_EQ(parser.lineAsTyped(), "");
    parser.resetToStart();
    EXPECT_EQ(parser.parse(bytes.data(), pos, bytes.size()).kind, SmtpParseEvent::Command);
    EXPECT_EQ(parser.lineAsTyped(), "mail FROM: <a@b> SIZE=10");
    EXPECT_EQ(pos, bytes.size());
}

TEST(SmtpParser, ElevenArgumentsAreAllowedTwelveAreNot) {
    SmtpParser parser;
    EXPECT_EQ(parseAll(parser, "HELO 1 2 3 4 5 6 7 8 9 10 11\r\n").kind, SmtpParseEvent::Command);
    EXPECT_EQ(parser.arguments().size(), 11u);
    SmtpParser other;
    EXPECT_EQ(parseAll(other, "HELO 1 2 3 4 5 6 7 8 9 10 11 12\r\n").kind, SmtpParseEvent::Invalid);
}

TEST(SmtpParser, CrWithoutLfIsAParseError) {
    SmtpParser parser;
    const Parsed parsed = parseAll(parser, "NOOP\rX\r\nNOOP\r\n");
    EXPECT_EQ(parsed.kind, SmtpParseEvent::Invalid);
    EXPECT_EQ(parsed.pos, 8u);  // skipped up to and including the LF
}

TEST(SmtpParser, LineSplitAcrossReads) {
    SmtpParser parser;
    std::string bytes = "EH";
    size_t pos = 0;
    EXPECT_EQ(parser.parse(bytes.data(), pos, bytes.size()).kind, SmtpParseEvent::NeedMore);
    EXPECT_EQ(pos, 2u);
    bytes += "LO cli";
    EXPECT_EQ(parser.parse(bytes.data(), pos, bytes.size()).kind, SmtpParseEvent::NeedMore);
    bytes += "ent\r";
    EXPECT_EQ(parser.parse(bytes.data(), pos, bytes.size()).kind, SmtpParseEvent::NeedMore);
    bytes += "\n";
    EXPECT_EQ(parser.parse(bytes.data(), pos, bytes.size()).kind, SmtpParseEvent::Command);
    EXPECT_EQ(parser.command(), SmtpCommand::Ehlo);
    EXPECT_EQ(parser.arguments(), std::vector<std::string>{"client"});
}

TEST(SmtpParser, InvalidLineIsSkippedAcrossReads) {
    SmtpParser parser;
    std::string bytes = "DATA and more";
    size_t pos = 0;
    EXPECT_EQ(parser.parse(bytes.data(), pos, bytes.size()).kind, SmtpParseEvent::NeedMore);
    EXPECT_EQ(pos, bytes.size());
    bytes += " still\r\nNOOP\r\n";
    EXPECT_EQ(parser.parse(bytes.data(), pos, bytes.size()).kind, SmtpParseEvent::Invalid);
    EXPECT_EQ(parser.parse(bytes.data(), pos, bytes.size()).kind, SmtpParseEvent::Command);
    EXPECT_EQ(parser.command(), SmtpCommand::Noop);
}

TEST(SmtpParser, ArgumentLineIsNeverACommand) {
    SmtpParser parser;
    const std::string bytes = "QUIT\r\n";
    parser.startArgumentLine(0);
    EXPECT_EQ(parseAll(parser, bytes).kind, SmtpParseEvent::Command);
    EXPECT_EQ(parser.arguments(), std::vector<std::string>{"QUIT"});
}

TEST(SmtpParser, EmptyArgumentLineGivesOneEmptyArgument) {
    SmtpParser parser;
    parser.startArgumentLine(0);
    EXPECT_EQ(parseAll(parser, "\r\n").kind, SmtpParseEvent::Command);
    EXPECT_EQ(parser.arguments(), std::vector<std::string>{""});
}

TEST(SmtpParser, ArgumentLineStartsWhereToldInAPipelinedBuffer) {
    SmtpParser parser;
    const std::string bytes = "AUTH PLAIN\r\nAGEAYg==\r\n";
    parser.startArgumentLine(12);
    EXPECT_EQ(parseAll(parser, bytes, 12).kind, SmtpParseEvent::Command);
    EXPECT_EQ(parser.arguments(), std::vector<std::string>{"AGEAYg=="});
}

}  // namespace
}  // namespace mailwire::smtp
