// Pre-auth commands, tags and the line grammar (spec 4.2, 4.3).
#include <gtest/gtest.h>

#include "ImapDriver.h"

namespace mailwire::imap::testing {
namespace {

using mail::ClientStep;

void expectSingle(const std::vector<ClientStep>& steps, ClientStep::Kind kind, const std::string& output) {
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, kind);
    EXPECT_EQ(steps[0].output, output);
}

TEST(ImapCommands, NameAndGreeting) {
    ImapDriver imap;
    EXPECT_STREQ(imap.protocol.name(), "imap");
    EXPECT_EQ(imap.protocol.greeting(), "* OK IMAP4 ready\r\n");
    EXPECT_EQ(imap.protocol.internalErrorReply(), "* BAD internal server error\r\n");
}

TEST(ImapCommands, NothingReadMeansNeedMore) {
    ImapDriver imap;
    EXPECT_EQ(imap.protocol.step().kind, ClientStep::NeedMore);
    EXPECT_TRUE(imap.feed("a1 NO").empty());
    EXPECT_TRUE(imap.feed("OP").empty());
    expectSingle(imap.feed("\r\n"), ClientStep::Reply, "a1 OK completed\r\n");
}

TEST(ImapCommands, Noop) {
    ImapDriver imap;
    expectSingle(imap.feed("a1 NOOP\r\n"), ClientStep::Reply, "a1 OK completed\r\n");
}

TEST(ImapCommands, VerbsAreCaseInsensitive) {
    ImapDriver imap;
    EXPECT_EQ(imap.say("a noop\r\nb NoOp\r\nc capability\r\n"),
              "a OK completed\r\nb OK completed\r\n"
              "* CAPABILITY IMAP4 IMAP4rev1 UIDPLUS AUTH=PLAIN\r\nc OK completed\r\n");
}

TEST(ImapCommands, CapabilityWithDefaults) {
    ImapDriver imap;
    expectSingle(imap.feed("c1 CAPABILITY\r\n"), ClientStep::Reply,
                 "* CAPABILITY IMAP4 IMAP4rev1 UIDPLUS AUTH=PLAIN\r\nc1 OK completed\r\n");
}

TEST(ImapCommands, ExtraArgumentsToNoopAndCapabilityAreIgnored) {
    ImapDriver imap;
    EXPECT_EQ(imap.say("a NOOP x \"y z\" {1+}\r\nw\r\nb CAPABILITY 1 2 3\r\n"),
              "a OK completed\r\n* CAPABILITY IMAP4 IMAP4rev1 UIDPLUS AUTH=PLAIN\r\nb OK completed\r\n");
}

TEST(ImapCommands, LogoutSaysByeThenCloses) {
    ImapDriver imap;
    expectSingle(imap.feed("z9 LOGOUT\r\nb NOOP\r\n"), ClientStep::Close, "* BYE\r\nz9 OK completed\r\n");
}

TEST(ImapCommands, UnknownAndPostAuthVerbsAreParseErrors) {
    ImapDriver imap;
    EXPECT_EQ(imap.say("a SELECT INBOX\r\n"), "a BAD invalid command\r\n");
    EXPECT_EQ(imap.say("b LOGINX u p\r\n"), "b BAD invalid command\r\n");
    EXPECT_EQ(imap.say("c LOG1N u p\r\n"), "c BAD invalid command\r\n");
    EXPECT_EQ(imap.say("d 1NOOP\r\n"), "d BAD invalid command\r\n");
    EXPECT_EQ(imap.say("e AUTHENTICATEX\r\n"), "e BAD invalid command\r\n");
}

TEST(ImapCommands, BareLfEndsALine) {
    ImapDriver imap;
    EXPECT_EQ(imap.say("a NOOP\nb NOOP x\n"), "a OK completed\r\nb OK completed\r\n");
}

TEST(ImapCommands, CrWithoutLfIsAParseError) {
    ImapDriver imap;
    EXPECT_EQ(imap.say("a NOOP\rX\r\nb NOOP\r\n"), "a BAD invalid command\r\nb OK completed\r\n");
}

TEST(ImapCommands, SpacesAroundTheCommandAndArguments) {
    ImapDriver imap;
    EXPECT_EQ(imap.say("a    NOOP    \r\n"), "a OK completed\r\n");
    std::vector<ClientStep> steps = imap.feed("b LOGIN   user    pass   \r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Authenticate);
    EXPECT_EQ(steps[0].credentials.login, "user");
    EXPECT_EQ(steps[0].credentials.password, "pass");
}

TEST(ImapTags, ThirtyTwoCharactersAreAccepted) {
    ImapDriver imap;
    const std::string tag(32, 'T');
    EXPECT_EQ(imap.say(tag + " NOOP\r\n"), tag + " OK completed\r\n");
}

TEST(ImapTags, ThirtyThreeCharactersAreRejectedWithStar) {
    ImapDriver imap;
    EXPECT_EQ(imap.say(std::string(33, 'T') + " NOOP\r\n"), "* BAD invalid command\r\n");
}

TEST(ImapTags, AllowedCharacters) {
    ImapDriver imap;
    EXPECT_EQ(imap.say("Az09-._ NOOP\r\n"), "Az09-._ OK completed\r\n");
}

TEST(ImapTags, OtherCharactersAreRejectedWithStar) {
    for (const char* line : {"t* NOOP\r\n", "a+b NOOP\r\n", "\"a\" NOOP\r\n", "a{1} NOOP\r\n",
                             "\xc3\xa9 NOOP\r\n", "a\tb NOOP\r\n"}) {
        ImapDriver imap;
        EXPECT_EQ(imap.say(line), "* BAD invalid command\r\n") << line;
    }
}

TEST(ImapTags, LineEndingInsideTheTag) {
    ImapDriver imap;
    EXPECT_EQ(imap.say("a4\r\n"), "* BAD invalid command\r\n");
    EXPECT_EQ(imap.say("\r\n"), "* BAD invalid command\r\n");
    EXPECT_EQ(imap.say("\n"), "* BAD invalid command\r\n");
}

TEST(ImapTags, TagWithoutCommandUsesTheTag) {
    ImapDriver imap;
    EXPECT_EQ(imap.say("a1 \r\n"), "a1 BAD invalid command\r\n");
    EXPECT_EQ(imap.say("a2     \n"), "a2 BAD invalid command\r\n");
}

TEST(ImapTags, LeadingSpaceGivesTheEmptyTagQuirk) {
    ImapDriver imap;
    EXPECT_EQ(imap.say(" NOOP\r\n"), " OK completed\r\n");
    EXPECT_EQ(imap.say(" FOO\r\n"), " BAD invalid command\r\n");
}

TEST(ImapTags, EachLineHasItsOwnTag) {
    ImapDriver imap;
    EXPECT_EQ(imap.say("first NOOP\r\n*bad\r\nthird NOOP\r\n"),
              "first OK completed\r\n* BAD invalid command\r\nthird OK completed\r\n");
}

TEST(ImapStartTls, RefusedWhenOff) {
    ImapDriver imap;
    EXPECT_EQ(imap.say("s STARTTLS\r\n"), "s BAD invalid command\r\n");
    EXPECT_FALSE(imap.protocol.takeStartTlsRequest());
}

TEST(ImapStartTls, AcceptedWhenOnAndDiscardsBufferedBytes) {
    config::ServerConfig server = defaultServer();
    server.starttls = config::StartTls::On;
    ImapDriver imap(server);
    std::vector<ClientStep> steps = imap.feed("s STARTTLS\r\nb NOOP\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Reply);
    EXPECT_EQ(steps[0].output, "s OK completed\r\n");
    EXPECT_TRUE(imap.protocol.takeStartTlsRequest());
    EXPECT_FALSE(imap.protocol.takeStartTlsRequest());
    EXPECT_EQ(imap.protocol.step().kind, ClientStep::NeedMore);
    EXPECT_EQ(imap.protocol.takeUnconsumedInput(), "");
}

TEST(ImapStartTls, RefusedOnceTlsIsActive) {
    config::ServerConfig server = defaultServer();
    server.starttls = config::StartTls::On;
    ImapDriver imap(server);
    imap.protocol.setTlsActive(true);
    EXPECT_EQ(imap.say("s STARTTLS\r\n"), "s BAD invalid command\r\n");
    EXPECT_EQ(imap.say("c CAPABILITY\r\n"),
              "* CAPABILITY IMAP4 IMAP4rev1 UIDPLUS AUTH=PLAIN\r\nc OK completed\r\n");
}

TEST(ImapStartTls, OnlyBlocksLoginAndAuthenticateBeforeTls) {
    config::ServerConfig server = defaultServer();
    server.starttls = config::StartTls::Only;
    server.maxErrors = 1;  // handler rejects must not count
    ImapDriver imap(server);
    EXPECT_EQ(imap.say("a LOGIN user pass\r\n"), "a BAD invalid command\r\n");
    EXPECT_EQ(imap.say("b AUTHENTICATE PLAIN AHUAcA==\r\n"), "b BAD invalid command\r\n");
    EXPECT_EQ(imap.say("c CAPABILITY\r\n"),
              "* CAPABILITY IMAP4 IMAP4rev1 UIDPLUS STARTTLS LOGINDISABLED\r\nc OK completed\r\n");
    imap.protocol.setTlsActive(true);
    EXPECT_EQ(imap.say("d CAPABILITY\r\n"),
              "* CAPABILITY IMAP4 IMAP4rev1 UIDPLUS AUTH=PLAIN\r\nd OK completed\r\n");
    std::vector<ClientStep> steps = imap.feed("e LOGIN user pass\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Authenticate);
}

}  // namespace
}  // namespace mailwire::imap::testing
