// AuthHttpClient end to end against a tiny auth server on loopback, all on one event loop in the test thread.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "auth/AuthHttpClient.h"
#include "auth/AuthRequest.h"
#include "core/EventLoop.h"

namespace mailwire::auth {
namespace {

using core::Millis;

// A scripted auth_http server: accepts one connection at a time, reads the request head, then answers with
// `pieces` (all at once, or one per `pieceDelay`) and does `after`.
class LoopbackAuthServer {
  public:
    enum class After { KeepOpen, Close, Reset };

    LoopbackAuthServer(core::EventLoop& loop, const char* ip = "127.0.0.1") : loop_(loop), ip_(ip) {
        const bool v6 = std::string(ip).find(':') != std::string::npos;
        listenFd_ = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        sockaddr_storage addr{};
        socklen_t len = 0;
        if (v6) {
            auto* in6 = reinterpret_cast<sockaddr_in6*>(&addr);
            in6->sin6_family = AF_INET6;
            ::inet_pton(AF_INET6, ip, &in6->sin6_addr);
            len = sizeof *in6;
        } else {
            auto* in = reinterpret_cast<sockaddr_in*>(&addr);
            in->sin_family = AF_INET;
            ::inet_pton(AF_INET, ip, &in->sin_addr);
            len = sizeof *in;
        }
        if (listenFd_ < 0 || ::bind(listenFd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
            ::listen(listenFd_, 8) != 0)
            return;
        len = sizeof addr;
        ::getsockname(listenFd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(v6 ? reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port
                         : reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
        loop_.watch(listenFd_, core::kReadable, [this](uint32_t) { acceptOne(); });
    }

    // The same server on a unix-domain socket at `path` (auth_http unix:/path:/uri).
    struct UnixPath {
        std::string path;
    };
    LoopbackAuthServer(core::EventLoop& loop, UnixPath unixPath) : loop_(loop), unixPath_(unixPath.path) {
        ::unlink(unixPath_.c_str());
        listenFd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", unixPath_.c_str());
        if (listenFd_ < 0 || ::bind(listenFd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::listen(listenFd_, 8) != 0)
            return;
        unixListening_ = true;
        loop_.watch(listenFd_, core::kReadable, [this](uint32_t) { acceptOne(); });
    }

    ~LoopbackAuthServer() {
        dropConnection();
        if (listenFd_ >= 0) {
            loop_.unwatch(listenFd_);
            ::close(listenFd_);
        }
        if (!unixPath_.empty()) ::unlink(unixPath_.c_str());
    }

    bool listening() const { return port_ != 0 || unixListening_; }
    uint16_t port() const { return port_; }
    config::AuthHttpTarget target() const {
        config::AuthHttpTarget target;
        target.uri = "/auth";
        if (!unixPath_.empty()) {
            target.unixPath = unixPath_;
            target.hostHeader = "localhost";
            return target;
        }
        target.host = ip_;
        target.port = port_;
        target.hostHeader = ip_;
        return target;
    }

    std::vector<std::string> pieces;
    Millis pieceDelay{0};
    After after = After::KeepOpen;

    std::string received;     // request bytes of the current connection
    int accepted = 0;         // connections accepted so far
    bool peerClosed = false;  // the current connection's client side closed

  private:
    void acceptOne() {
        const int fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        dropConnection();
        fd_ = fd;
        ++accepted;
        received.clear();
        peerClosed = false;
        answered_ = false;
        loop_.watch(fd_, core::kReadable, [this](uint32_t) { onReadable(); });
    }

    void onReadable() {
        char buffer[4096];
        const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n > 0) {
            received.append(buffer, static_cast<size_t>(n));
            if (!answered_ && received.find("\r\n\r\n") != std::string::npos) {
                answered_ = true;
                sendPiece(0);
            }
            return;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
        peerClosed = true;
        dropConnection();
    }

    void sendPiece(size_t index) {
        pieceTimer_ = 0;
        if (fd_ < 0) return;
        if (pieceDelay.count() == 0) {
            for (; index < pieces.size(); ++index) write(pieces[index]);
        } else if (index < pieces.size()) {
            write(pieces[index]);
            pieceTimer_ = loop_.addTimer(pieceDelay, [this, index] { sendPiece(index + 1); });
            return;
        }
        if (after == After::Close) ::shutdown(fd_, SHUT_WR);
        if (after == After::Reset) {
            linger hard{1, 0};
            ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
            dropConnection();
        }
    }

    void write(const std::string& bytes) {
        size_t sent = 0;
        while (sent < bytes.size()) {
            const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            if (n > 0) {
                sent += static_cast<size_t>(n);
            } else if (n < 0 && errno != EINTR) {
                return;  // a full socket buffer would block the one thread both ends run on: keep answers
                         // small
            }
        }
    }

    void dropConnection() {
        if (pieceTimer_ != 0) loop_.cancelTimer(pieceTimer_);
        pieceTimer_ = 0;
        if (fd_ < 0) return;
        loop_.unwatch(fd_);
        ::close(fd_);
        fd_ = -1;
    }

    core::EventLoop& loop_;
    std::string ip_;
    std::string unixPath_;
    bool unixListening_ = false;
    int listenFd_ = -1;
    int fd_ = -1;
    uint16_t port_ = 0;
    bool answered_ = false;
    core::TimerId pieceTimer_ = 0;
};

// Runs the loop until `finished()` holds. The guard only turns a hang into a failure; nothing is timed.
::testing::AssertionResult runUntil(core::EventLoop& loop, const std::function<bool()>& finished) {
    struct Poll {
        core::EventLoop& loop;
        const std::function<bool()>& finished;
        core::TimerId next = 0;
        void check() {
            next = 0;
            if (finished()) return loop.stop();
            next = loop.addTimer(Millis(1), [this] { check(); });
        }
    } poll{loop, finished};
    bool hung = false;
    const core::TimerId guard = loop.addTimer(Millis(20000), [&] {
        hung = true;
        loop.stop();
    });
    poll.check();
    if (poll.next != 0) loop.run();
    loop.cancelTimer(guard);
    loop.cancelTimer(poll.next);
    if (hung) return ::testing::AssertionFailure() << "the loop did not finish within the hang guard";
    return ::testing::AssertionSuccess();
}

std::string sampleRequest(const config::AuthHttpTarget& target) {
    AuthRequest request;
    request.method = "plain";
    request.user = "good";
    request.pass = "my pass";
    request.protocol = "imap";
    request.clientIp = "127.0.0.1";
    return buildAuthRequest(request, target, {{"X-Test", "one two"}});
}

const std::string kOkHead =
    "HTTP/1.0 200 OK\r\nAuth-Status: OK\r\nAuth-Server: 127.0.0.1\r\nAuth-Port: 143\r\n\r\n";

struct Exchange {
    core::EventLoop loop;
    LoopbackAuthServer server{loop};
    AuthOutcome outcome;
    int calls = 0;

    AuthOutcome run(Millis timeout = Millis(60000)) {
        AuthHttpClient client(loop, server.target(), timeout);
        client.start(sampleRequest(server.target()), [this](const AuthOutcome& o) {
            outcome = o;
            ++calls;
        });
        EXPECT_TRUE(runUntil(loop, [this] { return calls > 0; }));
        return outcome;
    }
};

std::string peerOf(const LoopbackAuthServer& server) { return "127.0.0.1:" + std::to_string(server.port()); }

TEST(AuthHttpClient, SendsTheRequestAndReturnsTheParsedReply) {
    Exchange x;
    ASSERT_TRUE(x.server.listening());
    x.server.pieces = {kOkHead};
    const AuthOutcome outcome = x.run();
    EXPECT_EQ(outcome.status, AuthOutcome::Replied);
    EXPECT_EQ(outcome.peer, peerOf(x.server));
    EXPECT_EQ(outcome.reply.status, "OK");
    EXPECT_EQ(outcome.reply.server, "127.0.0.1");
    EXPECT_EQ(outcome.reply.port, "143");
    EXPECT_EQ(x.server.received, sampleRequest(x.server.target()));
    EXPECT_EQ(x.calls, 1);
}

TEST(AuthHttpClient, ClosesTheConnectionAfterTheHead) {
    Exchange x;
    x.server.pieces = {kOkHead + "a body that is never read"};
    x.server.after = LoopbackAuthServer::After::KeepOpen;
    EXPECT_EQ(x.run().status, AuthOutcome::Replied);
    EXPECT_TRUE(runUntil(x.loop, [&] { return x.server.peerClosed; }));
}

TEST(AuthHttpClient, IgnoresALargeBody) {
    Exchange x;
    x.server.pieces = {kOkHead + std::string(20000, 'b')};
    x.server.after = LoopbackAuthServer::After::Close;
    const AuthOutcome outcome = x.run();
    EXPECT_EQ(outcome.status, AuthOutcome::Replied);
    EXPECT_EQ(outcome.reply.port, "143");
}

TEST(AuthHttpClient, HeadArrivingInSmallPiecesIsReassembled) {
    Exchange x;
    for (const char c : kOkHead) x.server.pieces.emplace_back(1, c);
    x.server.pieceDelay = Millis(1);
    const AuthOutcome outcome = x.run();
    EXPECT_EQ(outcome.status, AuthOutcome::Replied);
    EXPECT_EQ(outcome.reply.server, "127.0.0.1");
}

TEST(AuthHttpClient, ErrorReplyIsStillAReply) {
    Exchange x;
    x.server.pieces = {
        "HTTP/1.0 403 Forbidden\r\nAuth-Status: Invalid login or password\r\nAuth-Wait: 3\r\n\r\n"};
    x.server.after = LoopbackAuthServer::After::Close;
    const AuthOutcome outcome = x.run();
    ASSERT_EQ(outcome.status, AuthOutcome::Replied);
    EXPECT_EQ(outcome.reply.status, "Invalid login or password");
    EXPECT_EQ(outcome.reply.waitSeconds, 3);
}

TEST(AuthHttpClient, InvalidHeaderIsReported) {
    Exchange x;
    x.server.pieces = {"HTTP/1.0 200 OK\r\nAuth_Status: OK\r\n\r\n"};
    const AuthOutcome outcome = x.run();
    EXPECT_EQ(outcome.status, AuthOutcome::Invalid);
    EXPECT_EQ(outcome.error, "sent invalid header in response");
    EXPECT_EQ(outcome.peer, peerOf(x.server));
    EXPECT_TRUE(runUntil(x.loop, [&] { return x.server.peerClosed; }));
}

TEST(AuthHttpClient, InvalidStatusLineIsReported) {
    Exchange x;
    x.server.pieces = {"HTTP/1.0 200 OK\r?\n\r\n"};
    const AuthOutcome outcome = x.run();
    EXPECT_EQ(outcome.status, AuthOutcome::Invalid);
    EXPECT_EQ(outcome.error, "sent invalid response");
}

TEST(AuthHttpClient, TimesOutWhenTheServerNeverAnswers) {
    Exchange x;
    const AuthOutcome outcome = x.run(Millis(50));
    EXPECT_EQ(outcome.status, AuthOutcome::TimedOut);
    EXPECT_EQ(outcome.error, "timed out (110: Connection timed out)");
    EXPECT_EQ(outcome.peer, peerOf(x.server));
    EXPECT_TRUE(runUntil(x.loop, [&] { return x.server.peerClosed; }));
}

TEST(AuthHttpClient, TimerIsNotReArmedByTrickledBytes) {
    // One header byte every 20 ms: a timer re-armed by each read would never fire before the 1024-byte limit.
    Exchange x;
    for (int i = 0; i < 200; ++i) x.server.pieces.emplace_back("X-Pad: 1\r\n");
    x.server.pieceDelay = Millis(20);
    EXPECT_EQ(x.run(Millis(150)).status, AuthOutcome::TimedOut);
}

TEST(AuthHttpClient, EofWithPartialHeadInTheSameReadClosesAtOnce) {
    // Quirk #22: nginx waits for auth_http_timeout here; we answer at once (the timeout is a minute).
    Exchange x;
    x.server.pieces = {"HTTP/1.0 200 OK\r\nAuth-Status: OK\r\n"};
    x.server.after = LoopbackAuthServer::After::Close;
    const AuthOutcome outcome = x.run(Millis(60000));
    EXPECT_EQ(outcome.status, AuthOutcome::Closed);
    EXPECT_EQ(outcome.error, "");
    EXPECT_FALSE(outcome.detail.empty());
}

TEST(AuthHttpClient, EofInItsOwnReadCloses) {
    Exchange x;
    x.server.pieces = {"HTTP/1.0 200 OK\r\n", "Auth-Status: OK\r\n"};
    x.server.pieceDelay = Millis(5);
    x.server.after = LoopbackAuthServer::After::Close;
    EXPECT_EQ(x.run().status, AuthOutcome::Closed);
}

TEST(AuthHttpClient, EofWithoutAnyResponseCloses) {
    Exchange x;
    x.server.after = LoopbackAuthServer::After::Close;
    EXPECT_EQ(x.run().status, AuthOutcome::Closed);
}

TEST(AuthHttpClient, HeadOverTheLimitClosesAtOnce) {
    Exchange x;
    x.server.pieces = {"HTTP/1.0 200 OK\r\n" + std::string(1100, 'X')};
    x.server.after = LoopbackAuthServer::After::KeepOpen;
    const AuthOutcome outcome = x.run(Millis(60000));
    EXPECT_EQ(outcome.status, AuthOutcome::Closed);
    EXPECT_EQ(outcome.error, "");
    EXPECT_NE(outcome.detail.find("1024"), std::string::npos);
}

TEST(AuthHttpClient, HeadOfExactlyTheLimitIsAccepted) {
    Exchange x;
    std::string head =
        "HTTP/1.0 200 OK\r\nAuth-Status: OK\r\nAuth-Server: 127.0.0.1\r\nAuth-Port: 143\r\nX-Pad: ";
    head += std::string(AuthReplyParser::kMaxHead - head.size() - 4, 'p') + "\r\n\r\n";
    x.server.pieces = {head + "body"};
    const AuthOutcome outcome = x.run();
    EXPECT_EQ(outcome.status, AuthOutcome::Replied);
    EXPECT_EQ(outcome.reply.status, "OK");
}

TEST(AuthHttpClient, ConnectionResetIsAReadError) {
    Exchange x;
    x.server.after = LoopbackAuthServer::After::Reset;
    const AuthOutcome outcome = x.run();
    EXPECT_EQ(outcome.status, AuthOutcome::Closed);
    EXPECT_EQ(outcome.error.rfind("recv() failed (", 0), 0u) << outcome.error;
}

TEST(AuthHttpClient, RefusedConnectionFails) {
    core::EventLoop loop;
    // A bound socket that never listens keeps the port ours and refuses connections.
    const int holder = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(holder, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ::getsockname(holder, reinterpret_cast<sockaddr*>(&addr), &len);
    config::AuthHttpTarget target;
    target.host = "127.0.0.1";
    target.port = ntohs(addr.sin_port);

    AuthHttpClient client(loop, target, Millis(60000));
    AuthOutcome outcome;
    int calls = 0;
    bool insideStart = true;
    client.start("GET / HTTP/1.0\r\n\r\n", [&](const AuthOutcome& o) {
        EXPECT_FALSE(insideStart);
        outcome = o;
        ++calls;
    });
    insideStart = false;
    EXPECT_TRUE(runUntil(loop, [&] { return calls > 0; }));
    ::close(holder);
    EXPECT_EQ(outcome.status, AuthOutcome::ConnectFailed);
    EXPECT_NE(outcome.error.find("Connection refused"), std::string::npos) << outcome.error;
    EXPECT_EQ(outcome.peer, "127.0.0.1:" + std::to_string(target.port));
    EXPECT_EQ(calls, 1);
}

TEST(AuthHttpClient, TalksToAUnixSocketTarget) {
    core::EventLoop loop;
    const std::string path = "/tmp/mailwire-auth-test-" + std::to_string(::getpid()) + ".sock";
    LoopbackAuthServer server(loop, LoopbackAuthServer::UnixPath{path});
    ASSERT_TRUE(server.listening());
    server.pieces = {kOkHead};
    AuthHttpClient client(loop, server.target(), Millis(60000));
    AuthOutcome outcome;
    int calls = 0;
    client.start(sampleRequest(server.target()), [&](const AuthOutcome& o) {
        outcome = o;
        ++calls;
    });
    EXPECT_EQ(calls, 0);
    EXPECT_TRUE(runUntil(loop, [&] { return calls > 0; }));
    EXPECT_EQ(outcome.status, AuthOutcome::Replied);
    EXPECT_EQ(outcome.peer, "unix:" + path);
    EXPECT_EQ(outcome.reply.port, "143");
    EXPECT_NE(server.received.find("Host: localhost\r\n"), std::string::npos) << server.received;
}

TEST(AuthHttpClient, MissingUnixSocketFailsThroughTheLoop) {
    core::EventLoop loop;
    config::AuthHttpTarget target;
    target.unixPath = "/tmp/mailwire-no-such-auth.sock";
    AuthHttpClient client(loop, target, Millis(60000));
    AuthOutcome outcome;
    int calls = 0;
    client.start("GET / HTTP/1.0\r\n\r\n", [&](const AuthOutcome& o) {
        outcome = o;
        ++calls;
    });
    EXPECT_EQ(calls, 0);
    EXPECT_TRUE(runUntil(loop, [&] { return calls > 0; }));
    EXPECT_EQ(outcome.status, AuthOutcome::ConnectFailed);
    EXPECT_EQ(outcome.peer, "unix:/tmp/mailwire-no-such-auth.sock");
    EXPECT_NE(outcome.error.find("2: No such file or directory"), std::string::npos) << outcome.error;
}

TEST(AuthHttpClient, BadHostFailsThroughTheLoop) {
    core::EventLoop loop;
    config::AuthHttpTarget target;
    target.host = "not-an-address";
    AuthHttpClient client(loop, target, Millis(60000));
    int calls = 0;
    AuthOutcome outcome;
    client.start("GET / HTTP/1.0\r\n\r\n", [&](const AuthOutcome& o) {
        outcome = o;
        ++calls;
    });
    EXPECT_EQ(calls, 0);
    EXPECT_TRUE(runUntil(loop, [&] { return calls > 0; }));
    EXPECT_EQ(outcome.status, AuthOutcome::ConnectFailed);
    EXPECT_EQ(calls, 1);
}

TEST(AuthHttpClient, CancelStopsEverythingWithoutCallingBack) {
    core::EventLoop loop;
    LoopbackAuthServer server(loop);
    server.pieces = {kOkHead};
    AuthHttpClient client(loop, server.target(), Millis(5));
    int calls = 0;
    client.start(sampleRequest(server.target()), [&](const AuthOutcome&) { ++calls; });
    client.cancel();
    EXPECT_FALSE(client.busy());
    // The server sees the connection go away; the 5 ms timer would have fired long before a 50 ms marker.
    bool marker = false;
    loop.addTimer(Millis(50), [&] { marker = true; });
    EXPECT_TRUE(runUntil(loop, [&] { return marker && (server.accepted == 0 || server.peerClosed); }));
    EXPECT_EQ(calls, 0);
}

TEST(AuthHttpClient, CancelWhileWaitingForTheReply) {
    core::EventLoop loop;
    LoopbackAuthServer server(loop);  // never answers
    AuthHttpClient client(loop, server.target(), Millis(30));
    int calls = 0;
    client.start(sampleRequest(server.target()), [&](const AuthOutcome&) { ++calls; });
    EXPECT_TRUE(runUntil(loop, [&] { return server.received.find("\r\n\r\n") != std::string::npos; }));
    client.cancel();
    bool marker = false;
    loop.addTimer(Millis(60), [&] { marker = true; });
    EXPECT_TRUE(runUntil(loop, [&] { return marker && server.peerClosed; }));
    EXPECT_EQ(calls, 0);
}

TEST(AuthHttpClient, DestroyingTheClientCancels) {
    core::EventLoop loop;
    LoopbackAuthServer server(loop);
    int calls = 0;
    {
        AuthHttpClient client(loop, server.target(), Millis(5));
        client.start(sampleRequest(server.target()), [&](const AuthOutcome&) { ++calls; });
    }
    bool marker = false;
    loop.addTimer(Millis(50), [&] { marker = true; });
    EXPECT_TRUE(runUntil(loop, [&] { return marker; }));
    EXPECT_EQ(calls, 0);
}

TEST(AuthHttpClient, CallbackMayDestroyTheClient) {
    core::EventLoop loop;
    LoopbackAuthServer server(loop);
    server.pieces = {kOkHead};
    auto client = std::make_unique<AuthHttpClient>(loop, server.target(), Millis(60000));
    AuthOutcome outcome;
    client->start(sampleRequest(server.target()), [&](const AuthOutcome& o) {
        outcome = o;
        client.reset();
    });
    EXPECT_TRUE(runUntil(loop, [&] { return !client; }));
    EXPECT_EQ(outcome.status, AuthOutcome::Replied);
    EXPECT_TRUE(runUntil(loop, [&] { return server.peerClosed; }));
}

TEST(AuthHttpClient, CallbackMayDestroyTheClientOnTimeout) {
    core::EventLoop loop;
    LoopbackAuthServer server(loop);
    auto client = std::make_unique<AuthHttpClient>(loop, server.target(), Millis(20));
    AuthOutcome outcome;
    client->start(sampleRequest(server.target()), [&](const AuthOutcome& o) {
        outcome = o;
        client.reset();
    });
    EXPECT_TRUE(runUntil(loop, [&] { return !client; }));
    EXPECT_EQ(outcome.status, AuthOutcome::TimedOut);
}

TEST(AuthHttpClient, CanStartAgainAfterAnOutcome) {
    // WAIT re-queries reuse the client: a new connection each time, as nginx opens one per request.
    core::EventLoop loop;
    LoopbackAuthServer server(loop);
    server.pieces = {"Auth-Status: WAIT\r\nAuth-Wait: 1\r\n\r\n"};
    AuthHttpClient client(loop, server.target(), Millis(60000));
    std::vector<AuthOutcome> outcomes;
    const std::string request = sampleRequest(server.target());
    client.start(request, [&](const AuthOutcome& o) { outcomes.push_back(o); });
    EXPECT_TRUE(runUntil(loop, [&] { return outcomes.size() == 1; }));
    server.pieces = {kOkHead};
    client.start(request, [&](const AuthOutcome& o) { outcomes.push_back(o); });
    EXPECT_TRUE(runUntil(loop, [&] { return outcomes.size() == 2; }));
    ASSERT_EQ(outcomes.size(), 2u);
    EXPECT_EQ(outcomes[0].reply.status, "WAIT");
    EXPECT_EQ(outcomes[0].reply.waitSeconds, 1);
    EXPECT_EQ(outcomes[1].reply.status, "OK");
    EXPECT_EQ(server.accepted, 2);
    EXPECT_EQ(server.received, request);
}

TEST(AuthHttpClient, WorksOverIpv6Loopback) {
    core::EventLoop loop;
    LoopbackAuthServer server(loop, "::1");
    if (!server.listening()) GTEST_SKIP() << "no IPv6 loopback here";
    server.pieces = {"Auth-Status: OK\r\nAuth-Server: ::1\r\nAuth-Port: 143\r\n\r\n"};
    AuthHttpClient client(loop, server.target(), Millis(60000));
    AuthOutcome outcome;
    int calls = 0;
    client.start(sampleRequest(server.target()), [&](const AuthOutcome& o) {
        outcome = o;
        ++calls;
    });
    EXPECT_TRUE(runUntil(loop, [&] { return calls > 0; }));
    EXPECT_EQ(outcome.status, AuthOutcome::Replied);
    EXPECT_EQ(outcome.peer, "[::1]:" + std::to_string(server.port()));
    EXPECT_EQ(outcome.reply.server, "::1");
}

}  // namespace
}  // namespace mailwire::auth
