// task<T>, spawn(), yield() and when_all(), run on a real reactor.
#include "runtime/task.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "runtime/reactor.h"
#include "runtime/smp.h"
#include "runtime/test_support.h"
#include "runtime/when_all.h"

namespace shoal {
namespace {

using testing::run_on_shards;

task<int> answer() { co_return 42; }

task<int> add(int a, int b) { co_return a + b; }

task<void> fail(std::string what) {
  throw std::runtime_error(what);
  co_return;
}

task<int> fail_int(std::string what) {
  throw std::runtime_error(what);
  co_return 0;
}

void run_one(auto body) { run_on_shards(1, reactor_backend_kind::epoll, std::move(body)); }

TEST(TaskTest, AwaitReturnsTheValue) {
  int got = 0;
  run_one([&]() -> task<void> { got = co_await add(40, 2); });
  EXPECT_EQ(got, 42);
}

TEST(TaskTest, BodyDoesNotStartUntilAwaited) {
  bool started = false;
  run_one([&]() -> task<void> {
    // A coroutine lambda's captures live in the lambda object, so the lambda
    // must outlive the task: name it rather than calling a temporary.
    auto body = [&]() -> task<void> {
      started = true;
      co_return;
    };
    auto t = body();
    EXPECT_FALSE(started);
    co_await t;
    EXPECT_TRUE(started);
  });
  EXPECT_TRUE(started);
}

TEST(TaskTest, ExceptionPropagatesToTheAwaiter) {
  std::string caught;
  run_one([&]() -> task<void> {
    try {
      co_await fail("boom");
    } catch (const std::runtime_error& e) {
      caught = e.what();
    }
  });
  EXPECT_EQ(caught, "boom");
}

TEST(TaskTest, MoveTransfersOwnershipOfTheFrame) {
  int got = 0;
  run_one([&]() -> task<void> {
    task<int> a = answer();
    task<int> b = std::move(a);
    EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move)
    EXPECT_TRUE(b.valid());
    got = co_await std::move(b);
  });
  EXPECT_EQ(got, 42);
}

TEST(TaskTest, UnawaitedTaskIsDestroyedWithoutRunning) {
  int runs = 0;
  run_one([&]() -> task<void> {
    auto body = [&]() -> task<void> {
      ++runs;
      co_return;
    };
    { auto t = body(); }
    co_return;
  });
  EXPECT_EQ(runs, 0);
}

task<int> count_down(int n) {
  if (n == 0) co_return 0;
  co_return 1 + co_await count_down(n - 1);
}

// Without tail calls (debug and sanitizer builds) this overflows the 8 MiB
// stack unless deep awaits bounce through the ready queue (task.h).
TEST(TaskTest, LongChainsOfSynchronousCompletionsDoNotOverflowTheStack) {
#ifdef SHOAL_SANITIZER_BUILD
  constexpr long n = 200'000;  // already ~10x what the stack holds there
#else
  constexpr long n = 1'000'000;
#endif
  long sum = 0;
  run_one([&]() -> task<void> {
    for (long i = 0; i < n; ++i) sum += co_await answer();
    sum += co_await count_down(1000);
  });
  EXPECT_EQ(sum, 42 * n + 1000);
}

TEST(SpawnTest, SpawnedTaskRunsAfterTheCallerSuspends) {
  std::vector<int> order;
  run_one([&]() -> task<void> {
    spawn([](std::vector<int>* o) -> task<void> {
      o->push_back(2);
      co_return;
    }(&order));
    order.push_back(1);
    co_await yield();
    order.push_back(3);
  });
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

struct lifetime_probe {
  explicit lifetime_probe(int* counter) : counter_(counter) {}
  ~lifetime_probe() { ++*counter_; }
  int* counter_;
};

TEST(SpawnTest, FrameIsFreedWhenTheTaskEnds) {
  int destroyed = 0;
  run_one([&]() -> task<void> {
    spawn([](int* counter) -> task<void> {
      lifetime_probe probe(counter);
      co_await yield();
    }(&destroyed));
    co_await yield();
    co_await yield();
    EXPECT_EQ(destroyed, 1);
  });
  EXPECT_EQ(destroyed, 1);
}

TEST(SpawnTest, TasksStillSuspendedAtStopAreDestroyed) {
  int destroyed = 0;
  run_one([&]() -> task<void> {
    spawn([](int* counter) -> task<void> {
      lifetime_probe probe(counter);
      co_await sleep_for(std::chrono::hours(1));
    }(&destroyed));
    co_await yield();
  });
  EXPECT_EQ(destroyed, 1);
}

TEST(SpawnDeathTest, ExceptionEscapingASpawnedTaskAbortsNamingTheShard) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(run_on_shards(2, reactor_backend_kind::epoll,
                             []() -> task<void> {
                               co_await submit_to(1, [] { spawn(fail("lost")); });
                               co_await sleep_for(std::chrono::seconds(5));
                             }),
               "shard 1: exception escaped a spawned task: lost");
}

TEST(YieldTest, YieldInterleavesReadyTasks) {
  std::string trace;
  run_one([&]() -> task<void> {
    auto worker = [&](char name) -> task<void> {
      for (int i = 0; i < 3; ++i) {
        trace += name;
        co_await yield();
      }
    };
    co_await when_all(worker('a'), worker('b'));
  });
  EXPECT_EQ(trace, "ababab");
}

TEST(WhenAllTest, TupleFormReturnsEachResultAndMonostateForVoid) {
  std::tuple<int, std::monostate, int> got;
  run_one([&]() -> task<void> {
    got = co_await when_all(
        answer(), []() -> task<void> { co_return; }(), add(1, 2));
  });
  EXPECT_EQ(std::get<0>(got), 42);
  EXPECT_EQ(std::get<2>(got), 3);
}

TEST(WhenAllTest, RunsConcurrently) {
  // Each child waits for the other: only concurrent execution finishes.
  bool a_ready = false;
  bool b_ready = false;
  run_one([&]() -> task<void> {
    auto a = [&]() -> task<int> {
      a_ready = true;
      while (!b_ready) co_await yield();
      co_return 1;
    };
    auto b = [&]() -> task<int> {
      b_ready = true;
      while (!a_ready) co_await yield();
      co_return 2;
    };
    auto [x, y] = co_await when_all(a(), b());
    EXPECT_EQ(x + y, 3);
  });
}

TEST(WhenAllTest, VectorFormKeepsInputOrder) {
  std::vector<int> got;
  run_one([&]() -> task<void> {
    std::vector<task<int>> tasks;
    for (int i = 0; i < 10; ++i) {
      tasks.push_back([](int v) -> task<int> {
        for (int k = 0; k < 10 - v; ++k) co_await yield();  // finish in reverse order
        co_return v;
      }(i));
    }
    got = co_await when_all(std::move(tasks));
  });
  EXPECT_EQ(got, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST(WhenAllTest, EmptyVectorCompletesAtOnce) {
  size_t n = 99;
  run_one([&]() -> task<void> {
    n = (co_await when_all(std::vector<task<int>>{})).size();
    co_await when_all(std::vector<task<void>>{});
  });
  EXPECT_EQ(n, 0u);
}

TEST(WhenAllTest, WaitsForEveryTaskThenRethrowsTheFirstFailure) {
  int finished = 0;
  std::string caught;
  run_one([&]() -> task<void> {
    auto slow = [&]() -> task<int> {
      for (int i = 0; i < 5; ++i) co_await yield();
      ++finished;
      co_return 1;
    };
    try {
      co_await when_all(slow(), fail_int("first"), slow(), fail_int("second"));
    } catch (const std::runtime_error& e) {
      caught = e.what();
    }
    EXPECT_EQ(finished, 2);  // both slow tasks ran to the end before the rethrow
  });
  EXPECT_EQ(caught, "first");
}

}  // namespace
}  // namespace shoal
