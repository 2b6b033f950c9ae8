// AUTH (bare, PLAIN, LOGIN, CRAM-MD5, EXTERNAL) and APOP (spec 5.3, 5.5, 3.5-3.7, 7.3).
#include <gtest/gtest.h>

#include "Pop3Driver.h"

namespace mailwire::pop3::testing {
namespace {

using mail::ClientStep;

constexpr unsigned kAll =
    config::kAuthPlain | config::kAuthApop | config::kAuthCramMd5 | config::kAuthExternal;
const char* const kCramResponse = "dXNlciAwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZg==";  // "user <32 hex>"

TEST(Pop3Auth, BareAuthListsMechanisms) {
    Pop3Driver plain;
    EXPECT_EQ(plain.say("AUTH\r\n"), "+OK methods supported:\r\nPLAIN\r\nLOGIN\r\n.\r\n");
    Pop3Driver all(serverWithAuth(kAll));
    EXPECT_EQ(all.say("auth\r\n"),
              "+OK methods supported:\r\nPLAIN\r\nLOGIN\r\nCRAM-MD5\r\nEXTERNAL\r\n.\r\n");
    Pop3Driver apopOnly(serverWithAuth(config::kAuthApop));
    EXPECT_EQ(apopOnly.say("AUTH\r\n"), "+OK methods supported:\r\n.\r\n");
}

TEST(Pop3Auth, BareAuthLeavesTheNextLineACommand) {
    Pop3Driver pop3;
    std::vector<ClientStep> steps = pop3.feed("AUTH\r\nNOOP\r\n");
    ASSERT_EQ(steps.size(), 2u);
    EXPECT_EQ(steps[1].output, "+OK\r\n");
}

TEST(Pop3Auth, PlainWithInitialResponse) {
    Pop3Driver pop3;
    mail::Credentials credentials = pop3.authenticate("AUTH PLAIN AHVzZXIAcGFzcw==\r\n");
    EXPECT_EQ(pop3.lastFailure, "");
    EXPECT_EQ(credentials.method, "plain");
    EXPECT_EQ(credentials.login, "user");
    EXPECT_EQ(credentials.password, "pass");
}

TEST(Pop3Auth, PlainWithContinuation) {
    Pop3Driver pop3;
    EXPECT_EQ(pop3.say("AUTH PLAIN\r\n"), "+ \r\n");
    mail::Credentials credentials = pop3.authenticate("AHVzZXIAcGFzcw==\r\n");
    EXPECT_EQ(credentials.login, "user");
    EXPECT_EQ(credentials.password, "pass");
}

TEST(Pop3Auth, PlainAndLoginAreAcceptedEvenWhenNotEnabled) {
    Pop3Driver pop3(serverWithAuth(config::kAuthApop));
    EXPECT_EQ(pop3.authenticate("AUTH plain AHVzZXIAcGFzcw==\r\n").login, "user");
    Pop3Driver login(serverWithAuth(config::kAuthCramMd5));
    EXPECT_EQ(login.say("AUTH LOGIN\r\n"), "+ VXNlcm5hbWU6\r\n");
}

TEST(Pop3Auth, PlainBadPayloads) {
    struct Case {
        const char* line;
        const char* log;
    } cases[] = {
        {"AUTH PLAIN =\r\n", "client sent invalid login in AUTH PLAIN command"},
        {"AUTH PLAIN AHVzZXI=\r\n", "client sent invalid password in AUTH PLAIN command"},
        {"AUTH PLAIN a*b\r\n", "client sent invalid base64 encoding in AUTH PLAIN command"},
        {"AUTH PLAIN AHVzZXIAcGFzcw== extra\r\n", ""},
    };
    for (const Case& c : cases) {
        Pop3Driver pop3;
        std::vector<ClientStep> steps = pop3.feed(c.line);
        ASSERT_EQ(steps.size(), 1u) << c.line;
        EXPECT_EQ(steps[0].kind, ClientStep::Reply);
        EXPECT_EQ(steps[0].output, kInvalid) << c.line;
        EXPECT_EQ(steps[0].infoLog, c.log) << c.line;
        EXPECT_EQ(pop3.say("NOOP\r\n"), "+OK\r\n") << c.line;  // back in START
    }
}

TEST(Pop3Auth, ContinuationDecodeErrorGoesBackToStart) {
    Pop3Driver pop3;
    EXPECT_EQ(pop3.say("AUTH PLAIN\r\n"), "+ \r\n");
    std::vector<ClientStep> steps = pop3.feed("*\r\n");  // there is no cancel token
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].output, kInvalid);
    EXPECT_EQ(steps[0].infoLog, "client sent invalid base64 encoding in AUTH PLAIN command");
    EXPECT_EQ(pop3.say("NOOP\r\n"), "+OK\r\n");
}

