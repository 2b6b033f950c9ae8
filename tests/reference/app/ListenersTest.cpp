#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app/Listeners.h"

namespace mailwire::app {
namespace {

// A free loopback port: bind to 0, read the port back, release it.
uint16_t freePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

std::shared_ptr<const config::MainConfig> configListeningOn(const std::vector<uint16_t>& ports) {
    auto config = std::make_shared<config::MainConfig>();
    for (uint16_t port : ports) {
        config::ServerConfig server;
        config::ListenSpec spec;
        spec.host = "127.0.0.1";
        spec.port = port;
        spec.text = "127.0.0.1:" + std::to_string(port);
        server.listens.push_back(spec);
        config->servers.push_back(server);
    }
    return config;
}

bool isListening(int fd) {
    int value = 0;
    socklen_t len = sizeof value;
    return ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &value, &len) == 0 && value == 1;
}

TEST(ListenerSetTest, OpensNonBlockingListeningSockets) {
    const uint16_t port = freePort();
    std::string error;
    auto set = ListenerSet::open(configListeningOn({port}), nullptr, error);
    ASSERT_TRUE(set) << error;
    ASSERT_EQ(set->listeners().size(), 1u);
    const Listener& listener = set->listeners()[0];
    EXPECT_TRUE(isListening(listener.socket->fd()));
    EXPECT_TRUE(::fcntl(listener.socket->fd(), F_GETFL) & O_NONBLOCK);
    ASSERT_EQ(listener.servers.size(), 1u);
    EXPECT_EQ(listener.servers[0]->listens[0].port, port);
}

TEST(ListenerSetTest, ReloadReusesUnchangedSocketsAndClosesDropped) {
    const uint16_t kept = freePort(), dropped = freePort(), added = freePort();
    std::string error;
    auto first = ListenerSet::open(configListeningOn({kept, dropped}), nullptr, error);
    ASSERT_TRUE(first) << error;
    const int keptFd = first->listeners()[0].socket->fd();
    const int droppedFd = first->listeners()[1].socket->fd();

    auto second = ListenerSet::open(configListeningOn({kept, added}), first.get(), error);
    ASSERT_TRUE(second) << error;
    EXPECT_EQ(second->listeners()[0].socket->fd(), keptFd);
    EXPECT_NE(second->listeners()[1].socket->fd(), droppedFd);
    EXPECT_EQ(second->listeners()[1].plan.key, "127.0.0.1:" + std::to_string(added));

    first.reset();  // the old configuration goes: its dropped socket closes, the kept one stays open
    EXPECT_TRUE(isListening(keptFd));
    EXPECT_EQ(::fcntl(droppedFd, F_GETFD) == -1 || !isListening(droppedFd), true);
}

TEST(ListenerSetTest, BindFailureUsesNginxText) {
    const uint16_t port = freePort();
    std::string error;
    auto holder = ListenerSet::open(configListeningOn({port}), nullptr, error);
    ASSERT_TRUE(holder) << error;
    EXPECT_FALSE(ListenerSet::open(configListeningOn({port}), nullptr, error));
    EXPECT_EQ(error, "bind() to 127.0.0.1:" + std::to_string(port) + " failed (98: Address already in use)");
}

}  // namespace
}  // namespace mailwire::app
