#include "event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace mailwire::fake {

namespace {
constexpr std::uint64_t kWakeId = 0;

std::uint32_t maskFor(bool readable, bool writable) {
    return (readable ? EPOLLIN : 0u) | (writable ? EPOLLOUT : 0u);
}

[[noreturn]] void failSystem(const char* what) {
    throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}
}  // namespace

EventLoop::EventLoop() {
    epollFd_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epollFd_ < 0) failSystem("epoll_create1");
    wakeFd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wakeFd_ < 0) failSystem("eventfd");
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = kWakeId;
    if (::epoll_ctl(epollFd_, EPOLL_CTL_ADD, wakeFd_, &event) < 0) failSystem("epoll_ctl");
}

EventLoop::~EventLoop() {
    ::close(wakeFd_);
    ::close(epollFd_);
}

std::uint64_t EventLoop::add(int fd, IoHandler& handler, bool readable, bool writable) {
    std::uint64_t id = nextId_++;
    epoll_event event{};
    event.events = maskFor(readable, writable);
    event.data.u64 = id;
    if (::epoll_ctl(epollFd_, EPOLL_CTL_ADD, fd, &event) < 0) failSystem("epoll_ctl(ADD)");
    registrations_[id] = {fd, &handler};
    return id;
}

void EventLoop::modify(std::uint64_t id, bool readable, bool writable) {
    auto it = registrations_.find(id);
    if (it == registrations_.end()) return;
    epoll_event event{};
    event.events = maskFor(readable, writable);
    event.data.u64 = id;
    ::epoll_ctl(epollFd_, EPOLL_CTL_MOD, it->second.fd, &event);
}

void EventLoop::remove(std::uint64_t id) {
    auto it = registrations_.find(id);
    if (it == registrations_.end()) return;
    ::epoll_ctl(epollFd_, EPOLL_CTL_DEL, it->second.fd, nullptr);
    registrations_.erase(it);
}

std::uint64_t EventLoop::runAfter(std::chrono::milliseconds delay, Callback callback) {
    std::uint64_t id = nextId_++;
    Clock::time_point when = Clock::now() + delay;
    timerQueue_.emplace(when, id);
    timers_.emplace(id, std::make_pair(when, std::move(callback)));
    return id;
}

void EventLoop::cancelTimer(std::uint64_t timerId) {
    auto it = timers_.find(timerId);
    if (it == timers_.end()) return;
    timerQueue_.erase({it->second.first, timerId});
    timers_.erase(it);
}

void EventLoop::defer(Callback callback) { deferred_.push_back(std::move(callback)); }

void EventLoop::requestStop() {
    std::uint64_t one = 1;
    // write() is async-signal-safe; a full counter already means "stop".
    [[maybe_unused]] ssize_t written = ::write(wakeFd_, &one, sizeof one);
}

int EventLoop::timeoutMs() const {
    if (!deferred_.empty()) return 0;
    if (timerQueue_.empty()) return -1;
    auto left = timerQueue_.begin()->first - Clock::now();
    if (left <= Clock::duration::zero()) return 0;
    // Round up so a timer never fires early.
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    return ms > 60000 ? 60000 : static_cast<int>(ms);
}

void EventLoop::runDueTimers() {
    Clock::time_point now = Clock::now();
    while (!timerQueue_.empty() && timerQueue_.begin()->first <= now) {
        std::uint64_t id = timerQueue_.begin()->second;
        timerQueue_.erase(timerQueue_.begin());
        auto it = timers_.find(id);
        Callback callback = std::move(it->second.second);
        timers_.erase(it);
        callback();
    }
}

void EventLoop::runDeferred() {
    while (!deferred_.empty()) {
        std::vector<Callback> batch;
        batch.swap(deferred_);
        for (auto& callback : batch) callback();
    }
}

void EventLoop::run() {
    epoll_event events[256];
    while (!stopping_) {
        int count = ::epoll_wait(epollFd_, events, 256, timeoutMs());
        if (count < 0) {
            if (errno == EINTR) continue;
            failSystem("epoll_wait");
        }
        for (int i = 0; i < count; ++i) {
            std::uint64_t id = events[i].data.u64;
            if (id == kWakeId) {
                stopping_ = true;
                continue;
            }
            auto it = registrations_.find(id);
            if (it != registrations_.end()) it->second.handler->onIoEvent(events[i].events);
        }
        if (stopping_) break;
        runDueTimers();
        runDeferred();
    }
    runDeferred();
}

}  // namespace mailwire::fake
