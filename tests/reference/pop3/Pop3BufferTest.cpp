// The fixed 128-byte client buffer, pipelining, parse errors and max_errors (spec 3.1-3.3, 5.2, quirk 19).
#include <gtest/gtest.h>

#include "Pop3Driver.h"

namespace mailwire::pop3::testing {
namespace {

using mail::ClientStep;

config::ServerConfig withMaxErrors(int maxErrors) {
    config::ServerConfig server = defaultServer();
    server.maxErrors = maxErrors;
    return server;
}

TEST(Pop3Buffer, RoomIsAlways128Bytes) {
    config::ServerConfig server = defaultServer();
    server.imapClientBuffer = 16;  // POP3 has no directive of its own
    server.smtpClientBuffer = 16;
    Pop3Driver pop3(server);
    size_t room = 0;
    pop3.protocol.readSpace(room);
    EXPECT_EQ(room, 128u);
    pop3.feed("NO");
    pop3.protocol.readSpace(room);
    EXPECT_EQ(room, 126u);
    EXPECT_EQ(pop3.protocol.relayBufferSize(), 128u);
}

TEST(Pop3Buffer, PipelinedCommandsAreAnsweredInOrder) {
    Pop3Driver pop3;
    std::vector<ClientStep> steps = pop3.feed("NOOP\r\nCAPA\r\nFOO\r\nUSER a\r\nQUIT\r\nNOOP\r\n");
    ASSERT_EQ(steps.size(), 5u);
    EXPECT_EQ(steps[0].output, "+OK\r\n");
    EXPECT_EQ(steps[1].output, kDefaultCapa);
    EXPECT_EQ(steps[2].output, kInvalid);
    EXPECT_EQ(steps[3].output, "+OK\r\n");
    EXPECT_EQ(steps[4].kind, ClientStep::Close);
    EXPECT_EQ(steps[4].output, "+OK\r\n");
}

TEST(Pop3Buffer, BufferIsReusedOnceEmpty) {
    Pop3Driver pop3;
    for (int i = 0; i < 100; ++i) ASSERT_EQ(pop3.say("NOOP\r\n"), "+OK\r\n");
}

TEST(Pop3Buffer, ALineOf128BytesFits) {
    Pop3Driver pop3;
    const std::string user(128 - 7, 'u');  // "USER " + name + "\r\n" = 128
    EXPECT_EQ(pop3.say("USER " + user + "\r\n"), "+OK\r\n");
    EXPECT_EQ(pop3.authenticate("PASS x\r\n").login, user);
}

TEST(Pop3Buffer, TooLongLineRepliesThenClosesWithoutCounting) {
    Pop3Driver pop3(withMaxErrors(100));
    const std::string line = "USER " + std::string(130, 'u') + "\r\n";
    std::vector<ClientStep> steps = pop3.feed(line);
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Close);
    EXPECT_EQ(steps[0].output, kInvalid);
    EXPECT_EQ(steps[0].infoLog, "client sent too long command \"" + line.substr(0, 128) + "\"");
}

TEST(Pop3Buffer, TooLongInvalidLineAlsoCloses) {
    Pop3Driver pop3;
    std::vector<ClientStep> steps = pop3.feed(std::string(135, 'x') + "\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Close);
    EXPECT_EQ(steps[0].output, kInvalid);
    EXPECT_EQ(steps[0].infoLog, "client sent too long command \"" + std::string(128, 'x') + "\"");
}

TEST(Pop3Buffer, NeverCompactedSoAPipelinedBurstCanOverflow) {
    // 21 NOOPs (126 bytes) and the start of a 22nd fill the buffer: the short last command is "too long".
    Pop3Driver pop3;
    std::string burst;
    for (int i = 0; i < 21; ++i) burst += "NOOP\r\n";
    burst += "NOOP\r\n";
    std::vector<ClientStep> steps = pop3.feed(burst);
    ASSERT_EQ(steps.size(), 22u);
    for (int i = 0; i < 21; ++i) EXPECT_EQ(steps[i].output, "+OK\r\n") << i;
    EXPECT_EQ(steps[21].kind, ClientStep::Close);
    EXPECT_EQ(steps[21].output, kInvalid);
    EXPECT_EQ(steps[21].infoLog, "client sent too long command \"" + burst.substr(0, 128) + "\"");
}

TEST(Pop3Buffer, ExactlyFullBufferOfCompleteCommandsIsFine) {
    Pop3Driver pop3;
    std::string burst;
    for (int i = 0; i < 16; ++i) burst += "NOOP\r\n";  // 96 bytes
    burst += "NOOP " + std::string(25, 'a') + "\r\n";  // 32 bytes: 128 in all
    std::vector<ClientStep> steps = pop3.feed(burst);
    ASSERT_EQ(steps.size(), 17u);
    for (const ClientStep& step : steps) EXPECT_EQ(step.output, "+OK\r\n");
    EXPECT_EQ(pop3.say("NOOP\r\n"), "+OK\r\n");  // emptied, so reused from its start
}

TEST(Pop3Buffer, CommandSplitAcrossReads) {
    Pop3Driver pop3;
    EXPECT_TRUE(pop3.feed("US").empty());
    EXPECT_TRUE(pop3.feed("ER go").empty());
    EXPECT_EQ(pop3.say("od\r"), "");
    EXPECT_EQ(pop3.say("\n"), "+OK\r\n");
    EXPECT_EQ(pop3.authenticate("PASS pw\n").login, "good");
}

TEST(Pop3Buffer, ParseErrorsCountUntilMaxErrors) {
    Pop3Driver pop3(withMaxErrors(2));
    std::vector<ClientStep> steps = pop3.feed("FOO\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Reply);
    EXPECT_EQ(steps[0].output, kInvalid);
    EXPECT_EQ(steps[0].infoLog, "");
    EXPECT_EQ(pop3.say("NOOP\r\n"), "+OK\r\n");  // successes do not reset the count
    steps = pop3.feed("STAT\r\nNOOP\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Close);
    EXPECT_EQ(steps[0].output, kInvalid);
    EXPECT_EQ(steps[0].infoLog, "client sent too many invalid commands");
}

TEST(Pop3Buffer, ParseErrorInContinuationCountsToo) {
    Pop3Driver pop3(withMaxErrors(1));
    pop3.say("AUTH PLAIN\r\n");
    std::vector<ClientStep> steps = pop3.feed("a b c d\r\n");  // a fourth argument
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Close);
    EXPECT_EQ(steps[0].output, kInvalid);
}

TEST(Pop3Buffer, InvalidLineSplitAcrossReadsGivesOneReply) {
    Pop3Driver pop3;
    EXPECT_TRUE(pop3.feed("FOO 1 2").empty());
    EXPECT_TRUE(pop3.feed(" 3 4 5").empty());
    EXPECT_EQ(pop3.say(" 6\r\nNOOP\r\n"), std::string(kInvalid) + "+OK\r\n");
}

TEST(Pop3Buffer, ParseErrorAfterUserResetsToStart) {
    Pop3Driver pop3;
    pop3.say("USER good\r\n");
    EXPECT_EQ(pop3.say("LIST\r\n"), kInvalid);
    EXPECT_EQ(pop3.say("PASS pw\r\n"), kInvalid);
}

TEST(Pop3Buffer, NothingIsParsedAfterClose) {
    Pop3Driver pop3(withMaxErrors(1));
    pop3.feed("FOO\r\nNOOP\r\n");
    EXPECT_EQ(pop3.protocol.step().kind, ClientStep::Close);
}

}  // namespace
}  // namespace mailwire::pop3::testing
