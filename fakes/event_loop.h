#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mailwire::fake {

// Receives readiness for one registered file descriptor.
class IoHandler {
  public:
    virtual ~IoHandler() = default;
    // `events` is the epoll mask (EPOLLIN, EPOLLOUT, EPOLLHUP, EPOLLERR).
    virtual void onIoEvent(std::uint32_t events) = 0;
};

// One thread, epoll and timers: every connection of a fake lives here, so a wait on one never stalls another.
class EventLoop {
  public:
    using Callback = std::function<void()>;
    using Clock = std::chrono::steady_clock;

    EventLoop();
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // Registers `fd` (not owned); returns the id used to change or remove it. A removed id never fires again,
    // even for events already fetched in the same round.
    std::uint64_t add(int fd, IoHandler& handler, bool readable, bool writable);
    void modify(std::uint64_t id, bool readable, bool writable);
    void remove(std::uint64_t id);

    std::uint64_t runAfter(std::chrono::milliseconds delay, Callback callback);
    void cancelTimer(std::uint64_t timerId);
    // Runs `callback` after the current round of events (for destroying the object that is running now).
    void defer(Callback callback);

    // Runs until requestStop().
    void run();
    // Safe from a signal handler or another thread.
    void requestStop();

  private:
    struct Registration {
        int fd;
        IoHandler* handler;
    };
    int timeoutMs() const;
    void runDueTimers();
    void runDeferred();

    int epollFd_;
    int wakeFd_;
    std::uint64_t nextId_ = 1;
    std::unordered_map<std::uint64_t, Registration> registrations_;
    std::set<std::pair<Clock::time_point, std::uint64_t>> timerQueue_;
    std::unordered_map<std::uint64_t, std::pair<Clock::time_point, Callback>> timers_;
    std::vector<Callback> deferred_;
    bool stopping_ = false;
};

}  // namespace mailwire::fake
