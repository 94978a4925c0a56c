// smp::run: starting, running and stopping the shards.
//
// Start: the backend is resolved once on the calling thread (a trial ring
// tells whether io_uring is allowed), the rings are allocated, then each
// shard thread pins itself, builds its reactor and waits at a barrier until
// every reactor exists (a message may be sent to any of them from then on).
//
// Stop, when main_task finishes: every reactor is asked to leave its loop.
// Then three phases, each closed by a barrier so that no shard is still
// reading a ring or a message that another shard is about to free:
//   1. all loops have exited: no more messages are run or completed;
//   2. each shard cancels its in-flight I/O and destroys its suspended tasks;
//   3. reactors are destroyed and threads joined; the rings are freed.
//
// Signals: SIGINT and SIGTERM are blocked in every shard thread and read
// from a signalfd by a task on shard 0. See docs/runtime.md#stopping.
#include "runtime/smp.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <atomic>
#include <barrier>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include "base/assert.h"
#include "runtime/frame_allocator.h"
#include "runtime/pollable_fd.h"
#include "runtime/reactor.h"
#include "runtime/uring_backend.h"

namespace shoal {

namespace {

constexpr unsigned k_no_shard = ~0u;

thread_local unsigned t_shard_id = k_no_shard;

struct smp_state {
  smp_state(unsigned n, reactor_backend_kind backend_kind, const reactor_options& reactor_opts)
      : shards(n),
        kind(backend_kind),
        options(reactor_opts),
        queues(n),
        reactors(n, nullptr),
        started(n),
        loops_done(n),
        tasks_destroyed(n) {}

  unsigned shards;
  reactor_backend_kind kind;
  reactor_options options;
  detail::smp_queues queues;
  std::vector<reactor*> reactors;
  std::barrier<> started;
  std::barrier<> loops_done;
  std::barrier<> tasks_destroyed;
  std::atomic<bool> setup_failed{false};
  std::exception_ptr setup_error;  // written before `started`, read after

  // Shard 0 only.
  bool stop_requested = false;
  std::vector<std::coroutine_handle<>> stop_waiters;
  int main_result = 0;
  std::exception_ptr main_error;
};

smp_state* g_state = nullptr;
unsigned g_shard_count = 0;
std::atomic<bool> g_running{false};

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
    }
  }
  if (cpus.empty()) cpus.push_back(0);
  return cpus;
}

void pin_to(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof set, &set);  // best effort
}

bool uring_allowed(const reactor_options& options) {
  try {
    detail::ready_queue scratch;
    detail::uring_backend probe(scratch, options);
    return true;
  } catch (const std::system_error&) {
    return false;
  }
}

reactor_backend_kind resolve_backend(reactor_backend_kind wanted, const reactor_options& options) {
  if (wanted == reactor_backend_kind::epoll) return wanted;
  if (wanted == reactor_backend_kind::automatic) wanted = smp::default_backend();
  if (wanted == reactor_backend_kind::epoll) return wanted;
  if (uring_allowed(options)) return reactor_backend_kind::io_uring;
  std::fprintf(stderr,
               "shoal: io_uring is not available here (refused by the kernel); using epoll\n");
  return reactor_backend_kind::epoll;
}

void wake_stop_waiters() {
  smp_state& st = *g_state;
  st.stop_requested = true;
  for (std::coroutine_handle<> waiter : st.stop_waiters) reactor::local().schedule(waiter);
  st.stop_waiters.clear();
}

// Reads SIGINT/SIGTERM on shard 0 for the whole run; destroyed at stop.
task<void> watch_signals(int signal_fd) {
  pollable_fd fd = pollable_fd::adopt(signal_fd, pollable_fd::kind::file);
  signalfd_siginfo info{};
  while (true) {
    io_result<size_t> n = co_await fd.read({reinterpret_cast<char*>(&info), sizeof info});
    if (!n.ok() || *n != sizeof info) continue;
    const int signo = static_cast<int>(info.ssi_signo);
    if (g_state->stop_requested) {
      // Asked twice: give the signal its default action (terminate).
      ::signal(signo, SIG_DFL);
      sigset_t one;
      sigemptyset(&one);
      sigaddset(&one, signo);
      pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
      ::raise(signo);
      continue;
    }
    wake_stop_waiters();
  }
}

task<void> run_main(std::function<task<int>()>& main_task) {
  smp_state& st = *g_state;
  try {
    st.main_result = co_await main_task();
  } catch (...) {
    st.main_error = std::current_exception();
  }
  for (reactor* r : st.reactors) r->request_stop();
}

