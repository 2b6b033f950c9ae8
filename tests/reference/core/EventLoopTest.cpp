// The event loop and TcpConnection against real loopback sockets (no timing assertions).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/EventLoop.h"
#include "core/TcpConnection.h"
#include "reference/core/LoopbackListener.h"

namespace mailwire::core {
namespace {

TEST(EventLoopTest, TimersFireInDeadlineOrderAndCancelledOnesNever) {
    EventLoop loop;
    std::vector<int> fired;
    loop.addTimer(Millis(20), [&] { fired.push_back(2); });
    const TimerId cancelled = loop.addTimer(Millis(10), [&] { fired.push_back(99); });
    loop.addTimer(Millis(5), [&] { fired.push_back(1); });
    loop.addTimer(Millis(30), [&] { loop.stop(); });
    loop.cancelTimer(cancelled);
    loop.run();
    EXPECT_EQ(fired, (std::vector<int>{1, 2}));
}

TEST(EventLoopTest, PostedTasksRunAfterTheCurrentTurn) {
    EventLoop loop;
    std::vector<int> order;
    loop.post([&] {
        order.push_back(1);
        loop.post([&] {
            order.push_back(3);
            loop.stop();
        });
        order.push_back(2);
    });
    loop.run();
    EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

class Recorder : public ConnectionHandler {
  public:
    explicit Recorder(EventLoop& loop) : loop_(loop) {}
    void onReadable() override {
        char buf[64];
        const ReadResult r = conn->read(buf, sizeof buf);
        if (r.status == ReadResult::Data) received.append(buf, r.bytes);
        if (r.status == ReadResult::Eof) {
            eof = true;
            loop_.stop();
        }
    }
    void onConnected() override { connected = true; }
    void onConnectFailed(const ConnectFailure& failed) override {
        failure = failed.text;
        failureKind = failed.kind;
        loop_.stop();
    }
    Connection* conn = nullptr;
    std::string received, failure;
    ConnectFailure::Kind failureKind = ConnectFailure::Failed;
    bool connected = false, eof = false;

  private:
    EventLoop& loop_;
};

TEST(TcpConnectionTest, ConnectsWritesAndReadsUntilEof) {
    EventLoop loop;
    LoopbackListener listener;
    Recorder client(loop);
    auto conn = TcpConnection::connect(loop, "127.0.0.1", listener.port, &client);
    client.conn = conn.get();
    conn->write("hello\r\n");  // queued until the connect completes

    // The "server" side: accept, echo what arrives with a prefix, then close.
    loop.watch(listener.fd, kReadable, [&](uint32_t) {
        const int peer = ::accept(listener.fd, nullptr, nullptr);
        loop.unwatch(listener.fd);
        char buf[64];
        const ssize_t n = ::recv(peer, buf, sizeof buf, 0);
        std::string reply = "echo " + std::string(buf, n > 0 ? n : 0);
        ::send(peer, reply.data(), reply.size(), 0);
        ::close(peer);
    });
    loop.run();
    EXPECT_TRUE(client.connected);
    EXPECT_TRUE(client.eof);
    EXPECT_EQ(client.received, "echo hello\r\n");
    EXPECT_EQ(conn->peerText(), "127.0.0.1:" + std::to_string(listener.port));
}

TEST(TcpConnectionTest, RefusedConnectIsReportedThroughTheHandler) {
    EventLoop loop;
    unsigned short closedPort = 0;
    {
        LoopbackListener gone;
        closedPort = gone.port;
    }
    Recorder client(loop);
    auto conn = TcpConnection::connect(loop, "127.0.0.1", closedPort, &client);
    client.conn = conn.get();
    loop.run();
    EXPECT_FALSE(client.connected);
    // Worded as nginx logs it: a refused non-blocking connect shows at the first recv().
    EXPECT_EQ(client.failure, "recv() failed (111: Connection refused)");
    EXPECT_EQ(client.failureKind, ConnectFailure::RefusedOnRead);  // logged as nginx does, while reading
}

TEST(TcpConnectionTest, InvalidAddressFailsThroughTheLoopNotSynchronously) {
    EventLoop loop;
    Recorder client(loop);
    auto conn = TcpConnection::connect(loop, "not-an-ip", 25, &client);
    client.conn = conn.get();
    EXPECT_TRUE(client.failure.empty());
    loop.run();
    EXPECT_NE(client.failure.find("invalid address"), std::string::npos);
}

TEST(TcpConnectionTest, AdoptTakesThePeerFromAcceptWhenGetpeernameCannotTellIt) {
    // A unix socketpair has no IP peer, like a client that reset before getpeername(): accept's address wins.
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    sockaddr_storage peer{};
    auto* in = reinterpret_cast<sockaddr_in*>(&peer);
    in->sin_family = AF_INET;
    in->sin_port = htons(40000);
    ::inet_pton(AF_INET, "192.0.2.7", &in->sin_addr);
    EventLoop loop;
    auto conn = TcpConnection::adopt(loop, fds[0], &peer);
    EXPECT_EQ(conn->peerIp(), "192.0.2.7");
    EXPECT_EQ(conn->peerText(), "192.0.2.7:40000");
    ::close(fds[1]);
}

// The drain is nginx's write event after a blocked write: once for bytes that had to wait, never for a write
// the kernel took at once (that re-armed proxy_timeout on every line a backend pushed, issue 7).
class DrainRecorder : public ConnectionHandler {
  public:
    void onReadable() override {}
    void onWriteDrained() override { ++drains; }
    int drains = 0;
};

TEST(TcpConnectionTest, OnlyAWriteThatHadToWaitReportsItsDrain) {
    int pair[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair), 0);
    int small = 4096;
    ::setsockopt(pair[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    EventLoop loop;
    auto conn = TcpConnection::adopt(loop, pair[0]);
    DrainRecorder recorder;
    conn->setHandler(&recorder);
    conn->setReadInterest(false);

    conn->write("a line the kernel takes at once\r\n");
    EXPECT_EQ(conn->pendingWrite(), 0u);
    EXPECT_EQ(recorder.drains, 0);

    const std::string big(1 << 20, 'x');  // more than the socket buffers hold
    conn->write(big);
    ASSERT_GT(conn->pendingWrite(), 0u);
    EXPECT_EQ(recorder.drains, 0);
    // The peer reads everything; the loop hands the rest over and reports one drain.
    char sink[65536];
    size_t received = 0;
    const size_t expected = big.size() + 33;
    while (received < expected) {
        loop.addTimer(Millis(1), [&] { loop.stop(); });
        loop.run();
        const ssize_t n = ::recv(pair[1], sink, sizeof sink, MSG_DONTWAIT);
        if (n > 0) received += static_cast<size_t>(n);
    }
    EXPECT_EQ(conn->pendingWrite(), 0u);
    EXPECT_EQ(recorder.drains, 1);
    ::close(pair[1]);
}

// Edge-triggered underneath, level-triggered as sessions see it: bytes a handler leaves unread are announced
// again on the next turn, and the peer's FIN queued behind data is not lost when the data is read short.
class ChunkReader : public ConnectionHandler {
  public:
    ChunkReader(EventLoop& loop, size_t chunk) : loop_(loop), chunk_(chunk) {}
    void onReadable() override {
        ++calls;
        std::string buffer(chunk_, '\0');
        const ReadResult result = conn->read(buffer.data(), buffer.size());
        if (result.status == ReadResult::Data) received.append(buffer, 0, result.bytes);
        if (result.status == ReadResult::Eof) {
            eof = true;
            loop_.stop();
        }
    }
    EventLoop& loop_;
    size_t chunk_;
    Connection* conn = nullptr;
    std::string received;
    bool eof = false;
    int calls = 0;
};

TEST(TcpConnectionTest, BytesLeftUnreadAreAnnouncedAgainAndTheEndAfterThemIsSeen) {
    int pair[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair), 0);
    ASSERT_EQ(::send(pair[1], "0123456789abcdef", 16, 0), 16);
    ::close(pair[1]);  // data and the end of stream arrive together: one edge for both
    EventLoop loop;
    auto conn = TcpConnection::adopt(loop, pair[0]);
    ChunkReader reader(loop, 5);  // reads 5 bytes per call, so 4 calls for data and one for the end
    reader.conn = conn.get();
    conn->setHandler(&reader);
    loop.addTimer(Millis(5000), [&] { loop.stop(); });
    loop.run();
    EXPECT_EQ(reader.received, "0123456789abcdef");
    EXPECT_TRUE(reader.eof);
}

TEST(TcpConnectionTest, ReadingResumesWhenInterestReturnsWithBytesWaiting) {
    int pair[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair), 0);
    EventLoop loop;
    auto conn = TcpConnection::adopt(loop, pair[0]);
    ChunkReader reader(loop, 64);
    reader.conn = conn.get();
    conn->setHandler(&reader);
    conn->setReadInterest(false);
    ASSERT_EQ(::send(pair[1], "hello", 5, 0), 5);
    loop.addTimer(Millis(20), [&] { loop.stop(); });
    loop.run();
    EXPECT_EQ(reader.calls, 0) << "not asked to read";
    // The edge has passed; turning interest back on must still deliver what is waiting.
    conn->setReadInterest(true);
    ::close(pair[1]);
    loop.addTimer(Millis(5000), [&] { loop.stop(); });
    loop.run();
    EXPECT_EQ(reader.received, "hello");
    EXPECT_TRUE(reader.eof);
}

TEST(EventLoopTest, ASignalForAForgottenDescriptorIsNotDelivered) {
    int pair[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair), 0);
    EventLoop loop;
    int heard = 0;
    loop.watch(
        pair[0], 0, [&](uint32_t) { ++heard; }, Trigger::Level);
    loop.signalReady(pair[0], kReadable);
    loop.forget(pair[0]);
    loop.post([&] { loop.stop(); });
    loop.run();
    EXPECT_EQ(heard, 0);
    ::close(pair[0]);
    ::close(pair[1]);
}

TEST(EventLoopTest, AnExclusiveListenerCanBePausedAndResumed) {
    LoopbackListener listener;
    EventLoop loop;
    int accepted = 0;
    loop.watch(
        listener.fd, kReadable,
        [&](uint32_t) {
            const int fd = ::accept(listener.fd, nullptr, nullptr);
            if (fd >= 0) ::close(fd);
            ++accepted;
            loop.stop();
        },
        Trigger::Exclusive);
    loop.setInterest(listener.fd, 0);  // paused (as after EMFILE): removed from epoll
    const int client = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(listener.port);
    ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    loop.addTimer(Millis(20), [&] { loop.stop(); });
    loop.run();
    EXPECT_EQ(accepted, 0);
    loop.setInterest(listener.fd, kReadable);
    loop.addTimer(Millis(5000), [&] { loop.stop(); });
    loop.run();
    EXPECT_EQ(accepted, 1);
    loop.unwatch(listener.fd);
    ::close(client);
}

TEST(FormatAddressTest, BracketsIpv6) {
    EXPECT_EQ(formatAddress("127.0.0.1", 143), "127.0.0.1:143");
    EXPECT_EQ(formatAddress("::1", 143), "[::1]:143");
}

}  // namespace
}  // namespace mailwire::core
