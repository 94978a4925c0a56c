// Timers and sleeping, on the current shard's reactor.
//
//   co_await sleep_for(5ms);
//
//   timer idle([this] { close(); });   // one per connection is fine
//   idle.rearm(30s);                   // on every request: O(1) when pushing later
//
// Deadlines are steady_clock time points. A timer's relative delay counts
// from reactor::now(), the clock cached at the start of the loop turn (no
// clock read per arm: it may fire up to one turn early relative to the call,
// which suits timeouts); sleep_for() reads the clock and never wakes early.
// Callbacks run in the reactor's timer phase, outside any task: they may
// spawn tasks, arm or cancel timers, and destroy their own timer; they must
// not throw.
//
// Threading: a timer belongs to the shard that first arms it; arm, cancel
// and destroy it there.
#pragma once

#include <chrono>
#include <coroutine>
#include <functional>

#include "runtime/timer_set.h"

namespace shoal {

namespace detail {
timer_set& local_timers() noexcept;                           // this shard's set (reactor.cc)
std::chrono::steady_clock::time_point cached_now() noexcept;  // reactor::now()
}  // namespace detail

class timer {
 public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;
  using duration = std::chrono::nanoseconds;

  timer() noexcept = default;
  explicit timer(std::function<void()> callback) : callback_(std::move(callback)) {}
  timer(const timer&) = delete;
  timer& operator=(const timer&) = delete;
  ~timer() { cancel(); }

  void set_callback(std::function<void()> callback) { callback_ = std::move(callback); }

  // Fires once at `deadline` (or `delay` after reactor::now()).
  // Requires: not armed (use rearm() to move an armed timer).
  void arm(time_point deadline);
  void arm(duration delay) { arm(detail::cached_now() + delay); }
  // Fires every `period`, first at now + period, until cancelled.
  void arm_periodic(duration period);
  // Like arm() (one-shot), whether or not the timer is armed.
  void rearm(time_point deadline);
  void rearm(duration delay) { rearm(detail::cached_now() + delay); }
  // Disarms; returns true if the timer was armed.
  bool cancel() noexcept;

  bool armed() const noexcept { return entry_.armed(); }
  time_point deadline() const noexcept { return entry_.deadline; }

 private:
  static void fire(detail::timer_entry& entry) noexcept;

  struct owned_entry : detail::timer_entry {
    timer* owner = nullptr;
  };
  owned_entry entry_;
  detail::timer_set* set_ = nullptr;
  duration period_{0};
  std::function<void()> callback_;
};

// Awaitable returned by sleep_until() and sleep_for(). If the sleeping frame
// is destroyed (only at shard stop) the entry is cancelled.
class sleep_awaitable {
 public:
  explicit sleep_awaitable(std::chrono::steady_clock::time_point deadline) noexcept {
    entry_.deadline = deadline;
    entry_.fire = &fire;
  }
  sleep_awaitable(const sleep_awaitable&) = delete;
  sleep_awaitable& operator=(const sleep_awaitable&) = delete;
  ~sleep_awaitable() {
    if (entry_.armed()) detail::local_timers().cancel(entry_);
  }

  bool await_ready() const noexcept { return entry_.deadline <= detail::cached_now(); }
  void await_suspend(std::coroutine_handle<> self) {
    entry_.waiter = self;
    detail::local_timers().arm(entry_, entry_.deadline);
  }
  void await_resume() const noexcept {}

 private:
  static void fire(detail::timer_entry& entry) noexcept;

  struct waiter_entry : detail::timer_entry {
    std::coroutine_handle<> waiter;
  };
  waiter_entry entry_;
};

// Suspends the caller until `deadline` / for at least `delay` (measured from
// the call, with a fresh clock read). Returns at once if the time has passed
// (a zero delay does not yield; use yield() for that).
inline sleep_awaitable sleep_until(std::chrono::steady_clock::time_point deadline) noexcept {
  return sleep_awaitable(deadline);
}
inline sleep_awaitable sleep_for(std::chrono::nanoseconds delay) noexcept {
  return sleep_awaitable(std::chrono::steady_clock::now() + delay);
}

}  // namespace shoal
