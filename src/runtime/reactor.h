// reactor: one shard's event loop. It resumes ready tasks, runs the messages
// other shards sent, fires timers, and submits and reaps I/O through its
// backend (epoll or io_uring); with nothing to do it spins briefly if a reply
// is expected, then sleeps in the kernel. See docs/runtime.md#the-loop.
//
// Applications rarely touch it: reactor::now() is the cheap clock to read
// per batch (cached at the start of each loop turn), and timers, sleeping,
// spawn(), yield() and I/O use the local reactor implicitly.
//
// Threading: a reactor is created, run and destroyed by its shard's thread;
// only request_stop() and wake() may be called from other threads.
#pragma once

#include <atomic>
#include <chrono>
#include <coroutine>
#include <cstdint>
#include <memory>

#include "runtime/reactor_backend.h"
#include "runtime/reactor_options.h"
#include "runtime/ready_queue.h"
#include "runtime/task.h"
#include "runtime/timer.h"
#include "runtime/timer_set.h"

namespace shoal {

namespace detail {
class smp_queues;
}

class reactor {
 public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;

  // Counters for tests and benchmarks; plain fields written by this shard.
  struct stats {
    uint64_t turns = 0;        // loop iterations
    uint64_t tasks_run = 0;    // coroutine resumptions from the ready queue
    uint64_t sleeps = 0;       // times the shard blocked in the kernel
    uint64_t io_polls = 0;     // non-blocking backend polls
    uint64_t messages_in = 0;  // cross-shard messages processed
  };

  // This shard's reactor. Requires: called on a shard thread.
  static reactor& local() noexcept;
  // True on a shard thread (inside smp::run).
  static bool on_shard() noexcept;
  // The clock read at the start of the current loop turn: no system call,
  // at most one turn old. Use it for per-batch timestamps.
  static time_point now() noexcept { return local().now_; }

  // Creates the backend of `kind` (epoll or io_uring, not automatic); throws
  // std::system_error if the kernel refuses it.
  reactor(unsigned shard_id, reactor_backend_kind kind, detail::smp_queues* queues,
          const reactor_options& options);
  ~reactor();
  reactor(const reactor&) = delete;
  reactor& operator=(const reactor&) = delete;

  unsigned shard_id() const noexcept { return shard_id_; }
  reactor_backend_kind backend_kind() const noexcept { return backend_->kind(); }
  detail::reactor_backend& backend() noexcept { return *backend_; }
  detail::timer_set& timers() noexcept { return timers_; }
  const stats& counters() const noexcept { return stats_; }

  // Queues `frame` to resume on this loop turn.
  void schedule(std::coroutine_handle<> frame) { ready_.push(frame); }
  // Queues `frame` to resume after the next I/O poll (yield()).
  void schedule_next_turn(std::coroutine_handle<> frame) { next_turn_.push(frame); }
  // Takes ownership of a spawned task's frame and queues it.
  void adopt_detached(detail::detached_hook& hook, std::coroutine_handle<> frame);

  // Cross-shard replies this shard is waiting for (maintained by smp).
  void expect_reply() noexcept { ++awaiting_replies_; }
  void reply_arrived() noexcept { --awaiting_replies_; }

  // --- Driven by smp, in this order, on the shard's thread. ---
  // Makes this reactor the thread's local() one.
  void install() noexcept;
  // Runs the loop until request_stop().
  void run();
  // Any thread: makes run() return at the start of its next turn.
  void request_stop() noexcept;
  // Any thread: interrupts a sleeping poll.
  void wake() noexcept { backend_->wake(); }
  // After every shard has left run(): cancel in-flight I/O, then destroy the
  // tasks still suspended. Their destructors run; none is resumed.
  void quiesce() noexcept;
  void destroy_leftover_tasks() noexcept;
  void uninstall() noexcept;

 private:
  void run_ready_tasks();
  bool spin_for_messages();
  void sleep();

  unsigned shard_id_;
  detail::smp_queues* queues_;
  reactor_options options_;
  time_point now_;
  detail::ready_queue ready_;
  detail::ready_queue next_turn_;
  detail::timer_set timers_;
  std::unique_ptr<detail::reactor_backend> backend_;
  detail::detached_hook detached_;  // sentinel of the circular list of spawned tasks
  uint64_t awaiting_replies_ = 0;
  bool messages_this_turn_ = false;
  stats stats_;
  alignas(64) std::atomic<bool> stop_requested_{false};
};

}  // namespace shoal
