// core::Timers whose clock the test moves by hand.
#pragma once

#include <map>

#include "core/Timers.h"

namespace mailwire::testing {

class ManualTimers : public core::Timers {
  public:
    core::TimerId addTimer(core::Millis after, std::function<void()> fire) override {
        const core::TimerId id = next_++;
        timers_[id] = {now_ + after, std::move(fire)};
        return id;
    }
    void cancelTimer(core::TimerId id) override { timers_.erase(id); }

    // Moves time forward, firing every timer that falls due, in order.
    void advance(core::Millis by) {
        const core::Millis until = now_ + by;
        for (;;) {
            auto due = timers_.end();
            for (auto it = timers_.begin(); it != timers_.end(); ++it)
                if (it->second.first <= until &&
                    (due == timers_.end() || it->second.first < due->second.first))
                    due = it;
            if (due == timers_.end()) break;
            now_ = due->second.first;
            auto fire = std::move(due->second.second);
            timers_.erase(due);
            fire();
        }
        now_ = until;
    }
    size_t armed() const { return timers_.size(); }
    core::TimePoint now() const override { return core::TimePoint(now_); }

  private:
    core::TimerId next_ = 1;
    core::Millis now_{0};
    std::map<core::TimerId, std::pair<core::Millis, std::function<void()>>> timers_;
};

}  // namespace mailwire::testing
