// The proxy's USER/PASS login to the POP3 backend (spec 8.3, 8.4, 8.7).
#include <gtest/gtest.h>

#include "pop3/Pop3BackendLogin.h"

namespace mailwire::pop3 {
namespace {

using mail::BackendStep;

const char* const kInternal = "-ERR internal server error\r\n";

void loginUpToPassword(Pop3BackendLogin& login, const std::string& user = "good",
                       const std::string& password = "secret") {
    BackendStep step = login.onReply("+OK POP3 backend ready\r\n");
    ASSERT_EQ(step.kind, BackendStep::Send);
    EXPECT_EQ(step.toBackend, "USER " + user + "\r\n");
    EXPECT_EQ(step.action, "sending user name to upstream");
    step = login.onReply("+OK\r\n");
    ASSERT_EQ(step.kind, BackendStep::Send);
    EXPECT_EQ(step.toBackend, "PASS " + password + "\r\n");
    EXPECT_EQ(step.action, "sending password to upstream");
}

TEST(Pop3BackendLogin, FullSequenceRelaysThePassReply) {
    Pop3BackendLogin login("good", "secret", false);
    loginUpToPassword(login);
    BackendStep step = login.onReply("+OK 2 messages\r\n");
    EXPECT_EQ(step.kind, BackendStep::Done);
    EXPECT_EQ(step.toClient, "+OK 2 messages\r\n");
}

TEST(Pop3BackendLogin, LoginAndPasswordAreSentRaw) {
    Pop3BackendLogin login("a b c", "my pass ", false);
    loginUpToPassword(login, "a b c", "my pass ");
}

TEST(Pop3BackendLogin, WholeMultiLineReplyIsRelayed) {
    Pop3BackendLogin login("good", "secret", false);
    loginUpToPassword(login);
    BackendStep step = login.onReply("+OK welcome\r\nextra line\r\n");
    EXPECT_EQ(step.kind, BackendStep::Done);
    EXPECT_EQ(step.toClient, "+OK welcome\r\nextra line\r\n");
}

TEST(Pop3BackendLogin, WaitsForFourBytesEndingInCrlf) {
    Pop3BackendLogin login("good", "secret", false);
    EXPECT_EQ(login.onReply("").kind, BackendStep::NeedMore);
    EXPECT_EQ(login.onReply("+OK").kind, BackendStep::NeedMore);
    EXPECT_EQ(login.onReply("+OK ready").kind, BackendStep::NeedMore);
    EXPECT_EQ(login.onReply("+OK ready\r").kind, BackendStep::NeedMore);
    EXPECT_EQ(login.onReply("+\r\n").kind, BackendStep::NeedMore);  // too short ever to count
    EXPECT_EQ(login.onReply("-ERR\r\nmore").kind, BackendStep::NeedMore);
    EXPECT_EQ(login.onReply("+OK\r\n").kind, BackendStep::Send);
    EXPECT_EQ(login.onReply("+OK\r").action, "sending user name to upstream");
}

TEST(Pop3BackendLogin, OnlyTheFirstLinesPrefixIsChecked) {
    Pop3BackendLogin login("good", "secret", false);
    EXPECT_EQ(login.onReply("+OKAY\r\n").kind, BackendStep::Send);
    EXPECT_EQ(login.onReply("-ERR x\r\n+OK\r\n").kind, BackendStep::Failed);
}

TEST(Pop3BackendLogin, FailureAtEachStepWithErrorMessageOff) {
    struct Case {
        int okReplies;
        const char* failedReply;
    } cases[] = {{0, "the greeting"}, {1, "the reply to USER"}, {2, "the reply to PASS"}};
    for (const Case& c : cases) {
        Pop3BackendLogin login("good", "secret", false);
        for (int i = 0; i < c.okReplies; ++i) ASSERT_EQ(login.onReply("+OK\r\n").kind, BackendStep::Send);
        BackendStep step = login.onReply("-ERR [AUTH] nope\r\n");
        EXPECT_EQ(step.kind, BackendStep::Failed);
        EXPECT_EQ(step.toClient, kInternal);
        EXPECT_EQ(step.logText, "upstream sent invalid response: \"-ERR [AUTH] nope\"");
        EXPECT_TRUE(step.logAsError);
        EXPECT_EQ(step.action, "reading response from upstream")
            << c.failedReply;  // nginx's read handler judges it
    }
}

TEST(Pop3BackendLogin, FailureWithErrorMessageOnRelaysTheWholeReply) {
    Pop3BackendLogin login("good", "secret", true);
    loginUpToPassword(login);
    BackendStep step = login.onReply("-ERR [AUTH] nope\r\n-ERR more\r\n");
    EXPECT_EQ(step.kind, BackendStep::Failed);
    EXPECT_EQ(step.toClient, "-ERR [AUTH] nope\r\n-ERR more\r\n");
    EXPECT_EQ(step.logText, "upstream sent invalid response: \"-ERR [AUTH] nope\r\n-ERR more\"");
    EXPECT_FALSE(step.logAsError);
}

TEST(Pop3BackendLogin, LoggedTextStopsAtNulWhenNotRelayed) {
    Pop3BackendLogin login("good", "secret", false);
    BackendStep step = login.onReply(std::string("-ERR a\0b\r\n", 10));
    EXPECT_EQ(step.logText, "upstream sent invalid response: \"-ERR a\"");
}

TEST(Pop3BackendLogin, RepliesAfterTheEndAreAnError) {
    Pop3BackendLogin login("good", "secret", false);
    loginUpToPassword(login);
    ASSERT_EQ(login.onReply("+OK\r\n").kind, BackendStep::Done);
    BackendStep step = login.onReply("+OK\r\n");
    EXPECT_EQ(step.kind, BackendStep::Failed);
    EXPECT_EQ(step.toClient, kInternal);
}

}  // namespace
}  // namespace mailwire::pop3
