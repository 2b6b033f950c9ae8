#include "load_runner.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace mailwire::load {

namespace {

using Clock = std::chrono::steady_clock;

double secondsBetween(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
}

constexpr std::size_t kDistinctErrors = 20;  // more distinct reasons are counted under one name

}  // namespace

bool SharedRun::mayStart() {
    if (stop.load()) return false;
    if (sessionsWanted == 0) return Clock::now() < deadline;
    return sessionsStarted.fetch_add(1) < sessionsWanted;
}

LoadRunner::LoadRunner(const LoadOptions& options, const std::vector<Step>& steps, SharedRun& shared,
                       int concurrency)
    : options_(options), steps_(steps), shared_(shared), concurrency_(concurrency) {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
}

LoadRunner::~LoadRunner() {
    entries_.clear();
    if (epoll_ >= 0) ::close(epoll_);
}

RunResult LoadRunner::run() {
    for (int i = 0; i < concurrency_ && startOne(); ++i) {
    }
    std::vector<epoll_event> events(1024);
    const bool idle = options_.mode == "idle";
    while (inFlight_ > 0 || (idle && !entries_.empty())) {
        if (idle && shared_.stop.load()) {
            closeHeld();
            break;
        }
        int ready = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 100);
        if (ready < 0 && errno != EINTR)
            throw std::runtime_error(std::string("epoll_wait: ") + std::strerror(errno));
        for (int i = 0; i < ready; ++i) handle(events[static_cast<std::size_t>(i)].data.fd, events[i].events);
        expireSilent();
    }
    return std::move(result_);
}

bool LoadRunner::startOne() {
    while (shared_.mayStart()) {
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            ++result_.errors[std::string("socket: ") + std::strerror(errno)];
            if (options_.mode == "idle") shared_.settled.fetch_add(1);
            continue;
        }
        int on = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<std::uint16_t>(options_.port));
        ::inet_pton(AF_INET, options_.host.c_str(), &address.sin_addr);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0 &&
            errno != EINPROGRESS) {
            ++result_.errors[std::string("connect: ") + std::strerror(errno)];
            ::close(fd);
            if (options_.mode == "idle") shared_.settled.fetch_add(1);
            continue;
        }
        epoll_event event{};
        event.events = EPOLLIN | EPOLLOUT;
        event.data.fd = fd;
        ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event);
        Clock::time_point now = Clock::now();
        entries_[fd] = Entry{std::make_unique<LoadConnection>(fd, steps_), now, now, true, false};
        ++inFlight_;
        return true;
    }
    return false;
}

void LoadRunner::handle(int fd, std::uint32_t events) {
    auto found = entries_.find(fd);
    if (found == entries_.end()) return;
    Entry& entry = found->second;
    LoadConnection& connection = *entry.connection;
    if (events & (EPOLLOUT | EPOLLERR)) connection.onWritable();
    if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) &&
        (connection.status() == LoadConnection::Status::Running ||
         connection.status() == LoadConnection::Status::Held))
        connection.onReadable();
    entry.lastActivity = Clock::now();
    switch (connection.status()) {
        case LoadConnection::Status::Running:
            if (connection.wantsWrite() != entry.writeWatched) {
                entry.writeWatched = connection.wantsWrite();
                epoll_event event{};
                event.events = EPOLLIN | (entry.writeWatched ? EPOLLOUT : 0u);
                event.data.fd = fd;
                ::epoll_ctl(epoll_, EPOLL_CTL_MOD, fd, &event);
            }
            return;
        case LoadConnection::Status::Held:
            if (!entry.held) {
                entry.held = true;
                ++result_.held;
                result_.latenciesMs.push_back(secondsBetween(entry.started, entry.lastActivity) * 1000.0);
                --inFlight_;
                shared_.settled.fetch_add(1);
                if (entry.writeWatched) {
                    entry.writeWatched = false;
                    epoll_event event{};
                    event.events = EPOLLIN;
                    event.data.fd = fd;
                    ::epoll_ctl(epoll_, EPOLL_CTL_MOD, fd, &event);
                }
                startOne();
            }
            return;
        default:
            settle(fd);
    }
}

// A session ended (done or failed): record it, forget it, and start the next one if the run goes on.
void LoadRunner::settle(int fd) {
    auto found = entries_.find(fd);
    Entry& entry = found->second;
    LoadConnection& connection = *entry.connection;
    const bool wasHeld = entry.held;
    Clock::time_point now = Clock::now();
    if (connection.status() == LoadConnection::Status::Done) {
        ++result_.completed;
        result_.latenciesMs.push_back(secondsBetween(entry.started, now) * 1000.0);
    } else {
        std::string reason = connection.error();
        if (result_.errors.size() >= kDistinctErrors && !result_.errors.count(reason))
            reason = "other errors";
        ++result_.errors[reason];
    }
    result_.payloadBytes += connection.payloadBytes();
    result_.finishedS = secondsBetween(shared_.started, now);
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
    entries_.erase(found);
    if (wasHeld) return;
    --inFlight_;
    if (options_.mode == "idle") shared_.settled.fetch_add(1);
    startOne();
}

void LoadRunner::expireSilent() {
    Clock::time_point now = Clock::now();
    std::vector<int> expired;
    for (auto& [fd, entry] : entries_) {
        if (entry.connection->status() == LoadConnection::Status::Running &&
            secondsBetween(entry.lastActivity, now) > options_.timeoutS)
            expired.push_back(fd);
    }
    for (int fd : expired) {
        ++result_.errors["no progress for " + std::to_string(static_cast<int>(options_.timeoutS)) + " s"];
        ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
        entries_.erase(fd);
        --inFlight_;
        if (options_.mode == "idle") shared_.settled.fetch_add(1);
    }
}

void LoadRunner::closeHeld() {
    for (auto& [fd, entry] : entries_) ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
    entries_.clear();
    result_.finishedS = secondsBetween(shared_.started, Clock::now());
}

}  // namespace mailwire::load
