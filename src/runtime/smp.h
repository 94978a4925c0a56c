// smp: the shards. smp::run starts one shard per CPU (or as configured),
// each a thread pinned to its CPU with its own reactor; shard 0 is the
// calling thread. Shards share nothing but the cross-shard rings; work moves
// between them with submit_to().
//
//   int main() {
//     return smp::run({}, []() -> task<int> {
//       int n = co_await submit_to(1, [] { return this_shard_id(); });  // 1
//       co_await smp::wait_for_stop();                                 // SIGINT/SIGTERM
//       co_return 0;
//     });
//   }
//
// See docs/runtime.md for the loop, the queues and how stopping works.
#pragma once

#include <exception>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "runtime/reactor.h"
#include "runtime/reactor_options.h"
#include "runtime/smp_queue.h"
#include "runtime/task.h"

namespace shoal {

struct smp_config {
  // 0 = one per CPU in the process's affinity mask. May exceed the CPU count:
  // shard i runs on the (i mod n)-th CPU of the mask.
  unsigned shards = 0;
  // automatic = the measured default; epoll is used, with a one-line notice
  // on stderr, when io_uring is wanted but the kernel refuses it.
  reactor_backend_kind backend = reactor_backend_kind::automatic;
  bool pin_threads = true;
  reactor_options reactor{};
};

class smp {
 public:
  // Starts the shards, runs main_task() on shard 0, and when it completes
  // stops every shard (tasks still suspended are destroyed, not resumed),
  // joins them and returns main_task's value; an exception from main_task is
  // rethrown here after the shards stopped. SIGINT and SIGTERM are handled
  // while it runs (see wait_for_stop). One smp::run at a time per process;
  // sequential runs each get fresh shards. Throws std::system_error if a
  // shard cannot be set up.
  static int run(const smp_config& config, std::function<task<int>()> main_task);

  // Shard 0 only. Completes when SIGINT or SIGTERM arrives or request_stop()
  // is called (at once if that already happened), so that main_task can stop
  // accepting, close connections and return. A signal arriving after a stop
  // was already requested gets its default action: a second Ctrl-C kills a
  // process that does not stop by itself.
  static task<void> wait_for_stop();
  // Any shard: completes wait_for_stop() on shard 0.
  static void request_stop() noexcept;

  // The backend the running shards use (never automatic).
  static reactor_backend_kind backend() noexcept;
  // The backend `automatic` prefers (it falls back to epoll when refused).
  static reactor_backend_kind default_backend() noexcept;
  // Whether this process may use `kind` (io_uring can be refused, e.g. by a
  // container's seccomp policy). Creates and destroys a trial ring.
  static bool backend_available(reactor_backend_kind kind);
};

// The current shard, in [0, shard_count()). Requires: on a shard.
unsigned this_shard_id() noexcept;
// The number of shards of the running smp (0 outside smp::run).
unsigned shard_count() noexcept;

namespace detail {

// On the current shard: queues `message` for message->target, sent at the
// end of this loop turn. expect_reply: the sender awaits a reply.
void smp_send(smp_message* message, bool expect_reply) noexcept;
// On the target shard: queues the reply to message->source.
void smp_send_reply(smp_message* message) noexcept;
// On the source shard, when the reply arrived: resumes `waiter`.
void smp_reply_arrived(std::coroutine_handle<> waiter) noexcept;

template <typename F>
using submit_result_t = unwrap_task_t<std::invoke_result_t<F&>>;

// One submit_to() in flight: the message, the function and the result slot
// all live in the frame of the submit_to task, so a call allocates nothing
// beyond that frame. The function runs and is left on the target shard until
// the reply; it is destroyed with the frame on the source shard.
template <typename F>
class cross_shard_call final : public smp_message {
  using invoke_t = std::invoke_result_t<F&>;
  using result_t = submit_result_t<F>;
  using slot_t = std::conditional_t<std::is_void_v<result_t>, std::monostate, result_t>;

 public:
  cross_shard_call(unsigned to, F fn) : fn_(std::move(fn)) { target = to; }

  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> waiter) noexcept {
    waiter_ = waiter;
    source = this_shard_id();
    smp_send(this, true);
  }
  result_t await_resume() {
    if (error_) std::rethrow_exception(error_);
    if constexpr (!std::is_void_v<result_t>) return std::move(*value_);
  }

  void run_on_target() noexcept override {
    if constexpr (is_task_v<invoke_t>) {
      spawn(run_async());
    } else {
      try {
        if constexpr (std::is_void_v<result_t>) {
          fn_();
        } else {
          value_.emplace(fn_());
        }
      } catch (...) {
        error_ = std::current_exception();
      }
      smp_send_reply(this);
    }
  }
  void complete_on_source() noexcept override { smp_reply_arrived(waiter_); }

 private:
  task<void> run_async() {
    try {
      if constexpr (std::is_void_v<result_t>) {
        co_await fn_();
      } else {
        value_.emplace(co_await fn_());
      }
    } catch (...) {
      error_ = std::current_exception();
    }
    smp_send_reply(this);
  }

  F fn_;
  std::optional<slot_t> value_;
  std::exception_ptr error_;
  std::coroutine_handle<> waiter_;
};

// A message nobody waits for; it deletes itself on the target shard.
template <typename F>
class posted_call final : public smp_message {
 public:
  posted_call(unsigned to, F fn) : fn_(std::move(fn)) {
    source = this_shard_id();
    target = to;
  }
  void run_on_target() noexcept override {
    fn_();
    delete this;
  }
  void complete_on_source() noexcept override {}

 private:
  F fn_;
};

template <typename F>
task<submit_result_t<F>> submit_to_impl(unsigned shard, F fn) {
  SHOAL_DEBUG_ASSERT(shard < shard_count());
  if (shard == this_shard_id()) {
    if constexpr (is_task_v<std::invoke_result_t<F&>>) {
      co_return co_await fn();
    } else if constexpr (std::is_void_v<submit_result_t<F>>) {
      fn();
      co_return;
    } else {
      co_return fn();
    }
  }
  cross_shard_call<F> call(shard, std::move(fn));
  co_return co_await call;
}

}  // namespace detail

// Runs fn() on `shard` and returns its result to the awaiting task, which
// resumes on its own shard. fn may return a value, void, or task<X> (then
// the result is X, awaited on `shard`). An exception thrown there is
// rethrown here. On the current shard fn runs directly, with no message.
// Calls from one shard to another start in the order they were made.
// fn is copied/moved into the task (safe to pass a temporary lambda);
// whatever it captures is used on `shard` and destroyed on the caller's.
template <typename F>
auto submit_to(unsigned shard, F&& fn) -> task<detail::submit_result_t<std::decay_t<F>>> {
  return detail::submit_to_impl<std::decay_t<F>>(shard, std::forward<F>(fn));
}

// Runs fn() on `shard` without waiting for it or its result (fn must not
// throw). Allocates the message; prefer submit_to on hot paths.
template <typename F>
void post_to(unsigned shard, F&& fn) {
  if (shard == this_shard_id()) {
    fn();
    return;
  }
  detail::smp_send(new detail::posted_call<std::decay_t<F>>(shard, std::forward<F>(fn)), false);
}

}  // namespace shoal
