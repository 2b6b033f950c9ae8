// What a session does with a complete auth_http reply, in nginx's order (§7.6).
#include <gtest/gtest.h>

#include "auth/AuthReply.h"

namespace mailwire::auth {
namespace {

AuthReply okReply() {
    AuthReply reply;
    reply.status = "OK";
    reply.server = "127.0.0.1";
    reply.port = "143";
    return reply;
}

TEST(DecideAuth, OkWithServerAndPortConnects) {
    const AuthDecision decision = decideAuth(okReply(), true, true);
    EXPECT_EQ(decision.kind, AuthDecision::Connect);
    EXPECT_EQ(decision.backendIp, "127.0.0.1");
    EXPECT_EQ(decision.backendPort, 143);
}

TEST(DecideAuth, MissingStatusWithServerAndPortIsSuccess) {
    AuthReply reply = okReply();
    reply.status.reset();
    EXPECT_EQ(decideAuth(reply, true, true).kind, AuthDecision::Connect);
}

TEST(DecideAuth, ErrorStatusIsLoginFailedWithText) {
    AuthReply reply = okReply();  // server and port in an error reply are ignored
    reply.status = "Invalid login or password";
    const AuthDecision decision = decideAuth(reply, true, true);
    EXPECT_EQ(decision.kind, AuthDecision::LoginFailed);
    EXPECT_EQ(decision.text, "Invalid login or password");
    EXPECT_EQ(decision.errorCode, "");
    EXPECT_EQ(decision.waitSeconds, 0);
}

TEST(DecideAuth, ErrorStatusCarriesWaitAndErrorCode) {
    AuthReply reply;
    reply.status = "Temporary";
    reply.waitSeconds = 3;
    reply.errorCode = "550 5.7.1";
    const AuthDecision decision = decideAuth(reply, false, true);
    EXPECT_EQ(decision.kind, AuthDecision::LoginFailed);
    EXPECT_EQ(decision.waitSeconds, 3);
    EXPECT_EQ(decision.errorCode, "550 5.7.1");
}

TEST(DecideAuth, StatusIsCaseSensitive) {
    AuthReply reply = okReply();
    reply.status = "ok";
    EXPECT_EQ(decideAuth(reply, true, true).kind, AuthDecision::LoginFailed);
    reply.status = "wait";
    EXPECT_EQ(decideAuth(reply, true, true).kind, AuthDecision::LoginFailed);
}

TEST(DecideAuth, WaitIsRetryWithDelay) {
    AuthReply reply;
    reply.status = "WAIT";
    reply.waitSeconds = 2;
    const AuthDecision decision = decideAuth(reply, false, true);
    EXPECT_EQ(decision.kind, AuthDecision::Retry);
    EXPECT_EQ(decision.waitSeconds, 2);
}

TEST(DecideAuth, WaitWithoutDelayRetriesAtOnce) {
    AuthReply reply;
    reply.status = "WAIT";
    const AuthDecision decision = decideAuth(reply, true, true);
    EXPECT_EQ(decision.kind, AuthDecision::Retry);
    EXPECT_EQ(decision.waitSeconds, 0);
}

TEST(DecideAuth, MissingOrEmptyServerOrPort) {
    for (int which = 0; which < 4; ++which) {
        AuthReply reply = okReply();
        if (which == 0) reply.server.reset();
        if (which == 1) reply.port.reset();
        if (which == 2) reply.server = "";
        if (which == 3) reply.port = "";
        const AuthDecision decision = decideAuth(reply, true, true);
        EXPECT_EQ(decision.kind, AuthDecision::InternalError) << which;
        EXPECT_EQ(decision.logMessage, "did not send server or port") << which;
    }
}

TEST(DecideAuth, MissingServerIsCheckedBeforeMissingPassword) {
    AuthReply reply = okReply();
    reply.server.reset();
    EXPECT_EQ(decideAuth(reply, false, true).logMessage, "did not send server or port");
}

TEST(DecideAuth, NoPasswordForImapOrPop3) {
    const AuthDecision decision = decideAuth(okReply(), false, true);
    EXPECT_EQ(decision.kind, AuthDecision::InternalError);
    EXPECT_EQ(decision.logMessage, "did not send password");
}

TEST(DecideAuth, AuthPassInReplySuppliesThePassword) {
    AuthReply reply = okReply();
    reply.pass = "";  // present, even if empty
    EXPECT_EQ(decideAuth(reply, false, true).kind, AuthDecision::Connect);
}

TEST(DecideAuth, SmtpNeedsNoPassword) {
    EXPECT_EQ(decideAuth(okReply(), false, false).kind, AuthDecision::Connect);
}

TEST(DecideAuth, PasswordIsCheckedBeforeTheAddress) {
    AuthReply reply = okReply();
    reply.server = "localhost";
    EXPECT_EQ(decideAuth(reply, false, true).logMessage, "did not send password");
}

TEST(DecideAuth, HostNameIsAnInvalidServerAddress) {
    AuthReply reply = okReply();
    reply.server = "localhost";
    const AuthDecision decision = decideAuth(reply, true, true);
    EXPECT_EQ(decision.kind, AuthDecision::InternalError);
    EXPECT_EQ(decision.logMessage, "sent invalid server address:\"localhost\"");
}

TEST(DecideAuth, BracketedIpv6AndAddressWithPortAreInvalid) {
    for (const char* server :
         {"[::1]", "127.0.0.1:143", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", " 1.2.3.4"}) {
        AuthReply reply = okReply();
        reply.server = server;
        EXPECT_EQ(decideAuth(reply, true, true).logMessage,
                  std::string("sent invalid server address:\"") + server + "\"");
    }
}

TEST(DecideAuth, Ipv6LiteralConnects) {
    AuthReply reply = okReply();
    reply.server = "0:0::1";
    const AuthDecision decision = decideAuth(reply, true, true);
    EXPECT_EQ(decision.kind, AuthDecision::Connect);
    EXPECT_EQ(decision.backendIp, "::1");
}

TEST(DecideAuth, Ipv4WithLeadingZerosIsDecimal) {
    AuthReply reply = okReply();
    reply.server = "010.000.0.1";
    EXPECT_EQ(decideAuth(reply, true, true).backendIp, "10.0.0.1");
}

TEST(DecideAuth, BadPorts) {
    for (const char* port : {"0", "65536", "-1", "14x", "+143", " 143", "99999999999999999999"}) {
        AuthReply reply = okReply();
        reply.port = port;
        const AuthDecision decision = decideAuth(reply, true, true);
        EXPECT_EQ(decision.kind, AuthDecision::InternalError) << port;
        EXPECT_EQ(decision.logMessage, std::string("sent invalid server port:\"") + port + "\"");
    }
}

TEST(DecideAuth, AddressIsCheckedBeforePort) {
    AuthReply reply = okReply();
    reply.server = "mail";
    reply.port = "0";
    EXPECT_EQ(decideAuth(reply, true, true).logMessage, "sent invalid server address:\"mail\"");
}

TEST(DecideAuth, PortLimits) {
    AuthReply reply = okReply();
    reply.port = "1";
    EXPECT_EQ(decideAuth(reply, true, true).backendPort, 1);
    reply.port = "65535";
    EXPECT_EQ(decideAuth(reply, true, true).backendPort, 65535);
    reply.port = "00025";
    EXPECT_EQ(decideAuth(reply, true, true).backendPort, 25);
}

TEST(ParseServerAddress, AcceptsLiteralsOnly) {
    EXPECT_EQ(parseServerAddress("192.0.2.1"), "192.0.2.1");
    EXPECT_EQ(parseServerAddress("255.255.255.255"), "255.255.255.255");
    EXPECT_EQ(parseServerAddress("2001:db8::1"), "2001:db8::1");
    EXPECT_EQ(parseServerAddress("::ffff:1.2.3.4"), "::ffff:1.2.3.4");
    EXPECT_EQ(parseServerAddress(""), std::nullopt);
    EXPECT_EQ(parseServerAddress("1.2.3.4."), std::nullopt);
    EXPECT_EQ(parseServerAddress("0x7f.0.0.1"), std::nullopt);
    EXPECT_EQ(parseServerAddress(std::string("::1\0", 4)), std::nullopt);
}

}  // namespace
}  // namespace mailwire::auth
