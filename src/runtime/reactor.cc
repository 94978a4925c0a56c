// The shard event loop. One turn:
//
//   1. read the clock once (reactor::now() for the whole turn)
//   2. run the messages other shards published to us (cheap loads when none)
//   3. fire due timers
//   4. resume ready tasks (I/O completions, replies, spawned and woken tasks)
//   5. publish our outgoing messages, waking receivers that sleep
//   6. poll I/O: without blocking if work remains; otherwise spin briefly
//      when a cross-shard reply is expected, then block in the kernel until
//      I/O, the next timer or a wake-up.
//
// Why this order: messages and timers only queue tasks, so step 4 runs
// everything that became ready in one batch, and step 5 then publishes every
// message that batch produced with one store per ring (and at most one
// wake-up per sleeping receiver). Tasks that yield() wait for step 6 so that
// I/O gets polled between two of their slices.
//
// Spinning: only when this shard awaits a reply or just received messages;
// a shard that waits only for network I/O goes straight to the kernel, so an
// idle or lightly loaded server burns no CPU. See docs/runtime.md#the-loop.
#include "runtime/reactor.h"

#include <cstdio>
#include <exception>
#include <stdexcept>

#include "base/assert.h"
#include "runtime/smp.h"
#include "runtime/smp_queue.h"

