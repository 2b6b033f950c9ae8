// The relay between two real sockets: the splice(2) path moves bytes both ways, byte-exact, through small
// socket buffers (so backpressure and drains happen), and ends once a side closes and its bytes are
// delivered.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "backend/Relay.h"
#include "core/EventLoop.h"
#include "core/TcpConnection.h"

namespace mailwire::backend {
namespace {

std::string pattern(size_t size, unsigned seed) {
    std::string bytes(size, '\0');
    for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 131 + seed) & 0xff);
    return bytes;
}

// One end of the test: a user-side socket that sends `out` and collects what arrives, on the loop.
struct Peer {
    Peer(core::EventLoop& loop, int fd, std::string out) : loop(loop), fd(fd), out(std::move(out)) {
        int small = 16 * 1024;
        ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        loop.watch(fd, core::kReadable | core::kWritable, [this](uint32_t events) { onEvents(events); });
    }
    void onEvents(uint32_t events) {
        if ((events & core::kWritable) && sent < out.size()) {
            const ssize_t n =
                ::send(fd, out.data() + sent, std::min<size_t>(out.size() - sent, 8192), MSG_NOSIGNAL);
            if (n > 0) sent += static_cast<size_t>(n);
        }
        if (sent == out.size()) loop.setInterest(fd, core::kReadable);
        if (events & core::kReadable) {
            char buffer[8192];
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n > 0) in.append(buffer, static_cast<size_t>(n));
            if (n == 0) {
                closed = true;
                loop.unwatch(fd);
            }
        }
    }
    core::EventLoop& loop;
    int fd;
    std::string out, in;
    size_t sent = 0;
    bool closed = false;
};

TEST(SpliceRelayTest, MovesBothDirectionsByteExactThroughBackpressure) {
    int clientPair[2], backendPair[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, clientPair), 0);
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, backendPair), 0);
    core::EventLoop loop;
    auto client = core::TcpConnection::adopt(loop, clientPair[0]);
    auto backend = core::TcpConnection::adopt(loop, backendPair[0]);
    const std::string upload = pattern(3 << 20, 7), download = pattern(5 << 20, 11);
    Peer user(loop, clientPair[1], upload);
    Peer server(loop, backendPair[1], download);

    bool ended = false;
    Relay::End how = Relay::End::ClientReadFailed;
    Relay relay(*client, *backend, loop, Relay::Settings{4096, 4096, core::Millis(60000)},
                [&](Relay::End end, const std::string&) {
                    ended = true;
                    how = end;
                    loop.stop();
                });
    relay.start("");
    loop.addTimer(core::Millis(30000), [&] { loop.stop(); });
    while (!ended && (user.in.size() < download.size() || server.in.size() < upload.size())) {
        loop.addTimer(core::Millis(10), [&] { loop.stop(); });
        loop.run();
    }
    EXPECT_FALSE(ended);
    EXPECT_TRUE(server.in == upload) << "upload: " << server.in.size() << " of " << upload.size() << " bytes";
    EXPECT_TRUE(user.in == download) << "download: " << user.in.size() << " of " << download.size()
                                     << " bytes";

    // The backend closes: the relay ends once everything it sent is delivered.
    loop.unwatch(server.fd);
    ::close(server.fd);
    loop.addTimer(core::Millis(5000), [&] { loop.stop(); });
    loop.run();
    EXPECT_TRUE(ended);
    EXPECT_EQ(how, Relay::End::Done);
    loop.unwatch(user.fd);
    ::close(user.fd);
}

}  // namespace
}  // namespace mailwire::backend
