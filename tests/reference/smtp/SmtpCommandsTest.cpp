// Pre-auth SMTP commands (spec 6.2, 6.4, 3.1-3.3).
#include <gtest/gtest.h>

#include "SmtpDriver.h"

namespace mailwire::smtp {
namespace {

using mail::ClientStep;
using testing::defaultServer;
using testing::serverWith;
using testing::SmtpDriver;

const char* kInvalid = "500 5.5.1 Invalid command\r\n";
const char* kInvalidArgument = "501 5.5.4 Invalid argument\r\n";
const char* kOk = "250 2.0.0 OK\r\n";
const char* kBadSequence = "503 5.5.1 Bad sequence of commands\r\n";

config::ServerConfig relayServer() {
    return serverWith(config::kAuthPlain | config::kAuthLogin | config::kAuthNone);
}

TEST(SmtpCommands, Greeting) {
    SmtpDriver smtp;
    EXPECT_EQ(smtp.protocol.greeting(), "220 mail.example.com ESMTP ready\r\n");
    EXPECT_STREQ(smtp.protocol.name(), "smtp");
    EXPECT_TRUE(smtp.protocol.wantsClientHost());
}

TEST(SmtpCommands, GreetingDelayAndItsRejectReply) {
    config::ServerConfig server = defaultServer();
    server.smtpGreetingDelay = std::chrono::milliseconds(1500);
    SmtpDriver smtp(server);
    EXPECT_EQ(smtp.protocol.greetingDelay(), std::chrono::milliseconds(1500));
    EXPECT_EQ(smtp.protocol.rejectedBeforeGreetingReply(),
              "503 5.5.0 Improper use of SMTP command pipelining\r\n");
    EXPECT_EQ(SmtpDriver().protocol.greetingDelay(), std::chrono::milliseconds(0));
}

TEST(SmtpCommands, Helo) {
    SmtpDriver smtp;
    EXPECT_EQ(smtp.say("HELO client.example\r\n"), "250 mail.example.com\r\n");
}

TEST(SmtpCommands, EhloDefault) {
    SmtpDriver smtp;
    EXPECT_EQ(smtp.say("EHLO client.example\r\n"), "250-mail.example.com\r\n250 AUTH PLAIN LOGIN\r\n");
}

TEST(SmtpCommands, HeloAndEhloNeedExactlyOneArgument) {
    SmtpDriver smtp;
    EXPECT_EQ(smtp.say("HELO\r\n"), kInvalidArgument);
    EXPECT_EQ(smtp.say("EHLO\r\n"), kInvalidArgument);
    EXPECT_EQ(smtp.say("HELO a b\r\n"), kInvalidArgument);
    EXPECT_EQ(smtp.say("EHLO a b\r\n"), kInvalidArgument);
}

TEST(SmtpCommands, Rejected501DoesNotCountTowardsMaxErrors) {
    config::ServerConfig server = defaultServer();
    server.maxErrors = 1;
    SmtpDriver smtp(server);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(smtp.feed("HELO\r\n").back().kind, ClientStep::Reply);
}

TEST(SmtpCommands, NoopRsetQuit) {
    SmtpDriver smtp;
    EXPECT_EQ(smtp.say("NOOP\r\n"), kOk);
    EXPECT_EQ(smtp.say("noop extra args are ignored\r\n"), kOk);
    EXPECT_EQ(smtp.say("RSET\r\n"), kOk);
    std::vector<ClientStep> steps = smtp.feed("QUIT\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Close);
    EXPECT_EQ(steps[0].output, "221 2.0.0 Bye\r\n");
}

TEST(SmtpCommands, VrfyExpnHelpAreHandlerRejectsNotCounted) {
    config::ServerConfig server = defaultServer();
    server.maxErrors = 2;
    SmtpDriver smtp(server);
    for (const char* line : {"VRFY user\r\n", "EXPN list\r\n", "HELP\r\n", "VRFY\r\n"}) {
        std::vector<ClientStep> steps = smtp.feed(line);
        ASSERT_EQ(steps.size(), 1u);
        EXPECT_EQ(steps[0].kind, ClientStep::Reply);
        EXPECT_EQ(steps[0].output, kInvalid);
    }
}

TEST(SmtpCommands, UnknownVerbsAreCountedParseErrors) {
    config::ServerConfig server = defaultServer();
    server.maxErrors = 3;
    SmtpDriver smtp(server);
    EXPECT_EQ(smtp.feed("DATA\r\n").back().kind, ClientStep::Reply);
    EXPECT_EQ(smtp.feed("XYZ\r\n").back().kind, ClientStep::Reply);
    std::vector<ClientStep> steps = smtp.feed("BDAT 1\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Close);
    EXPECT_EQ(steps[0].output, kInvalid);
    EXPECT_EQ(steps[0].infoLog, "client sent too many invalid commands");
}

TEST(SmtpCommands, TwelveArgumentsAreAParseError) {
    config::ServerConfig server = defaultServer();
    server.maxErrors = 1;
    SmtpDriver smtp(server);
    EXPECT_EQ(smtp.feed("NOOP 1 2 3 4 5 6 7 8 9 10 11\r\n").back().kind, ClientStep::Reply);
    std::vector<ClientStep> steps = smtp.feed("NOOP 1 2 3 4 5 6 7 8 9 10 11 12\r\n");
    EXPECT_EQ(steps.back().kind, ClientStep::Close);
    EXPECT_EQ(steps.back().output, kInvalid);
}

TEST(SmtpCommands, MailWithoutNoneIsAuthenticationRequired) {
    SmtpDriver smtp;
    std::vector<ClientStep> steps = smtp.feed("MAIL FROM:<a@b>\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].output, "530 5.7.1 Authentication required\r\n");
    EXPECT_EQ(steps[0].infoLog, "client was rejected: \"MAIL FROM:<a@b>__\"");
}

TEST(SmtpCommands, RcptWithoutMailIsBadSequence) {
    SmtpDriver smtp;
    EXPECT_EQ(smtp.say("RCPT TO:<c@d>\r\n"), kBadSequence);
    SmtpDriver relay(relayServer());
    EXPECT_EQ(relay.say("RCPT TO:<c@d>\r\n"), kBadSequence);
}

TEST(SmtpCommands, NoneModeMailThenRcptAuthenticates) {
    SmtpDriver smtp(relayServer());
    EXPECT_EQ(smtp.say("EHLO cl\r\n"), "250-mail.example.com\r\n250 AUTH PLAIN LOGIN\r\n");
    EXPECT_EQ(smtp.say("MAIL FROM: <a@b> SIZE=10\r\n"), kOk);
    const mail::Credentials creds = smtp.authenticate("RCPT TO:<c@d>\r\n");
    EXPECT_EQ(smtp.lastOutput, "");
    EXPECT_EQ(creds.method, "none");
    EXPECT_EQ(creds.login, "");
    EXPECT_EQ(creds.password, "");
    EXPECT_EQ(creds.smtpHelo, "cl");
    EXPECT_EQ(creds.smtpFrom, "MAIL FROM: <a@b> SIZE=10");
    EXPECT_EQ(creds.smtpTo, "RCPT TO:<c@d>");
}

TEST(SmtpCommands, NoneModeWithoutHelo) {
    SmtpDriver smtp(relayServer());
    EXPECT_EQ(smtp.say("MAIL FROM:<a@b>\r\n"), kOk);
    const mail::Credentials creds = smtp.authenticate("rcpt   TO:<c@d>  \r\n");
    EXPECT_EQ(creds.smtpHelo, "");
    EXPECT_EQ(creds.smtpTo, "rcpt   TO:<c@d>");
}

TEST(SmtpCommands, SecondMailIsBadSequence) {
    SmtpDriver smtp(relayServer());
    EXPECT_EQ(smtp.say("MAIL FROM:<a@b>\r\n"), kOk);
    EXPECT_EQ(smtp.say("MAIL FROM:<x@y>\r\n"), kBadSequence);
    EXPECT_EQ(smtp.say("MAIL\r\n"), kBadSequence);  // the sequence check comes before the argument check
}

TEST(SmtpCommands, MailAndRcptWithoutArguments) {
    SmtpDriver smtp(relayServer());
    EXPECT_EQ(smtp.say("MAIL\r\n"), kInvalidArgument);
    EXPECT_EQ(smtp.say("MAIL FROM:<a@b>\r\n"), kOk);
    EXPECT_EQ(smtp.say("RCPT\r\n"), kInvalidArgument);
}

TEST(SmtpCommands, RsetAndHeloForgetMail) {
    SmtpDriver smtp(relayServer());
    EXPECT_EQ(smtp.say("MAIL FROM:<a@b>\r\n"), kOk);
    EXPECT_EQ(smtp.say("RSET\r\n"), kOk);
    EXPECT_EQ(smtp.say("RCPT TO:<c@d>\r\n"), kBadSequence);
    EXPECT_EQ(smtp.say("MAIL FROM:<a@b>\r\n"), kOk);
    EXPECT_EQ(smtp.say("HELO again\r\n"), "250 mail.example.com\r\n");
    EXPECT_EQ(smtp.say("RCPT TO:<c@d>\r\n"), kBadSequence);
    EXPECT_EQ(smtp.say("MAIL FROM:<a@b>\r\n"), kOk);
    EXPECT_EQ(smtp.say("EHLO again\r\n"), "250-mail.example.com\r\n250 AUTH PLAIN LOGIN\r\n");
    EXPECT_EQ(smtp.say("RCPT TO:<c@d>\r\n"), kBadSequence);
}

TEST(SmtpCommands, InvalidHeloKeepsStoredNameAndMail) {
    SmtpDriver smtp(relayServer());
    EXPECT_EQ(smtp.say("HELO first\r\n"), "250 mail.example.com\r\n");
    EXPECT_EQ(smtp.say("MAIL FROM:<a@b>\r\n"), kOk);
    EXPECT_EQ(smtp.say("HELO\r\n"), kInvalidArgument);
    const mail::Credentials creds = smtp.authenticate("RCPT TO:<c@d>\r\n");
    EXPECT_EQ(creds.smtpHelo, "first");
    EXPECT_EQ(creds.smtpFrom, "MAIL FROM:<a@b>");
}

TEST(SmtpCommands, MailFromClearsCredentialsOfAFailedAuth) {
    SmtpDriver smtp(relayServer());
    // AUTH PLAIN \0user\0pass, refused with Auth-Wait, then the relay path.
    EXPECT_EQ(smtp.authenticate("AUTH PLAIN AHVzZXIAcGFzcw==\r\n").login, "user");
    smtp.protocol.resetAfterFailedLogin();
    EXPECT_EQ(smtp.say("MAIL FROM:<a@b>\r\n"), kOk);
    const mail::Credentials creds = smtp.authenticate("RCPT TO:<c@d>\r\n");
    EXPECT_EQ(creds.method, "none");
    EXPECT_EQ(creds.login, "");
    EXPECT_EQ(creds.password, "");
}

TEST(SmtpCommands, StoredMailSurvivesAFailedRelayAttempt) {
    SmtpDriver smtp(relayServer());
    EXPECT_EQ(smtp.say("MAIL FROM:<a@b>\r\n"), kOk);
    EXPECT_EQ(smtp.authenticate("RCPT TO:<c@d>\r\n").method, "none");
    smtp.protocol.resetAfterFailedLogin();
    EXPECT_EQ(smtp.say("MAIL FROM:<a@b>\r\n"), kBadSequence);
    EXPECT_EQ(smtp.say("RSET\r\n"), kOk);
    EXPECT_EQ(smtp.say("MAIL FROM:<a@b>\r\n"), kOk);
}

TEST(SmtpCommands, StartTlsOffIsInvalidNotCounted) {
    config::ServerConfig server = defaultServer();
    server.maxErrors = 1;
    SmtpDriver smtp(server);
    EXPECT_EQ(smtp.feed("STARTTLS\r\n").back().kind, ClientStep::Reply);
    EXPECT_EQ(smtp.say("STARTTLS\r\n"), kInvalid);
}

TEST(SmtpCommands, StartTlsForgetsHeloAndMailButNotEsmtpAndDropsBufferedBytes) {
    config::ServerConfig server = relayServer();
    server.starttls = config::StartTls::On;
    SmtpDriver smtp(server);
    EXPECT_EQ(smtp.say("EHLO cl\r\nMAIL FROM:<a@b>\r\n"),
              "250-mail.example.com\r\n250-AUTH PLAIN LOGIN\r\n250 STARTTLS\r\n" + std::string(kOk));
    EXPECT_EQ(smtp.say("STARTTLS\r\nNOOP\r\n"), "220 2.0.0 Start TLS\r\n");
    EXPECT_TRUE(smtp.protocol.takeStartTlsRequest());
    EXPECT_FALSE(smtp.protocol.takeStartTlsRequest());
    smtp.protocol.setTlsActive(true);
    EXPECT_EQ(smtp.say("STARTTLS\r\n"), kInvalid);
    EXPECT_EQ(smtp.say("RCPT TO:<c@d>\r\n"), kBadSequence);
    EXPECT_EQ(smtp.say("MAIL FROM:<a@b>\r\n"), kOk);
    const mail::Credentials creds = smtp.authenticate("RCPT TO:<c@d>\r\n");
    EXPECT_EQ(creds.smtpHelo, "");
}

TEST(SmtpCommands, StartTlsOnlyBlocksAuthButNotTheRelayPath) {
    config::ServerConfig server = relayServer();
    server.starttls = config::StartTls::Only;
    SmtpDriver smtp(server);
    EXPECT_EQ(smtp.say("AUTH PLAIN AHVzZXIAcGFzcw==\r\n"), kInvalid);
    EXPECT_EQ(smtp.say("AUTH\r\n"), kInvalid);  // the starttls check comes first
    EXPECT_EQ(smtp.say("EHLO x\r\n"), "250-mail.example.com\r\n250 STARTTLS\r\n");
    EXPECT_EQ(smtp.say("MAIL FROM:<a@b>\r\n"), kOk);
    EXPECT_EQ(smtp.authenticate("RCPT TO:<c@d>\r\n").method, "none");
}

TEST(SmtpCommands, PipelinedCommandsAreAnsweredInOrder) {
    SmtpDriver smtp;
    std::vector<ClientStep> steps = smtp.feed("EHLO a\r\nNOOP\r\nRSET\r\nQUIT\r\n");
    ASSERT_EQ(steps.size(), 4u);
    EXPECT_EQ(steps[0].output, "250-mail.example.com\r\n250 AUTH PLAIN LOGIN\r\n");
    EXPECT_EQ(steps[1].output, kOk);
    EXPECT_EQ(steps[2].output, kOk);
    EXPECT_EQ(steps[3].output, "221 2.0.0 Bye\r\n");
    EXPECT_EQ(steps[3].kind, ClientStep::Close);
}

TEST(SmtpCommands, PipelinedBytesAfterCredentialsAreKeptForTheBackend) {
    SmtpDriver smtp(relayServer());
    EXPECT_EQ(smtp.say("MAIL FROM:<a@b>\r\n"), kOk);
    EXPECT_EQ(smtp.authenticate("RCPT TO:<c@d>\r\nRCPT TO:<e@f>\r\nDATA\r\n").smtpTo, "RCPT TO:<c@d>");
    EXPECT_EQ(smtp.protocol.takeUnconsumedInput(), "RCPT TO:<e@f>\r\nDATA\r\n");
    EXPECT_EQ(smtp.protocol.takeUnconsumedInput(), "");
}

TEST(SmtpCommands, LineSplitAcrossReads) {
    SmtpDriver smtp;
    EXPECT_EQ(smtp.say("HE"), "");
    EXPECT_EQ(smtp.say("LO x\r"), "");
    EXPECT_EQ(smtp.say("\n"), "250 mail.example.com\r\n");
}

TEST(SmtpCommands, TooLongCommandClosesWithoutCounting) {
    config::ServerConfig server = defaultServer();
    server.smtpClientBuffer = 16;
    SmtpDriver smtp(server);
    std::vector<ClientStep> steps = smtp.feed("HELO 0123456789abcdef\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Close);
    EXPECT_EQ(steps[0].output, kInvalid);
    EXPECT_EQ(steps[0].infoLog, "client sent too long command \"HELO 0123456789a\"");
}

TEST(SmtpCommands, BufferIsNeverCompactedSoAPartialPipelinedLineCanBeTooLong) {
    config::ServerConfig server = defaultServer();
    server.smtpClientBuffer = 16;
    SmtpDriver smtp(server);
    std::vector<ClientStep> steps = smtp.feed("NOOP\r\nNOOP\r\nNOOP");  // exactly 16 bytes, last line partial
    ASSERT_EQ(steps.size(), 3u);
    EXPECT_EQ(steps[0].output, kOk);
    EXPECT_EQ(steps[1].output, kOk);
    EXPECT_EQ(steps[2].kind, ClientStep::Close);
    EXPECT_EQ(steps[2].output, kInvalid);
}

TEST(SmtpCommands, LineExactlyFillingTheBufferIsFine) {
    config::ServerConfig server = defaultServer();
    server.smtpClientBuffer = 8;
    SmtpDriver smtp(server);
    EXPECT_EQ(smtp.say("HELO a\r\n"), "250 mail.example.com\r\n");
    EXPECT_EQ(smtp.say("HELO b\r\n"), "250 mail.example.com\r\n");
    EXPECT_EQ(smtp.protocol.relayBufferSize(), 8u);
}

TEST(SmtpCommands, LoginFailedReplyUsesAuthErrorCode) {
    SmtpDriver smtp;
    EXPECT_EQ(smtp.protocol.loginFailedReply("Invalid login or password", ""),
              "535 5.7.0 Invalid login or password\r\n");
    EXPECT_EQ(smtp.protocol.loginFailedReply("Invalid login or password", "550 5.7.1"),
              "550 5.7.1 Invalid login or password\r\n");
    EXPECT_EQ(smtp.protocol.internalErrorReply(), "451 4.3.2 Internal server error\r\n");
}

TEST(SmtpCommands, EsmtpFlagIsStickyAcrossHelo) {
    SmtpDriver smtp(relayServer());
    EXPECT_EQ(smtp.say("EHLO a\r\n"), "250-mail.example.com\r\n250 AUTH PLAIN LOGIN\r\n");
    EXPECT_EQ(smtp.say("HELO b\r\n"), "250 mail.example.com\r\n");
    EXPECT_EQ(smtp.say("MAIL FROM:<a@b>\r\n"), kOk);
    const mail::Credentials creds = smtp.authenticate("RCPT TO:<c@d>\r\n");
    EXPECT_EQ(creds.smtpHelo, "b");
    auto login = smtp.protocol.makeBackendLogin(creds, {"127.0.0.1", "[UNAVAILABLE]"});
    login->onReply("220 hi\r\n");
    login->onReply("250 ok\r\n");
    const mail::BackendStep step = login->onReply("220 again\r\n");
    EXPECT_EQ(step.toBackend, "EHLO b\r\n");
}

TEST(SmtpCommands, AfterAuthWaitCommandsAreParsedAgain) {
    SmtpDriver smtp;
    EXPECT_EQ(smtp.authenticate("AUTH PLAIN AHVzZXIAcGFzcw==\r\nNOOP\r\n").method, "plain");
    smtp.protocol.resetAfterFailedLogin();
    EXPECT_EQ(smtp.say(""), kOk);
    EXPECT_EQ(smtp.say("EHLO x\r\n"), "250-mail.example.com\r\n250 AUTH PLAIN LOGIN\r\n");
}

}  // namespace
}  // namespace mailwire::smtp