// The life of one shard, on its own thread (shard 0: the caller's).
void shard_main(unsigned id, const std::vector<int>& cpus, bool pin,
                std::function<task<int>()>* main_task, int signal_fd) {
  smp_state& st = *g_state;
  if (pin) pin_to(cpus[id % cpus.size()]);
  t_shard_id = id;
  std::unique_ptr<reactor> r;
  try {
    r = std::make_unique<reactor>(id, st.kind, &st.queues, st.options);
    st.reactors[id] = r.get();
    st.queues.attach(id, r.get());
  } catch (...) {
    if (!st.setup_failed.exchange(true)) st.setup_error = std::current_exception();
  }
  st.started.arrive_and_wait();
  if (!st.setup_failed.load()) {
    r->install();
    if (id == 0) {
      if (signal_fd >= 0) spawn(watch_signals(signal_fd));
      spawn(run_main(*main_task));
    }
    r->run();
  }
  st.loops_done.arrive_and_wait();
  if (r) {
    if (st.setup_failed.load()) r->install();
    r->quiesce();
    r->destroy_leftover_tasks();
  }
  st.tasks_destroyed.arrive_and_wait();
  if (r) r->uninstall();
  r.reset();
  detail::release_frame_cache();
  t_shard_id = k_no_shard;
}

}  // namespace

int smp::run(const smp_config& config, std::function<task<int>()> main_task) {
  SHOAL_ASSERT_MSG(!g_running.exchange(true), "smp::run is already running");
  const std::vector<int> cpus = allowed_cpus();
  const unsigned n = config.shards != 0 ? config.shards : static_cast<unsigned>(cpus.size());
  reactor_backend_kind kind;
  try {
    kind = resolve_backend(config.backend, config.reactor);
  } catch (...) {
    g_running.store(false);
    throw;
  }

  // Signals: blocked here before the threads start, so every shard inherits it.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigset_t old_mask;
  pthread_sigmask(SIG_BLOCK, &stop_signals, &old_mask);
  const int signal_fd = ::signalfd(-1, &stop_signals, SFD_NONBLOCK | SFD_CLOEXEC);

  cpu_set_t old_affinity;
  const bool restore_affinity =
      pthread_getaffinity_np(pthread_self(), sizeof old_affinity, &old_affinity) == 0;

  auto state = std::make_unique<smp_state>(n, kind, config.reactor);
  g_state = state.get();
  g_shard_count = n;

  std::vector<std::thread> threads;
  threads.reserve(n - 1);
  for (unsigned id = 1; id < n; ++id) {
    threads.emplace_back(shard_main, id, std::cref(cpus), config.pin_threads, nullptr, -1);
  }
  shard_main(0, cpus, config.pin_threads, &main_task, signal_fd);
  for (std::thread& t : threads) t.join();

  if (restore_affinity) pthread_setaffinity_np(pthread_self(), sizeof old_affinity, &old_affinity);
  // A stop signal that arrived after the watcher stopped reading would kill
  // us when unblocked: the run is over, so drop it.
  timespec zero{0, 0};
  while (sigtimedwait(&stop_signals, nullptr, &zero) > 0) {
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);

  const int result = state->main_result;
  std::exception_ptr error = state->setup_failed.load() ? state->setup_error : state->main_error;
  g_state = nullptr;
  g_shard_count = 0;
  state.reset();
  g_running.store(false);
  if (error) std::rethrow_exception(error);
  return result;
}

task<void> smp::wait_for_stop() {
  SHOAL_ASSERT_MSG(this_shard_id() == 0, "smp::wait_for_stop() runs on shard 0");
  struct stop_awaitable {
    bool await_ready() const noexcept { return g_state->stop_requested; }
    void await_suspend(std::coroutine_handle<> waiter) { g_state->stop_waiters.push_back(waiter); }
    void await_resume() const noexcept {}
  };
  co_await stop_awaitable{};
}

void smp::request_stop() noexcept {
  post_to(0, [] { wake_stop_waiters(); });
}

reactor_backend_kind smp::backend() noexcept {
  return g_state != nullptr ? g_state->kind : reactor_backend_kind::automatic;
}

reactor_backend_kind smp::default_backend() noexcept { return reactor_backend_kind::io_uring; }

bool smp::backend_available(reactor_backend_kind kind) {
  if (kind != reactor_backend_kind::io_uring) return true;
  return uring_allowed(reactor_options{});
}

unsigned this_shard_id() noexcept {
  SHOAL_DEBUG_ASSERT(t_shard_id != k_no_shard);
  return t_shard_id;
}

unsigned shard_count() noexcept { return g_shard_count; }

namespace detail {

void smp_send(smp_message* message, bool expect_reply) noexcept {
  reactor& local = reactor::local();
  if (expect_reply) local.expect_reply();
  g_state->queues.send_request(message);
}

void smp_send_reply(smp_message* message) noexcept { g_state->queues.send_reply(message); }

void smp_reply_arrived(std::coroutine_handle<> waiter) noexcept {
  reactor& local = reactor::local();
  local.reply_arrived();
  local.schedule(waiter);
}

}  // namespace detail
}  // namespace shoal
