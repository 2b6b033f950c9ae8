#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

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

TEST(ListenerSetTest, AcceptedConnectionsInheritTcpNoDelay) {
    // Clients get TCP_NODELAY from the listener, without a setsockopt() per connection.
    const uint16_t port = freePort();
    std::string error;
    auto set = ListenerSet::open(configListeningOn({port}), nullptr, error);
    ASSERT_TRUE(set) << error;
    const int client = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    int accepted = -1;
    for (int attempt = 0; attempt < 100 && accepted < 0; ++attempt) {
        accepted = ::accept4(set->listeners()[0].socket->fd(), nullptr, nullptr, SOCK_NONBLOCK);
        if (accepted < 0) ::usleep(1000);
    }
    ASSERT_GE(accepted, 0);
    int noDelay = 0;
    socklen_t len = sizeof noDelay;
    ASSERT_EQ(::getsockopt(accepted, IPPROTO_TCP, TCP_NODELAY, &noDelay, &len), 0);
    EXPECT_EQ(noDelay, 1);
    ::close(accepted);
    ::close(client);
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

// A scratch directory for socket files, removed at scope end.
class SocketDir {
  public:
    SocketDir() {
        char tmpl[] = "/tmp/mailwire-listen-XXXXXX";
        dir_ = ::mkdtemp(tmpl);
    }
    ~SocketDir() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    std::string path(const std::string& name) const { return dir_ + "/" + name; }

  private:
    std::string dir_;
};

std::shared_ptr<const config::MainConfig> configListeningOnUnix(const std::vector<std::string>& paths) {
    auto config = std::make_shared<config::MainConfig>();
    for (const auto& path : paths) {
        config::ServerConfig server;
        config::ListenSpec spec;
        spec.unixPath = path;
        spec.text = "unix:" + path;
        server.listens.push_back(spec);
        config->servers.push_back(server);
    }
    return config;
}

bool isSocketFile(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

bool connectsTo(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

TEST(ListenerSetTest, UnixListenerBindsAConnectableSocketFileForEveryone) {
    SocketDir dir;
    const std::string path = dir.path("imap.sock");
    std::string error;
    auto set = ListenerSet::open(configListeningOnUnix({path}), nullptr, error);
    ASSERT_TRUE(set) << error;
    ASSERT_EQ(set->listeners().size(), 1u);
    EXPECT_EQ(set->listeners()[0].plan.key, "unix:" + path);
    EXPECT_TRUE(isListening(set->listeners()[0].socket->fd()));
    EXPECT_TRUE(::fcntl(set->listeners()[0].socket->fd(), F_GETFL) & O_NONBLOCK);
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0666u);  // as nginx's chmod after bind
    EXPECT_TRUE(connectsTo(path));
    set.reset();  // the binding process closing the socket removes its file, as nginx's master does
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(ListenerSetTest, AnExistingFileAtTheUnixPathIsAnErrorAndIsLeftAlone) {
    SocketDir dir;
    const std::string path = dir.path("taken.sock");
    { std::ofstream(path) << "not a socket"; }
    std::string error;
    EXPECT_FALSE(ListenerSet::open(configListeningOnUnix({path}), nullptr, error));
    EXPECT_EQ(error, "bind() to unix:" + path + " failed (98: Address already in use)");
    EXPECT_TRUE(std::filesystem::is_regular_file(path));
}

TEST(ListenerSetTest, ReloadKeepsAUnixSocketAndItsFileAndReportsTheDroppedOne) {
    SocketDir dir;
    const std::string kept = dir.path("kept.sock"), dropped = dir.path("dropped.sock");
    std::string error;
    auto first = ListenerSet::open(configListeningOnUnix({kept, dropped}), nullptr, error);
    ASSERT_TRUE(first) << error;
    EXPECT_TRUE(first->dropped().empty());
    const int keptFd = first->listeners()[0].socket->fd();

    auto second = ListenerSet::open(configListeningOnUnix({kept}), first.get(), error);
    ASSERT_TRUE(second) << error;
    EXPECT_EQ(second->listeners()[0].socket->fd(), keptFd);
    EXPECT_EQ(second->dropped(), std::vector<std::string>{"unix:" + dropped});
    first.reset();
    EXPECT_TRUE(isSocketFile(kept));
    EXPECT_TRUE(connectsTo(kept));
    EXPECT_FALSE(std::filesystem::exists(dropped));
    second.reset();
    EXPECT_FALSE(std::filesystem::exists(kept));
}

TEST(ListenerSetTest, AWorkerClosingItsCopiesLeavesTheFilesToTheMaster) {
    SocketDir dir;
    const std::string path = dir.path("shared.sock");
    std::string error;
    auto set = ListenerSet::open(configListeningOnUnix({path}), nullptr, error);
    ASSERT_TRUE(set) << error;
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        leaveUnixSocketFilesToTheMaster();
        set.reset();
        ::_exit(0);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(isSocketFile(path));
    EXPECT_TRUE(connectsTo(path));
    set.reset();
    EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace mailwire::app
