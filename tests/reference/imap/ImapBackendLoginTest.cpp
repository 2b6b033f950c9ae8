// The proxy's LOGIN to the IMAP backend (spec 8.3, 8.5, 8.7).
#include <gtest/gtest.h>

#include "ImapDriver.h"
#include "imap/ImapBackendLogin.h"

namespace mailwire::imap {
namespace {

using mail::BackendStep;

const char* kInternal = "* BAD internal server error\r\n";

// Runs the login up to the password, checking each line sent.
void loginUpToPassword(ImapBackendLogin& login) {
    BackendStep step = login.onReply("* OK IMAP4rev1 ready\r\n");
    ASSERT_EQ(step.kind, BackendStep::Send);
    EXPECT_EQ(step.toBackend, "d1 LOGIN {4}\r\n");
    EXPECT_EQ(step.action, "sending LOGIN command to upstream");
    step = login.onReply("+ go ahead\r\n");
    ASSERT_EQ(step.kind, BackendStep::Send);
    EXPECT_EQ(step.toBackend, "good {6}\r\n");
    EXPECT_EQ(step.action, "sending user name to upstream");
    step = login.onReply("+ \r\n");
    ASSERT_EQ(step.kind, BackendStep::Send);
    EXPECT_EQ(step.toBackend, "secret\r\n");
    EXPECT_EQ(step.action, "sending password to upstream");
}

TEST(ImapBackendLogin, FullSequence) {
    ImapBackendLogin login("d1 ", "good", "secret", false);
    loginUpToPassword(login);
    BackendStep step = login.onReply("d1 OK logged in\r\n");
    EXPECT_EQ(step.kind, BackendStep::Done);
    EXPECT_EQ(step.toClient, "d1 OK logged in\r\n");
}

TEST(ImapBackendLogin, OneUntaggedLineIsSkippedAndRelayed) {
    ImapBackendLogin login("d1 ", "good", "secret", false);
    loginUpToPassword(login);
    BackendStep step = login.onReply("* CAPABILITY IMAP4rev1 IDLE\r\nd1 OK logged in\r\n");
    EXPECT_EQ(step.kind, BackendStep::Done);
    EXPECT_EQ(step.toClient, "* CAPABILITY IMAP4rev1 IDLE\r\nd1 OK logged in\r\n");
}

TEST(ImapBackendLogin, UntaggedLineAloneWaitsForTheTaggedOne) {
    ImapBackendLogin login("d1 ", "good", "secret", false);
    loginUpToPassword(login);
    EXPECT_EQ(login.onReply("* CAPABILITY IMAP4rev1 IDLE\r\n").kind, BackendStep::NeedMore);
    EXPECT_EQ(login.onReply("* CAPABILITY IMAP4rev1 IDLE\r\nd1 ").kind, BackendStep::NeedMore);
    EXPECT_EQ(login.onReply("* CAPABILITY IMAP4rev1 IDLE\r\nd1 OK\r\n").kind, BackendStep::Done);
}

TEST(ImapBackendLogin, SecondUntaggedLineFails) {
    ImapBackendLogin login("d1 ", "good", "secret", false);
    loginUpToPassword(login);
    BackendStep step = login.onReply("* CAPABILITY X\r\n* OK [ALERT] hi\r\nd1 OK done\r\n");
    EXPECT_EQ(step.kind, BackendStep::Failed);
    EXPECT_EQ(step.toClient, kInternal);
    EXPECT_EQ(step.logText, "upstream sent invalid response: \"* OK [ALERT] hi\r\nd1 OK done\"");
    EXPECT_TRUE(step.logAsError);
}

TEST(ImapBackendLogin, TaggedNoIsLoggedFromAfterTheTag) {
    ImapBackendLogin login("p1 ", "good", "secret", false);
    login.onReply("* OK ready\r\n");
    login.onReply("+\r\n\r\n");
    login.onReply("+ ok\r\n");
    BackendStep step = login.onReply("p1 NO [AUTHENTICATIONFAILED] nope\r\n");
    EXPECT_EQ(step.kind, BackendStep::Failed);
    EXPECT_EQ(step.toClient, kInternal);
    EXPECT_EQ(step.logText, "upstream sent invalid response: \"NO [AUTHENTICATIONFAILED] nope\"");
    EXPECT_TRUE(step.logAsError);
    EXPECT_EQ(
        step.action,
        "reading response from upstream");  // as nginx 1.22 logs it (scenario imap/backend-rejects-login)
}

TEST(ImapBackendLogin, PassErrorMessageRelaysTheWholeReply) {
    ImapBackendLogin login("p1 ", "good", "secret", true);
    login.onReply("* OK ready\r\n");
    login.onReply("+ ok\r\n");
    login.onReply("+ ok\r\n");
    BackendStep step = login.onReply("* BYE going\r\np1 NO [AUTHENTICATIONFAILED] nope\r\n");
    EXPECT_EQ(step.kind, BackendStep::Failed);
    EXPECT_EQ(step.toClient, "* BYE going\r\np1 NO [AUTHENTICATIONFAILED] nope\r\n");
    EXPECT_EQ(step.logText, "upstream sent invalid response: \"NO [AUTHENTICATIONFAILED] nope\"");
    EXPECT_FALSE(step.logAsError);
}

TEST(ImapBackendLogin, OtherTagFailsWithTheWholeLineLogged) {
    ImapBackendLogin login("p1 ", "u", "p", false);
    login.onReply("* OK ready\r\n");
    login.onReply("+ ok\r\n");
    login.onReply("+ ok\r\n");
    BackendStep step = login.onReply("p2 OK done\r\n");
    EXPECT_EQ(step.kind, BackendStep::Failed);
    EXPECT_EQ(step.logText, "upstream sent invalid response: \"p2 OK done\"");
}

TEST(ImapBackendLogin, BadGreeting) {
    ImapBackendLogin login("a ", "u", "p", false);
    BackendStep step = login.onReply("* BYE busy\r\n");
    EXPECT_EQ(step.kind, BackendStep::Failed);
    EXPECT_EQ(step.toClient, kInternal);
    EXPECT_EQ(step.logText, "upstream sent invalid response: \"* BYE busy\"");
    EXPECT_EQ(step.action, "reading response from upstream");
}

TEST(ImapBackendLogin, GreetingIsCheckedByPrefixOnly) {
    ImapBackendLogin login("a ", "u", "p", false);
    EXPECT_EQ(login.onReply("* OKAY\r\n").kind, BackendStep::Send);
}

TEST(ImapBackendLogin, LoginLiteralNotAccepted) {
    ImapBackendLogin login("a ", "u", "p", true);
    login.onReply("* OK\r\n");
    BackendStep step = login.onReply("a BAD no literals\r\n");
    EXPECT_EQ(step.kind, BackendStep::Failed);
    EXPECT_EQ(step.toClient, "a BAD no literals\r\n");
    EXPECT_EQ(step.logText, "upstream sent invalid response: \"a BAD no literals\"");
    EXPECT_FALSE(step.logAsError);
}

TEST(ImapBackendLogin, RepliesMustHaveFourBytesAndEndInCrlf) {
    ImapBackendLogin login("a ", "u", "p", false);
    EXPECT_EQ(login.onReply("* O").kind, BackendStep::NeedMore);
    EXPECT_EQ(login.onReply("* OK").kind, BackendStep::NeedMore);
    EXPECT_EQ(login.onReply("* OK\r").kind, BackendStep::NeedMore);
    EXPECT_EQ(login.onReply("* OK\n").kind, BackendStep::NeedMore);
    EXPECT_EQ(login.onReply("* OK\r\n").kind, BackendStep::Send);
    // "+\r\n" is three bytes: never accepted (nginx waits for the timeout)
    EXPECT_EQ(login.onReply("+\r\n").kind, BackendStep::NeedMore);
    EXPECT_EQ(login.onReply("+\r\n").action, "sending LOGIN command to upstream");
}

TEST(ImapBackendLogin, LengthsAreByteCounts) {
    ImapBackendLogin login("t ", "\xc3\xa9t\xc3\xa9", "", false);
    EXPECT_EQ(login.onReply("* OK\r\n").toBackend, "t LOGIN {5}\r\n");
    EXPECT_EQ(login.onReply("+ \r\n").toBackend, "\xc3\xa9t\xc3\xa9 {0}\r\n");
    EXPECT_EQ(login.onReply("+ \r\n").toBackend, "\r\n");
}

TEST(ImapBackendLogin, EmptyTagQuirkIsEchoed) {
    ImapBackendLogin login(" ", "u", "p", false);
    EXPECT_EQ(login.onReply("* OK\r\n").toBackend, " LOGIN {1}\r\n");
    login.onReply("+ \r\n");
    login.onReply("+ \r\n");
    EXPECT_EQ(login.onReply(" OK hi\r\n").kind, BackendStep::Done);
}

TEST(ImapBackendLogin, LoggedTextStopsAtNulWithoutPassErrorMessage) {
    ImapBackendLogin login("a ", "u", "p", false);
    BackendStep step = login.onReply(std::string("* NO\0hidden\r\n", 13));
    EXPECT_EQ(step.logText, "upstream sent invalid response: \"* NO\"");
    ImapBackendLogin relaying("a ", "u", "p", true);
    step = relaying.onReply(std::string("* NO\0shown\r\n", 12));
    EXPECT_EQ(step.logText, std::string("upstream sent invalid response: \"* NO\0shown\"", 44));
    EXPECT_EQ(step.toClient, std::string("* NO\0shown\r\n", 12));
}

TEST(ImapBackendLogin, FromTheClientProtocolUsesTheLoginTag) {
    testing::ImapDriver imap;
    imap.feed("d1 LOGIN client pw\r\n");
    mail::Credentials effective;
    effective.method = "plain";
    effective.login = "good";
    effective.password = "secret";
    std::unique_ptr<mail::BackendLogin> login = imap.protocol.makeBackendLogin(effective, {"127.0.0.1", ""});
    EXPECT_EQ(login->onReply("* OK\r\n").toBackend, "d1 LOGIN {4}\r\n");
    EXPECT_EQ(login->onReply("+ \r\n").toBackend, "good {6}\r\n");
    EXPECT_EQ(login->onReply("+ \r\n").toBackend, "secret\r\n");
    EXPECT_EQ(login->onReply("d1 OK\r\n").kind, BackendStep::Done);
}

TEST(ImapBackendLogin, PassErrorMessageComesFromTheServerConfig) {
    config::ServerConfig server = testing::defaultServer();
    server.proxyPassErrorMessage = true;
    testing::ImapDriver imap(server);
    imap.feed("a AUTHENTICATE PLAIN AHUAcA==\r\n");
    mail::Credentials effective;
    effective.method = "plain";
    effective.login = "u";
    effective.password = "p";
    std::unique_ptr<mail::BackendLogin> login = imap.protocol.makeBackendLogin(effective, {"127.0.0.1", ""});
    BackendStep step = login->onReply("* BYE\r\n");
    EXPECT_EQ(step.kind, BackendStep::Failed);
    EXPECT_EQ(step.toClient, "* BYE\r\n");
    EXPECT_FALSE(step.logAsError);
}

}  // namespace
}  // namespace mailwire::imap
