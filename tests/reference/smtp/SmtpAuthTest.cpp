// SMTP AUTH flows (spec 6.6, 3.5, 3.6, 7.3).
#include <gtest/gtest.h>

#include "SmtpDriver.h"
#include "sasl/Base64.h"

namespace mailwire::smtp {
namespace {

using mail::ClientStep;
using testing::defaultServer;
using testing::serverWith;
using testing::SmtpDriver;

const char* kInvalid = "500 5.5.1 Invalid command\r\n";
const char* kUsername = "334 VXNlcm5hbWU6\r\n";
const char* kPassword = "334 UGFzc3dvcmQ6\r\n";

config::ServerConfig allMechanisms() {
    return serverWith(config::kAuthPlain | config::kAuthLogin | config::kAuthCramMd5 | config::kAuthExternal);
}

TEST(SmtpAuth, PlainWithInitialResponse) {
    SmtpDriver smtp;
    const mail::Credentials creds = smtp.authenticate("AUTH PLAIN AGdvb2QAcHc=\r\n");
    EXPECT_EQ(smtp.lastOutput, "");
    EXPECT_EQ(creds.method, "plain");
    EXPECT_EQ(creds.login, "good");
    EXPECT_EQ(creds.password, "pw");
    EXPECT_EQ(creds.salt, "");
    EXPECT_EQ(creds.smtpFrom, "");
}

TEST(SmtpAuth, PlainWithPrompt) {
    SmtpDriver smtp;
    EXPECT_EQ(smtp.say("auth plain\r\n"), "334 \r\n");
    const mail::Credentials creds = smtp.authenticate("AGdvb2QAcHc=\r\n");
    EXPECT_EQ(creds.login, "good");
    EXPECT_EQ(creds.password, "pw");
}

TEST(SmtpAuth, PlainIsAcceptedEvenWhenNotEnabled) {
    SmtpDriver smtp(serverWith(config::kAuthNone));
    EXPECT_EQ(smtp.authenticate("AUTH PLAIN AGdvb2QAcHc=\r\n").method, "plain");
}

TEST(SmtpAuth, LoginWithPrompts) {
    SmtpDriver smtp;
    EXPECT_EQ(smtp.say("AUTH LOGIN\r\n"), kUsername);
    EXPECT_EQ(smtp.say("Z29vZA==\r\n"), kPassword);
    const mail::Credentials creds = smtp.authenticate("cHc=\r\n");
    EXPECT_EQ(creds.method, "plain");
    EXPECT_EQ(creds.login, "good");
    EXPECT_EQ(creds.password, "pw");
}

TEST(SmtpAuth, LoginWithInitialUsername) {
    SmtpDriver smtp(serverWith(config::kAuthPlain));  // LOGIN not enabled: still accepted
    EXPECT_EQ(smtp.say("AUTH LOGIN Z29vZA==\r\n"), kPassword);
    const mail::Credentials creds = smtp.authenticate("cHc=\r\n");
    EXPECT_EQ(creds.login, "good");
    EXPECT_EQ(creds.password, "pw");
}

TEST(SmtpAuth, LoginEmptyLinesAreEmptyStrings) {
    SmtpDriver smtp;
    EXPECT_EQ(smtp.say("AUTH LOGIN\r\n"), kUsername);
    EXPECT_EQ(smtp.say("\r\n"), kPassword);
    const mail::Credentials creds = smtp.authenticate("=\r\n");
    EXPECT_EQ(creds.login, "");
    EXPECT_EQ(creds.password, "");
}

TEST(SmtpAuth, ContinuationLinesAreNeverCommands) {
    SmtpDriver smtp;
    EXPECT_EQ(smtp.say("AUTH LOGIN\r\n"), kUsername);
    EXPECT_EQ(smtp.say("QUIT\r\n"), kPassword);  // base64 "QUIT" decodes to 3 bytes: the username
    EXPECT_EQ(smtp.authenticate("cHc=\r\n").login, std::string("\x41\x42\x13", 3));
}

TEST(SmtpAuth, ContinuationUsesFirstArgumentOnly) {
    SmtpDriver smtp;
    EXPECT_EQ(smtp.say("AUTH PLAIN\r\n"), "334 \r\n");
    EXPECT_EQ(smtp.authenticate("AGdvb2QAcHc= trailing words\r\n").login, "good");
}

TEST(SmtpAuth, CramMd5) {
    SmtpDriver smtp(allMechanisms(), "<1951602462.1795311090@mail.example.com>");
    EXPECT_EQ(smtp.say("AUTH CRAM-MD5\r\n"),
              "334 " + sasl::encodeBase64("<1951602462.1795311090@mail.example.com>") + "\r\n");
    const std::string digest = "0123456789abcdef0123456789abcdef";
    const mail::Credentials creds = smtp.authenticate(sasl::encodeBase64("good " + digest) + "\r\n");
    EXPECT_EQ(creds.method, "cram-md5");
    EXPECT_EQ(creds.login, "good");
    EXPECT_EQ(creds.password, digest);
    EXPECT_EQ(creds.salt, "<1951602462.1795311090@mail.example.com>");
    EXPECT_EQ(smtp.saltCalls, 1);
}

TEST(SmtpAuth, CramMd5SaltIsMadeOnceAndReused) {
    SmtpDriver smtp(allMechanisms());
    const std::string first = smtp.say("AUTH CRAM-MD5\r\n");
    EXPECT_EQ(smtp.say("*\r\n"), kInvalid);
    EXPECT_EQ(smtp.say("AUTH CRAM-MD5\r\n"), first);
    EXPECT_EQ(smtp.saltCalls, 1);
}

TEST(SmtpAuth, CramMd5DisabledOrWithInitialResponseIsInvalid) {
    SmtpDriver smtp;
    EXPECT_EQ(smtp.say("AUTH CRAM-MD5\r\n"), kInvalid);
    SmtpDriver enabled(allMechanisms());
    EXPECT_EQ(enabled.say("AUTH CRAM-MD5 Zm9v\r\n"), kInvalid);
    EXPECT_EQ(enabled.saltCalls, 0);
}

TEST(SmtpAuth, CramMd5BadDigestLength) {
    SmtpDriver smtp(allMechanisms());
    smtp.say("AUTH CRAM-MD5\r\n");
    std::vector<ClientStep> steps = smtp.feed(sasl::encodeBase64("good 0123") + "\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].output, kInvalid);
    EXPECT_EQ(steps[0].infoLog, "client sent invalid CRAM-MD5 hash in AUTH CRAM-MD5 command");
}

TEST(SmtpAuth, ExternalWithPrompt) {
    SmtpDriver smtp(allMechanisms());
    EXPECT_EQ(smtp.say("AUTH EXTERNAL\r\n"), kUsername);
    const mail::Credentials creds = smtp.authenticate("Z29vZA==\r\n");
    EXPECT_EQ(creds.method, "external");
    EXPECT_EQ(creds.login, "good");
    EXPECT_EQ(creds.password, "");
}

TEST(SmtpAuth, ExternalDisabledPromptIsInvalidButInitialResponseIsDecoded) {
    SmtpDriver smtp;
    EXPECT_EQ(smtp.say("AUTH EXTERNAL\r\n"), kInvalid);
    const mail::Credentials creds = smtp.authenticate("AUTH EXTERNAL Z29vZA==\r\n");
    EXPECT_EQ(creds.method, "external");
    EXPECT_EQ(creds.login, "good");
}

TEST(SmtpAuth, ExternalKeepsAPasswordLeftFromAnEarlierAttempt) {
    SmtpDriver smtp(allMechanisms());
    EXPECT_EQ(smtp.authenticate("AUTH PLAIN AGdvb2QAcHc=\r\n").password, "pw");
    smtp.protocol.resetAfterFailedLogin();
    const mail::Credentials creds = smtp.authenticate("AUTH EXTERNAL b3RoZXI=\r\n");
    EXPECT_EQ(creds.login, "other");
    EXPECT_EQ(creds.password, "pw");
}

TEST(SmtpAuth, AuthWithoutArgumentsIsInvalidArgument) {
    config::ServerConfig server = defaultServer();
    server.maxErrors = 1;
    SmtpDriver smtp(server);
    std::vector<ClientStep> steps = smtp.feed("AUTH\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Reply);
    EXPECT_EQ(steps[0].output, "501 5.5.4 Invalid argument\r\n");
    EXPECT_EQ(smtp.say("NOOP\r\n"), "250 2.0.0 OK\r\n");  // back to commands
}

TEST(SmtpAuth, UnknownMechanismsAndBadArgumentCountsAreNotCounted) {
    config::ServerConfig server = defaultServer();
    server.maxErrors = 1;
    SmtpDriver smtp(server);
    for (const char* line : {"AUTH DIGEST-MD5\r\n", "AUTH XOAUTH2 abc\r\n", "AUTH PLAIN a b\r\n",
                             "AUTH LOGIN a b\r\n", "AUTH EXTERNAL a b\r\n", "AUTH PLAINX\r\n"}) {
        std::vector<ClientStep> steps = smtp.feed(line);
        ASSERT_EQ(steps.size(), 1u) << line;
        EXPECT_EQ(steps[0].kind, ClientStep::Reply) << line;
        EXPECT_EQ(steps[0].output, kInvalid) << line;
    }
}

TEST(SmtpAuth, BadBase64ReturnsToStart) {
    SmtpDriver smtp;
    EXPECT_EQ(smtp.say("AUTH PLAIN\r\n"), "334 \r\n");
    std::vector<ClientStep> steps = smtp.feed("*\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].output, kInvalid);
    EXPECT_EQ(steps[0].infoLog, "client sent invalid base64 encoding in AUTH PLAIN command");
    EXPECT_EQ(smtp.say("NOOP\r\n"), "250 2.0.0 OK\r\n");
}

TEST(SmtpAuth, BadBase64InEachStep) {
    SmtpDriver smtp(allMechanisms());
    EXPECT_EQ(smtp.say("AUTH LOGIN ***\r\n"), kInvalid);
    EXPECT_EQ(smtp.say("AUTH LOGIN\r\n"), kUsername);
    EXPECT_EQ(smtp.say("a\r\n"), kInvalid);
    EXPECT_EQ(smtp.say("AUTH LOGIN Z29vZA==\r\n"), kPassword);
    std::vector<ClientStep> steps = smtp.feed("-\r\n");
    EXPECT_EQ(steps.back().output, kInvalid);
    EXPECT_EQ(steps.back().infoLog, "client sent invalid base64 encoding in AUTH LOGIN command");
    EXPECT_EQ(smtp.say("AUTH EXTERNAL\r\n"), kUsername);
    EXPECT_EQ(smtp.say("!\r\n"), kInvalid);
    EXPECT_EQ(smtp.say("AUTH PLAIN a\r\n"), kInvalid);
}

TEST(SmtpAuth, PlainWithoutNulsIsRejected) {
    SmtpDriver smtp;
    std::vector<ClientStep> steps = smtp.feed("AUTH PLAIN " + sasl::encodeBase64("nonul") + "\r\n");
    EXPECT_EQ(steps.back().output, kInvalid);
    EXPECT_EQ(steps.back().infoLog, "client sent invalid login in AUTH PLAIN command");
    steps = smtp.feed("AUTH PLAIN " + sasl::encodeBase64(std::string("\0user", 5)) + "\r\n");
    EXPECT_EQ(steps.back().infoLog, "client sent invalid password in AUTH PLAIN command");
}

TEST(SmtpAuth, CrWithoutLfInAContinuationIsACountedParseError) {
    config::ServerConfig server = defaultServer();
    server.maxErrors = 1;
    SmtpDriver smtp(server);
    EXPECT_EQ(smtp.say("AUTH PLAIN\r\n"), "334 \r\n");
    std::vector<ClientStep> steps = smtp.feed("abc\rdef\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Close);
    EXPECT_EQ(steps[0].output, kInvalid);
}

TEST(SmtpAuth, PipelinedAuthAndResponse) {
    SmtpDriver smtp;
    std::vector<ClientStep> steps = smtp.feed("EHLO x\r\nAUTH PLAIN\r\nAGdvb2QAcHc=\r\nQUIT\r\n");
    ASSERT_EQ(steps.size(), 3u);
    EXPECT_EQ(steps[1].output, "334 \r\n");
    EXPECT_EQ(steps[2].kind, ClientStep::Authenticate);
    EXPECT_EQ(steps[2].credentials.login, "good");
    EXPECT_EQ(smtp.protocol.takeUnconsumedInput(), "QUIT\r\n");
}

TEST(SmtpAuth, AttemptAfterFailureStartsFresh) {
    SmtpDriver smtp;
    EXPECT_EQ(smtp.say("AUTH LOGIN\r\n"), kUsername);
    EXPECT_EQ(smtp.authenticate("Z29vZA==\r\ncHc=\r\n").password, "pw");
    smtp.protocol.resetAfterFailedLogin();
    EXPECT_EQ(smtp.say("NOOP\r\n"), "250 2.0.0 OK\r\n");
    EXPECT_EQ(smtp.authenticate("AUTH PLAIN AG90aGVyAHB3Mg==\r\n").login, "other");
}

}  // namespace
}  // namespace mailwire::smtp
