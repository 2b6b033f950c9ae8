// The single-threaded event loop every worker runs: epoll (level- or edge-triggered per descriptor) plus
// timers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/TimerHeap.h"
#include "core/Timers.h"

namespace mailwire::core {

class Connection;

// kPeerClosed (with kReadable): the peer's FIN is queued behind whatever data is waiting.
enum IoEvents : uint32_t {
    kReadable = 1u << 0,
    kWritable = 1u << 1,
    kHangup = 1u << 2,
    kPeerClosed = 1u << 3
};

enum class Trigger {
    Level,      // reported while the condition holds; interest is changed with setInterest()
    Edge,       // reported when it changes; registered once for both directions (connections)
    Exclusive,  // level-triggered, and only one of the processes sharing the descriptor is woken
                // (listening sockets shared by several workers: no thundering herd)
};

class EventLoop : public Timers {
  public:
    using FdHandler = std::function<void(uint32_t events)>;

    EventLoop();
    ~EventLoop() override;
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // Registers or updates interest in fd; `interest` is a mask of kReadable|kWritable (0 keeps it
    // registered, idle). An edge-triggered descriptor ignores `interest`: it hears both directions.
    void watch(int fd, uint32_t interest, FdHandler handler, Trigger trigger = Trigger::Level);
    void setInterest(int fd, uint32_t interest);
    void unwatch(int fd);
    // For a descriptor about to be closed: the kernel drops a closed socket from epoll by itself, so no
    // epoll_ctl() is needed, only forgetting the handler.
    void forget(int fd);
    // Delivers `events` to fd's handler on the next turn without the kernel's help: edge-triggered
    // connections use it for bytes still waiting that no new edge will announce.
    void signalReady(int fd, uint32_t events);

    TimerId addTimer(Millis after, std::function<void()> fire) override;
    void cancelTimer(TimerId id) override;

    // Runs `task` on the loop after the current event has been handled (safe place to destroy objects).
    void post(std::function<void()> task);
    // Destroys a connection after the current event has been handled: for one closed from inside its own
    // handler (no closure to allocate, unlike post()).
    void destroyLater(std::unique_ptr<Connection> connection);

    void run();  // until stop()
    void stop();
    bool stopping() const { return stopRequested_; }

  private:
    struct Watch {
        bool active = false;
        Trigger trigger = Trigger::Level;
        uint32_t interest = 0;
        std::shared_ptr<FdHandler> handler;
    };
    Watch* find(int fd);
    int waitTimeoutMs();
    void dispatch(int fd, uint32_t events);
    void runSignalled();
    void runDueTimers();
    void runPosted();

    int epollFd_ = -1;
    bool stopRequested_ = false;
    std::vector<Watch> watches_;  // indexed by descriptor: descriptors are small, dense integers
    std::vector<std::pair<int, uint32_t>> signalled_;
    TimerHeap timers_;
    std::vector<std::function<void()>> posted_;
    std::vector<std::function<void()>> running_;  // the posted tasks of this turn (capacity kept)
    std::vector<std::unique_ptr<Connection>> doomed_;
};

}  // namespace mailwire::core
