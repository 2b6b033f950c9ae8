// The line grammar on its own (spec 4.2).
#include <gtest/gtest.h>

#include "imap/ImapParser.h"

namespace mailwire::imap {
namespace {

struct Parsed {
    ImapParseEvent event;
    size_t pos = 0;
};

Parsed parseAll(ImapParser& parser, const std::string& buffer, size_t from = 0) {
    Parsed parsed;
    parsed.pos = from;
    parsed.event = parser.parse(buffer.data(), parsed.pos, buffer.size());
    return parsed;
}

TEST(ImapParser, CommandWithArguments) {
    ImapParser parser;
    Parsed parsed = parseAll(parser, "tag LOGIN a \"b c\" {1+}\r\nd\r\nnext");
    EXPECT_EQ(parsed.event.kind, ImapParseEvent::Command);
    EXPECT_EQ(parsed.pos, 27u);
    EXPECT_EQ(parser.tag(), "tag ");
    EXPECT_EQ(parser.command(), ImapCommand::Login);
    EXPECT_EQ(parser.arguments(), (std::vector<std::string>{"a", "b c", "d"}));
    EXPECT_FALSE(parser.inContinuation());
}

TEST(ImapParser, EveryVerb) {
    const std::pair<const char*, ImapCommand> verbs[] = {
        {"LOGIN", ImapCommand::Login},
        {"logout", ImapCommand::Logout},
        {"Capability", ImapCommand::Capability},
        {"nOoP", ImapCommand::Noop},
        {"AUTHENTICATE", ImapCommand::Authenticate},
        {"starttls", ImapCommand::StartTls},
    };
    for (const auto& [verb, command] : verbs) {
        ImapParser parser;
        Parsed parsed = parseAll(parser, std::string("t ") + verb + "\r\n");
        EXPECT_EQ(parsed.event.kind, ImapParseEvent::Command) << verb;
        EXPECT_EQ(parser.command(), command) << verb;
    }
}

TEST(ImapParser, IncompleteLineNeedsMoreAndKeepsState) {
    ImapParser parser;
    std::string buffer = "a LOGIN \"us";
    Parsed parsed = parseAll(parser, buffer);
    EXPECT_EQ(parsed.event.kind, ImapParseEvent::NeedMore);
    EXPECT_EQ(parsed.pos, buffer.size());
    buffer += "er\" pw\r\n";
    parsed = parseAll(parser, buffer, parsed.pos);
    EXPECT_EQ(parsed.event.kind, ImapParseEvent::Command);
    EXPECT_EQ(parser.arguments(), (std::vector<std::string>{"user", "pw"}));
}

TEST(ImapParser, SynchronisingLiteralStopsAfterItsLf) {
    ImapParser parser;
    const std::string buffer = "a LOGIN {2}\r\nab c\r\n";
    Parsed parsed = parseAll(parser, buffer);
    EXPECT_EQ(parsed.event.kind, ImapParseEvent::LiteralContinuation);
    EXPECT_EQ(parsed.pos, 13u);
    parsed = parseAll(parser, buffer, parsed.pos);
    EXPECT_EQ(parsed.event.kind, ImapParseEvent::Command);
    EXPECT_EQ(parser.arguments(), (std::vector<std::string>{"ab", "c"}));
}

TEST(ImapParser, AuthenticateLeavesTheParserInContinuation) {
    ImapParser parser;
    std::string buffer = "a AUTHENTICATE PLAIN\r\n";
    Parsed parsed = parseAll(parser, buffer);
    ASSERT_EQ(parsed.event.kind, ImapParseEvent::Command);
    EXPECT_TRUE(parser.inContinuation());
    parser.clearArguments();
    buffer += "LOGIN x y\"z\r\n";  // a raw response line: no tag and no command
    parsed = parseAll(parser, buffer, parsed.pos);
    ASSERT_EQ(parsed.event.kind, ImapParseEvent::Command);
    EXPECT_EQ(parser.tag(), "a ");
    EXPECT_EQ(parser.command(), ImapCommand::Authenticate);
    EXPECT_EQ(parser.arguments(), (std::vector<std::string>{"LOGIN", "x", "y\"z"}));
    parser.resetToStart();
    EXPECT_FALSE(parser.inContinuation());
    EXPECT_EQ(parser.tag(), "");
}

TEST(ImapParser, InvalidLineIsConsumedThroughItsLf) {
    ImapParser parser;
    const std::string buffer = "a FOO bar\r\nb NOOP\r\n";
    Parsed parsed = parseAll(parser, buffer);
    EXPECT_EQ(parsed.event.kind, ImapParseEvent::Invalid);
    EXPECT_FALSE(parsed.event.closeAfterReply);
    EXPECT_EQ(parsed.pos, 11u);
    EXPECT_EQ(parser.tag(), "a ");
    parsed = parseAll(parser, buffer, parsed.pos);
    EXPECT_EQ(parsed.event.kind, ImapParseEvent::Command);
    EXPECT_EQ(parser.tag(), "b ");
}

TEST(ImapParser, PlusBraceRuleNeedsTheLfBeyondOffsetFour) {
    // nginx: only when the LF sits more than 4 bytes past the start of the buffer.
    for (const auto& [line, closes] : {std::pair<std::string, bool>{"+}\n", false},
                                       {"a+}\n", false},
                                       {"ab+}\n", false},
                                       {"abc+}\n", true},
                                       {"ab+}\r\n", true},
                                       {"a FOO {12+}\r\n", true},
                                       {"a FOO {12}\r\n", false},
                                       {"a FOO +}x\r\n", false}}) {
        ImapParser parser;
        Parsed parsed = parseAll(parser, line);
        EXPECT_EQ(parsed.event.kind, ImapParseEvent::Invalid) << line;
        EXPECT_EQ(parsed.event.closeAfterReply, closes) << line;
    }
}

TEST(ImapParser, TagLengthLimit) {
    ImapParser ok;
    EXPECT_EQ(parseAll(ok, std::string(32, 'a') + " NOOP\n").event.kind, ImapParseEvent::Command);
    ImapParser tooLong;
    Parsed parsed = parseAll(tooLong, std::string(33, 'a') + " NOOP\n");
    EXPECT_EQ(parsed.event.kind, ImapParseEvent::Invalid);
    EXPECT_EQ(tooLong.tag(), "");
}

}  // namespace
}  // namespace mailwire::imap
