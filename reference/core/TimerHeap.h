// The event loop's one-shot timers: a binary min-heap of deadlines over a slot table holding the callbacks.
// Adding and cancelling allocate nothing once the vectors have grown (a session arms and cancels several
// timers; a node-based map paid two allocations for each). Cancelling leaves the heap entry in place, to be
// skipped when it surfaces; the heap is rebuilt when such entries outnumber the live ones.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "core/Timers.h"

namespace mailwire::core {

class TimerHeap {
  public:
    TimerId add(TimePoint due, std::function<void()> fire);
    void cancel(TimerId id);  // unknown, cancelled or fired ids are ignored
    // The deadline of the earliest live timer.
    std::optional<TimePoint> earliest();
    // Takes the earliest live timer due at or before `now`: its callback, or an empty function when none is.
    // Timers with the same deadline come out in the order they were added.
    std::function<void()> popDue(TimePoint now);
    size_t size() const { return live_; }

  private:
    struct Entry {
        TimePoint due;
        TimerId id;
    };
    struct Slot {
        TimerId id = 0;  // 0: free
        std::function<void()> fire;
    };
    static bool later(const Entry& a, const Entry& b);
    bool isLive(const Entry& entry) const;
    void dropStaleTop();
    void compactIfMostlyStale();
    std::function<void()> release(TimerId id);

    std::vector<Entry> heap_;  // std::push_heap/pop_heap order, earliest on top
    std::vector<Slot> slots_;  // an id's low bits are its slot, the high bits a sequence number
    std::vector<uint32_t> freeSlots_;
    uint64_t sequence_ = 0;
    size_t live_ = 0;
};

}  // namespace mailwire::core
