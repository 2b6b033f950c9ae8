// The auth_http request, byte for byte against what nginx sends (§7.2, §7.4).
#include <gtest/gtest.h>

#include "auth/AuthRequest.h"

namespace mailwire::auth {
namespace {

config::AuthHttpTarget authTarget() {
    config::AuthHttpTarget target;
    target.host = "127.0.0.1";
    target.port = 9000;
    target.uri = "/auth";
    target.hostHeader = "127.0.0.1";
    target.text = "http://127.0.0.1:9000/auth";
    return target;
}

const std::vector<std::pair<std::string, std::string>> kXTest{{"X-Test", "one two"}};

AuthRequest plainPop3() {
    AuthRequest request;
    request.method = "plain";
    request.user = "good";
    request.pass = "my pass ";
    request.protocol = "pop3";
    request.clientIp = "127.0.0.1";
    return request;
}

TEST(EscapeHeaderValue, LeavesOrdinaryBytesRaw) { EXPECT_EQ(escapeHeaderValue("good"), "good"); }

TEST(EscapeHeaderValue, EscapesSpaceAndCarriageReturn) {
    EXPECT_EQ(escapeHeaderValue("pa ss\r"), "pa%20ss%0D");
}

TEST(EscapeHeaderValue, KeepsPlusEqualsAndUtf8Raw) {
    EXPECT_EQ(escapeHeaderValue("a+b=c d\xC3\xA9"), "a+b=c%20d\xC3\xA9");
}

TEST(EscapeHeaderValue, KeepsQuoteAndBackslashRaw) { EXPECT_EQ(escapeHeaderValue("we\"ird\\"), "we\"ird\\"); }

TEST(EscapeHeaderValue, EscapesPercent) { EXPECT_EQ(escapeHeaderValue("100%"), "100%25"); }

TEST(EscapeHeaderValue, EscapesEveryControlByteInUppercaseHex) {
    std::string raw;
    std::string expected;
    static const char kHex[] = "0123456789ABCDEF";
    for (int c = 0; c <= 0x1F; ++c) {
        raw += static_cast<char>(c);
        expected += std::string("%") + kHex[c >> 4] + kHex[c & 0xF];
    }
    EXPECT_EQ(escapeHeaderValue(raw), expected);
    EXPECT_EQ(escapeHeaderValue("\n\x1f"), "%0A%1F");
}

TEST(EscapeHeaderValue, LeavesDeleteAndHighBytesRaw) {
    EXPECT_EQ(escapeHeaderValue("\x7F\x80\xFF~!"), "\x7F\x80\xFF~!");
}

TEST(EscapeHeaderValue, EmptyStaysEmpty) { EXPECT_EQ(escapeHeaderValue(""), ""); }

TEST(BuildAuthRequest, PlainPop3MatchesNginx) {
    EXPECT_EQ(
        buildAuthRequest(plainPop3(), authTarget(), kXTest),
        "GET /auth HTTP/1.0\r\nHost: 127.0.0.1\r\nAuth-Method: plain\r\nAuth-User: good\r\n"
        "Auth-Pass: my%20pass%20\r\nAuth-Protocol: pop3\r\nAuth-Login-Attempt: 1\r\nClient-IP: 127.0.0.1\r\n"
        "X-Test: one two\r\n\r\n");
}

TEST(BuildAuthRequest, CramMd5ImapSendsSaltAfterPass) {
    AuthRequest request;
    request.method = "cram-md5";
    request.user = "good";
    request.pass = "0123456789abcdef0123456789abcdef";
    request.salt = "<1951602462.1795311090@mail.example.com>";
    request.protocol = "imap";
    request.clientIp = "127.0.0.1";
    EXPECT_EQ(buildAuthRequest(request, authTarget(), kXTest),
              "GET /auth HTTP/1.0\r\nHost: 127.0.0.1\r\nAuth-Method: cram-md5\r\nAuth-User: good\r\n"
              "Auth-Pass: 0123456789abcdef0123456789abcdef\r\n"
              "Auth-Salt: <1951602462.1795311090@mail.example.com>\r\nAuth-Protocol: imap\r\n"
              "Auth-Login-Attempt: 1\r\nClient-IP: 127.0.0.1\r\nX-Test: one two\r\n\r\n");
}

TEST(BuildAuthRequest, ApopSendsSalt) {
    AuthRequest request = plainPop3();
    request.method = "apop";
    request.pass = "digest";
    request.salt = "<1.2@example>";
    const std::string bytes = buildAuthRequest(request, authTarget(), {});
    EXPECT_NE(bytes.find("Auth-Pass: digest\r\nAuth-Salt: <1.2@example>\r\nAuth-Protocol: pop3\r\n"),
              std::string::npos);
}

TEST(BuildAuthRequest, SaltIsLeftOutForPlainAndExternal) {
    for (const char* method : {"plain", "external", "none"}) {
        AuthRequest request = plainPop3();
        request.method = method;
        request.salt = "<1.2@example>";
        EXPECT_EQ(buildAuthRequest(request, authTarget(), {}).find("Auth-Salt"), std::string::npos) << method;
    }
}

TEST(BuildAuthRequest, SmtpNoneModeMatchesNginx) {
    AuthRequest request;
    request.method = "none";
    request.protocol = "smtp";
    request.clientIp = "127.0.0.1";
    request.clientHost = "[UNAVAILABLE]";
    request.smtpHelo = "cl";
    request.smtpFrom = "MAIL FROM: <a@b> SIZE=10";
    request.smtpTo = "RCPT TO:<c@d>";
    EXPECT_EQ(
        buildAuthRequest(request, authTarget(), kXTest),
        "GET /auth HTTP/1.0\r\nHost: 127.0.0.1\r\nAuth-Method: none\r\nAuth-User: \r\nAuth-Pass: \r\n"
        "Auth-Protocol: smtp\r\nAuth-Login-Attempt: 1\r\nClient-IP: 127.0.0.1\r\n"
        "Client-Host: [UNAVAILABLE]\r\nAuth-SMTP-Helo: cl\r\nAuth-SMTP-From: MAIL FROM: <a@b> SIZE=10\r\n"
        "Auth-SMTP-To: RCPT TO:<c@d>\r\nX-Test: one two\r\n\r\n");
}

TEST(BuildAuthRequest, SmtpHeadersOnlyForMethodNone) {
    AuthRequest request = plainPop3();
    request.protocol = "smtp";
    request.smtpHelo = "cl";
    request.smtpFrom = "MAIL FROM:<a@b>";
    request.smtpTo = "RCPT TO:<c@d>";
    EXPECT_EQ(buildAuthRequest(request, authTarget(), {}).find("Auth-SMTP"), std::string::npos);
}

TEST(BuildAuthRequest, ProxyProtocolHeadersMatchNginx) {
    AuthRequest request;
    request.method = "plain";
    request.user = "good";
    request.pass = "pw";
    request.protocol = "smtp";
    request.clientIp = "192.0.2.7";
    request.clientHost = "[UNAVAILABLE]";
    request.hasProxyProtocol = true;
    request.proxyProtocolAddr = "192.0.2.7";
    request.proxyProtocolPort = "40000";
    request.proxyProtocolServerAddr = "198.51.100.1";
    request.proxyProtocolServerPort = "25";
    EXPECT_EQ(
        buildAuthRequest(request, authTarget(), kXTest),
        "GET /auth HTTP/1.0\r\nHost: 127.0.0.1\r\nAuth-Method: plain\r\nAuth-User: good\r\nAuth-Pass: pw\r\n"
        "Auth-Protocol: smtp\r\nAuth-Login-Attempt: 1\r\nClient-IP: 192.0.2.7\r\n"
        "Client-Host: [UNAVAILABLE]\r\nProxy-Protocol-Addr: 192.0.2.7\r\nProxy-Protocol-Port: 40000\r\n"
        "Proxy-Protocol-Server-Addr: 198.51.100.1\r\nProxy-Protocol-Server-Port: 25\r\nX-Test: one "
        "two\r\n\r\n");
}

TEST(BuildAuthRequest, ClientHostOnlyWhenSet) {
    EXPECT_EQ(buildAuthRequest(plainPop3(), authTarget(), {}).find("Client-Host"), std::string::npos);
}

TEST(BuildAuthRequest, EscapesUserAndPassButNotSalt) {
    AuthRequest request = plainPop3();
    request.method = "apop";
    request.user = "a b%";
    request.pass = "pa ss\r";
    request.salt = "<1 2@x>";
    const std::string bytes = buildAuthRequest(request, authTarget(), {});
    EXPECT_NE(bytes.find("Auth-User: a%20b%25\r\nAuth-Pass: pa%20ss%0D\r\nAuth-Salt: <1 2@x>\r\n"),
              std::string::npos);
}

TEST(BuildAuthRequest, EmptyCredentialsStillSendUserAndPass) {
    AuthRequest request = plainPop3();
    request.method = "external";
    request.user = "cert-user";
    request.pass = "";
    EXPECT_NE(buildAuthRequest(request, authTarget(), {}).find("Auth-User: cert-user\r\nAuth-Pass: \r\n"),
              std::string::npos);
}

TEST(BuildAuthRequest, LoginAttemptAndIpv6ClientIp) {
    AuthRequest request = plainPop3();
    request.loginAttempt = 12;
    request.clientIp = "::1";
    const std::string bytes = buildAuthRequest(request, authTarget(), {});
    EXPECT_NE(bytes.find("Auth-Login-Attempt: 12\r\nClient-IP: ::1\r\n\r\n"), std::string::npos);
}

TEST(BuildAuthRequest, UsesTargetUriAndHostHeader) {
    config::AuthHttpTarget target = authTarget();
    target.uri = "/cgi/auth.php?x=1";
    target.hostHeader = "localhost";
    EXPECT_EQ(buildAuthRequest(plainPop3(), target, {})
                  .rfind("GET /cgi/auth.php?x=1 HTTP/1.0\r\nHost: localhost\r\n", 0),
              0u);
}

TEST(BuildAuthRequest, ConfigHeadersLastInConfigOrderThenBlankLine) {
    const std::string bytes =
        buildAuthRequest(plainPop3(), authTarget(), {{"X-B", "2"}, {"X-A", "1"}, {"X-B", "3 three"}});
    const std::string tail = "Client-IP: 127.0.0.1\r\nX-B: 2\r\nX-A: 1\r\nX-B: 3 three\r\n\r\n";
    ASSERT_GE(bytes.size(), tail.size());
    EXPECT_EQ(bytes.substr(bytes.size() - tail.size()), tail);
}

TEST(BuildAuthRequest, NoConnectionUserAgentOrContentLength) {
    const std::string bytes = buildAuthRequest(plainPop3(), authTarget(), {});
    EXPECT_EQ(bytes.find("Connection"), std::string::npos);
    EXPECT_EQ(bytes.find("User-Agent"), std::string::npos);
    EXPECT_EQ(bytes.find("Content-Length"), std::string::npos);
}

}  // namespace
}  // namespace mailwire::auth
