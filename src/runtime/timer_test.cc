// Timers and sleeping on a running reactor, once per backend.
#include "runtime/timer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "runtime/reactor.h"
#include "runtime/test_support.h"

namespace shoal {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using testing::available_backends;
using testing::backend_name;
using testing::run_on_shards;

class TimerTest : public ::testing::TestWithParam<reactor_backend_kind> {};

TEST_P(TimerTest, SleepForWaitsAtLeastTheDelay) {
  clock_type::duration slept{};
  run_on_shards(1, GetParam(), [&]() -> task<void> {
    const auto start = clock_type::now();
    co_await sleep_for(20ms);
    slept = clock_type::now() - start;
  });
  EXPECT_GE(slept, 20ms);
  EXPECT_LT(slept, 2s);
}

TEST_P(TimerTest, ConcurrentSleepersWakeInDeadlineOrder) {
  std::vector<int> order;
  run_on_shards(1, GetParam(), [&]() -> task<void> {
    auto sleeper = [&](int id, std::chrono::milliseconds d) -> task<void> {
      co_await sleep_for(d);
      order.push_back(id);
    };
    co_await when_all(sleeper(3, 30ms), sleeper(1, 10ms), sleeper(2, 20ms));
  });
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST_P(TimerTest, TimerCallbackFiresOnceAndCancelPreventsIt) {
  int fired = 0;
  int cancelled_fired = 0;
  run_on_shards(1, GetParam(), [&]() -> task<void> {
    timer t([&] { ++fired; });
    timer c([&] { ++cancelled_fired; });
    t.arm(5ms);
    c.arm(5ms);
    EXPECT_TRUE(c.cancel());
    EXPECT_FALSE(c.cancel());
    co_await sleep_for(30ms);
    EXPECT_FALSE(t.armed());
  });
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(cancelled_fired, 0);
}

TEST_P(TimerTest, RearmingLaterPostponesTheCallback) {
  clock_type::time_point fired_at{};
  clock_type::time_point start{};
  run_on_shards(1, GetParam(), [&]() -> task<void> {
    start = clock_type::now();
    timer idle([&] { fired_at = clock_type::now(); });
    idle.arm(10ms);
    for (int i = 0; i < 5; ++i) {  // activity keeps pushing the timeout away
      co_await sleep_for(5ms);
      idle.rearm(10ms);
    }
    co_await sleep_for(40ms);
  });
  ASSERT_NE(fired_at, clock_type::time_point{});
  EXPECT_GE(fired_at - start, 30ms);  // last rearm at ~25 ms, +10 ms, minus a turn of slack
}

TEST_P(TimerTest, PeriodicTimerFiresRepeatedlyUntilCancelled) {
  int ticks = 0;
  run_on_shards(1, GetParam(), [&]() -> task<void> {
    timer t([&] { ++ticks; });
    t.arm_periodic(5ms);
    co_await sleep_for(32ms);
    t.cancel();
    const int seen = ticks;
    co_await sleep_for(20ms);
    EXPECT_EQ(ticks, seen);
  });
  EXPECT_GE(ticks, 3);
  EXPECT_LE(ticks, 7);
}

TEST_P(TimerTest, CallbackMayDestroyItsOwnTimer) {
  bool fired = false;
  run_on_shards(1, GetParam(), [&]() -> task<void> {
    auto holder = std::make_unique<timer>();
    holder->set_callback([&] {
      fired = true;
      holder.reset();  // like `delete this`: nothing touches the timer afterwards
    });
    holder->arm(1ms);
    co_await sleep_for(20ms);
    EXPECT_EQ(holder, nullptr);
  });
  EXPECT_TRUE(fired);
}

TEST_P(TimerTest, ReactorNowIsCachedPerTurnAndAdvances) {
  run_on_shards(1, GetParam(), [&]() -> task<void> {
    const auto first = reactor::now();
    EXPECT_EQ(reactor::now(), first);  // same turn
    co_await sleep_for(2ms);
    EXPECT_GE(reactor::now() - first, 2ms);
  });
}

TEST_P(TimerTest, TimersWorkOnEveryShard) {
  int done = 0;
  run_on_shards(4, GetParam(), [&]() -> task<void> {
    std::vector<task<int>> sleepers;
    for (unsigned s = 0; s < 4; ++s) {
      sleepers.push_back(submit_to(s, []() -> task<int> {
        co_await sleep_for(5ms);
        co_return 1;
      }));
    }
    for (int v : co_await when_all(std::move(sleepers))) done += v;
  });
  EXPECT_EQ(done, 4);
}

INSTANTIATE_TEST_SUITE_P(Backends, TimerTest, ::testing::ValuesIn(available_backends()),
                         backend_name);

}  // namespace
}  // namespace shoal
