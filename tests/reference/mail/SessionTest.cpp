// The session state machine end to end with the real IMAP protocol, and mocks for every I/O seam:
// no sockets, no clock.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include "mail/ProtocolFactory.h"
#include "mail/Session.h"
#include "mocks/DnsMocks.h"
#include "mocks/FakeConnection.h"
#include "mocks/ManualTimers.h"
#include "mocks/Mocks.h"

namespace mailwire::testing {
namespace {

using ::testing::_;
using ::testing::HasSubstr;
using ::testing::NiceMock;
using ::testing::Return;

class SessionTest : public ::testing::Test {
  protected:
    void SetUp() override {
        server_ = std::make_shared<config::ServerConfig>();
        server_->serverName = "mx.example";
        server_->authHttp.host = "127.0.0.1";
        server_->authHttp.port = 9000;
        server_->authHttp.uri = "/auth";
        server_->authHttp.hostHeader = "127.0.0.1";
        server_->timeout = std::chrono::seconds(60);
        // Like an error_log at info: the step-by-step debug lines have a test of their own.
        ON_CALL(log_, enabled(_)).WillByDefault([this](core::LogLevel level) {
            return debugLog_ || level != core::LogLevel::Debug;
        });
        ON_CALL(log_, write(_, _)).WillByDefault([this](core::LogLevel, const std::string& line) {
            logLines_.push_back(line);
        });
    }

    void startSession(mail::ClientOrigin origin = {}) {
        auto client = std::make_unique<FakeConnection>();
        client_ = client.get();
        mail::SessionDeps deps{
            timers_,
            log_,
            backends_,
            [this] {
                auto auth = std::make_unique<NiceMock<MockAuthClient>>();
                ON_CALL(*auth, start(_, _))
                    .WillByDefault([this](const std::string& request,
                                          std::function<void(const auth::AuthOutcome&)> done) {
                        authRequests_.push_back(request);
                        authDone_ = std::move(done);
                    });
                return auth;
            },
            [this] { finished_ = true; },
            makeResolver_};
        session_ =
            std::make_unique<mail::Session>(1, std::move(deps), std::move(client), server_, "127.0.0.1:1143",
                                            mail::makeClientProtocol(*server_), std::move(origin));
        session_->start();
    }

    void clientSays(const std::string& bytes) {
        client_->peerSends(bytes);
        client_->deliver();
    }

    void authReplies(const std::vector<std::pair<std::string, std::string>>& headers) {
        auth::AuthOutcome outcome;
        outcome.status = auth::AuthOutcome::Replied;
        outcome.peer = "127.0.0.1:9000";
        for (const auto& [name, value] : headers) {
            if (name == "Auth-Status") outcome.reply.status = value;
            if (name == "Auth-Server") outcome.reply.server = value;
            if (name == "Auth-Port") outcome.reply.port = value;
            if (name == "Auth-User") outcome.reply.user = value;
            if (name == "Auth-Pass") outcome.reply.pass = value;
            if (name == "Auth-Wait") outcome.reply.waitSeconds = std::stoi(value);
        }
        ASSERT_TRUE(authDone_);
        auto done = std::move(authDone_);
        done(outcome);
    }

    // Expects a backend connect and hands the session a fake backend connection.
    void expectBackendConnect(const std::string& ip, unsigned short port) {
        EXPECT_CALL(backends_, connect(ip, port, _))
            .WillOnce([this](const std::string&, unsigned short, core::ConnectionHandler* handler) {
                auto backend = std::make_unique<FakeConnection>();
                backend_ = backend.get();
                backend_->setHandler(handler);
                backend_->setReadInterest(true);
                return backend;
            });
    }

    void backendSays(const std::string& bytes) {
        backend_->peerSends(bytes);
        backend_->deliver();
    }

