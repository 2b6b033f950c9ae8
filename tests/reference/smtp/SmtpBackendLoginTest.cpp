// The proxy's SMTP login to the backend (spec 8.3, 8.6, 8.7), every E/X/A/N/H combination.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "SmtpDriver.h"
#include "smtp/SmtpBackendLogin.h"

namespace mailwire::smtp {
namespace {

using mail::BackendStep;

const char* kInternal = "451 4.3.2 Internal server error\r\n";

SmtpBackendSettings settings(bool xclient, bool proxySmtpAuth, bool passErrorMessage = false) {
    SmtpBackendSettings s;
    s.serverName = "mail.example.com";
    s.xclient = xclient;
    s.proxySmtpAuth = proxySmtpAuth;
    s.passErrorMessage = passErrorMessage;
    return s;
}

SmtpLoginFacts facts(bool esmtp, bool none, bool helo) {
    SmtpLoginFacts f;
    f.esmtp = esmtp;
    f.none = none;
    f.clientHelo = helo ? "client.example" : "";
    if (none) {
        f.mailLine = "MAIL FROM: <a@b> SIZE=10";
        f.rcptLine = "RCPT TO:<c@d>";
    } else {
        f.login = "good";
        f.password = "pw";
    }
    f.clientIp = "127.0.0.1";
    f.clientHost = "[UNAVAILABLE]";
    return f;
}

// A reply the backend would give to `line` that nginx accepts.
std::string goodReplyTo(const std::string& line) {
    if (line.rfind("XCLIENT", 0) == 0) return "220 mailwire-fake ESMTP\r\n";
    if (line.rfind("AUTH", 0) == 0) return "235 2.7.0 Authentication successful\r\n";
    if (line.rfind("RCPT", 0) == 0) return "250 2.1.5 rcpt ok\r\n";
    if (line.rfind("EHLO", 0) == 0) return "250-mailwire-fake\r\n250-PIPELINING\r\n250 8BITMIME\r\n";
    return "250 ok\r\n";
}

struct LoginRun {
    std::vector<std::string> sent;
    std::vector<std::string> actions;
    BackendStep last;
};

LoginRun runLogin(SmtpBackendLogin& login) {
    LoginRun run;
    BackendStep step = login.onReply("220 backend ESMTP\r\n");
    while (step.kind == BackendStep::Send) {
        run.sent.push_back(step.toBackend);
        run.actions.push_back(step.action);
        step = login.onReply(goodReplyTo(step.toBackend));
    }
    run.last = step;
    return run;
}

// The sequence of spec 8.6, written out independently of the implementation.
std::vector<std::string> expectedSequence(bool e, bool x, bool a, bool n, bool h) {
    std::vector<std::string> lines;
    lines.push_back(std::string(e || x ? "EHLO " : "HELO ") + "mail.example.com\r\n");
    if (x) {
        lines.push_back(std::string("XCLIENT ADDR=127.0.0.1") + (!n && !a ? " LOGIN=good" : "") +
                        " NAME=[UNAVAILABLE]\r\n");
        if (h) lines.push_back(std::string(e ? "EHLO " : "HELO ") + "client.example\r\n");
    }
    if (n) {
        lines.push_back("MAIL FROM: <a@b> SIZE=10\r\n");
        lines.push_back("RCPT TO:<c@d>\r\n");
    } else if (a) {
        lines.push_back("AUTH PLAIN AGdvb2QAcHc=\r\n");
    }
    return lines;
}

class SmtpBackendSequence : public ::testing::TestWithParam<int> {};

TEST_P(SmtpBackendSequence, MatchesSpec) {
    const int bits = GetParam();
    const bool e = bits & 1, x = bits & 2, a = bits & 4, n = bits & 8, h = bits & 16;
    SmtpBackendLogin login(settings(x, a), facts(e, n, h));
    const LoginRun run = runLogin(login);
    EXPECT_EQ(run.sent, expectedSequence(e, x, a, n, h));
    ASSERT_EQ(run.last.kind, BackendStep::Done);
    EXPECT_EQ(run.last.toClient, n ? "250 2.1.5 rcpt ok\r\n" : "235 2.0.0 OK\r\n");
}

INSTANTIATE_TEST_SUITE_P(AllCombinations, SmtpBackendSequence, ::testing::Range(0, 32),
                         [](const ::testing::TestParamInfo<int>& info) {
                             const int b = info.param;
                             std::string name;
                             name += (b & 1) ? "E" : "e";
                             name += (b & 2) ? "X" : "x";
                             name += (b & 4) ? "A" : "a";
                             name += (b & 8) ? "N" : "n";
                             name += (b & 16) ? "H" : "h";
                             return name;
                         });

TEST(SmtpBackendLogin, DefaultConfigSpecExample) {
    SmtpBackendLogin login(settings(true, false), facts(true, false, true));
    const LoginRun run = runLogin(login);
    EXPECT_EQ(run.sent, (std::vector<std::string>{"EHLO mail.example.com\r\n",
                                                  "XCLIENT ADDR=127.0.0.1 LOGIN=good NAME=[UNAVAILABLE]\r\n",
                                                  "EHLO client.example\r\n"}));
    EXPECT_EQ(run.actions,
              (std::vector<std::string>{"sending HELO/EHLO to upstream", "sending XCLIENT to upstream",
                                        "sending client HELO/EHLO to upstream"}));
    EXPECT_EQ(run.last.toClient, "235 2.0.0 OK\r\n");
}

TEST(SmtpBackendLogin, XclientWithProxySmtpAuthAndHeloClientSpecExample) {
    SmtpLoginFacts f = facts(false, false, true);
    f.clientHelo = "cl";
    SmtpBackendLogin login(settings(true, true), f);
    const LoginRun run = runLogin(login);
    EXPECT_EQ(run.sent, (std::vector<std::string>{"EHLO mail.example.com\r\n",
                                                  "XCLIENT ADDR=127.0.0.1 NAME=[UNAVAILABLE]\r\n",
                                                  "HELO cl\r\n", "AUTH PLAIN AGdvb2QAcHc=\r\n"}));
    EXPECT_EQ(run.actions.back(), "sending AUTH to upstream");
}

TEST(SmtpBackendLogin, NoneWithoutXclientSpecExample) {
    SmtpBackendLogin login(settings(false, false), facts(true, true, true));
    const LoginRun run = runLogin(login);
    EXPECT_EQ(run.sent, (std::vector<std::string>{"EHLO mail.example.com\r\n", "MAIL FROM: <a@b> SIZE=10\r\n",
                                                  "RCPT TO:<c@d>\r\n"}));
    EXPECT_EQ(run.actions,
              (std::vector<std::string>{"sending HELO/EHLO to upstream", "sending MAIL FROM to upstream",
                                        "sending RCPT TO to upstream"}));
    EXPECT_EQ(run.last.toClient, "250 2.1.5 rcpt ok\r\n");
}

TEST(SmtpBackendLogin, XclientLoginIsXtextEncoded) {
    SmtpLoginFacts f = facts(false, false, false);
    f.login = "a+b=c d\xC3\xA9";
    SmtpBackendLogin login(settings(true, false), f);
    EXPECT_EQ(login.xclientLine(), "XCLIENT ADDR=127.0.0.1 LOGIN=a+2Bb+3Dc+20d+C3+A9 NAME=[UNAVAILABLE]\r\n");
}

TEST(SmtpBackendLogin, XclientIpv6AddressAndVerifiedName) {
    SmtpLoginFacts f = facts(false, false, false);
    f.clientIp = "2001:db8::1";
    f.clientHost = "client.example.org";
    SmtpBackendLogin login(settings(true, false), f);
    EXPECT_EQ(login.xclientLine(), "XCLIENT ADDR=IPV6:2001:db8::1 LOGIN=good NAME=client.example.org\r\n");
}

TEST(SmtpBackendLogin, XclientUnixClientHasNoIpv6Prefix) {
    SmtpLoginFacts f = facts(false, false, false);
    f.clientIp = "unix:";
    SmtpBackendLogin login(settings(true, false), f);
    EXPECT_EQ(login.xclientLine(), "XCLIENT ADDR=unix: LOGIN=good NAME=[UNAVAILABLE]\r\n");
}

TEST(SmtpBackendLogin, XclientWithoutLoginOmitsIt) {
    SmtpLoginFacts f = facts(false, false, false);
    f.login.clear();
    f.clientHost = "[TEMPUNAVAIL]";
    SmtpBackendLogin login(settings(true, false), f);
    EXPECT_EQ(login.xclientLine(), "XCLIENT ADDR=127.0.0.1 NAME=[TEMPUNAVAIL]\r\n");
}

TEST(SmtpBackendLogin, NoneWithAuthUserSendsLogin) {
    SmtpLoginFacts f = facts(false, true, false);
    f.login = "relay";
    SmtpBackendLogin login(settings(true, false), f);
    EXPECT_EQ(login.xclientLine(), "XCLIENT ADDR=127.0.0.1 LOGIN=relay NAME=[UNAVAILABLE]\r\n");
}

TEST(SmtpBackendLogin, XclientAccepts250Too) {
    SmtpBackendLogin login(settings(true, false), facts(false, false, false));
    EXPECT_EQ(login.onReply("220 hi\r\n").kind, BackendStep::Send);
    EXPECT_EQ(login.onReply("250 ok\r\n").kind, BackendStep::Send);
    const BackendStep step = login.onReply("250 2.0.0 ok\r\n");
    EXPECT_EQ(step.kind, BackendStep::Done);
    EXPECT_EQ(step.toClient, "235 2.0.0 OK\r\n");
}

TEST(SmtpBackendLogin, HeloReplyMustBe250Not220) {
    SmtpBackendLogin login(settings(false, false), facts(false, false, false));
    EXPECT_EQ(login.onReply("220 hi\r\n").kind, BackendStep::Send);
    const BackendStep step = login.onReply("220 not ok\r\n");
    EXPECT_EQ(step.kind, BackendStep::Failed);
    EXPECT_EQ(step.toClient, kInternal);
    EXPECT_TRUE(step.logAsError);
    EXPECT_EQ(step.logText, "upstream sent invalid response: \"220 not ok\"");
    EXPECT_EQ(step.action, "reading response from upstream");
}

TEST(SmtpBackendLogin, BadGreeting) {
    SmtpBackendLogin login(settings(true, false), facts(false, false, false));
    const BackendStep step = login.onReply("554 go away\r\n");
    EXPECT_EQ(step.kind, BackendStep::Failed);
    EXPECT_EQ(step.toClient, kInternal);
    EXPECT_EQ(step.logText, "upstream sent invalid response: \"554 go away\"");
    EXPECT_EQ(step.action, "reading response from upstream");
}

TEST(SmtpBackendLogin, BadXclientReplyWithPassErrorMessageIsRelayed) {
    SmtpBackendLogin login(settings(true, false, true), facts(false, false, false));
    login.onReply("220 hi\r\n");
    login.onReply("250 ok\r\n");
    const BackendStep step = login.onReply("550 5.7.0 Insufficient authorization\r\n");
    EXPECT_EQ(step.kind, BackendStep::Failed);
    EXPECT_EQ(step.toClient, "550 5.7.0 Insufficient authorization\r\n");
    EXPECT_FALSE(step.logAsError);
    EXPECT_EQ(step.logText, "upstream sent invalid response: \"550 5.7.0 Insufficient authorization\"");
    EXPECT_EQ(step.action, "reading response from upstream");  // scenario smtp/backend-refuses-xclient
}

TEST(SmtpBackendLogin, BadAuthReply) {
    SmtpBackendLogin login(settings(false, true), facts(false, false, false));
    login.onReply("220 hi\r\n");
    EXPECT_EQ(login.onReply("250 ok\r\n").toBackend, "AUTH PLAIN AGdvb2QAcHc=\r\n");
    const BackendStep step = login.onReply("535 5.7.8 nope\r\n");
    EXPECT_EQ(step.kind, BackendStep::Failed);
    EXPECT_EQ(step.toClient, kInternal);
}

TEST(SmtpBackendLogin, BadMailReplyWithPassErrorMessage) {
    SmtpBackendLogin login(settings(false, false, true), facts(false, true, false));
    login.onReply("220 hi\r\n");
    EXPECT_EQ(login.onReply("250 ok\r\n").toBackend, "MAIL FROM: <a@b> SIZE=10\r\n");
    const BackendStep step = login.onReply("452 4.3.1 full\r\n");
    EXPECT_EQ(step.kind, BackendStep::Failed);
    EXPECT_EQ(step.toClient, "452 4.3.1 full\r\n");
}

TEST(SmtpBackendLogin, RcptReplyIsRelayedWhateverItIs) {
    SmtpBackendLogin login(settings(false, false), facts(false, true, false));
    login.onReply("220 hi\r\n");
    login.onReply("250 ok\r\n");
    EXPECT_EQ(login.onReply("250 ok\r\n").toBackend, "RCPT TO:<c@d>\r\n");
    const BackendStep step = login.onReply("550 5.1.1 no such user\r\n");
    EXPECT_EQ(step.kind, BackendStep::Done);
    EXPECT_EQ(step.toClient, "550 5.1.1 no such user\r\n");
}

TEST(SmtpBackendLogin, NoPasswordAvailable) {
    SmtpLoginFacts f = facts(false, false, false);
    f.passwordAvailable = false;
    SmtpBackendLogin login(settings(false, true), f);
    login.onReply("220 hi\r\n");
    const BackendStep step = login.onReply("250 ok\r\n");
    EXPECT_EQ(step.kind, BackendStep::Failed);
    EXPECT_EQ(step.toClient, kInternal);
    EXPECT_TRUE(step.logAsError);
    EXPECT_EQ(step.logText, "no password available");
    EXPECT_EQ(step.action, "sending AUTH to upstream");
}

TEST(SmtpBackendLogin, MultiLineRepliesWaitForTheLastLine) {
    SmtpBackendLogin login(settings(false, false), facts(true, false, false));
    login.onReply("220 hi\r\n");
    EXPECT_EQ(login.onReply("250-first\r\n").kind, BackendStep::NeedMore);
    EXPECT_EQ(login.onReply("250-first\r\n250-second\r\n").kind, BackendStep::NeedMore);
    EXPECT_EQ(login.onReply("250-first\r\n250-second\r\n250 last").kind, BackendStep::NeedMore);
    EXPECT_EQ(login.onReply("250-first\r\n250-second\r\n250 last\r\n").kind, BackendStep::Done);
}

TEST(SmtpBackendLogin, MultiLineGreetingIsAccepted) {
    SmtpBackendLogin login(settings(false, false), facts(false, false, false));
    EXPECT_EQ(login.onReply("220-welcome\r\n").kind, BackendStep::NeedMore);
    EXPECT_EQ(login.onReply("220-welcome\r\n220 ready\r\n").kind, BackendStep::Send);
}

TEST(SmtpBackendLogin, ReplyCompleteRules) {
    EXPECT_FALSE(SmtpBackendLogin::replyComplete(""));
    EXPECT_TRUE(SmtpBackendLogin::replyComplete("25\r\n"));  // 4 bytes ending in CRLF are enough
    EXPECT_TRUE(SmtpBackendLogin::replyComplete("250\r\n"));
    EXPECT_FALSE(SmtpBackendLogin::replyComplete("+\r\n"));
    EXPECT_FALSE(SmtpBackendLogin::replyComplete("250 ok\n"));
    EXPECT_FALSE(SmtpBackendLogin::replyComplete("250 ok\r"));
    EXPECT_TRUE(SmtpBackendLogin::replyComplete("250 ok\r\n"));
    EXPECT_FALSE(SmtpBackendLogin::replyComplete("250-a\r\n"));
    EXPECT_TRUE(SmtpBackendLogin::replyComplete("250-a\r\n250\r\n"));
    EXPECT_FALSE(SmtpBackendLogin::replyComplete("250-a\r\n250-b\r\n"));
    // Mid-line bytes never count: only CRLF followed by a line of 5+ bytes is found.
    EXPECT_TRUE(SmtpBackendLogin::replyComplete("250-a\r\n250 b\r\n"));
}

TEST(SmtpBackendLogin, FailedTextStopsAtNulWhenLoggedAsError) {
    SmtpBackendLogin login(settings(false, false), facts(false, false, false));
    const BackendStep step = login.onReply(std::string("554 a\0b\r\n", 9));
    EXPECT_EQ(step.logText, "upstream sent invalid response: \"554 a\"");
}

TEST(SmtpBackendLogin, RepliesAfterTheEndAreAnInternalError) {
    SmtpBackendLogin login(settings(false, false), facts(false, false, false));
    login.onReply("220 hi\r\n");
    EXPECT_EQ(login.onReply("250 ok\r\n").kind, BackendStep::Done);
    const BackendStep step = login.onReply("250 again\r\n");
    EXPECT_EQ(step.kind, BackendStep::Failed);
    EXPECT_EQ(step.toClient, kInternal);
}

// Through the client protocol: what the session hands over reaches the backend sequence.
TEST(SmtpBackendLogin, ClientProtocolPassesEsmtpHeloAndContext) {
    testing::SmtpDriver smtp;
    smtp.say("EHLO client.example\r\n");
    mail::Credentials creds = smtp.authenticate("AUTH PLAIN AGdvb2QAcHc=\r\n");
    creds.login = "override";  // Auth-User
    auto login = smtp.protocol.makeBackendLogin(creds, {"::1", "[UNAVAILABLE]"});
    login->onReply("220 hi\r\n");
    EXPECT_EQ(login->onReply("250 ok\r\n").toBackend,
              "XCLIENT ADDR=IPV6:::1 LOGIN=override NAME=[UNAVAILABLE]\r\n");
    EXPECT_EQ(login->onReply("220 ok\r\n").toBackend, "EHLO client.example\r\n");
    EXPECT_EQ(login->onReply("250 ok\r\n").toClient, "235 2.0.0 OK\r\n");
}

config::ServerConfig proxyAuthServer() {
    config::ServerConfig server =
        testing::serverWith(config::kAuthPlain | config::kAuthCramMd5 | config::kAuthExternal);
    server.xclient = false;
    server.proxySmtpAuth = true;
    return server;
}

BackendStep afterHelo(mail::BackendLogin& login) {
    login.onReply("220 hi\r\n");
    return login.onReply("250 ok\r\n");
}

TEST(SmtpBackendLogin, CramMd5WithoutAuthPassHasNoPassword) {
    testing::SmtpDriver smtp(proxyAuthServer());
    smtp.say("AUTH CRAM-MD5\r\n");
    const mail::Credentials creds =
        smtp.authenticate("Z29vZCAwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZg==\r\n");
    ASSERT_EQ(creds.method, "cram-md5");
    auto login = smtp.protocol.makeBackendLogin(creds, {"127.0.0.1", "[UNAVAILABLE]"});
    const BackendStep step = afterHelo(*login);
    EXPECT_EQ(step.kind, BackendStep::Failed);
    EXPECT_EQ(step.logText, "no password available");
}

TEST(SmtpBackendLogin, CramMd5WithAuthPassLogsIn) {
    testing::SmtpDriver smtp(proxyAuthServer());
    smtp.say("AUTH CRAM-MD5\r\n");
    mail::Credentials creds = smtp.authenticate("Z29vZCAwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZg==\r\n");
    creds.password = "pw";  // Auth-Pass
    auto login = smtp.protocol.makeBackendLogin(creds, {"127.0.0.1", "[UNAVAILABLE]"});
    EXPECT_EQ(afterHelo(*login).toBackend, "AUTH PLAIN AGdvb2QAcHc=\r\n");
}

TEST(SmtpBackendLogin, ExternalWithoutPasswordHasNone) {
    testing::SmtpDriver smtp(proxyAuthServer());
    const mail::Credentials creds = smtp.authenticate("AUTH EXTERNAL Z29vZA==\r\n");
    auto login = smtp.protocol.makeBackendLogin(creds, {"127.0.0.1", "[UNAVAILABLE]"});
    EXPECT_EQ(afterHelo(*login).logText, "no password available");
}

TEST(SmtpBackendLogin, PlainWithEmptyPasswordStillHasOne) {
    testing::SmtpDriver smtp(proxyAuthServer());
    const mail::Credentials creds = smtp.authenticate("AUTH PLAIN AGdvb2QA\r\n");
    ASSERT_EQ(creds.password, "");
    auto login = smtp.protocol.makeBackendLogin(creds, {"127.0.0.1", "[UNAVAILABLE]"});
    EXPECT_EQ(afterHelo(*login).toBackend, "AUTH PLAIN AGdvb2QA\r\n");
}

}  // namespace
}  // namespace mailwire::smtp
