// task<T> is Shoal's coroutine type, and the unit of work a shard runs.
//
// A task is lazy: calling a coroutine that returns task<T> allocates its frame
// and stops before the first statement; the body starts when the task is
// awaited (`co_await f()`), on the awaiting coroutine's shard. When the body
// finishes, control passes straight back to the awaiter (symmetric transfer,
// so a chain of synchronously completing tasks does not grow the stack). An
// exception that escapes the body is rethrown by `co_await` in the awaiter.
//
// Threading: a task is created, run and destroyed on one shard. To run work
// on another shard use submit_to() (runtime/smp.h), which resumes the awaiting
// task on its own shard.
//
// Cost: one frame allocation per task (served from a per-thread free list,
// see frame_allocator.cc); awaiting and completing a task costs no allocation
// and no atomic operation. I/O operations are not tasks: they are plain
// awaitable objects with no frame (runtime/pollable_fd.h).
//
// This header also declares spawn() and yield(); when_all() lives in
// runtime/when_all.h, included at the end of this file.
#pragma once

#include <coroutine>
#include <cstddef>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "base/assert.h"

namespace shoal {

template <typename T = void>
class task;

namespace detail {

// Frame storage for every task coroutine: per-thread free lists by size class
// (frame_allocator.cc). Plain operator new under sanitizers.
void* allocate_frame(std::size_t size);
void free_frame(void* frame, std::size_t size) noexcept;

// Prints the exception with the shard id and aborts (reactor.cc).
[[noreturn]] void report_detached_exception(std::exception_ptr error) noexcept;

// Symmetric transfer only keeps the stack flat when the compiler turns it
// into a tail call, which GCC does at -O2 without sanitizers and not
// otherwise. So a loop awaiting tasks that complete synchronously would grow
// the stack in debug and sanitizer builds. Guard: while a reactor runs tasks
// it sets a floor 1 MiB below its own frame; an await or a completion that
// finds the stack below it goes through the ready queue instead, which
// unwinds to the reactor. Never triggers when tail calls happen.
extern thread_local constinit const char* t_stack_floor;
inline bool stack_is_deep() noexcept {
  return static_cast<const char*>(__builtin_frame_address(0)) < t_stack_floor;
}
// Queues `frame` on this shard's ready queue, to resume on this loop turn.
void schedule_now(std::coroutine_handle<> frame) noexcept;

// Links a detached (spawned) task into its shard's list of live root tasks, so
// that the shard can destroy whatever is still suspended when it stops.
struct detached_hook {
  detached_hook* prev = nullptr;
  detached_hook* next = nullptr;
  std::coroutine_handle<> frame;

  bool linked() const noexcept { return next != nullptr; }
  void unlink() noexcept {
    prev->next = next;
    next->prev = prev;
    prev = next = nullptr;
  }
};

class promise_base {
 public:
  static void* operator new(std::size_t size) { return allocate_frame(size); }
  static void operator delete(void* frame, std::size_t size) noexcept { free_frame(frame, size); }

  std::suspend_always initial_suspend() const noexcept { return {}; }

  // At the end of the body: resume the awaiter if there is one; a detached
  // task frees its own frame instead.
  struct final_awaiter {
    bool await_ready() const noexcept { return false; }
    template <typename Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> self) noexcept {
      promise_base& p = self.promise();
      if (p.continuation_) {
        if (stack_is_deep()) [[unlikely]] {
          schedule_now(p.continuation_);
          return std::noop_coroutine();
        }
        return p.continuation_;
      }
      if (p.detached_.linked()) {
        p.detached_.unlink();
        self.destroy();
      }
      return std::noop_coroutine();
    }
    void await_resume() const noexcept {}
  };
  final_awaiter final_suspend() const noexcept { return {}; }

  void unhandled_exception() noexcept {
    if (detached_.linked()) report_detached_exception(std::current_exception());
    error_ = std::current_exception();
  }

  void set_continuation(std::coroutine_handle<> awaiter) noexcept { continuation_ = awaiter; }
  detached_hook& detached() noexcept { return detached_; }

 protected:
  void rethrow_if_failed() const {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::coroutine_handle<> continuation_;
  std::exception_ptr error_;
  detached_hook detached_;
};

template <typename T>
class task_promise final : public promise_base {
 public:
  task<T> get_return_object() noexcept;

  template <typename U>
  requires std::is_convertible_v<U&&, T>
  void return_value(U&& value) noexcept(std::is_nothrow_constructible_v<T, U&&>) {
    value_.emplace(std::forward<U>(value));
  }