    // Runs nginx's IMAP backend login for tag "a1 " and user/pass.
    void completeBackendLogin(const std::string& user, const std::string& pass) {
        backendSays("* OK backend ready\r\n");
        EXPECT_EQ(backend_->takeWritten(), "a1 LOGIN {" + std::to_string(user.size()) + "}\r\n");
        backendSays("+ OK\r\n");
        EXPECT_EQ(backend_->takeWritten(), user + " {" + std::to_string(pass.size()) + "}\r\n");
        backendSays("+ OK\r\n");
        EXPECT_EQ(backend_->takeWritten(), pass + "\r\n");
    }

    std::shared_ptr<config::ServerConfig> server_;
    ManualTimers timers_;
    NiceMock<MockLog> log_;
    MockBackendConnector backends_;
    std::unique_ptr<mail::Session> session_;
    FakeConnection* client_ = nullptr;
    FakeConnection* backend_ = nullptr;
    std::vector<std::string> authRequests_;
    std::function<void(const auth::AuthOutcome&)> authDone_;
    std::vector<std::string> logLines_;
    bool finished_ = false;
    bool debugLog_ = false;
    std::function<std::unique_ptr<resolver::ClientHostResolver>()> makeResolver_;
};

TEST_F(SessionTest, GreetsAndAnswersCapabilityThenLogout) {
    startSession();
    EXPECT_EQ(client_->takeWritten(), "* OK IMAP4 ready\r\n");
    clientSays("c1 CAPABILITY\r\n");
    EXPECT_EQ(client_->takeWritten(),
              "* CAPABILITY IMAP4 IMAP4rev1 UIDPLUS AUTH=PLAIN\r\nc1 OK completed\r\n");
    clientSays("c2 LOGOUT\r\n");
    EXPECT_EQ(client_->takeWritten(), "* BYE\r\nc2 OK completed\r\n");
    EXPECT_TRUE(client_->closed());
    EXPECT_TRUE(finished_);
}

TEST_F(SessionTest, LoginAsksAuthHttpLogsInToBackendAndRelays) {
    startSession();
    client_->takeWritten();
    clientSays("a1 LOGIN alice secret\r\n");
    ASSERT_EQ(authRequests_.size(), 1u);
    EXPECT_EQ(
        authRequests_[0],
        "GET /auth HTTP/1.0\r\nHost: 127.0.0.1\r\nAuth-Method: plain\r\nAuth-User: alice\r\n"
        "Auth-Pass: secret\r\nAuth-Protocol: imap\r\nAuth-Login-Attempt: 1\r\nClient-IP: 127.0.0.1\r\n\r\n");
    EXPECT_FALSE(client_->readInterest()) << "nginx does not read the client while auth_http answers";

    expectBackendConnect("127.0.0.1", 1143);
    authReplies({{"Auth-Status", "OK"}, {"Auth-Server", "127.0.0.1"}, {"Auth-Port", "1143"}});
    completeBackendLogin("alice", "secret");
    EXPECT_EQ(client_->takeWritten(), "");  // the client sees nothing until the backend's final reply
    backendSays("a1 OK LOGIN completed\r\n");
    EXPECT_EQ(client_->takeWritten(), "a1 OK LOGIN completed\r\n");

    clientSays("a2 SELECT INBOX\r\n");
    EXPECT_EQ(backend_->takeWritten(), "a2 SELECT INBOX\r\n");
    backendSays("* 0 EXISTS\r\na2 OK done\r\n");
    EXPECT_EQ(client_->takeWritten(), "* 0 EXISTS\r\na2 OK done\r\n");

    backend_->peerCloses();
    backend_->deliver();
    EXPECT_TRUE(finished_);
    EXPECT_THAT(logLines_.back(), ::testing::StartsWith("*1 proxied session done, client: 127.0.0.1"));
}

TEST_F(SessionTest, AuthUserAndPassOverridesReachTheBackend) {
    startSession();
    clientSays("a1 LOGIN alice secret\r\n");
    expectBackendConnect("127.0.0.1", 1143);
    authReplies({{"Auth-Status", "OK"},
                 {"Auth-Server", "127.0.0.1"},
                 {"Auth-Port", "1143"},
                 {"Auth-User", "bob"},
                 {"Auth-Pass", "hunter22"}});
    completeBackendLogin("bob", "hunter22");
}

TEST_F(SessionTest, PipelinedBytesAfterLoginGoToTheBackendAfterItsLogin) {
    startSession();
    clientSays("a1 LOGIN alice secret\r\na2 SELECT INBOX\r\n");
    expectBackendConnect("127.0.0.1", 1143);
    authReplies({{"Auth-Status", "OK"}, {"Auth-Server", "127.0.0.1"}, {"Auth-Port", "1143"}});
    completeBackendLogin("alice", "secret");
    backendSays("a1 OK LOGIN completed\r\n");
    EXPECT_EQ(backend_->takeWritten(), "a2 SELECT INBOX\r\n");
}

TEST_F(SessionTest, AuthFailureWithoutWaitAnswersNoAndCloses) {
    startSession();
    client_->takeWritten();
    clientSays("a1 LOGIN alice wrong\r\n");
    authReplies({{"Auth-Status", "Invalid login or password"}});
    EXPECT_EQ(client_->takeWritten(), "a1 NO Invalid login or password\r\n");
    EXPECT_TRUE(client_->closed());
}

TEST_F(SessionTest, AuthWaitDelaysTheErrorThenAllowsASecondAttempt) {
    startSession();
    client_->takeWritten();
    clientSays("a1 LOGIN alice wrong\r\n");
    authReplies({{"Auth-Status", "Invalid login or password"}, {"Auth-Wait", "3"}});
    EXPECT_EQ(client_->takeWritten(), "");
    timers_.advance(std::chrono::milliseconds(2999));
    EXPECT_EQ(client_->takeWritten(), "");
    timers_.advance(std::chrono::milliseconds(1));
    EXPECT_EQ(client_->takeWritten(), "a1 NO Invalid login or password\r\n");
    EXPECT_FALSE(client_->closed());

    clientSays("a2 LOGIN alice secret\r\n");
    ASSERT_EQ(authRequests_.size(), 2u);
    EXPECT_THAT(authRequests_[1], HasSubstr("Auth-Login-Attempt: 2\r\n"));
}

TEST_F(SessionTest, AuthStatusWaitRepeatsTheSameRequest) {
    startSession();
    clientSays("a1 LOGIN alice secret\r\n");
    authReplies({{"Auth-Status", "WAIT"}, {"Auth-Wait", "2"}});
    EXPECT_EQ(authRequests_.size(), 1u);
    timers_.advance(std::chrono::seconds(2));
    ASSERT_EQ(authRequests_.size(), 2u);
    EXPECT_EQ(authRequests_[0], authRequests_[1]);
}

TEST_F(SessionTest, UnreachableAuthServerGivesTheInternalError) {
    startSession();
    client_->takeWritten();
    clientSays("a1 LOGIN alice secret\r\n");
    auth::AuthOutcome outcome;
    outcome.status = auth::AuthOutcome::TimedOut;
    outcome.error = "timed out";
    outcome.peer = "127.0.0.1:9000";
    authDone_(outcome);
    EXPECT_EQ(client_->takeWritten(), "* BAD internal server error\r\n");
    EXPECT_TRUE(client_->closed());
    EXPECT_THAT(logLines_.back(),
                HasSubstr("auth http server 127.0.0.1:9000 timed out while in http auth state"));
}

TEST_F(SessionTest, AuthServerClosingEarlyGivesTheInternalErrorWithoutAnErrorLine) {
    startSession();
    client_->takeWritten();
    clientSays("a1 LOGIN alice secret\r\n");
    const size_t before = logLines_.size();
    auth::AuthOutcome outcome;
    outcome.status = auth::AuthOutcome::Closed;  // EOF before the end of the head: nginx logs nothing
    outcome.peer = "127.0.0.1:9000";
    authDone_(outcome);
    EXPECT_EQ(client_->takeWritten(), "* BAD internal server error\r\n");
    EXPECT_EQ(logLines_.size(), before);
}

TEST_F(SessionTest, AuthServerRefusingTheConnectionLogsTheConnectError) {
    startSession();
    clientSays("a1 LOGIN alice secret\r\n");
    auth::AuthOutcome outcome;
    outcome.status = auth::AuthOutcome::ConnectFailed;
    outcome.error = "recv() failed (111: Connection refused)";
    outcome.peer = "127.0.0.1:9000";
    authDone_(outcome);
    EXPECT_THAT(logLines_.back(),
                ::testing::StartsWith("*1 recv() failed (111: Connection refused) while in http auth state, "
                                      "client: 127.0.0.1, server: 127.0.0.1:1143, login: \"alice\""));
}

TEST_F(SessionTest, MissingBackendAddressGivesTheInternalError) {
    startSession();
    client_->takeWritten();
    clientSays("a1 LOGIN alice secret\r\n");
    authReplies({{"Auth-Status", "OK"}});
    EXPECT_EQ(client_->takeWritten(), "* BAD internal server error\r\n");
    EXPECT_THAT(logLines_.back(), HasSubstr("did not send server or port"));
}

TEST_F(SessionTest, BackendConnectFailureGivesTheInternalError) {
    startSession();
    client_->takeWritten();
    clientSays("a1 LOGIN alice secret\r\n");
    expectBackendConnect("127.0.0.1", 1143);
    authReplies({{"Auth-Status", "OK"}, {"Auth-Server", "127.0.0.1"}, {"Auth-Port", "1143"}});
    backend_->handler()->onConnectFailed(
        {core::ConnectFailure::RefusedOnRead, "recv() failed (111: Connection refused)"});
    EXPECT_EQ(client_->takeWritten(), "* BAD internal server error\r\n");
    EXPECT_TRUE(client_->closed());
}

TEST_F(SessionTest, BackendLoginTimeoutGivesTheInternalError) {
    startSession();
    client_->takeWritten();
    clientSays("a1 LOGIN alice secret\r\n");
    expectBackendConnect("127.0.0.1", 1143);
    authReplies({{"Auth-Status", "OK"}, {"Auth-Server", "127.0.0.1"}, {"Auth-Port", "1143"}});
    timers_.advance(std::chrono::seconds(60));
    EXPECT_EQ(client_->takeWritten(), "* BAD internal server error\r\n");
    EXPECT_THAT(logLines_.back(), HasSubstr("upstream timed out"));
}

TEST_F(SessionTest, PreAuthTimeoutIsATotalDeadlineAndClosesSilently) {
    server_->timeout = std::chrono::seconds(2);
    startSession();
    client_->takeWritten();
    timers_.advance(std::chrono::milliseconds(1500));
    clientSays("n1 NOOP\r\n");  // commands do not restart the timer
    EXPECT_EQ(client_->takeWritten(), "n1 OK completed\r\n");
    timers_.advance(std::chrono::milliseconds(500));
    EXPECT_EQ(client_->takeWritten(), "");
    EXPECT_TRUE(client_->closed());
}

TEST_F(SessionTest, ProxyTimeoutIsReArmedOnlyByClientActivity) {
    server_->proxyTimeout = std::chrono::seconds(2);
    startSession();
    clientSays("a1 LOGIN alice secret\r\n");
    expectBackendConnect("127.0.0.1", 1143);
    authReplies({{"Auth-Status", "OK"}, {"Auth-Server", "127.0.0.1"}, {"Auth-Port", "1143"}});
    completeBackendLogin("alice", "secret");
    backendSays("a1 OK LOGIN completed\r\n");
    timers_.advance(std::chrono::milliseconds(1500));
    backendSays("* 1 EXISTS\r\n");  // backend traffic alone does not keep the session alive
    timers_.advance(std::chrono::milliseconds(500));
    EXPECT_TRUE(finished_);
}

TEST_F(SessionTest, ClientEofBeforeLoginClosesWithoutReply) {
    startSession();
    client_->takeWritten();
    client_->peerCloses();
    client_->deliver();
    EXPECT_EQ(client_->takeWritten(), "");
    EXPECT_TRUE(finished_);
    EXPECT_TRUE(authRequests_.empty());
    EXPECT_TRUE(logLines_.empty()) << "nginx 1.22 logs nothing for a client that leaves before logging in";
}

TEST_F(SessionTest, BackendRejectionWithoutPassthroughGivesTheInternalError) {
    startSession();
    client_->takeWritten();
    clientSays("a1 LOGIN alice secret\r\n");
    expectBackendConnect("127.0.0.1", 1143);
    authReplies({{"Auth-Status", "OK"}, {"Auth-Server", "127.0.0.1"}, {"Auth-Port", "1143"}});
    completeBackendLogin("alice", "secret");
    backendSays("a1 NO [AUTHENTICATIONFAILED] nope\r\n");
    EXPECT_EQ(client_->takeWritten(), "* BAD internal server error\r\n");
    EXPECT_TRUE(client_->closed());
}

TEST_F(SessionTest, BackendRejectionWithPassthroughRelaysTheBackendReply) {
    server_->proxyPassErrorMessage = true;
    startSession();
    client_->takeWritten();
    clientSays("a1 LOGIN alice secret\r\n");
    expectBackendConnect("127.0.0.1", 1143);
    authReplies({{"Auth-Status", "OK"}, {"Auth-Server", "127.0.0.1"}, {"Auth-Port", "1143"}});
    completeBackendLogin("alice", "secret");
    backendSays("a1 NO [AUTHENTICATIONFAILED] nope\r\n");
    EXPECT_EQ(client_->takeWritten(), "a1 NO [AUTHENTICATIONFAILED] nope\r\n");
    EXPECT_TRUE(client_->closed());
}

TEST_F(SessionTest, ShutdownTimeoutClosesARelayedSessionWithItsLogLine) {
    startSession();
    clientSays("a1 LOGIN alice secret\r\n");
    expectBackendConnect("127.0.0.1", 1143);
    authReplies({{"Auth-Status", "OK"}, {"Auth-Server", "127.0.0.1"}, {"Auth-Port", "1143"}});
    completeBackendLogin("alice", "secret");
    backendSays("a1 OK LOGIN completed\r\n");
    session_->shutdown("shutdown timeout");
    EXPECT_TRUE(finished_);
    EXPECT_TRUE(client_->closed());
    EXPECT_TRUE(backend_->closed());
    EXPECT_THAT(logLines_.back(), HasSubstr("shutdown timeout while proxying"));
}

TEST_F(SessionTest, Pop3LogLinesNameTheLoginFromUserOn) {
    server_->protocol = config::Protocol::Pop3;
    startSession();
    clientSays("USER alice\r\n");
    clientSays("STAT\r\n");              // not valid before login: back to the START state, login kept
    clientSays("AUTH PLAIN AGFs*\r\n");  // bad base64: logged at info, with nginx's s->login in the context
    EXPECT_EQ(client_->takeWritten(),
              "+OK POP3 ready\r\n+OK\r\n-ERR invalid command\r\n-ERR invalid command\r\n");
    ASSERT_FALSE(logLines_.empty());
    EXPECT_THAT(logLines_.back(),
                HasSubstr("client sent invalid base64 encoding in AUTH PLAIN command while in "
                          "auth state, client: 127.0.0.1, server: 127.0.0.1:1143, login: "
                          "\"alice\""));
}

// ---- SMTP: the client's host name and the greeting delay happen in the session, before the greeting ----

TEST_F(SessionTest, SmtpWithoutResolverSendsUnavailableAsClientHost) {
    server_->protocol = config::Protocol::Smtp;
    startSession();
    EXPECT_EQ(client_->takeWritten(), "220 mx.example ESMTP ready\r\n");
    clientSays("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n");
    ASSERT_EQ(authRequests_.size(), 1u);
    EXPECT_THAT(authRequests_[0], HasSubstr("Client-IP: 127.0.0.1\r\nClient-Host: [UNAVAILABLE]\r\n"));
}

TEST_F(SessionTest, SmtpGreetsOnlyOnceTheResolverAnswersAndLogsItsErrorsWithTheirAction) {
    server_->protocol = config::Protocol::Smtp;
    resolver::ClientHostResolver::Done resolved;
    makeResolver_ = [&] {
        auto resolver = std::make_unique<NiceMock<MockClientHostResolver>>();
        EXPECT_CALL(*resolver, start("127.0.0.1", _)).WillOnce(::testing::SaveArg<1>(&resolved));
        return resolver;
    };
    startSession();
    EXPECT_EQ(client_->takeWritten(), "");
    EXPECT_FALSE(client_->readInterest()) << "nginx does not read the client while resolving";
    ASSERT_TRUE(resolved);
    resolved("[TEMPUNAVAIL]",
             {{"in resolving client hostname", "\"c.example\" could not be resolved (2: Server failure)"}});
    EXPECT_EQ(client_->takeWritten(), "220 mx.example ESMTP ready\r\n");
    EXPECT_THAT(logLines_.back(),
                HasSubstr("\"c.example\" could not be resolved (2: Server failure) while in "
                          "resolving client hostname"));
    clientSays("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n");
    ASSERT_EQ(authRequests_.size(), 1u);
    EXPECT_THAT(authRequests_[0], HasSubstr("Client-Host: [TEMPUNAVAIL]\r\n"));
}

TEST_F(SessionTest, SmtpGreetingDelayRejectsAClientThatTalksFirst) {
    server_->protocol = config::Protocol::Smtp;
    server_->smtpGreetingDelay = std::chrono::seconds(2);
    startSession();
    EXPECT_EQ(client_->takeWritten(), "");
    clientSays("EHLO eager\r\n");
    EXPECT_EQ(client_->takeWritten(), "503 5.5.0 Improper use of SMTP command pipelining\r\n");
    EXPECT_TRUE(client_->closed());
    EXPECT_THAT(logLines_.back(), HasSubstr("client was rejected before greeting: \"EHLO eager__\""));
}

TEST_F(SessionTest, SmtpGreetingDelayGreetsAPatientClientAfterTheDelay) {
    server_->protocol = config::Protocol::Smtp;
    server_->smtpGreetingDelay = std::chrono::seconds(2);
    startSession();
    timers_.advance(std::chrono::milliseconds(1999));
    EXPECT_EQ(client_->takeWritten(), "");
    timers_.advance(std::chrono::milliseconds(1));
    EXPECT_EQ(client_->takeWritten(), "220 mx.example ESMTP ready\r\n");
}

// ---- the PROXY header and realip (spec 10), the PROXY header to backends (spec 8.2), debug lines ----

mail::ClientOrigin behindBalancer() {
    mail::ClientOrigin origin;
    origin.proxyProtocol = true;
    origin.peerFamily = AF_INET;
    origin.peerPort = 50000;
    origin.localFamily = AF_INET;
    origin.localIp = "127.0.0.1";
    origin.localPort = 1143;
    return origin;
}

config::RealIpSource loopbackNet() {
    config::RealIpSource source;
    source.family = AF_INET;
    source.address[0] = 127;
    source.prefixLength = 8;
    return source;
}

TEST_F(SessionTest, ProxyHeaderFromATrustedPeerMakesItsSourceTheClient) {
    server_->setRealIpFrom = {loopbackNet()};
    startSession(behindBalancer());
    EXPECT_EQ(client_->takeWritten(), "") << "no greeting before the PROXY header";
    clientSays("PROXY TCP4 192.0.2.7 198.51.100.1 40000 143\r\na1 LOGIN alice secret\r\n");
    EXPECT_EQ(client_->takeWritten(), "* OK IMAP4 ready\r\n");
    ASSERT_EQ(authRequests_.size(), 1u) << "the bytes after the header are the protocol's";
    EXPECT_THAT(authRequests_[0],
                ::testing::HasSubstr("Client-IP: 192.0.2.7\r\nProxy-Protocol-Addr: 192.0.2.7\r\n"
                                     "Proxy-Protocol-Port: 40000\r\n"
                                     "Proxy-Protocol-Server-Addr: 198.51.100.1\r\n"
                                     "Proxy-Protocol-Server-Port: 143\r\n\r\n"));
    authReplies({{"Auth-Status", "Invalid login or password"}});
    ASSERT_FALSE(logLines_.empty());
    EXPECT_THAT(logLines_.back(),
                ::testing::HasSubstr("login failed: \"Invalid login or password\" while in http "
                                     "auth state, client: 192.0.2.7, server: 127.0.0.1:1143"));
}

TEST_F(SessionTest, ProxyHeaderFromAnUntrustedPeerOnlyInformsAuthHttp) {
    startSession(behindBalancer());
    clientSays("PROXY TCP4 192.0.2.7 198.51.100.1 40000 143\r\na1 LOGIN alice secret\r\n");
    ASSERT_EQ(authRequests_.size(), 1u);
    EXPECT_THAT(authRequests_[0],
                ::testing::HasSubstr("Client-IP: 127.0.0.1\r\nProxy-Protocol-Addr: 192.0.2.7\r\n"));
}

TEST_F(SessionTest, BrokenProxyHeaderClosesWithItsFirstLineLogged) {
    startSession(behindBalancer());
    clientSays("a1 CAPABILITY\r\n");
    EXPECT_EQ(client_->takeWritten(), "");
    EXPECT_TRUE(client_->closed());
    EXPECT_TRUE(finished_);
    EXPECT_THAT(logLines_.back(),
                ::testing::StartsWith("*1 broken header: \"a1 CAPABILITY\" while reading PROXY "
                                      "protocol, client: 127.0.0.1"));
}

TEST_F(SessionTest, SilentClientBehindProxyProtocolTimesOut) {
    server_->timeout = std::chrono::seconds(2);
    startSession(behindBalancer());
    timers_.advance(std::chrono::seconds(2));
    EXPECT_TRUE(finished_);
    EXPECT_THAT(logLines_.back(),
                ::testing::StartsWith("*1 client timed out (110: Connection timed out) while "
                                      "reading PROXY protocol"));
}

TEST_F(SessionTest, ProxyProtocolToTheBackendGoesFirstAndNamesTheRealipClient) {
    server_->setRealIpFrom = {loopbackNet()};
    server_->proxyProtocol = config::ProxyProtocolOut::V1;
    startSession(behindBalancer());
    clientSays("PROXY TCP4 192.0.2.7 198.51.100.1 40000 143\r\na1 LOGIN alice secret\r\n");
    expectBackendConnect("127.0.0.1", 1143);
    authReplies({{"Auth-Status", "OK"}, {"Auth-Server", "127.0.0.1"}, {"Auth-Port", "1143"}});
    // The listen address, not the PROXY destination, is the header's destination (quirk 18).
    EXPECT_EQ(backend_->takeWritten(), "PROXY TCP4 192.0.2.7 127.0.0.1 40000 1143\r\n");
    completeBackendLogin("alice", "secret");
}

TEST_F(SessionTest, DebugLinesFollowTheSessionOnlyWhenAsked) {
    debugLog_ = true;
    startSession();
    clientSays("a1 NOOP\r\n");
    EXPECT_THAT(logLines_,
                ::testing::Contains(::testing::StartsWith(
                    "*1 mail read from client: \"a1 NOOP\\r\\n\" while in auth state, client: 127.0.0.1")));
    EXPECT_THAT(logLines_, ::testing::Contains(
                               ::testing::StartsWith("*1 mail send to client: \"a1 OK completed\\r\\n\"")));
}

}  // namespace
}  // namespace mailwire::testing