namespace shoal {

namespace detail {
thread_local constinit const char* t_stack_floor = nullptr;
}

namespace {

thread_local reactor* t_reactor = nullptr;

// Stack kept free below the loop's frame before awaits bounce through the
// ready queue (see detail::stack_is_deep in task.h). Shard threads have the
// default 8 MiB stack.
constexpr size_t k_stack_reserve = 1u << 20;

// Upper bound of task resumptions per turn, so that a storm of spawns cannot
// keep I/O and the queues from being polled.
constexpr size_t k_task_quota = 4096;

// How long a shard with messages stuck in a full ring sleeps before retrying.
constexpr std::chrono::microseconds k_overflow_retry{50};

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

std::unique_ptr<detail::reactor_backend> make_backend(reactor_backend_kind kind,
                                                      detail::ready_queue& ready,
                                                      const reactor_options& options) {
  switch (kind) {
    case reactor_backend_kind::epoll:
      return detail::make_epoll_backend(ready);
    case reactor_backend_kind::io_uring:
      return detail::make_uring_backend(ready, options);
    case reactor_backend_kind::automatic:
      break;
  }
  throw std::invalid_argument("reactor: backend kind must be resolved before use");
}

}  // namespace

reactor::reactor(unsigned shard_id, reactor_backend_kind kind, detail::smp_queues* queues,
                 const reactor_options& options)
    : shard_id_(shard_id),
      queues_(queues),
      options_(options),
      now_(clock::now()),
      backend_(make_backend(kind, ready_, options)) {
  detached_.prev = detached_.next = &detached_;
}

reactor::~reactor() { SHOAL_ASSERT(t_reactor != this); }

reactor& reactor::local() noexcept {
  SHOAL_ASSERT_MSG(t_reactor != nullptr, "not on a shard (call inside smp::run)");
  return *t_reactor;
}

bool reactor::on_shard() noexcept { return t_reactor != nullptr; }

void reactor::install() noexcept {
  SHOAL_ASSERT(t_reactor == nullptr);
  t_reactor = this;
}

void reactor::uninstall() noexcept {
  SHOAL_ASSERT(t_reactor == this);
  t_reactor = nullptr;
}

void reactor::adopt_detached(detail::detached_hook& hook, std::coroutine_handle<> frame) {
  hook.frame = frame;
  hook.next = detached_.next;
  hook.prev = &detached_;
  detached_.next->prev = &hook;
  detached_.next = &hook;
  schedule(frame);
}

void reactor::request_stop() noexcept {
  stop_requested_.store(true, std::memory_order_release);
  backend_->wake();
}

void reactor::run_ready_tasks() {
  size_t budget = k_task_quota;
  while (!ready_.empty() && budget-- > 0) {
    ready_.pop().resume();
    ++stats_.tasks_run;
  }
}

void reactor::run() {
  detail::t_stack_floor = static_cast<const char*>(__builtin_frame_address(0)) - k_stack_reserve;
  while (true) {
    now_ = clock::now();
    ++stats_.turns;
    if (stop_requested_.load(std::memory_order_acquire)) break;

    while (!next_turn_.empty()) ready_.push(next_turn_.pop());
    const size_t messages = queues_ ? queues_->poll(shard_id_) : 0;
    stats_.messages_in += messages;
    messages_this_turn_ = messages > 0;
    timers_.expire(now_);
    run_ready_tasks();
    if (queues_) queues_->flush(shard_id_);

    if (!ready_.empty() || !next_turn_.empty()) {
      if (backend_->has_pending_io()) {
        ++stats_.io_polls;
        backend_->poll(false, now_);
      }
      continue;
    }
    if (spin_for_messages()) continue;
    sleep();
  }
  detail::t_stack_floor = nullptr;
}

// Spins on the incoming rings while a reply is expected or messages just
// arrived. Returns true if something arrived (or a timer fell due).
bool reactor::spin_for_messages() {
  if (!queues_ || options_.spin_before_sleep.count() <= 0) return false;
  if (awaiting_replies_ == 0 && !messages_this_turn_) return false;
  backend_->flush_submissions();  // a MSG_RING wake-up must not wait for our sleep
  const time_point until = clock::now() + options_.spin_before_sleep;
  const time_point timer_due = timers_.next_deadline();
  unsigned n = 0;
  while (true) {
    if (queues_->has_incoming(shard_id_)) return true;
    if (stop_requested_.load(std::memory_order_relaxed)) return true;
    if ((++n & 15) == 0) {
      const time_point t = clock::now();
      if (t >= until) return false;
      if (t >= timer_due) return true;
    }
    cpu_relax();
  }
}

void reactor::sleep() {
  time_point deadline = timers_.next_deadline();
  if (queues_) {
    if (queues_->has_unflushed(shard_id_)) {
      const time_point retry = clock::now() + k_overflow_retry;
      if (retry < deadline) deadline = retry;
    }
    if (!queues_->try_sleep(shard_id_)) return;
  }
  if (!stop_requested_.load(std::memory_order_acquire)) {
    ++stats_.sleeps;
    backend_->poll(true, deadline);
  }
  if (queues_) queues_->end_sleep(shard_id_);
}

void reactor::quiesce() noexcept { backend_->quiesce(); }

void reactor::destroy_leftover_tasks() noexcept {
  ready_.clear();
  next_turn_.clear();
  while (detached_.next != &detached_) {
    detail::detached_hook* hook = detached_.next;
    std::coroutine_handle<> frame = hook->frame;
    hook->unlink();
    frame.destroy();
  }
  ready_.clear();  // destructors may have queued waiters of cancelled operations
  next_turn_.clear();
}

void spawn(task<void> t) {
  SHOAL_ASSERT(t.valid());
  auto frame = t.release();
  reactor::local().adopt_detached(frame.promise().detached(), frame);
}

namespace detail {

void schedule_now(std::coroutine_handle<> frame) noexcept { reactor::local().schedule(frame); }

void schedule_next_turn(std::coroutine_handle<> frame) noexcept {
  reactor::local().schedule_next_turn(frame);
}

timer_set& local_timers() noexcept { return reactor::local().timers(); }

std::chrono::steady_clock::time_point cached_now() noexcept { return reactor::now(); }

void report_detached_exception(std::exception_ptr error) noexcept {
  const unsigned shard = reactor::on_shard() ? reactor::local().shard_id() : 0;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "shoal: shard %u: exception escaped a spawned task: %s\n", shard,
                 e.what());
  } catch (...) {
    std::fprintf(stderr, "shoal: shard %u: unknown exception escaped a spawned task\n", shard);
  }
  std::fflush(stderr);
  std::abort();
}

}  // namespace detail
}  // namespace shoal
