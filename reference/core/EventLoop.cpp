#include "core/EventLoop.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "core/Connection.h"

namespace mailwire::core {

namespace {

uint32_t toEpoll(uint32_t interest, Trigger trigger) {
    if (trigger == Trigger::Edge) return EPOLLIN | EPOLLRDHUP | EPOLLOUT | EPOLLET;
    // EPOLLEXCLUSIVE accepts only EPOLLIN/EPOLLOUT beside it (a listening socket needs no EPOLLRDHUP).
    if (trigger == Trigger::Exclusive)
        return EPOLLEXCLUSIVE | ((interest & kReadable) ? EPOLLIN : 0u) |
               ((interest & kWritable) ? EPOLLOUT : 0u);
    uint32_t events = 0;
    if (interest & kReadable) events |= EPOLLIN | EPOLLRDHUP;
    if (interest & kWritable) events |= EPOLLOUT;
    return events;
}

uint32_t fromEpoll(uint32_t events) {
    uint32_t out = 0;
    if (events & (EPOLLIN | EPOLLRDHUP)) out |= kReadable;
    if (events & EPOLLRDHUP) out |= kPeerClosed;
    if (events & EPOLLOUT) out |= kWritable;
    if (events & (EPOLLHUP | EPOLLERR)) out |= kHangup | kReadable | kWritable;
    return out;
}

void control(int epollFd, int op, int fd, uint32_t events) {
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    if (::epoll_ctl(epollFd, op, fd, &ev) != 0 && op == EPOLL_CTL_ADD)
        throw std::runtime_error(std::string("epoll_ctl(ADD) failed: ") + std::strerror(errno));
}

}  // namespace

EventLoop::EventLoop() : epollFd_(::epoll_create1(EPOLL_CLOEXEC)) {
    if (epollFd_ < 0)
        throw std::runtime_error(std::string("epoll_create1() failed: ") + std::strerror(errno));
}

EventLoop::~EventLoop() { ::close(epollFd_); }

EventLoop::Watch* EventLoop::find(int fd) {
    if (fd < 0 || static_cast<size_t>(fd) >= watches_.size() || !watches_[fd].active) return nullptr;
    return &watches_[fd];
}

void EventLoop::watch(int fd, uint32_t interest, FdHandler handler, Trigger trigger) {
    if (fd < 0) throw std::runtime_error("epoll_ctl(ADD) failed: invalid descriptor");
    if (Watch* existing = find(fd)) {
        existing->handler = std::make_shared<FdHandler>(std::move(handler));
        setInterest(fd, interest);
        return;
    }
    control(epollFd_, EPOLL_CTL_ADD, fd, toEpoll(interest, trigger));
    if (static_cast<size_t>(fd) >= watches_.size()) watches_.resize(static_cast<size_t>(fd) + 64);
    watches_[fd] = Watch{true, trigger, interest, std::make_shared<FdHandler>(std::move(handler))};
}

void EventLoop::setInterest(int fd, uint32_t interest) {
    Watch* found = find(fd);
    if (!found || found->interest == interest || found->trigger == Trigger::Edge) return;
    const uint32_t before = found->interest;
    found->interest = interest;
    if (found->trigger == Trigger::Level) {
        control(epollFd_, EPOLL_CTL_MOD, fd, toEpoll(interest, Trigger::Level));
        return;
    }
    // An exclusive wake-up cannot be modified, only removed and added again.
    if (before != 0) control(epollFd_, EPOLL_CTL_DEL, fd, 0);
    if (interest != 0) control(epollFd_, EPOLL_CTL_ADD, fd, toEpoll(interest, Trigger::Exclusive));
}

void EventLoop::unwatch(int fd) {
    Watch* found = find(fd);
    if (!found) return;
    const bool registered = found->trigger != Trigger::Exclusive || found->interest != 0;
    forget(fd);
    if (registered) ::epoll_ctl(epollFd_, EPOLL_CTL_DEL, fd, nullptr);
}

void EventLoop::forget(int fd) {
    Watch* found = find(fd);
    if (!found) return;
    *found = Watch{};
    for (auto& entry : signalled_)
        if (entry.first == fd) entry.second = 0;  // a later descriptor with this number must not hear it
}

void EventLoop::signalReady(int fd, uint32_t events) {
    if (find(fd)) signalled_.emplace_back(fd, events);
}

TimerId EventLoop::addTimer(Millis after, std::function<void()> fire) {
    return timers_.add(std::chrono::steady_clock::now() + after, std::move(fire));
}

void EventLoop::cancelTimer(TimerId id) { timers_.cancel(id); }

void EventLoop::post(std::function<void()> task) { posted_.push_back(std::move(task)); }

void EventLoop::stop() { stopRequested_ = true; }

int EventLoop::waitTimeoutMs() {
    if (!posted_.empty() || !signalled_.empty()) return 0;
    const auto due = timers_.earliest();
    if (!due) return -1;
    const auto now = std::chrono::steady_clock::now();
    if (*due <= now) return 0;
    // Round up so a timer never fires a millisecond early and spins.
    const auto wait = std::chrono::duration_cast<std::chrono::microseconds>(*due - now).count();
    return static_cast<int>((wait + 999) / 1000);
}

void EventLoop::runDueTimers() {
    const auto now = std::chrono::steady_clock::now();
    for (auto due = timers_.earliest(); due && *due <= now; due = timers_.earliest()) {
        auto fire = timers_.popDue(now);
        if (fire) fire();
    }
}

void EventLoop::destroyLater(std::unique_ptr<Connection> connection) {
    doomed_.push_back(std::move(connection));
}

void EventLoop::runPosted() {
    // Tasks may post more tasks; those run on the next turn. The two lists trade places, so neither gives
    // its capacity back.
    running_.swap(posted_);
    for (auto& task : running_) task();
    running_.clear();
    // One at a time from the back: a destructor may hand over another connection.
    while (!doomed_.empty()) {
        std::unique_ptr<Connection> last = std::move(doomed_.back());
        doomed_.pop_back();
    }
}

void EventLoop::dispatch(int fd, uint32_t events) {
    Watch* found = find(fd);
    if (!found || events == 0) return;  // unwatched by an earlier handler in this batch
    auto handler = found->handler;      // keeps the handler alive if it unwatches itself
    (*handler)(events);
}

void EventLoop::runSignalled() {
    // Handlers may signal again (those run on the next turn) or forget a descriptor still in the list (its
    // entry is then blanked), so the list is walked by index.
    const size_t count = signalled_.size();
    for (size_t i = 0; i < count; ++i) dispatch(signalled_[i].first, signalled_[i].second);
    signalled_.erase(signalled_.begin(), signalled_.begin() + static_cast<std::ptrdiff_t>(count));
}

void EventLoop::run() {
    stopRequested_ = false;
    epoll_event events[256];
    while (!stopRequested_) {
        const int n = ::epoll_wait(epollFd_, events, 256, waitTimeoutMs());
        if (n < 0 && errno != EINTR)
            throw std::runtime_error(std::string("epoll_wait() failed: ") + std::strerror(errno));
        for (int i = 0; i < n; ++i) dispatch(events[i].data.fd, fromEpoll(events[i].events));
        runSignalled();
        runDueTimers();
        runPosted();
    }
}

}  // namespace mailwire::core
