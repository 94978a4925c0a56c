// sharded<Service>: one instance of Service per shard, each constructed,
// used and destroyed on its own shard.
//
//   sharded<counter> counters;
//   co_await counters.start(initial);                        // new counter(initial) on each shard
//   co_await counters.invoke_on(2, [](counter& c) { c.add(1); });
//   long total = co_await counters.map_reduce(
//       [](counter& c) { return c.value(); }, 0L, std::plus<>());
//   co_await counters.stop();                                // c.stop() on each, then destroyed
//
// Errors: an exception thrown on any shard reaches the awaiting caller. If
// a constructor throws, start() stops and destroys the instances that were
// constructed, then rethrows (it does not hang).
//
// Threading: start/stop/invoke_*/map_reduce may be awaited on any shard;
// local() returns the calling shard's instance and never crosses shards.
// The sharded object itself must outlive stop() and stay where it is (the
// shards hold its address); destroying it without stop() aborts.
#pragma once

#include <exception>
#include <type_traits>
#include <utility>
#include <vector>

#include "base/assert.h"
#include "runtime/smp.h"
#include "runtime/task.h"
#include "runtime/when_all.h"

namespace shoal {

template <typename Service>
class sharded {
 public:
  sharded() = default;
  sharded(const sharded&) = delete;
  sharded& operator=(const sharded&) = delete;
  ~sharded() { SHOAL_ASSERT_MSG(slots_.empty(), "sharded<> destroyed without stop()"); }

  // Constructs Service(args...) on every shard, concurrently; each shard gets
  // its own copy of args.
  template <typename... Args>
  task<void> start(Args... args) {
    SHOAL_ASSERT_MSG(slots_.empty(), "sharded<>::start() called twice");
    const unsigned n = shard_count();
    slots_ = std::vector<slot>(n);
    std::vector<task<void>> starts;
    starts.reserve(n);
    for (unsigned s = 0; s < n; ++s) {
      starts.push_back(
          submit_to(s, [this, s, args...] { slots_[s].instance = new Service(args...); }));
    }
    std::exception_ptr error;
    try {
      co_await when_all(std::move(starts));
    } catch (...) {
      error = std::current_exception();
    }
    if (error) {
      try {
        co_await stop();
      } catch (...) {
        // the construction failure is the one to report
      }
      std::rethrow_exception(error);
    }
  }

  // Calls Service::stop() (if it has one; it may return void or task<void>)
  // on every shard concurrently, then destroys the instances one shard at a
  // time, last shard first. Rethrows the first exception from a stop(),
  // after every instance is destroyed.
  task<void> stop() {
    if (slots_.empty()) co_return;
    const unsigned n = static_cast<unsigned>(slots_.size());
    std::exception_ptr error;
    if constexpr (has_stop) {
      std::vector<task<void>> stops;
      stops.reserve(n);
      for (unsigned s = 0; s < n; ++s)
        stops.push_back(submit_to(s, [this, s] { return stop_one(s); }));
      try {
        co_await when_all(std::move(stops));
      } catch (...) {
        error = std::current_exception();
      }
    }
    for (unsigned s = n; s-- > 0;) {
      co_await submit_to(s, [this, s] {
        delete slots_[s].instance;
        slots_[s].instance = nullptr;
      });
    }
    slots_.clear();
    if (error) std::rethrow_exception(error);
  }

  // This shard's instance. Requires: started.
  Service& local() noexcept {
    SHOAL_DEBUG_ASSERT(this_shard_id() < slots_.size() && slots_[this_shard_id()].instance);
    return *slots_[this_shard_id()].instance;
  }

  // Runs fn(instance) on `shard`; returns its result (fn may return R or task<R>).
  template <typename F>
  auto invoke_on(unsigned shard, F fn) -> task<unwrap_task_t<std::invoke_result_t<F&, Service&>>> {
    return submit_to(
        shard, [this, shard, fn = std::move(fn)]() mutable { return fn(*slots_[shard].instance); });
  }

  // Runs a copy of fn(instance) on every shard concurrently and waits for
  // all; results are discarded.
  template <typename F>
  task<void> invoke_on_all(F fn) {
    std::vector<task<void>> calls;
    calls.reserve(slots_.size());
    for (unsigned s = 0; s < slots_.size(); ++s) calls.push_back(invoke_discarding(s, fn));
    co_await when_all(std::move(calls));
  }

  // Runs mapper(instance) on every shard concurrently, then folds the
  // results on the caller in shard order: acc = reducer(move(acc), result).
  template <typename Mapper, typename T, typename Reducer>
  task<T> map_reduce(Mapper mapper, T initial, Reducer reducer) {
    using mapped_t = unwrap_task_t<std::invoke_result_t<Mapper&, Service&>>;
    std::vector<task<mapped_t>> calls;
    calls.reserve(slots_.size());
    for (unsigned s = 0; s < slots_.size(); ++s) calls.push_back(invoke_on(s, mapper));
    std::vector<mapped_t> results = co_await when_all(std::move(calls));
    T acc = std::move(initial);
    for (mapped_t& r : results) acc = reducer(std::move(acc), std::move(r));
    co_return acc;
  }

  bool started() const noexcept { return !slots_.empty(); }

 private:
  // One pointer per shard, on its own cache line: written by its shard.
  struct alignas(64) slot {
    Service* instance = nullptr;
  };

  static constexpr bool has_stop = requires(Service & s) { s.stop(); };

  task<void> stop_one(unsigned s) {
    Service* instance = slots_[s].instance;
    if (instance == nullptr) co_return;  // its construction failed
    if constexpr (is_task_v<decltype(instance->stop())>) {
      co_await instance->stop();
    } else {
      instance->stop();
    }
  }

  template <typename F>
  task<void> invoke_discarding(unsigned shard, F fn) {
    if constexpr (is_task_v<std::invoke_result_t<F&, Service&>>) {
      co_await invoke_on(
          shard, [fn = std::move(fn)](Service& s) mutable -> task<void> { co_await fn(s); });
    } else {
      co_await invoke_on(shard, [fn = std::move(fn)](Service& s) mutable { (void)fn(s); });
    }
  }

  std::vector<slot> slots_;
};

}  // namespace shoal
