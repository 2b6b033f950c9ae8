// TimerHeap: deadline order, the order of adding for equal deadlines, cancellation (also of many at once,
// which rebuilds the heap), and ids that stay unique when slots are reused.
#include <gtest/gtest.h>

#include <vector>

#include "core/TimerHeap.h"

namespace mailwire::core {
namespace {

const TimePoint kStart{};

TimePoint at(int ms) { return kStart + Millis(ms); }

// Runs every timer due at `now`, as the event loop does.
void fireDue(TimerHeap& heap, TimePoint now) {
    while (auto due = heap.earliest()) {
        if (*due > now) break;
        heap.popDue(now)();
    }
}

TEST(TimerHeap, FiresInDeadlineOrderThenInTheOrderAdded) {
    TimerHeap heap;
    std::vector<int> fired;
    heap.add(at(30), [&] { fired.push_back(3); });
    heap.add(at(10), [&] { fired.push_back(1); });
    heap.add(at(20), [&] { fired.push_back(21); });
    heap.add(at(20), [&] { fired.push_back(22); });
    heap.add(at(20), [&] { fired.push_back(23); });
    EXPECT_EQ(heap.size(), 5u);
    EXPECT_EQ(heap.earliest(), at(10));
    EXPECT_FALSE(heap.popDue(at(9)));  // nothing due yet
    fireDue(heap, at(25));
    EXPECT_EQ(fired, (std::vector<int>{1, 21, 22, 23}));
    EXPECT_EQ(heap.earliest(), at(30));
    fireDue(heap, at(30));
    EXPECT_EQ(fired.back(), 3);
    EXPECT_EQ(heap.size(), 0u);
    EXPECT_FALSE(heap.earliest());
}

TEST(TimerHeap, CancelledTimersNeverFireAndStaleIdsAreIgnored) {
    TimerHeap heap;
    std::vector<int> fired;
    const TimerId first = heap.add(at(10), [&] { fired.push_back(1); });
    heap.add(at(20), [&] { fired.push_back(2); });
    heap.cancel(first);
    heap.cancel(first);  // twice: ignored
    heap.cancel(0);
    heap.cancel(~TimerId{0});
    EXPECT_EQ(heap.size(), 1u);
    EXPECT_EQ(heap.earliest(), at(20));  // the cancelled one no longer counts
    // Its slot is reused: the old id must not cancel the new timer.
    const TimerId reused = heap.add(at(15), [&] { fired.push_back(3); });
    EXPECT_NE(reused, first);
    heap.cancel(first);
    fireDue(heap, at(100));
    EXPECT_EQ(fired, (std::vector<int>{3, 2}));
}

TEST(TimerHeap, ManyCancellationsKeepTheRightTimersAndTheRightOrder) {
    // Enough to make cancelled entries outnumber live ones and rebuild the heap several times.
    TimerHeap heap;
    std::vector<int> fired;
    std::vector<TimerId> ids;
    for (int i = 0; i < 10000; ++i)
        ids.push_back(heap.add(at(100000 - i), [&fired, i] { fired.push_back(i); }));
    for (int i = 0; i < 10000; ++i)
        if (i % 100 != 0) heap.cancel(ids[i]);
    EXPECT_EQ(heap.size(), 100u);
    fireDue(heap, at(1000000));
    ASSERT_EQ(fired.size(), 100u);
    for (size_t k = 0; k < fired.size(); ++k) EXPECT_EQ(fired[k], 9900 - static_cast<int>(k) * 100);
}

TEST(TimerHeap, ACallbackMayAddAndCancelTimers) {
    TimerHeap heap;
    std::vector<int> fired;
    TimerId victim = 0;
    heap.add(at(10), [&] {
        fired.push_back(1);
        heap.add(at(5), [&] { fired.push_back(2); });  // already due: comes out next
        heap.cancel(victim);
    });
    victim = heap.add(at(12), [&] { fired.push_back(99); });
    fireDue(heap, at(20));
    EXPECT_EQ(fired, (std::vector<int>{1, 2}));
    EXPECT_EQ(heap.size(), 0u);
}

}  // namespace
}  // namespace mailwire::core
