// worker_connections: TcpConnection's pool, shared by accepted and outgoing connections as in nginx.
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

class FailureRecorder : public ConnectionHandler {
  public:
    explicit FailureRecorder(EventLoop& loop) : loop_(loop) {}
    void onReadable() override {}
    void onConnected() override {
        connected = true;
        loop_.stop();
    }
    void onConnectFailed(const ConnectFailure& failed) override {
        failure = failed.text;
        kind = failed.kind;
        loop_.stop();
    }
    std::string failure;
    ConnectFailure::Kind kind = ConnectFailure::Failed;
    bool connected = false;

  private:
    EventLoop& loop_;
};

// Restores "no limit" whatever a test did, since the pool is process-wide.
class ConnectionPoolTest : public ::testing::Test {
  protected:
    void TearDown() override { TcpConnection::setConnectionPool(0, 0); }
};

TEST_F(ConnectionPoolTest, NoLimitByDefault) {
    TcpConnection::setConnectionPool(0, 0);
    EXPECT_FALSE(TcpConnection::connectionPoolExhausted());
}

TEST_F(ConnectionPoolTest, OutgoingConnectFailsWithNginxWordingWhenThePoolIsUsedUp) {
    EventLoop loop;
    LoopbackListener port;
    TcpConnection::setConnectionPool(1, 4);  // worker_connections 4, three of them taken elsewhere
    FailureRecorder first(loop);
    auto taken = TcpConnection::connect(loop, "127.0.0.1", port.port, &first);
    loop.run();
    ASSERT_TRUE(first.connected) << first.failure;
    EXPECT_TRUE(TcpConnection::connectionPoolExhausted());

    FailureRecorder second(loop);
    auto refused = TcpConnection::connect(loop, "127.0.0.1", port.port, &second);
    loop.run();  // the failure arrives through the loop, never from inside connect()
    EXPECT_FALSE(second.connected);
    EXPECT_EQ(second.failure, "4 worker_connections are not enough");
    EXPECT_EQ(second.kind, ConnectFailure::PoolExhausted);
}

TEST_F(ConnectionPoolTest, AClosedConnectionFreesItsSlot) {
    EventLoop loop;
    LoopbackListener port;
    TcpConnection::setConnectionPool(1, 2);
    FailureRecorder handler(loop);
    auto conn = TcpConnection::connect(loop, "127.0.0.1", port.port, &handler);
    loop.run();
    ASSERT_TRUE(handler.connected) << handler.failure;
    EXPECT_TRUE(TcpConnection::connectionPoolExhausted());
    conn->close();
    EXPECT_FALSE(TcpConnection::connectionPoolExhausted());
}

TEST_F(ConnectionPoolTest, AcceptedConnectionsCountToo) {
    EventLoop loop;
    TcpConnection::setConnectionPool(2, 3);
    int pair[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair), 0);
    auto one = TcpConnection::adopt(loop, pair[0]);
    EXPECT_FALSE(TcpConnection::connectionPoolExhausted());
    auto two = TcpConnection::adopt(loop, pair[1]);
    EXPECT_TRUE(TcpConnection::connectionPoolExhausted());
    one.reset();  // destroying a connection closes it
    EXPECT_FALSE(TcpConnection::connectionPoolExhausted());
}

}  // namespace
}  // namespace mailwire::core
