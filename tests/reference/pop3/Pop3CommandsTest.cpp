// Greeting, the START and USER states and their commands (spec 5.1, 5.3).
#include <gtest/gtest.h>

#include "Pop3Driver.h"

namespace mailwire::pop3::testing {
namespace {

using mail::ClientStep;

TEST(Pop3Greeting, PlainGreetingMakesNoSalt) {
    Pop3Driver pop3;
    EXPECT_EQ(pop3.protocol.greeting(), "+OK POP3 ready\r\n");
    EXPECT_EQ(pop3.saltCalls, 0);
    EXPECT_STREQ(pop3.protocol.name(), "pop3");
}

TEST(Pop3Greeting, ApopOrCramMd5PutTheSaltInTheGreeting) {
    for (unsigned auth : {unsigned{config::kAuthApop}, unsigned{config::kAuthCramMd5},
                          unsigned{config::kAuthPlain | config::kAuthApop | config::kAuthCramMd5}}) {
        Pop3Driver pop3(serverWithAuth(auth), "<1951602462.1795311090@mail.example.com>");
        EXPECT_EQ(pop3.saltCalls, 1);  // at session start, once
        EXPECT_EQ(pop3.protocol.greeting(), "+OK POP3 ready <1951602462.1795311090@mail.example.com>\r\n");
    }
    Pop3Driver external(serverWithAuth(config::kAuthExternal));
    EXPECT_EQ(external.saltCalls, 0);
    EXPECT_EQ(external.protocol.greeting(), "+OK POP3 ready\r\n");
}

TEST(Pop3Commands, NoopAndQuit) {
    Pop3Driver pop3;
    EXPECT_EQ(pop3.say("NOOP\r\n"), "+OK\r\n");
    EXPECT_EQ(pop3.say("noop extra args ignored\r\n"), "+OK\r\n");
    std::vector<ClientStep> steps = pop3.feed("QUIT\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Close);
    EXPECT_EQ(steps[0].output, "+OK\r\n");
}

TEST(Pop3Commands, CapaDefault) {
    Pop3Driver pop3;
    EXPECT_EQ(pop3.say("CAPA\r\n"), kDefaultCapa);
}

TEST(Pop3Commands, UnknownVerbsAreInvalid) {
    for (const char* line : {"STAT\r\n", "RETR 1\r\n", "HELO x\r\n", "\r\n", "USERX a\r\n", "12\r\n"}) {
        Pop3Driver pop3;  // max_errors 5: a fresh session each time
        std::vector<ClientStep> steps = pop3.feed(line);
        ASSERT_EQ(steps.size(), 1u) << line;
        EXPECT_EQ(steps[0].kind, ClientStep::Reply) << line;
        EXPECT_EQ(steps[0].output, kInvalid) << line;
    }
}

TEST(Pop3Commands, PassInStartStateIsRefused) {
    Pop3Driver pop3;
    EXPECT_EQ(pop3.say("PASS secret\r\n"), kInvalid);
}

TEST(Pop3Commands, UserThenPassAuthenticatesWithPlain) {
    Pop3Driver pop3;
    EXPECT_EQ(pop3.say("USER good\r\n"), "+OK\r\n");
    mail::Credentials credentials = pop3.authenticate("PASS secret\r\n");
    EXPECT_EQ(pop3.lastFailure, "");
    EXPECT_EQ(credentials.method, "plain");
    EXPECT_EQ(credentials.login, "good");
    EXPECT_EQ(credentials.password, "secret");
    EXPECT_EQ(credentials.salt, "");
}

TEST(Pop3Commands, UserAndPassKeepSpaces) {
    Pop3Driver pop3;
    EXPECT_EQ(pop3.say("user a b c\r\n"), "+OK\r\n");
    mail::Credentials credentials = pop3.authenticate("pass my pass \r\n");
    EXPECT_EQ(credentials.login, "a b c");
    EXPECT_EQ(credentials.password, "my pass ");
}

TEST(Pop3Commands, UserWithoutArgumentIsRefused) {
    Pop3Driver pop3;
    EXPECT_EQ(pop3.say("USER\r\n"), kInvalid);
    EXPECT_EQ(pop3.say("USER   \r\n"), kInvalid);
    EXPECT_EQ(pop3.say("PASS x\r\n"), kInvalid);  // still in START
}

TEST(Pop3Commands, PassWithoutArgumentIsRefusedAndResetsToStart) {
    Pop3Driver pop3;
    EXPECT_EQ(pop3.say("USER good\r\n"), "+OK\r\n");
    EXPECT_EQ(pop3.say("PASS\r\n"), kInvalid);
    EXPECT_EQ(pop3.say("PASS secret\r\n"), kInvalid);  // back in START: USER again first
    EXPECT_EQ(pop3.say("USER good\r\n"), "+OK\r\n");
    EXPECT_EQ(pop3.authenticate("PASS secret\r\n").login, "good");
}

TEST(Pop3Commands, UserStateAllowsCapaNoopAndQuit) {
    Pop3Driver pop3;
    EXPECT_EQ(pop3.say("USER good\r\n"), "+OK\r\n");
    EXPECT_EQ(pop3.say("NOOP\r\n"), "+OK\r\n");
    EXPECT_EQ(pop3.say("CAPA\r\n"), kDefaultCapa);
    mail::Credentials credentials = pop3.authenticate("PASS pw\r\n");  // still in USER state
    EXPECT_EQ(credentials.login, "good");

    Pop3Driver quitter;
    quitter.say("USER good\r\n");
    std::vector<ClientStep> steps = quitter.feed("QUIT\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Close);
    EXPECT_EQ(steps[0].output, "+OK\r\n");
}

TEST(Pop3Commands, EveryOtherCommandInUserStateResetsToStart) {
    for (const char* line :
         {"USER other\r\n", "AUTH\r\n", "AUTH PLAIN\r\n", "APOP a b\r\n", "STLS\r\n", "STAT\r\n"}) {
        Pop3Driver pop3(serverWithAuth(config::kAuthPlain | config::kAuthApop));
        ASSERT_EQ(pop3.say("USER good\r\n"), "+OK\r\n");
        EXPECT_EQ(pop3.say(line), kInvalid) << line;
        EXPECT_EQ(pop3.say("PASS pw\r\n"), kInvalid) << line;
    }
}

TEST(Pop3Commands, QuitWithPipelinedBytesClosesAtOnce) {
    Pop3Driver pop3;
    std::vector<ClientStep> steps = pop3.feed("NOOP\r\nQUIT\r\nNOOP\r\n");
    ASSERT_EQ(steps.size(), 2u);
    EXPECT_EQ(steps[0].output, "+OK\r\n");
    EXPECT_EQ(steps[1].kind, ClientStep::Close);
    EXPECT_EQ(steps[1].output, "+OK\r\n");
    EXPECT_EQ(pop3.protocol.step().kind, ClientStep::Close);
}

TEST(Pop3Commands, LoginFailedAndInternalErrorReplies) {
    Pop3Driver pop3;
    EXPECT_EQ(pop3.protocol.loginFailedReply("Invalid login or password", "550 5.7.1"),
              "-ERR Invalid login or password\r\n");
    EXPECT_EQ(pop3.protocol.internalErrorReply(), "-ERR internal server error\r\n");
    EXPECT_EQ(pop3.protocol.relayBufferSize(), 128u);
}

TEST(Pop3Commands, AfterAuthWaitTheClientStartsOverWithUser) {
    Pop3Driver pop3;
    pop3.say("USER good\r\n");
    EXPECT_EQ(pop3.authenticate("PASS bad\r\n").password, "bad");
    pop3.protocol.resetAfterFailedLogin();
    EXPECT_EQ(pop3.say("PASS again\r\n"), kInvalid);
    EXPECT_EQ(pop3.say("USER good\r\n"), "+OK\r\n");
    mail::Credentials credentials = pop3.authenticate("PASS right\r\n");
    EXPECT_EQ(credentials.login, "good");
    EXPECT_EQ(credentials.password, "right");
}

TEST(Pop3Commands, AfterAuthWaitFromAnAuthExchangeTheNextLineIsACommand) {
    Pop3Driver pop3;
    EXPECT_EQ(pop3.authenticate("AUTH PLAIN AHVzZXIAcGFzcw==\r\n").login, "user");
    pop3.protocol.resetAfterFailedLogin();
    EXPECT_EQ(pop3.say("NOOP\r\n"), "+OK\r\n");
    EXPECT_EQ(pop3.say("AUTH PLAIN\r\n"), "+ \r\n");
    EXPECT_EQ(pop3.authenticate("AHVzZXIAcGFzcw==\r\n").password, "pass");
    pop3.protocol.resetAfterFailedLogin();
    EXPECT_EQ(pop3.say("CAPA\r\n"), kDefaultCapa);
}

TEST(Pop3Commands, PipelinedBytesAfterPassGoToTheBackend) {
    Pop3Driver pop3;
    pop3.say("USER good\r\n");
    std::vector<ClientStep> steps = pop3.feed("PASS secret\r\nSTAT\r\nLIST\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Authenticate);
    EXPECT_EQ(pop3.protocol.takeUnconsumedInput(), "STAT\r\nLIST\r\n");
    EXPECT_EQ(pop3.protocol.takeUnconsumedInput(), "");
}

TEST(Pop3Commands, BackendLoginUsesTheEffectiveCredentials) {
    Pop3Driver pop3;
    mail::Credentials effective;
    effective.login = "other";
    effective.password = "fromauth";
    std::unique_ptr<mail::BackendLogin> login = pop3.protocol.makeBackendLogin(effective, {"127.0.0.1", ""});
    mail::BackendStep step = login->onReply("+OK ready\r\n");
    EXPECT_EQ(step.kind, mail::BackendStep::Send);
    EXPECT_EQ(step.toBackend, "USER other\r\n");
    step = login->onReply("+OK\r\n");
    EXPECT_EQ(step.toBackend, "PASS fromauth\r\n");
}

}  // namespace
}  // namespace mailwire::pop3::testing
