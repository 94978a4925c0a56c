// when_all() runs several tasks concurrently on the current shard and
// completes when every one of them has finished.
//
//   auto [a, b] = co_await when_all(fetch(1), fetch(2));       // tuple
//   std::vector<int> r = co_await when_all(std::move(tasks));  // vector
//
// Results: the variadic form returns std::tuple<R1, R2, ...>, where a
// task<void> contributes std::monostate; the vector form returns
// std::vector<T> in input order, and for task<void> it returns task<void>.
// Errors: if any task throws, when_all still waits for all the others, then
// rethrows the first exception (in completion order); the other results are
// dropped.
//
// How: each input task is awaited by a tiny "runner" coroutine (one frame
// each) that records the outcome and counts down a latch in the when_all
// frame; the runner that brings the latch to zero resumes the caller. All
// runners start, in order, when when_all's task is awaited.
#pragma once

#include <array>
#include <coroutine>
#include <cstddef>
#include <exception>
#include <optional>
#include <span>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "runtime/task.h"

namespace shoal {

namespace detail {

template <typename T>
struct nonvoid {
  using type = T;
};
template <>
struct nonvoid<void> {
  using type = std::monostate;
};
template <typename T>
using nonvoid_t = typename nonvoid<T>::type;

// Counts the runners still going, plus one held by the starter so that
// runners finishing synchronously during start-up cannot resume the parent
// before it has suspended.
struct when_all_latch {
  explicit when_all_latch(std::size_t count) noexcept : remaining(count + 1) {}
  bool arrive() noexcept { return --remaining == 0; }

  std::size_t remaining;
  std::coroutine_handle<> parent;
  std::exception_ptr first_error;
};

class when_all_runner {
 public:
  struct promise_type {
    static void* operator new(std::size_t size) { return allocate_frame(size); }
    static void operator delete(void* frame, std::size_t size) noexcept { free_frame(frame, size); }
    when_all_runner get_return_object() noexcept {
      return when_all_runner{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() const noexcept { return {}; }
    struct final_awaiter {
      bool await_ready() const noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<promise_type> self) noexcept {
        when_all_latch& latch = *self.promise().latch;
        if (latch.arrive()) return latch.parent;
        return std::noop_coroutine();
      }
      void await_resume() const noexcept {}
    };
    final_awaiter final_suspend() const noexcept { return {}; }
    void return_void() const noexcept {}
    void unhandled_exception() const noexcept { std::terminate(); }  // the body catches all

    when_all_latch* latch = nullptr;
  };

  when_all_runner() noexcept = default;
  explicit when_all_runner(std::coroutine_handle<promise_type> frame) noexcept : frame_(frame) {}
  when_all_runner(when_all_runner&& other) noexcept : frame_(std::exchange(other.frame_, {})) {}
  when_all_runner& operator=(when_all_runner&& other) noexcept {
    if (this != &other) {
      if (frame_) frame_.destroy();
      frame_ = std::exchange(other.frame_, {});
    }
    return *this;
  }
  ~when_all_runner() {
    if (frame_) frame_.destroy();
  }

  void start(when_all_latch& latch) noexcept {
    frame_.promise().latch = &latch;
    frame_.resume();
  }

 private:
  std::coroutine_handle<promise_type> frame_;
};

template <typename T>
when_all_runner run_when_all_child(task<T> child, std::optional<nonvoid_t<T>>& slot,
                                   when_all_latch& latch) {
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(child);
      slot.emplace();
    } else {
      slot.emplace(co_await std::move(child));
    }
  } catch (...) {
    if (!latch.first_error) latch.first_error = std::current_exception();
  }
}

// Starts every runner and suspends the parent until the last one finishes.
class when_all_awaiter {
 public:
  when_all_awaiter(when_all_latch& latch, std::span<when_all_runner> runners) noexcept
      : latch_(latch), runners_(runners) {}
  bool await_ready() const noexcept { return runners_.empty(); }
  bool await_suspend(std::coroutine_handle<> parent) noexcept {
    latch_.parent = parent;
    for (when_all_runner& runner : runners_) runner.start(latch_);
    return !latch_.arrive();  // all finished already: do not suspend
  }
  void await_resume() const noexcept {}

 private:
  when_all_latch& latch_;
  std::span<when_all_runner> runners_;
};

}  // namespace detail

template <typename... T>
task<std::tuple<detail::nonvoid_t<T>...>> when_all(task<T>... tasks) {
  detail::when_all_latch latch(sizeof...(T));
  std::tuple<std::optional<detail::nonvoid_t<T>>...> slots;
  auto runners = [&]<std::size_t... I>(std::index_sequence<I...>) {
    return std::array<detail::when_all_runner, sizeof...(T)>{
        detail::run_when_all_child(std::move(tasks), std::get<I>(slots), latch)...};
  }
  (std::index_sequence_for<T...>{});
  co_await detail::when_all_awaiter(latch, runners);
  if (latch.first_error) std::rethrow_exception(latch.first_error);
  co_return std::apply(
      [](auto&... slot) { return std::tuple<detail::nonvoid_t<T>...>(std::move(*slot)...); },
      slots);
}

template <typename T>
requires(!std::is_void_v<T>) task<std::vector<T>> when_all(std::vector<task<T>> tasks) {
  detail::when_all_latch latch(tasks.size());
  std::vector<std::optional<T>> slots(tasks.size());
  std::vector<detail::when_all_runner> runners;
  runners.reserve(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    runners.push_back(detail::run_when_all_child(std::move(tasks[i]), slots[i], latch));
  }
  co_await detail::when_all_awaiter(latch, runners);
  if (latch.first_error) std::rethrow_exception(latch.first_error);
  std::vector<T> results;
  results.reserve(slots.size());
  for (std::optional<T>& slot : slots) results.push_back(std::move(*slot));
  co_return results;
}

inline task<void> when_all(std::vector<task<void>> tasks) {
  detail::when_all_latch latch(tasks.size());
  std::vector<std::optional<std::monostate>> slots(tasks.size());
  std::vector<detail::when_all_runner> runners;
  runners.reserve(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    runners.push_back(detail::run_when_all_child(std::move(tasks[i]), slots[i], latch));
  }
  co_await detail::when_all_awaiter(latch, runners);
  if (latch.first_error) std::rethrow_exception(latch.first_error);
}

}  // namespace shoal
