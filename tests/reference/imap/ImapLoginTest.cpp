// The LOGIN command in every argument form: atoms, quoted strings, literals (spec 4.2, 4.3).
#include <gtest/gtest.h>

#include "ImapDriver.h"

namespace mailwire::imap::testing {
namespace {

using mail::ClientStep;

// The single Authenticate step `bytes` must produce (after any "+ OK" replies, which are checked too).
ClientStep loginStep(ImapDriver& imap, const std::string& bytes, int expectedContinuations = 0) {
    std::vector<ClientStep> steps = imap.feed(bytes);
    EXPECT_EQ(steps.size(), static_cast<size_t>(expectedContinuations + 1)) << ImapDriver::output(steps);
    for (int i = 0; i < expectedContinuations && i < static_cast<int>(steps.size()); ++i) {
        EXPECT_EQ(steps[i].kind, ClientStep::Reply);
        EXPECT_EQ(steps[i].output, "+ OK\r\n");
    }
    if (steps.empty()) return ClientStep{};
    EXPECT_EQ(steps.back().kind, ClientStep::Authenticate) << steps.back().output;
    EXPECT_EQ(steps.back().output, "");
    return steps.back();
}

TEST(ImapLogin, Atoms) {
    ImapDriver imap;
    ClientStep step = loginStep(imap, "a1 LOGIN user secret\r\n");
    EXPECT_EQ(step.credentials.method, "plain");
    EXPECT_EQ(step.credentials.login, "user");
    EXPECT_EQ(step.credentials.password, "secret");
    EXPECT_EQ(step.credentials.salt, "");
    EXPECT_EQ(step.infoLog, "");
}

TEST(ImapLogin, AtomsKeepQuotesAndBackslashes) {
    ImapDriver imap;
    ClientStep step = loginStep(imap, "a1 LOGIN us\"er pa\\ss\"\r\n");
    EXPECT_EQ(step.credentials.login, "us\"er");
    EXPECT_EQ(step.credentials.password, "pa\\ss\"");
}

TEST(ImapLogin, QuotedStringsWithSpaces) {
    ImapDriver imap;
    ClientStep step = loginStep(imap, "a1 LOGIN \"John Doe\" \"my pass word\"\r\n");
    EXPECT_EQ(step.credentials.login, "John Doe");
    EXPECT_EQ(step.credentials.password, "my pass word");
}

TEST(ImapLogin, QuotedStringEscapesAreRemoved) {
    ImapDriver imap;
    ClientStep step = loginStep(imap, "a1 LOGIN \"we\\\"ird\\\\\" \"\\a\\{\\ \"\r\n");
    EXPECT_EQ(step.credentials.login, "we\"ird\\");
    EXPECT_EQ(step.credentials.password, "a{ ");
}

TEST(ImapLogin, EmptyQuotedPasswordIsAccepted) {
    ImapDriver imap;
    ClientStep step = loginStep(imap, "a1 LOGIN user \"\"\r\n");
    EXPECT_EQ(step.credentials.login, "user");
    EXPECT_EQ(step.credentials.password, "");
}

TEST(ImapLogin, ClosingQuoteMayTouchTheNextArgument) {
    ImapDriver imap;
    ClientStep step = loginStep(imap, "a1 LOGIN \"user\"pass\r\n");
    EXPECT_EQ(step.credentials.login, "user");
    EXPECT_EQ(step.credentials.password, "pass");
}

TEST(ImapLogin, MixedArgumentForms) {
    ImapDriver imap;
    ClientStep step = loginStep(imap, "a1 LOGIN {4+}\r\nuser \"p w\"\r\n");
    EXPECT_EQ(step.credentials.login, "user");
    EXPECT_EQ(step.credentials.password, "p w");
}

TEST(ImapLogin, SynchronisingLiteralsStepByStep) {
    ImapDriver imap;
    std::vector<ClientStep> steps = imap.feed("a1 LOGIN {4}\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Reply);
    EXPECT_EQ(steps[0].output, "+ OK\r\n");
    steps = imap.feed("user {6}\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].output, "+ OK\r\n");
    ClientStep step = loginStep(imap, "secret\r\n");
    EXPECT_EQ(step.credentials.login, "user");
    EXPECT_EQ(step.credentials.password, "secret");
}

TEST(ImapLogin, SynchronisingLiteralsInOnePacketStillGetContinuations) {
    ImapDriver imap;
    ClientStep step = loginStep(imap, "a1 LOGIN {4}\r\nuser {6}\nsecret\r\n", 2);
    EXPECT_EQ(step.credentials.login, "user");
    EXPECT_EQ(step.credentials.password, "secret");
}

TEST(ImapLogin, NonSynchronisingLiteralsSendNothing) {
    ImapDriver imap;
    ClientStep step = loginStep(imap, "a1 LOGIN {4+}\r\nuser {6+}\r\nsecret\r\n");
    EXPECT_EQ(step.credentials.login, "user");
    EXPECT_EQ(step.credentials.password, "secret");
}

TEST(ImapLogin, LiteralsCarryRawBytes) {
    ImapDriver imap;
    const std::string password("p \"a\r\n\\{1}\0x", 13);
    ClientStep step = loginStep(imap, "a1 LOGIN {2+}\r\n\xc3\xa9 {13+}\r\n" + password + "\r\n");
    EXPECT_EQ(step.credentials.login, "\xc3\xa9");
    EXPECT_EQ(step.credentials.password, password);
}

TEST(ImapLogin, LiteralSplitAcrossEveryByte) {
    ImapDriver imap;
    const std::string bytes = "a1 LOGIN {4}\r\nuser {6+}\r\nsecret\r\n";
    std::vector<ClientStep> steps;
    for (char c : bytes) {
        std::vector<ClientStep> more = imap.feed(std::string(1, c));
        steps.insert(steps.end(), more.begin(), more.end());
    }
    ASSERT_EQ(steps.size(), 2u);
    EXPECT_EQ(steps[0].output, "+ OK\r\n");
    EXPECT_EQ(steps[1].kind, ClientStep::Authenticate);
    EXPECT_EQ(steps[1].credentials.login, "user");
    EXPECT_EQ(steps[1].credentials.password, "secret");
}

TEST(ImapLogin, LiteralLengthWithoutCrBeforeLf) {
    ImapDriver imap;
    ClientStep step = loginStep(imap, "a1 LOGIN {1}\nu {1}\r\r\np\n", 2);
    EXPECT_EQ(step.credentials.login, "u");
    EXPECT_EQ(step.credentials.password, "p");
}

TEST(ImapLogin, ZeroLengthLiteralTakesOneByteLikeNginx) {
    ImapDriver imap;
    ClientStep step = loginStep(imap, "b1 LOGIN {0}\r\nX \"pw\"\r\n", 1);
    EXPECT_EQ(step.credentials.login, "X");
    EXPECT_EQ(step.credentials.password, "pw");
}

TEST(ImapLogin, OnlySpaceCrOrLfMayFollowALiteral) {
    ImapDriver imap;
    EXPECT_EQ(imap.say("a1 LOGIN {1+}\r\nxy pass\r\n"), "a1 BAD invalid command\r\n");
    EXPECT_EQ(imap.say("a2 LOGIN {1+}\r\nx\"y\" pass\r\n"), "a2 BAD invalid command\r\n");
    EXPECT_EQ(imap.say("a3 NOOP\r\n"), "a3 OK completed\r\n");
}

TEST(ImapLogin, LiteralDirectlyAfterALiteralIsRejectedAndClosesOnPlusBrace) {
    ImapDriver imap;
    std::vector<ClientStep> steps = imap.feed("a2 LOGIN {1+}\r\nx{1+}\r\ny\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Close);  // the rejected line ends in "+}"
    EXPECT_EQ(steps[0].output, "a2 BAD invalid command\r\n");
}

TEST(ImapLogin, MalformedLiteralsAreParseErrors) {
    for (const char* line : {"a LOGIN {x}\r\n", "a LOGIN {4-}\r\n", "a LOGIN {4+x\r\n", "a LOGIN {4}x\r\n",
                             "a LOGIN {99999999999999999999999}\r\n", "a LOGIN {18446744073709551616}\r\n"}) {
        ImapDriver imap;
        EXPECT_EQ(imap.say(line), "a BAD invalid command\r\n") << line;
    }
}

TEST(ImapLogin, LargestLiteralLengthStillParses) {
    config::ServerConfig server = defaultServer();
    server.imapClientBuffer = 64;
    ImapDriver imap(server);
    // The length fits in size_t, so nginx answers "+ OK"; the data can then never fit in the buffer.
    EXPECT_EQ(imap.say("a LOGIN {18446744073709551615}\r\n"), "+ OK\r\n");
}

TEST(ImapLogin, WrongArgumentCountsAreHandlerRejects) {
    config::ServerConfig server = defaultServer();
    server.maxErrors = 1;
    ImapDriver imap(server);
    EXPECT_EQ(imap.say("a LOGIN\r\n"), "a BAD invalid command\r\n");
    EXPECT_EQ(imap.say("b LOGIN user\r\n"), "b BAD invalid command\r\n");
    EXPECT_EQ(imap.say("c LOGIN user pass extra\r\n"), "c BAD invalid command\r\n");
    EXPECT_EQ(imap.say("d NOOP\r\n"), "d OK completed\r\n");
}

TEST(ImapLogin, EmptyUserIsRejected) {
    config::ServerConfig server = defaultServer();
    server.maxErrors = 1;
    ImapDriver imap(server);
    std::vector<ClientStep> steps = imap.feed("a LOGIN \"\" pass\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Reply);
    EXPECT_EQ(steps[0].output, "a BAD invalid command\r\n");
    EXPECT_EQ(imap.say("c LOGIN \"\" \"\"\r\n"), "c BAD invalid command\r\n");
}

TEST(ImapLogin, FourthArgumentIsAParseError) {
    config::ServerConfig server = defaultServer();
    server.maxErrors = 1;
    ImapDriver imap(server);
    std::vector<ClientStep> steps = imap.feed("a LOGIN a b c d\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Close);
    EXPECT_EQ(steps[0].output, "a BAD invalid command\r\n");
    EXPECT_EQ(steps[0].infoLog, "client sent too many invalid commands");
}

TEST(ImapLogin, UnterminatedQuotedStringRejectsTheLine) {
    ImapDriver imap;
    EXPECT_EQ(imap.say("q1 LOGIN \"unterminated\r\n"), "q1 BAD invalid command\r\n");
    // Unlike nginx (quirk 6), later lines are not poisoned.
    ClientStep step = loginStep(imap, "q2 LOGIN user pass\r\n");
    EXPECT_EQ(step.credentials.login, "user");
}

TEST(ImapLogin, BackslashBeforeLineEndIsAParseError) {
    ImapDriver imap;
    EXPECT_EQ(imap.say("a LOGIN \"abc\\\r\n"), "a BAD invalid command\r\n");
    EXPECT_EQ(imap.say("b LOGIN \"abc\\\n"), "b BAD invalid command\r\n");
}

TEST(ImapLogin, FailedReplyUsesTheLoginTag) {
    ImapDriver imap;
    loginStep(imap, "x7 LOGIN user pass\r\n");
    EXPECT_EQ(imap.protocol.loginFailedReply("Invalid login or password", ""),
              "x7 NO Invalid login or password\r\n");
}

TEST(ImapLogin, FailedReplyWithTheEmptyTag) {
    ImapDriver imap;
    loginStep(imap, " LOGIN user pass\r\n");
    EXPECT_EQ(imap.protocol.loginFailedReply("nope", ""), " NO nope\r\n");
}

TEST(ImapLogin, RetryAfterFailedLogin) {
    ImapDriver imap;
    loginStep(imap, "a1 LOGIN user wrong\r\n");
    EXPECT_EQ(imap.protocol.loginFailedReply("bad", ""), "a1 NO bad\r\n");
    imap.protocol.resetAfterFailedLogin();
    EXPECT_EQ(imap.say("a2 NOOP\r\n"), "a2 OK completed\r\n");
    ClientStep step = loginStep(imap, "a3 LOGIN user right\r\n");
    EXPECT_EQ(step.credentials.password, "right");
    EXPECT_EQ(imap.protocol.loginFailedReply("bad", ""), "a3 NO bad\r\n");
}

TEST(ImapLogin, PipelinedCommandsAfterLoginWaitForTheBackend) {
    ImapDriver imap;
    ClientStep step = loginStep(imap, "a LOGIN u p\r\nb SELECT INBOX\r\nc FETCH 1 (FLAGS)\r\n");
    EXPECT_EQ(step.credentials.login, "u");
    EXPECT_EQ(imap.protocol.takeUnconsumedInput(), "b SELECT INBOX\r\nc FETCH 1 (FLAGS)\r\n");
    EXPECT_EQ(imap.protocol.takeUnconsumedInput(), "");
}

TEST(ImapLogin, PipelinedCommandsAreParsedAfterAFailedLogin) {
    ImapDriver imap;
    loginStep(imap, "a LOGIN u p\r\nb NOOP\r\n");
    imap.protocol.resetAfterFailedLogin();
    EXPECT_EQ(ImapDriver::output(imap.feed("")), "b OK completed\r\n");
}

TEST(ImapLogin, NothingPipelinedLeavesNothingToForward) {
    ImapDriver imap;
    loginStep(imap, "a LOGIN u p\r\n");
    EXPECT_EQ(imap.protocol.takeUnconsumedInput(), "");
}

}  // namespace
}  // namespace mailwire::imap::testing
