// One-shot timers, the seam sessions use for timeout, auth_http_timeout, proxy_timeout and Auth-Wait.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace mailwire::core {

using Millis = std::chrono::milliseconds;
using TimerId = uint64_t;  // 0 is never a valid id
using TimePoint = std::chrono::steady_clock::time_point;

class Timers {
  public:
    virtual ~Timers() = default;
    virtual TimerId addTimer(Millis after, std::function<void()> fire) = 0;
    virtual void cancelTimer(TimerId id) = 0;  // unknown or fired ids are ignored
    virtual TimePoint now() const { return std::chrono::steady_clock::now(); }  // the clock timers run on
};

}  // namespace mailwire::core