TEST(Pop3Auth, ContinuationLineIsNeverACommand) {
    Pop3Driver pop3;
    EXPECT_EQ(pop3.say("AUTH LOGIN\r\n"), "+ VXNlcm5hbWU6\r\n");
    // "QUIT" is valid base64 (3 bytes), so it becomes the user name.
    EXPECT_EQ(pop3.say("QUIT\r\n"), "+ UGFzc3dvcmQ6\r\n");
    mail::Credentials credentials = pop3.authenticate("cGFzcw==\r\n");
    EXPECT_EQ(credentials.login, "AB\x13");
    EXPECT_EQ(credentials.password, "pass");
}

TEST(Pop3Auth, LoginStepByStep) {
    Pop3Driver pop3;
    EXPECT_EQ(pop3.say("AUTH LOGIN\r\n"), "+ VXNlcm5hbWU6\r\n");
    EXPECT_EQ(pop3.say("dXNlcg==\r\n"), "+ UGFzc3dvcmQ6\r\n");
    mail::Credentials credentials = pop3.authenticate("cGFzcw==\r\n");
    EXPECT_EQ(credentials.method, "plain");
    EXPECT_EQ(credentials.login, "user");
    EXPECT_EQ(credentials.password, "pass");
}

TEST(Pop3Auth, LoginWithInitialUserName) {
    Pop3Driver pop3;
    EXPECT_EQ(pop3.say("AUTH LOGIN dXNlcg==\r\n"), "+ UGFzc3dvcmQ6\r\n");
    mail::Credentials credentials = pop3.authenticate("\r\n");  // an empty password is accepted
    EXPECT_EQ(credentials.login, "user");
    EXPECT_EQ(credentials.password, "");
}

TEST(Pop3Auth, LoginOnlyTheFirstWordOfAContinuationCounts) {
    Pop3Driver pop3;
    EXPECT_EQ(pop3.say("AUTH LOGIN\r\n"), "+ VXNlcm5hbWU6\r\n");
    EXPECT_EQ(pop3.say("dXNlcg== ignored\r\n"), "+ UGFzc3dvcmQ6\r\n");
    EXPECT_EQ(pop3.authenticate("cGFzcw==\r\n").login, "user");
}

TEST(Pop3Auth, LoginBadBase64AtEachStep) {
    const char* const log = "client sent invalid base64 encoding in AUTH LOGIN command";
    {
        Pop3Driver pop3;
        std::vector<ClientStep> steps = pop3.feed("AUTH LOGIN ***\r\n");
        ASSERT_EQ(steps.size(), 1u);
        EXPECT_EQ(steps[0].output, kInvalid);
        EXPECT_EQ(steps[0].infoLog, log);
    }
    {
        Pop3Driver pop3;
        pop3.say("AUTH LOGIN\r\n");
        std::vector<ClientStep> steps = pop3.feed("***\r\n");
        ASSERT_EQ(steps.size(), 1u);
        EXPECT_EQ(steps[0].output, kInvalid);  // untagged POP3 has no IMAP-style quirk here
        EXPECT_EQ(steps[0].infoLog, log);
    }
    {
        Pop3Driver pop3;
        pop3.say("AUTH LOGIN dXNlcg==\r\n");
        std::vector<ClientStep> steps = pop3.feed("a\r\n");
        ASSERT_EQ(steps.size(), 1u);
        EXPECT_EQ(steps[0].output, kInvalid);
        EXPECT_EQ(steps[0].infoLog, log);
        EXPECT_EQ(pop3.say("cGFzcw==\r\n"), kInvalid);  // START again: this is no longer a SASL line
    }
}

