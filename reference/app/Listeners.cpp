#include "app/Listeners.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace mailwire::app {

namespace {

bool removeUnixSocketFiles = true;

std::string failure(const std::string& what, int err) {
    return what + " failed (" + std::to_string(err) + ": " + std::strerror(err) + ")";
}

std::shared_ptr<ListeningSocket> openUnixSocket(const PlannedSocket& plan, std::string& error) {
    const std::string& path = plan.bind.unixPath;
    sockaddr_un addr{};
    if (path.size() >= sizeof addr.sun_path) {  // the config refuses these already
        error = "too long path in the unix domain socket \"" + path + "\"";
        return nullptr;
    }
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);

    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        error = failure("socket() " + plan.key, errno);
        return nullptr;
    }
    auto socket = std::make_shared<ListeningSocket>(fd);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        error = failure("bind() to " + plan.key, errno);
        return nullptr;
    }
    socket->ownUnixPath(path);
    // nginx makes the socket connectable by anyone (0666) and goes on if that fails.
    ::chmod(path.c_str(), S_IRUSR | S_IWUSR | S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH);
    if (::listen(fd, plan.bind.backlog) != 0) {
        error = failure("listen() to " + plan.key + ", backlog " + std::to_string(plan.bind.backlog), errno);
        return nullptr;
    }
    return socket;
}

std::shared_ptr<ListeningSocket> openSocket(const PlannedSocket& plan, std::string& error) {
    const config::ListenSpec& spec = plan.bind;
    if (!spec.unixPath.empty()) return openUnixSocket(plan, error);
    sockaddr_storage addr{};
    socklen_t len = 0;
    const std::string host = spec.host.empty() ? "0.0.0.0" : spec.host;
    int family = AF_INET;
    if (host.find(':') != std::string::npos) {
        auto* in6 = reinterpret_cast<sockaddr_in6*>(&addr);
        in6->sin6_family = family = AF_INET6;
        in6->sin6_port = htons(spec.port);
        if (::inet_pton(AF_INET6, host.c_str(), &in6->sin6_addr) != 1) {
            error = "invalid listen address \"" + host + "\"";
            return nullptr;
        }
        len = sizeof *in6;
    } else {
        auto* in4 = reinterpret_cast<sockaddr_in*>(&addr);
        in4->sin_family = AF_INET;
        in4->sin_port = htons(spec.port);
        if (::inet_pton(AF_INET, host.c_str(), &in4->sin_addr) != 1) {
            error = "invalid listen address \"" + host + "\"";
            return nullptr;
        }
        len = sizeof *in4;
    }

    const int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        error = failure("socket() " + plan.key, errno);
        return nullptr;
    }
    auto socket = std::make_shared<ListeningSocket>(fd);
    // No FD_CLOEXEC: nothing is exec'd, and forked workers must inherit the socket anyway.
    int one = 1;
    if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) {
        error = failure("setsockopt(SO_REUSEADDR) " + plan.key, errno);
        return nullptr;
    }
    if (family == AF_INET6) {
        int v6only = spec.ipv6only ? 1 : 0;
        if (::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) != 0) {
            error = failure("setsockopt(IPV6_V6ONLY) " + plan.key, errno);
            return nullptr;
        }
    }
    // Accepted connections inherit TCP_NODELAY from their listener: set once here, it saves a setsockopt()
    // per client. Without it clients would only see Nagle's delays, so a refusal is not fatal.
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
        error = failure("bind() to " + plan.key, errno);
        return nullptr;
    }
    if (::listen(fd, spec.backlog) != 0) {
        error = failure("listen() to " + plan.key + ", backlog " + std::to_string(spec.backlog), errno);
        return nullptr;
    }
    return socket;
}

}  // namespace

ListeningSocket::~ListeningSocket() {
    if (fd_ >= 0) ::close(fd_);
    if (!unixPath_.empty() && removeUnixSocketFiles) ::unlink(unixPath_.c_str());
}

void leaveUnixSocketFilesToTheMaster() { removeUnixSocketFiles = false; }

std::vector<std::string> ListenerSet::keys() const {
    std::vector<std::string> keys;
    for (const auto& listener : listeners_) keys.push_back(listener.plan.key);
    return keys;
}

std::shared_ptr<ListenerSet> ListenerSet::open(std::shared_ptr<const config::MainConfig> config,
                                               const ListenerSet* previous, std::string& error) {
    auto set = std::make_shared<ListenerSet>();
    auto plans = planListenSockets(*config);
    std::vector<std::string> wanted;
    for (const auto& plan : plans) wanted.push_back(plan.key);
    const ListenerDiff diff = diffListeners(previous ? previous->keys() : std::vector<std::string>{}, wanted);
    set->dropped_ = diff.close;
    for (auto& plan : plans) {
        Listener listener;
        if (std::find(diff.keep.begin(), diff.keep.end(), plan.key) != diff.keep.end()) {
            for (const auto& old : previous->listeners_)
                if (old.plan.key == plan.key) listener.socket = old.socket;
        } else {
            listener.socket = openSocket(plan, error);
        }
        if (!listener.socket) return nullptr;
        for (const auto& route : plan.routes)
            listener.servers.emplace_back(config,
                                          &config->servers[route.server]);  // shares the config's life
        listener.plan = std::move(plan);
        set->listeners_.push_back(std::move(listener));
    }
    return set;
}

}  // namespace mailwire::app
