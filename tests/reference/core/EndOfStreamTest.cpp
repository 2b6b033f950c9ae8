// The end of stream that follows the peer's FIN: once the data before it is read, the next read reports it
// without asking the kernel again (the read that would return 0 is saved), and nothing is lost on the way.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "core/EventLoop.h"
#include "core/TcpConnection.h"

namespace mailwire::core {
namespace {

// Reads with a fixed buffer size until the end of stream, recording what each read returned.
class Reader : public ConnectionHandler {
  public:
    Reader(EventLoop& loop, size_t chunk) : loop_(loop), chunk_(chunk) {}
    void onReadable() override {
        for (;;) {
            std::vector<char> buffer(chunk_);
            const ReadResult result = connection->read(buffer.data(), buffer.size());
            if (result.status == ReadResult::Data) {
                received.append(buffer.data(), result.bytes);
                continue;
            }
            if (result.status == ReadResult::Eof) {
                sawEof = true;
                loop_.stop();
            }
            return;
        }
    }
    TcpConnection* connection = nullptr;
    std::string received;
    bool sawEof = false;

  private:
    EventLoop& loop_;
    size_t chunk_;
};

struct Pair {
    int ours = -1, peer = -1;
    Pair() {
        int ends[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, ends) == 0) {
            ours = ends[0];
            peer = ends[1];
        }
    }
    ~Pair() {
        if (peer >= 0) ::close(peer);
    }
};

void sendAndShutdown(int fd, const std::string& bytes) {
    ASSERT_EQ(::send(fd, bytes.data(), bytes.size(), 0), static_cast<ssize_t>(bytes.size()));
    ::shutdown(fd, SHUT_WR);
}

TEST(EndOfStream, DataAndFinTogetherGiveTheDataThenTheEnd) {
    EventLoop loop;
    Pair pair;
    ASSERT_GE(pair.ours, 0);
    auto connection = TcpConnection::adopt(loop, pair.ours);
    Reader reader(loop, 4096);
    reader.connection = connection.get();
    connection->setHandler(&reader);
    sendAndShutdown(pair.peer, "* BYE logging out\r\nz OK LOGOUT completed\r\n");
    loop.run();
    EXPECT_EQ(reader.received, "* BYE logging out\r\nz OK LOGOUT completed\r\n");
    EXPECT_TRUE(reader.sawEof);
}

TEST(EndOfStream, ReadsThatFillTheBufferStillGetEveryByteBeforeTheEnd) {
    // Exact-size and short reads alternate: only a short one may conclude that the FIN is next.
    EventLoop loop;
    Pair pair;
    ASSERT_GE(pair.ours, 0);
    auto connection = TcpConnection::adopt(loop, pair.ours);
    Reader reader(loop, 8);
    reader.connection = connection.get();
    connection->setHandler(&reader);
    const std::string bytes = "0123456789abcdef0123";  // 8 + 8 + 4
    sendAndShutdown(pair.peer, bytes);
    loop.run();
    EXPECT_EQ(reader.received, bytes);
    EXPECT_TRUE(reader.sawEof);
}

TEST(EndOfStream, TheEndIsReportedAgainToLaterReads) {
    EventLoop loop;
    Pair pair;
    ASSERT_GE(pair.ours, 0);
    auto connection = TcpConnection::adopt(loop, pair.ours);
    Reader reader(loop, 4096);
    reader.connection = connection.get();
    connection->setHandler(&reader);
    sendAndShutdown(pair.peer, "+OK\r\n");
    loop.run();
    ASSERT_TRUE(reader.sawEof);
    char byte;
    EXPECT_EQ(connection->read(&byte, 1).status, ReadResult::Eof);
    EXPECT_EQ(connection->peek(&byte, 1).status, ReadResult::Eof);
}

}  // namespace
}  // namespace mailwire::core