TEST(Pop3Auth, LoginWithTooManyArgumentsIsRefused) {
    Pop3Driver pop3;
    EXPECT_EQ(pop3.say("AUTH LOGIN dXNlcg== x\r\n"), kInvalid);
}

TEST(Pop3Auth, UnknownMechanismsAreRefused) {
    Pop3Driver pop3;
    for (const char* line :
         {"AUTH DIGEST-MD5\r\n", "AUTH XOAUTH2 abc\r\n", "AUTH GSSAPI\r\n", "AUTH PLAINX\r\n"})
        EXPECT_EQ(pop3.say(line), kInvalid) << line;
}

TEST(Pop3Auth, CramMd5WhenEnabled) {
    Pop3Driver pop3(serverWithAuth(config::kAuthCramMd5));
    EXPECT_EQ(pop3.say("AUTH CRAM-MD5\r\n"), "+ PDEuMkBtYWlsLmV4YW1wbGUuY29tPg==\r\n");
    mail::Credentials credentials = pop3.authenticate(std::string(kCramResponse) + "\r\n");
    EXPECT_EQ(pop3.lastFailure, "");
    EXPECT_EQ(credentials.method, "cram-md5");
    EXPECT_EQ(credentials.login, "user");
    EXPECT_EQ(credentials.password, "0123456789abcdef0123456789abcdef");
    EXPECT_EQ(credentials.salt, "<1.2@mail.example.com>");
    EXPECT_EQ(pop3.saltCalls, 1);
}

TEST(Pop3Auth, CramMd5ReusesTheSessionSalt) {
    Pop3Driver pop3(serverWithAuth(config::kAuthCramMd5));
    pop3.say("AUTH CRAM-MD5\r\n");
    pop3.authenticate(std::string(kCramResponse) + "\r\n");
    pop3.protocol.resetAfterFailedLogin();
    EXPECT_EQ(pop3.say("AUTH CRAM-MD5\r\n"), "+ PDEuMkBtYWlsLmV4YW1wbGUuY29tPg==\r\n");
    EXPECT_EQ(pop3.saltCalls, 1);
}

TEST(Pop3Auth, CramMd5DisabledOrWithInitialResponseIsRefused) {
    Pop3Driver disabled;
    EXPECT_EQ(disabled.say("AUTH CRAM-MD5\r\n"), kInvalid);
    Pop3Driver enabled(serverWithAuth(config::kAuthCramMd5));
    EXPECT_EQ(enabled.say(std::string("AUTH CRAM-MD5 ") + kCramResponse + "\r\n"), kInvalid);
}

TEST(Pop3Auth, CramMd5BadResponses) {
    struct Case {
        const char* line;
        const char* log;
    } cases[] = {
        {"dXNlciAwMTIz\r\n", "client sent invalid CRAM-MD5 hash in AUTH CRAM-MD5 command"},  // short digest
        {"dXNlcg==\r\n", "client sent invalid CRAM-MD5 hash in AUTH CRAM-MD5 command"},      // no space
        {"!!\r\n", "client sent invalid base64 encoding in AUTH CRAM-MD5 command"},
    };
    for (const Case& c : cases) {
        Pop3Driver pop3(serverWithAuth(config::kAuthCramMd5));
        pop3.say("AUTH CRAM-MD5\r\n");
        std::vector<ClientStep> steps = pop3.feed(c.line);
        ASSERT_EQ(steps.size(), 1u);
        EXPECT_EQ(steps[0].output, kInvalid) << c.line;
        EXPECT_EQ(steps[0].infoLog, c.log) << c.line;
    }
}

