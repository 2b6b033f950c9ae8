// The fixed client buffer, pipelining, parse errors and max_errors (spec 3.1-3.3, 4.2).
#include <gtest/gtest.h>

#include "ImapDriver.h"

namespace mailwire::imap::testing {
namespace {

using mail::ClientStep;

config::ServerConfig withBuffer(size_t size, int maxErrors = 5) {
    config::ServerConfig server = defaultServer();
    server.imapClientBuffer = size;
    server.maxErrors = maxErrors;
    return server;
}

TEST(ImapBuffer, RoomIsTheConfiguredSize) {
    ImapDriver imap(withBuffer(100));
    size_t room = 0;
    imap.protocol.readSpace(room);
    EXPECT_EQ(room, 100u);
    imap.feed("a NO");
    imap.protocol.readSpace(room);
    EXPECT_EQ(room, 96u);
}

TEST(ImapBuffer, PipelinedCommandsAreAnsweredInOrder) {
    ImapDriver imap;
    std::vector<ClientStep> steps = imap.feed("a NOOP\r\nb CAPABILITY\r\nc FOO\r\nd LOGOUT\r\ne NOOP\r\n");
    ASSERT_EQ(steps.size(), 4u);
    EXPECT_EQ(steps[0].output, "a OK completed\r\n");
    EXPECT_EQ(steps[1].output, "* CAPABILITY IMAP4 IMAP4rev1 UIDPLUS AUTH=PLAIN\r\nb OK completed\r\n");
    EXPECT_EQ(steps[2].output, "c BAD invalid command\r\n");
    EXPECT_EQ(steps[3].kind, ClientStep::Close);
    EXPECT_EQ(steps[3].output, "* BYE\r\nd OK completed\r\n");
}

TEST(ImapBuffer, BufferIsReusedOnceEmpty) {
    ImapDriver imap(withBuffer(16));
    for (int i = 0; i < 50; ++i) ASSERT_EQ(imap.say("a NOOP\r\n"), "a OK completed\r\n");
}

TEST(ImapBuffer, TooLongCommandRepliesThenClosesWithoutCounting) {
    ImapDriver imap(withBuffer(16, 1));
    std::vector<ClientStep> steps = imap.feed("a1 NOOP 0123456789abcdef\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Close);
    EXPECT_EQ(steps[0].output, "a1 BAD invalid command\r\n");
    EXPECT_EQ(steps[0].infoLog, "client sent too long command \"a1 NOOP 01234567\"");
}

TEST(ImapBuffer, TooLongBeforeTheTagEndsUsesStar) {
    ImapDriver imap(withBuffer(16));
    std::vector<ClientStep> steps = imap.feed(std::string(20, 'x'));
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Close);
    EXPECT_EQ(steps[0].output, "* BAD invalid command\r\n");
    EXPECT_EQ(steps[0].infoLog, "client sent too long command \"" + std::string(16, 'x') + "\"");
}

TEST(ImapBuffer, NeverCompactedSoAShortTrailingCommandIsTooLong) {
    ImapDriver imap(withBuffer(30));
    std::vector<ClientStep> steps = imap.feed("a NOOP\r\nb NOOP\r\nc NOOP\r\nd NOOP");  // exactly 30 bytes
    ASSERT_EQ(steps.size(), 4u);
    EXPECT_EQ(steps[0].output, "a OK completed\r\n");
    EXPECT_EQ(steps[1].output, "b OK completed\r\n");
    EXPECT_EQ(steps[2].output, "c OK completed\r\n");
    EXPECT_EQ(steps[3].kind, ClientStep::Close);
    EXPECT_EQ(steps[3].output, "d BAD invalid command\r\n");
    EXPECT_EQ(steps[3].infoLog, "client sent too long command \"a NOOP\r\nb NOOP\r\nc NOOP\r\nd NOOP\"");
}

TEST(ImapBuffer, CommandExactlyFillingTheBufferIsFine) {
    ImapDriver imap(withBuffer(8));
    EXPECT_EQ(imap.say("a NOOP\r\n"), "a OK completed\r\n");
    EXPECT_EQ(imap.say("b NOOP\r\n"), "b OK completed\r\n");
}

TEST(ImapBuffer, LiteralsMustFitInTheBuffer) {
    ImapDriver imap(withBuffer(32));
    std::vector<ClientStep> steps = imap.feed("a LOGIN {40}\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].output, "+ OK\r\n");
    steps = imap.feed(std::string(40, 'u'));
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Close);
    EXPECT_EQ(steps[0].output, "a BAD invalid command\r\n");
}

TEST(ImapBuffer, ParseErrorsCountUpToMaxErrors) {
    ImapDriver imap(withBuffer(4096, 3));
    for (int i = 0; i < 2; ++i) {
        std::vector<ClientStep> steps = imap.feed("x FOO\r\n");
        ASSERT_EQ(steps.size(), 1u);
        EXPECT_EQ(steps[0].kind, ClientStep::Reply);
        EXPECT_EQ(steps[0].infoLog, "");
    }
    EXPECT_EQ(imap.say("a NOOP\r\nb LOGIN\r\n"),
              "a OK completed\r\nb BAD invalid command\r\n");  // not counted
    std::vector<ClientStep> steps = imap.feed("y FOO\r\nz NOOP\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Close);
    EXPECT_EQ(steps[0].output, "y BAD invalid command\r\n");
    EXPECT_EQ(steps[0].infoLog, "client sent too many invalid commands");
    EXPECT_EQ(imap.protocol.step().kind, ClientStep::Close);
}

TEST(ImapBuffer, ErrorCountSurvivesAFailedLogin) {
    ImapDriver imap(withBuffer(4096, 2));
    EXPECT_EQ(imap.say("x FOO\r\n"), "x BAD invalid command\r\n");
    imap.feed("a LOGIN u p\r\n");
    imap.protocol.resetAfterFailedLogin();
    std::vector<ClientStep> steps = imap.feed("y FOO\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Close);
}

TEST(ImapBuffer, BadLineIsSkippedAcrossReads) {
    ImapDriver imap;
    EXPECT_TRUE(imap.feed("a1 FOO bar").empty());
    EXPECT_TRUE(imap.feed(" baz \"quoted\" {5}").empty());
    EXPECT_EQ(imap.say("\r\nb NOOP\r\n"), "a1 BAD invalid command\r\nb OK completed\r\n");
}

TEST(ImapBuffer, SkippedLineThatFillsTheBufferIsTooLong) {
    ImapDriver imap(withBuffer(16));
    EXPECT_TRUE(imap.feed("a1 FOO bar").empty());
    std::vector<ClientStep> steps = imap.feed(" bazbazbaz");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Close);
    EXPECT_EQ(steps[0].output, "a1 BAD invalid command\r\n");
    EXPECT_EQ(steps[0].infoLog, "client sent too long command \"a1 FOO bar bazba\"");
}

TEST(ImapBuffer, RejectedLineEndingInPlusBraceCloses) {
    ImapDriver imap;
    std::vector<ClientStep> steps = imap.feed("b2 FOO {3+}\r\nabc\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Close);
    EXPECT_EQ(steps[0].output, "b2 BAD invalid command\r\n");
    EXPECT_EQ(steps[0].infoLog, "");
}

TEST(ImapBuffer, PlusBraceRuleWithBareLf) {
    ImapDriver imap;
    std::vector<ClientStep> steps = imap.feed("b2 LOGIN a b c {3+}\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Close);
}

TEST(ImapBuffer, PlusBraceRuleNeedsMoreThanFourBytes) {
    ImapDriver imap;
    std::vector<ClientStep> steps = imap.feed("+}\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Reply);
    EXPECT_EQ(steps[0].output, "* BAD invalid command\r\n");
}

TEST(ImapBuffer, PlusBraceOnlyMattersForRejectedLines) {
    ImapDriver imap;
    std::vector<ClientStep> steps = imap.feed("a NOOP {3+}\r\nabc\r\nb NOOP\r\n");
    ASSERT_EQ(steps.size(), 2u);
    EXPECT_EQ(steps[0].output, "a OK completed\r\n");
    EXPECT_EQ(steps[1].output, "b OK completed\r\n");
}

TEST(ImapBuffer, MaxErrorsOfOneClosesOnTheFirstParseError) {
    ImapDriver imap(withBuffer(4096, 1));
    std::vector<ClientStep> steps = imap.feed("*\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Close);
    EXPECT_EQ(steps[0].output, "* BAD invalid command\r\n");
    EXPECT_EQ(steps[0].infoLog, "client sent too many invalid commands");
}

}  // namespace
}  // namespace mailwire::imap::testing
