// The single-threaded event loop every worker runs: level-triggered epoll plus timers.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/Timers.h"

namespace mailwire::core {

enum IoEvents : uint32_t { kReadable = 1u << 0, kWritable = 1u << 1, kHangup = 1u << 2 };

class EventLoop : public Timers {
  public:
    using FdHandler = std::function<void(uint32_t events)>;

    EventLoop();
    ~EventLoop() override;
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // Registers or updates interest in fd; `interest` is a mask of kReadable|kWritable (0 keeps it
    // registered, idle).
    void watch(int fd, uint32_t interest, FdHandler handler);
    void setInterest(int fd, uint32_t interest);
    void unwatch(int fd);

    TimerId addTimer(Millis after, std::function<void()> fire) override;
    void cancelTimer(TimerId id) override;

    // Runs `task` on the loop after the current event has been handled (safe place to destroy objects).
    void post(std::function<void()> task);

    void run();  // until stop()
    void stop();
    bool stopping() const { return stopRequested_; }

  private:
    struct Watch {
        uint32_t interest = 0;
        std::shared_ptr<FdHandler> handler;
    };
    int waitTimeoutMs() const;
    void runDueTimers();
    void runPosted();

    int epollFd_ = -1;
    bool stopRequested_ = false;
    std::unordered_map<int, Watch> watches_;
    TimerId nextTimerId_ = 1;
    std::multimap<std::chrono::steady_clock::time_point, TimerId> timerQueue_;
    std::unordered_map<TimerId, std::pair<std::chrono::steady_clock::time_point, std::function<void()>>>
        timers_;
    std::vector<std::function<void()>> posted_;
};

}  // namespace mailwire::core