TEST(Pop3Auth, ExternalWhenEnabled) {
    Pop3Driver pop3(serverWithAuth(config::kAuthExternal));
    EXPECT_EQ(pop3.say("AUTH EXTERNAL\r\n"), "+ VXNlcm5hbWU6\r\n");
    mail::Credentials credentials = pop3.authenticate("ZXh0\r\n");
    EXPECT_EQ(credentials.method, "external");
    EXPECT_EQ(credentials.login, "ext");
    EXPECT_EQ(credentials.password, "");
    EXPECT_EQ(credentials.salt, "");

    Pop3Driver initial(serverWithAuth(config::kAuthExternal));
    EXPECT_EQ(initial.authenticate("AUTH EXTERNAL ZXh0\r\n").login, "ext");
    Pop3Driver empty(serverWithAuth(config::kAuthExternal));
    EXPECT_EQ(empty.authenticate("AUTH EXTERNAL =\r\n").login, "");
    EXPECT_EQ(empty.lastFailure, "");
}

TEST(Pop3Auth, ExternalDisabled) {
    Pop3Driver pop3;
    EXPECT_EQ(pop3.say("AUTH EXTERNAL\r\n"), kInvalid);
    // nginx decodes an initial response before it checks pop3_auth.
    EXPECT_EQ(pop3.authenticate("AUTH EXTERNAL ZXh0\r\n").method, "external");
}

TEST(Pop3Auth, ExternalBadBase64) {
    Pop3Driver pop3(serverWithAuth(config::kAuthExternal));
    std::vector<ClientStep> steps = pop3.feed("AUTH EXTERNAL a\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].output, kInvalid);
    EXPECT_EQ(steps[0].infoLog, "client sent invalid base64 encoding in AUTH EXTERNAL command");
}

TEST(Pop3Apop, AuthenticatesWithTheSalt) {
    Pop3Driver pop3(serverWithAuth(config::kAuthApop));
    mail::Credentials credentials = pop3.authenticate("APOP good 0123456789abcdef0123456789abcdef\r\n");
    EXPECT_EQ(pop3.lastFailure, "");
    EXPECT_EQ(credentials.method, "apop");
    EXPECT_EQ(credentials.login, "good");
    EXPECT_EQ(credentials.password, "0123456789abcdef0123456789abcdef");
    EXPECT_EQ(credentials.salt, "<1.2@mail.example.com>");
}

TEST(Pop3Apop, DigestIsNotValidated) {
    Pop3Driver pop3(serverWithAuth(config::kAuthApop));
    EXPECT_EQ(pop3.authenticate("apop good x\r\n").password, "x");
}

TEST(Pop3Apop, RefusedWhenDisabledOrWithWrongArgumentCount) {
    Pop3Driver disabled;
    EXPECT_EQ(disabled.say("APOP good digest\r\n"), kInvalid);
    Pop3Driver enabled(serverWithAuth(config::kAuthApop));
    EXPECT_EQ(enabled.say("APOP good\r\n"), kInvalid);
    EXPECT_EQ(enabled.say("APOP\r\n"), kInvalid);
    EXPECT_EQ(enabled.say("APOP a b c\r\n"), kInvalid);
}

TEST(Pop3Auth, HandlerRejectsDoNotCountTowardsMaxErrors) {
    config::ServerConfig server = defaultServer();
    server.maxErrors = 1;
    Pop3Driver pop3(server);
    for (int i = 0; i < 5; ++i) {
        std::vector<ClientStep> steps = pop3.feed("AUTH FOO\r\nPASS x\r\nUSER\r\n");
        ASSERT_EQ(steps.size(), 3u);
        for (const ClientStep& step : steps) {
            EXPECT_EQ(step.kind, ClientStep::Reply);
            EXPECT_EQ(step.output, kInvalid);
        }
    }
    std::vector<ClientStep> steps = pop3.feed("FOO\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Close);
}

}  // namespace
}  // namespace mailwire::pop3::testing
