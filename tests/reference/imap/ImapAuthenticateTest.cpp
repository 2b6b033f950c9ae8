// AUTHENTICATE flows (spec 4.5, 3.5, 3.6).
#include <gtest/gtest.h>

#include "ImapDriver.h"
#include "sasl/Base64.h"

namespace mailwire::imap::testing {
namespace {

using mail::ClientStep;

std::string b64(const std::string& raw) { return sasl::encodeBase64(raw); }
const std::string kPlain = b64(std::string("\0user\0pass", 10));  // AHVzZXIAcGFzcw==
const std::string kDigest = "0123456789abcdef0123456789abcdef";

config::ServerConfig allMechanisms() {
    config::ServerConfig server = defaultServer();
    server.imapAuth = config::kAuthPlain | config::kAuthLogin | config::kAuthCramMd5 | config::kAuthExternal;
    return server;
}

void expectReply(const std::vector<ClientStep>& steps, const std::string& output,
                 const std::string& infoLog = "") {
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Reply);
    EXPECT_EQ(steps[0].output, output);
    EXPECT_EQ(steps[0].infoLog, infoLog);
}

ClientStep expectAuthenticate(const std::vector<ClientStep>& steps) {
    EXPECT_EQ(steps.size(), 1u);
    if (steps.empty()) return ClientStep{};
    EXPECT_EQ(steps[0].kind, ClientStep::Authenticate) << steps[0].output;
    EXPECT_EQ(steps[0].output, "");
    return steps[0];
}

TEST(ImapAuthPlain, PromptThenResponse) {
    ImapDriver imap;
    expectReply(imap.feed("a AUTHENTICATE PLAIN\r\n"), "+ \r\n");
    ClientStep step = expectAuthenticate(imap.feed(kPlain + "\r\n"));
    EXPECT_EQ(step.credentials.method, "plain");
    EXPECT_EQ(step.credentials.login, "user");
    EXPECT_EQ(step.credentials.password, "pass");
    EXPECT_EQ(imap.protocol.loginFailedReply("no", ""), "a NO no\r\n");
}

TEST(ImapAuthPlain, InitialResponseAuthenticatesAtOnce) {
    ImapDriver imap;
    ClientStep step = expectAuthenticate(imap.feed("a AUTHENTICATE PLAIN " + kPlain + "\r\n"));
    EXPECT_EQ(step.credentials.login, "user");
    EXPECT_EQ(step.credentials.password, "pass");
}

TEST(ImapAuthPlain, MechanismNameIsCaseInsensitive) {
    ImapDriver imap;
    expectReply(imap.feed("a authenticate plain\r\n"), "+ \r\n");
    expectAuthenticate(imap.feed(kPlain + "\r\n"));
}

TEST(ImapAuthPlain, AcceptedEvenWhenNotListed) {
    config::ServerConfig server = defaultServer();
    server.imapAuth = config::kAuthCramMd5;
    ImapDriver imap(server);
    expectAuthenticate(imap.feed("a AUTHENTICATE PLAIN " + kPlain + "\r\n"));
}

TEST(ImapAuthPlain, BadBase64InTheInitialResponse) {
    ImapDriver imap;
    expectReply(imap.feed("a AUTHENTICATE PLAIN AHVz*\r\n"), "a BAD invalid command\r\n",
                "client sent invalid base64 encoding in AUTH PLAIN command");
}

TEST(ImapAuthPlain, BadBase64InTheContinuationReturnsToStart) {
    config::ServerConfig server = defaultServer();
    server.maxErrors = 1;  // a bad SASL line is a handler reject
    ImapDriver imap(server);
    expectReply(imap.feed("a AUTHENTICATE PLAIN\r\n"), "+ \r\n");
    expectReply(imap.feed("*\r\n"), "a BAD invalid command\r\n",
                "client sent invalid base64 encoding in AUTH PLAIN command");
    expectReply(imap.feed("b NOOP\r\n"), "b OK completed\r\n");
}

TEST(ImapAuthPlain, MissingNulsAreLogged) {
    ImapDriver imap;
    expectReply(imap.feed("a AUTHENTICATE PLAIN " + b64("userpass") + "\r\n"), "a BAD invalid command\r\n",
                "client sent invalid login in AUTH PLAIN command");
    expectReply(imap.feed("b AUTHENTICATE PLAIN " + b64(std::string("\0user", 5)) + "\r\n"),
                "b BAD invalid command\r\n", "client sent invalid password in AUTH PLAIN command");
}

TEST(ImapAuthPlain, ContinuationLineIsNeverACommand) {
    ImapDriver imap;
    expectReply(imap.feed("a AUTHENTICATE PLAIN\r\n"), "+ \r\n");
    std::vector<ClientStep> steps = imap.feed("LOGOUT\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Reply);
    EXPECT_EQ(steps[0].output, "a BAD invalid command\r\n");
}

TEST(ImapAuthPlain, ExtraArgumentsAreRejected) {
    ImapDriver imap;
    expectReply(imap.feed("a AUTHENTICATE PLAIN " + kPlain + " x\r\n"), "a BAD invalid command\r\n");
}

TEST(ImapAuthPlain, PipelinedBytesAfterTheResponseAreKept) {
    ImapDriver imap;
    std::vector<ClientStep> steps = imap.feed("a AUTHENTICATE PLAIN\r\n" + kPlain + "\r\nb SELECT INBOX\r\n");
    ASSERT_EQ(steps.size(), 2u);
    EXPECT_EQ(steps[0].output, "+ \r\n");
    EXPECT_EQ(steps[1].kind, ClientStep::Authenticate);
    EXPECT_EQ(imap.protocol.takeUnconsumedInput(), "b SELECT INBOX\r\n");
}

TEST(ImapAuthLogin, UsernameThenPasswordPrompts) {
    ImapDriver imap;
    expectReply(imap.feed("a AUTHENTICATE LOGIN\r\n"), "+ VXNlcm5hbWU6\r\n");
    expectReply(imap.feed(b64("user") + "\r\n"), "+ UGFzc3dvcmQ6\r\n");
    ClientStep step = expectAuthenticate(imap.feed(b64("pass") + "\r\n"));
    EXPECT_EQ(step.credentials.method, "plain");
    EXPECT_EQ(step.credentials.login, "user");
    EXPECT_EQ(step.credentials.password, "pass");
    EXPECT_EQ(imap.protocol.loginFailedReply("x", ""), "a NO x\r\n");
}

TEST(ImapAuthLogin, InitialResponseIsTheUsername) {
    ImapDriver imap;
    expectReply(imap.feed("a AUTHENTICATE LOGIN " + b64("user") + "\r\n"), "+ UGFzc3dvcmQ6\r\n");
    ClientStep step = expectAuthenticate(imap.feed(b64("pass") + "\r\n"));
    EXPECT_EQ(step.credentials.login, "user");
    EXPECT_EQ(step.credentials.password, "pass");
}

TEST(ImapAuthLogin, EmptyLinesAreEmptyStrings) {
    ImapDriver imap;
    expectReply(imap.feed("a AUTHENTICATE LOGIN\r\n"), "+ VXNlcm5hbWU6\r\n");
    expectReply(imap.feed("\r\n"), "+ UGFzc3dvcmQ6\r\n");
    ClientStep step = expectAuthenticate(imap.feed("=\r\n"));
    EXPECT_EQ(step.credentials.login, "");
    EXPECT_EQ(step.credentials.password, "");
}

TEST(ImapAuthLogin, BadUsernameLineGetsAStarlessUntaggedBad) {
    ImapDriver imap;
    expectReply(imap.feed("a AUTHENTICATE LOGIN\r\n"), "+ VXNlcm5hbWU6\r\n");
    expectReply(imap.feed("***\r\n"), "BAD invalid command\r\n",
                "client sent invalid base64 encoding in AUTH LOGIN command");
    expectReply(imap.feed("b NOOP\r\n"), "b OK completed\r\n");
}

TEST(ImapAuthLogin, BadInitialUsernameIsTagged) {
    ImapDriver imap;
    expectReply(imap.feed("a AUTHENTICATE LOGIN ***\r\n"), "a BAD invalid command\r\n",
                "client sent invalid base64 encoding in AUTH LOGIN command");
}

TEST(ImapAuthLogin, BadPasswordLineIsTagged) {
    ImapDriver imap;
    expectReply(imap.feed("a AUTHENTICATE LOGIN " + b64("user") + "\r\n"), "+ UGFzc3dvcmQ6\r\n");
    expectReply(imap.feed("p*\r\n"), "a BAD invalid command\r\n",
                "client sent invalid base64 encoding in AUTH LOGIN command");
    expectReply(imap.feed("b NOOP\r\n"), "b OK completed\r\n");
}

TEST(ImapAuthLogin, TooManyArguments) {
    ImapDriver imap;
    expectReply(imap.feed("a AUTHENTICATE LOGIN dXNlcg== cGFzcw==\r\n"), "a BAD invalid command\r\n");
}

TEST(ImapAuthLogin, ParseErrorInAContinuationLineCountsAndKeepsTheTag) {
    config::ServerConfig server = defaultServer();
    server.maxErrors = 1;
    ImapDriver imap(server);
    expectReply(imap.feed("a AUTHENTICATE LOGIN\r\n"), "+ VXNlcm5hbWU6\r\n");
    std::vector<ClientStep> steps = imap.feed("w x y z\r\n");  // a fourth argument
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Close);
    EXPECT_EQ(steps[0].output, "a BAD invalid command\r\n");
    EXPECT_EQ(steps[0].infoLog, "client sent too many invalid commands");
}

TEST(ImapAuthCramMd5, RejectedWhenNotEnabled) {
    ImapDriver imap;
    expectReply(imap.feed("a AUTHENTICATE CRAM-MD5\r\n"), "a BAD invalid command\r\n");
    EXPECT_EQ(imap.saltCalls, 0);
}

TEST(ImapAuthCramMd5, ChallengeThenDigest) {
    ImapDriver imap(allMechanisms(), "<1951602462.1795311090@mail.example.com>");
    expectReply(imap.feed("a AUTHENTICATE CRAM-MD5\r\n"),
                "+ " + b64("<1951602462.1795311090@mail.example.com>") + "\r\n");
    ClientStep step = expectAuthenticate(imap.feed(b64("user " + kDigest) + "\r\n"));
    EXPECT_EQ(step.credentials.method, "cram-md5");
    EXPECT_EQ(step.credentials.login, "user");
    EXPECT_EQ(step.credentials.password, kDigest);
    EXPECT_EQ(step.credentials.salt, "<1951602462.1795311090@mail.example.com>");
}

TEST(ImapAuthCramMd5, SaltIsMadeOnceAndReused) {
    ImapDriver imap(allMechanisms(), "<7.8@h>");
    EXPECT_EQ(imap.saltCalls, 0);
    expectReply(imap.feed("a AUTHENTICATE CRAM-MD5\r\n"), "+ PDcuOEBoPg==\r\n");
    expectAuthenticate(imap.feed(b64("user " + kDigest) + "\r\n"));
    imap.protocol.resetAfterFailedLogin();
    expectReply(imap.feed("b AUTHENTICATE cram-md5\r\n"), "+ PDcuOEBoPg==\r\n");
    ClientStep step = expectAuthenticate(imap.feed(b64("user " + kDigest) + "\r\n"));
    EXPECT_EQ(step.credentials.salt, "<7.8@h>");
    EXPECT_EQ(imap.saltCalls, 1);
}

TEST(ImapAuthCramMd5, InitialResponseIsRejected) {
    ImapDriver imap(allMechanisms());
    expectReply(imap.feed("a AUTHENTICATE CRAM-MD5 " + b64("user " + kDigest) + "\r\n"),
                "a BAD invalid command\r\n");
}

TEST(ImapAuthCramMd5, BadDigestLength) {
    ImapDriver imap(allMechanisms());
    imap.feed("a AUTHENTICATE CRAM-MD5\r\n");
    expectReply(imap.feed(b64("user abc") + "\r\n"), "a BAD invalid command\r\n",
                "client sent invalid CRAM-MD5 hash in AUTH CRAM-MD5 command");
}

TEST(ImapAuthCramMd5, BadBase64) {
    ImapDriver imap(allMechanisms());
    imap.feed("a AUTHENTICATE CRAM-MD5\r\n");
    expectReply(imap.feed("a\r\n"), "a BAD invalid command\r\n",
                "client sent invalid base64 encoding in AUTH CRAM-MD5 command");
}

TEST(ImapAuthExternal, RejectedWhenNotEnabled) {
    ImapDriver imap;
    expectReply(imap.feed("a AUTHENTICATE EXTERNAL\r\n"), "a BAD invalid command\r\n");
}

TEST(ImapAuthExternal, PromptThenLogin) {
    ImapDriver imap(allMechanisms());
    expectReply(imap.feed("a AUTHENTICATE EXTERNAL\r\n"), "+ VXNlcm5hbWU6\r\n");
    ClientStep step = expectAuthenticate(imap.feed(b64("cert-user") + "\r\n"));
    EXPECT_EQ(step.credentials.method, "external");
    EXPECT_EQ(step.credentials.login, "cert-user");
    EXPECT_EQ(step.credentials.password, "");
    EXPECT_EQ(step.credentials.salt, "");
}

TEST(ImapAuthExternal, InitialResponseAuthenticatesAtOnce) {
    ImapDriver imap(allMechanisms());
    ClientStep step = expectAuthenticate(imap.feed("a AUTHENTICATE EXTERNAL =\r\n"));
    EXPECT_EQ(step.credentials.method, "external");
    EXPECT_EQ(step.credentials.login, "");
}

TEST(ImapAuthExternal, InitialResponseSkipsTheEnabledCheckLikeNginx) {
    ImapDriver imap;  // imap_auth plain only
    ClientStep step = expectAuthenticate(imap.feed("a AUTHENTICATE EXTERNAL " + b64("u") + "\r\n"));
    EXPECT_EQ(step.credentials.method, "external");
    EXPECT_EQ(step.credentials.login, "u");
}

TEST(ImapAuthExternal, BadBase64) {
    ImapDriver imap(allMechanisms());
    imap.feed("a AUTHENTICATE EXTERNAL\r\n");
    expectReply(imap.feed("-\r\n"), "a BAD invalid command\r\n",
                "client sent invalid base64 encoding in AUTH EXTERNAL command");
}

TEST(ImapAuthenticate, MissingOrUnknownMechanismIsAHandlerReject) {
    config::ServerConfig server = allMechanisms();
    server.maxErrors = 1;
    ImapDriver imap(server);
    for (const char* line :
         {"a AUTHENTICATE\r\n", "a AUTHENTICATE DIGEST-MD5\r\n", "a AUTHENTICATE XOAUTH2 abc\r\n",
          "a AUTHENTICATE GSSAPI\r\n", "a AUTHENTICATE PLAINX\r\n", "a AUTHENTICATE \"\"\r\n",
          "a AUTHENTICATE EXTERNAL a b\r\n", "a AUTHENTICATE CRAM-MD5 a b\r\n"}) {
        expectReply(imap.feed(line), "a BAD invalid command\r\n");
    }
}

TEST(ImapAuthenticate, MechanismMayBeQuotedOrALiteral) {
    ImapDriver imap;
    expectReply(imap.feed("a AUTHENTICATE \"PLAIN\"\r\n"), "+ \r\n");
    expectAuthenticate(imap.feed(kPlain + "\r\n"));
    imap.protocol.resetAfterFailedLogin();
    expectAuthenticate(imap.feed("b AUTHENTICATE {5+}\r\nplain " + kPlain + "\r\n"));
}

TEST(ImapAuthenticate, ContinuationKeepsTheCommandInTheBuffer) {
    // nginx does not empty the buffer between AUTHENTICATE and its continuation lines (the tag lives there),
    // so a command and its responses together must fit in imap_client_buffer.
    config::ServerConfig server = defaultServer();
    server.imapClientBuffer = 32;
    ImapDriver imap(server);
    expectReply(imap.feed("a AUTHENTICATE LOGIN\r\n"), "+ VXNlcm5hbWU6\r\n");  // 22 bytes
    expectReply(imap.feed("dXNlcg==\r\n"), "+ UGFzc3dvcmQ6\r\n");              // 10 more: full
    // Like nginx, the overflow is noticed at the next read event (here: the password arriving).
    std::vector<ClientStep> steps = imap.feed("cGFzcw==\r\n");
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].kind, ClientStep::Close);
    EXPECT_EQ(steps[0].output, "a BAD invalid command\r\n");
    EXPECT_EQ(steps[0].infoLog, "client sent too long command \"a AUTHENTICATE LOGIN\r\ndXNlcg==\r\n\"");
}

TEST(ImapAuthenticate, BufferIsEmptiedAfterTheExchangeEnds) {
    config::ServerConfig server = defaultServer();
    server.imapClientBuffer = 32;
    ImapDriver imap(server);
    for (int round = 0; round < 5; ++round) {
        expectReply(imap.feed("a AUTHENTICATE PLAIN\r\n"), "+ \r\n");
        expectReply(imap.feed("*\r\n"), "a BAD invalid command\r\n",
                    "client sent invalid base64 encoding in AUTH PLAIN command");
    }
}

}  // namespace
}  // namespace mailwire::imap::testing
