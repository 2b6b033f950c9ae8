#include "core/TimerHeap.h"

#include <algorithm>

namespace mailwire::core {

namespace {

constexpr unsigned kSlotBits = 24;  // 16 M timers at once; a worker holds a few per session
constexpr TimerId kSlotMask = (TimerId{1} << kSlotBits) - 1;

}  // namespace

bool TimerHeap::later(const Entry& a, const Entry& b) {
    if (a.due != b.due) return a.due > b.due;
    return a.id > b.id;  // ids grow with every add: the same deadline keeps the order of adding
}

bool TimerHeap::isLive(const Entry& entry) const { return slots_[entry.id & kSlotMask].id == entry.id; }

TimerId TimerHeap::add(TimePoint due, std::function<void()> fire) {
    uint32_t slot;
    if (!freeSlots_.empty()) {
        slot = freeSlots_.back();
        freeSlots_.pop_back();
    } else {
        slot = static_cast<uint32_t>(slots_.size());
        slots_.emplace_back();
    }
    const TimerId id = (++sequence_ << kSlotBits) | slot;
    slots_[slot].id = id;
    slots_[slot].fire = std::move(fire);
    heap_.push_back(Entry{due, id});
    std::push_heap(heap_.begin(), heap_.end(), later);
    ++live_;
    return id;
}

std::function<void()> TimerHeap::release(TimerId id) {
    const auto slot = static_cast<uint32_t>(id & kSlotMask);
    std::function<void()> fire = std::move(slots_[slot].fire);
    slots_[slot].fire = nullptr;
    slots_[slot].id = 0;
    freeSlots_.push_back(slot);
    --live_;
    return fire;
}

void TimerHeap::cancel(TimerId id) {
    const TimerId slot = id & kSlotMask;
    if (id == 0 || slot >= slots_.size() || slots_[slot].id != id) return;
    release(id);
    compactIfMostlyStale();
}

void TimerHeap::compactIfMostlyStale() {
    // Cancelled timers are the common case (a session's timeouts rarely fire): without this, their entries
    // would stay until their deadlines, minutes away.
    if (heap_.size() < 1024 || heap_.size() < 2 * live_) return;
    heap_.erase(std::remove_if(heap_.begin(), heap_.end(), [this](const Entry& e) { return !isLive(e); }),
                heap_.end());
    std::make_heap(heap_.begin(), heap_.end(), later);
}

void TimerHeap::dropStaleTop() {
    while (!heap_.empty() && !isLive(heap_.front())) {
        std::pop_heap(heap_.begin(), heap_.end(), later);
        heap_.pop_back();
    }
}

std::optional<TimePoint> TimerHeap::earliest() {
    dropStaleTop();
    if (heap_.empty()) return std::nullopt;
    return heap_.front().due;
}

std::function<void()> TimerHeap::popDue(TimePoint now) {
    dropStaleTop();
    if (heap_.empty() || heap_.front().due > now) return nullptr;
    const TimerId id = heap_.front().id;
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
    return release(id);
}

}  // namespace mailwire::core
