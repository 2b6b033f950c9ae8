#include "core/EventLoop.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace mailwire::core {

namespace {

uint32_t toEpoll(uint32_t interest) {
    uint32_t events = 0;
    if (interest & kReadable) events |= EPOLLIN | EPOLLRDHUP;
    if (interest & kWritable) events |= EPOLLOUT;
    return events;
}

uint32_t fromEpoll(uint32_t events) {
    uint32_t out = 0;
    if (events & (EPOLLIN | EPOLLRDHUP)) out |= kReadable;
    if (events & EPOLLOUT) out |= kWritable;
    if (events & (EPOLLHUP | EPOLLERR)) out |= kHangup | kReadable | kWritable;
    return out;
}

}  // namespace

EventLoop::EventLoop() : epollFd_(::epoll_create1(EPOLL_CLOEXEC)) {
    if (epollFd_ < 0)
        throw std::runtime_error(std::string("epoll_create1() failed: ") + std::strerror(errno));
}

EventLoop::~EventLoop() { ::close(epollFd_); }

void EventLoop::watch(int fd, uint32_t interest, FdHandler handler) {
    auto found = watches_.find(fd);
    epoll_event ev{};
    ev.events = toEpoll(interest);
    ev.data.fd = fd;
    if (found == watches_.end()) {
        if (::epoll_ctl(epollFd_, EPOLL_CTL_ADD, fd, &ev) != 0)
            throw std::runtime_error(std::string("epoll_ctl(ADD) failed: ") + std::strerror(errno));
        watches_[fd] = Watch{interest, std::make_shared<FdHandler>(std::move(handler))};
        return;
    }
    found->second.handler = std::make_shared<FdHandler>(std::move(handler));
    if (found->second.interest != interest) {
        found->second.interest = interest;
        ::epoll_ctl(epollFd_, EPOLL_CTL_MOD, fd, &ev);
    }
}

void EventLoop::setInterest(int fd, uint32_t interest) {
    auto found = watches_.find(fd);
    if (found == watches_.end() || found->second.interest == interest) return;
    found->second.interest = interest;
    epoll_event ev{};
    ev.events = toEpoll(interest);
    ev.data.fd = fd;
    ::epoll_ctl(epollFd_, EPOLL_CTL_MOD, fd, &ev);
}

void EventLoop::unwatch(int fd) {
    if (watches_.erase(fd) > 0) ::epoll_ctl(epollFd_, EPOLL_CTL_DEL, fd, nullptr);
}

TimerId EventLoop::addTimer(Millis after, std::function<void()> fire) {
    const TimerId id = nextTimerId_++;
    const auto due = std::chrono::steady_clock::now() + after;
    timers_.emplace(id, std::make_pair(due, std::move(fire)));
    timerQueue_.emplace(due, id);
    return id;
}

void EventLoop::cancelTimer(TimerId id) {
    auto found = timers_.find(id);
    if (found == timers_.end()) return;
    auto range = timerQueue_.equal_range(found->second.first);
    for (auto it = range.first; it != range.second; ++it) {
        if (it->second == id) {
            timerQueue_.erase(it);
            break;
        }
    }
    timers_.erase(found);
}

void EventLoop::post(std::function<void()> task) { posted_.push_back(std::move(task)); }

void EventLoop::stop() { stopRequested_ = true; }

int EventLoop::waitTimeoutMs() const {
    if (!posted_.empty()) return 0;
    if (timerQueue_.empty()) return -1;
    const auto now = std::chrono::steady_clock::now();
    const auto due = timerQueue_.begin()->first;
    if (due <= now) return 0;
    // Round up so a timer never fires a millisecond early and spins.
    const auto wait = std::chrono::duration_cast<std::chrono::microseconds>(due - now).count();
    return static_cast<int>((wait + 999) / 1000);
}

void EventLoop::runDueTimers() {
    const auto now = std::chrono::steady_clock::now();
    while (!timerQueue_.empty() && timerQueue_.begin()->first <= now) {
        const TimerId id = timerQueue_.begin()->second;
        timerQueue_.erase(timerQueue_.begin());
        auto found = timers_.find(id);
        if (found == timers_.end()) continue;
        auto fire = std::move(found->second.second);
        timers_.erase(found);
        fire();
    }
}

void EventLoop::runPosted() {
    // Tasks may post more tasks; those run on the next turn.
    std::vector<std::function<void()>> tasks;
    tasks.swap(posted_);
    for (auto& task : tasks) task();
}

void EventLoop::run() {
    stopRequested_ = false;
    epoll_event events[256];
    while (!stopRequested_) {
        const int n = ::epoll_wait(epollFd_, events, 256, waitTimeoutMs());
        if (n < 0 && errno != EINTR)
            throw std::runtime_error(std::string("epoll_wait() failed: ") + std::strerror(errno));
        for (int i = 0; i < n; ++i) {
            auto found = watches_.find(events[i].data.fd);
            if (found == watches_.end()) continue;  // unwatched by an earlier handler in this batch
            auto handler = found->second.handler;   // keeps the handler alive if it unwatches itself
            (*handler)(fromEpoll(events[i].events));
        }
        runDueTimers();
        runPosted();
    }
}

}  // namespace mailwire::core