  T take_result() {
    rethrow_if_failed();
    SHOAL_DEBUG_ASSERT(value_.has_value());
    return std::move(*value_);
  }

 private:
  std::optional<T> value_;
};

template <>
class task_promise<void> final : public promise_base {
 public:
  task<void> get_return_object() noexcept;
  void return_void() const noexcept {}
  void take_result() const { rethrow_if_failed(); }
};

}  // namespace detail

template <typename T>
class [[nodiscard]] task {
  static_assert(!std::is_reference_v<T>, "task<T&> is not supported; return a pointer");

 public:
  using promise_type = detail::task_promise<T>;
  using value_type = T;

  task() noexcept = default;
  explicit task(std::coroutine_handle<promise_type> frame) noexcept : frame_(frame) {}
  task(task&& other) noexcept : frame_(std::exchange(other.frame_, {})) {}
  task& operator=(task&& other) noexcept {
    if (this != &other) {
      if (frame_) frame_.destroy();
      frame_ = std::exchange(other.frame_, {});
    }
    return *this;
  }
  task(const task&) = delete;
  task& operator=(const task&) = delete;
  ~task() {
    if (frame_) frame_.destroy();
  }

  // False for a default-constructed or moved-from task.
  bool valid() const noexcept { return static_cast<bool>(frame_); }

  // Starts the task and suspends the awaiter until it finishes; returns its
  // value or rethrows its exception. A task may be awaited only once.
  class awaiter {
   public:
    explicit awaiter(std::coroutine_handle<promise_type> frame) noexcept : frame_(frame) {}
    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
      frame_.promise().set_continuation(awaiting);
      if (detail::stack_is_deep()) [[unlikely]] {
        detail::schedule_now(frame_);
        return std::noop_coroutine();
      }
      return frame_;
    }
    T await_resume() { return frame_.promise().take_result(); }

   private:
    std::coroutine_handle<promise_type> frame_;
  };
  awaiter operator co_await() && noexcept {
    SHOAL_DEBUG_ASSERT(frame_ && !frame_.done());
    return awaiter{frame_};
  }
  awaiter operator co_await() & noexcept {
    SHOAL_DEBUG_ASSERT(frame_ && !frame_.done());
    return awaiter{frame_};
  }

  // Gives up ownership of the frame (used by spawn() and when_all()).
  std::coroutine_handle<promise_type> release() noexcept { return std::exchange(frame_, {}); }

 private:
  std::coroutine_handle<promise_type> frame_;
};

namespace detail {

template <typename T>
task<T> task_promise<T>::get_return_object() noexcept {
  return task<T>{std::coroutine_handle<task_promise<T>>::from_promise(*this)};
}

inline task<void> task_promise<void>::get_return_object() noexcept {
  return task<void>{std::coroutine_handle<task_promise<void>>::from_promise(*this)};
}

// Queues `frame` to run after the reactor's next I/O poll (reactor.cc).
void schedule_next_turn(std::coroutine_handle<> frame) noexcept;

}  // namespace detail

// Runs `t` detached on the current shard. It does not start inside spawn():
// it is queued and starts after the caller next suspends, before the reactor
// polls I/O again. Its frame is freed when it finishes. An exception escaping
// it is printed to stderr with the shard id and aborts the process, so catch
// what you expect inside. Tasks still suspended when the shard stops are
// destroyed (their destructors run; they are never resumed).
// Requires: called on a shard (inside smp::run).
void spawn(task<void> t);

// `co_await yield()` lets every other ready task, the cross-shard queues and
// I/O run before the caller continues. Use it in long loops.
class yield_awaitable {
 public:
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> self) const noexcept {
    detail::schedule_next_turn(self);
  }
  void await_resume() const noexcept {}
};
inline yield_awaitable yield() noexcept { return {}; }

// Type traits for templates that accept "a value or a task of it".
template <typename T>
struct is_task : std::false_type {};
template <typename T>
struct is_task<task<T>> : std::true_type {};
template <typename T>
inline constexpr bool is_task_v = is_task<std::remove_cvref_t<T>>::value;

// unwrap_task_t<task<X>> is X; unwrap_task_t<X> is X.
template <typename T>
struct unwrap_task {
  using type = T;
};
template <typename T>
struct unwrap_task<task<T>> {
  using type = T;
};
template <typename T>
using unwrap_task_t = typename unwrap_task<std::remove_cvref_t<T>>::type;

}  // namespace shoal

#include "runtime/when_all.h"
