// The end of stream that follows the peer's FIN: once the data before it is read, the next read reports it
// without asking the kernel again (the read that would return 0 is saved), and nothing is lost on the way.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
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

// One connection over a socket pair, read by a Reader with `chunk`-byte reads, the peer's end left to the
// test.
class EndOfStream : public ::testing::Test {
  protected:
    void start(size_t chunk) {
        int ends[2];
        ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, ends), 0);
        peer_ = ends[1];
        connection_ = TcpConnection::adopt(loop_, ends[0]);
        reader_ = std::make_unique<Reader>(loop_, chunk);
        reader_->connection = connection_.get();
        connection_->setHandler(reader_.get());
    }
    // The peer sends `bytes` and its FIN together; the loop runs until the reader sees the end.
    void sendAndShutdown(const std::string& bytes) {
        ASSERT_EQ(::send(peer_, bytes.data(), bytes.size(), 0), static_cast<ssize_t>(bytes.size()));
        ::shutdown(peer_, SHUT_WR);
        loop_.run();
    }
    void TearDown() override {
        if (peer_ >= 0) ::close(peer_);
    }

    EventLoop loop_;
    int peer_ = -1;
    std::unique_ptr<TcpConnection> connection_;
    std::unique_ptr<Reader> reader_;
};

TEST_F(EndOfStream, DataAndFinTogetherGiveTheDataThenTheEnd) {
    start(4096);
    sendAndShutdown("* BYE logging out\r\nz OK LOGOUT completed\r\n");
    EXPECT_EQ(reader_->received, "* BYE logging out\r\nz OK LOGOUT completed\r\n");
    EXPECT_TRUE(reader_->sawEof);
}

TEST_F(EndOfStream, ReadsThatFillTheBufferStillGetEveryByteBeforeTheEnd) {
    // Exact-size and short reads alternate: only a short one may conclude that the FIN is next.
    start(8);
    const std::string bytes = "0123456789abcdef0123";  // 8 + 8 + 4
    sendAndShutdown(bytes);
    EXPECT_EQ(reader_->received, bytes);
    EXPECT_TRUE(reader_->sawEof);
}

TEST_F(EndOfStream, TheEndIsReportedAgainToLaterReads) {
    start(4096);
    sendAndShutdown("+OK\r\n");
    ASSERT_TRUE(reader_->sawEof);
    char byte;
    EXPECT_EQ(connection_->read(&byte, 1).status, ReadResult::Eof);
    EXPECT_EQ(connection_->peek(&byte, 1).status, ReadResult::Eof);
}

}  // namespace
}  // namespace mailwire::core
