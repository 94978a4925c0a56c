// Runtime micro-benchmarks: task creation, when_all fan-out, cross-shard
// round trips (latency) and batched cross-shard calls (throughput), timers.
// Each benchmark starts its own smp::run and loops inside the main task.
// Build type and machine load matter: see docs/benchmarks.md for figures.
#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <vector>

#include "runtime/reactor.h"
#include "runtime/smp.h"
#include "runtime/task.h"
#include "runtime/timer.h"
#include "runtime/when_all.h"

namespace shoal {
namespace {

template <typename Body>
void on_shards(unsigned shards, reactor_backend_kind backend, Body body,
               reactor_options options = {}) {
  smp_config config;
  config.shards = shards;
  config.backend = backend;
  config.reactor = options;
  smp::run(config, [&]() -> task<int> {
    co_await body();
    co_return 0;
  });
}

reactor_backend_kind backend_arg(const benchmark::State& state, int index) {
  return state.range(index) == 0 ? reactor_backend_kind::epoll : reactor_backend_kind::io_uring;
}

task<int> trivial(int v) { co_return v + 1; }

// Creating, starting, completing and destroying one task<int>.
void BM_TaskCreateAwaitDestroy(benchmark::State& state) {
  on_shards(1, reactor_backend_kind::epoll, [&]() -> task<void> {
    int v = 0;
    for (auto _ : state) {
      v = co_await trivial(v);
      benchmark::DoNotOptimize(v);
    }
  });
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TaskCreateAwaitDestroy);

// spawn() of a task that finishes at once: creation, queueing, one resume.
void BM_SpawnAndRun(benchmark::State& state) {
  on_shards(1, reactor_backend_kind::epoll, [&]() -> task<void> {
    int counter = 0;
    for (auto _ : state) {
      spawn([](int* c) -> task<void> {
        ++*c;
        co_return;
      }(&counter));
      co_await yield();
    }
    benchmark::DoNotOptimize(counter);
  });
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SpawnAndRun);

// when_all over N trivial tasks (N + 1 frames and N runners).
void BM_WhenAll(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  on_shards(1, reactor_backend_kind::epoll, [&]() -> task<void> {
    for (auto _ : state) {
      std::vector<task<int>> tasks;
      tasks.reserve(n);
      for (int i = 0; i < n; ++i) tasks.push_back(trivial(i));
      auto results = co_await when_all(std::move(tasks));
      benchmark::DoNotOptimize(results.data());
    }
  });
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_WhenAll)->Arg(2)->Arg(16);

// One submit_to from shard 0 to shard 1 at a time: the round-trip latency.
void BM_CrossShardRoundTrip(benchmark::State& state) {
  on_shards(2, backend_arg(state, 0), [&]() -> task<void> {
    for (auto _ : state) {
      int v = co_await submit_to(1, [] { return 1; });
      benchmark::DoNotOptimize(v);
    }
  });
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(state.range(0) == 0 ? "epoll" : "io_uring");
}
BENCHMARK(BM_CrossShardRoundTrip)->Arg(0)->Arg(1)->UseRealTime();

// A round trip where both shards sleep in the kernel between messages (no
// spinning): what a wake-up costs. Arg: 0 epoll (eventfd), 1 io_uring with
// MSG_RING wake-ups, 2 io_uring with eventfd wake-ups.
void BM_CrossShardRoundTripWithWakeups(benchmark::State& state) {
  reactor_options options;
  options.spin_before_sleep = std::chrono::nanoseconds(0);
  options.uring_msg_ring_wakeup = state.range(0) == 1;
  const auto backend =
      state.range(0) == 0 ? reactor_backend_kind::epoll : reactor_backend_kind::io_uring;
  on_shards(
      2, backend,
      [&]() -> task<void> {
        for (auto _ : state) {
          int v = co_await submit_to(1, [] { return 1; });
          benchmark::DoNotOptimize(v);
        }
      },
      options);
  state.SetItemsProcessed(state.iterations());
  static const char* const labels[] = {"epoll+eventfd", "io_uring+msg_ring", "io_uring+eventfd"};
  state.SetLabel(labels[state.range(0)]);
}
BENCHMARK(BM_CrossShardRoundTripWithWakeups)->Arg(0)->Arg(1)->Arg(2)->UseRealTime();

// `batch` submit_to calls in flight at once from shard 0 to shard 1: they
// share one publish and at most one wake-up per loop turn.
void BM_CrossShardBatched(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(1));
  on_shards(2, backend_arg(state, 0), [&]() -> task<void> {
    for (auto _ : state) {
      std::vector<task<int>> calls;
      calls.reserve(batch);
      for (int i = 0; i < batch; ++i) calls.push_back(submit_to(1, [i] { return i; }));
      auto results = co_await when_all(std::move(calls));
      benchmark::DoNotOptimize(results.data());
    }
  });
  state.SetItemsProcessed(state.iterations() * batch);
  state.SetLabel(state.range(0) == 0 ? "epoll" : "io_uring");
}
BENCHMARK(BM_CrossShardBatched)
    ->Args({0, 16})
    ->Args({0, 256})
    ->Args({1, 16})
    ->Args({1, 256})
    ->UseRealTime();

// `n` timers armed far in the future, so that the measured one is not alone.
std::vector<std::unique_ptr<timer>> arm_other_timers(int n) {
  std::vector<std::unique_ptr<timer>> timers;
  for (int i = 0; i < n; ++i) {
    timers.push_back(std::make_unique<timer>([] {}));
    timers.back()->arm(std::chrono::seconds(100 + i));
  }
  return timers;
}

// Arming and cancelling a timer while 10,000 others are armed.
void BM_TimerArmCancel(benchmark::State& state) {
  on_shards(1, reactor_backend_kind::epoll, [&]() -> task<void> {
    const std::vector<std::unique_ptr<timer>> others = arm_other_timers(10000);
    timer t([] {});
    for (auto _ : state) {
      t.arm(std::chrono::seconds(150));
      t.cancel();
    }
    co_return;
  });
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TimerArmCancel);

// Pushing an idle timeout later (once per request in a server): O(1).
void BM_TimerRearmLater(benchmark::State& state) {
  on_shards(1, reactor_backend_kind::epoll, [&]() -> task<void> {
    const std::vector<std::unique_ptr<timer>> others = arm_other_timers(10000);
    timer t([] {});
    t.arm(std::chrono::seconds(60));
    auto deadline = reactor::now() + std::chrono::seconds(60);
    for (auto _ : state) {
      deadline += std::chrono::nanoseconds(1);
      t.rearm(deadline);
    }
    co_return;
  });
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TimerRearmLater);

}  // namespace
}  // namespace shoal

BENCHMARK_MAIN();
