// reactor_backend is the one interface behind which the two I/O mechanisms
// sit: epoll (epoll_backend.cc) and io_uring (uring_backend.cc). The reactor
// owns one per shard; operations reach it through fd_state::backend.
//
// Threading: every method except wake() runs on the owning shard only.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "runtime/io_op.h"
#include "runtime/reactor_options.h"

namespace shoal {
namespace detail {

class ready_queue;

class reactor_backend {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  virtual ~reactor_backend() = default;
  virtual reactor_backend_kind kind() const noexcept = 0;

  // Registers `fd` (non-blocking, close-on-exec) and takes ownership of it.
  // Throws std::system_error if the kernel refuses.
  virtual fd_state* open(int fd, fd_kind kind) = 0;
  // Cancels the pending operations (their waiters resume with ECANCELED),
  // closes the fd and frees `state`.
  virtual void close(fd_state* state) noexcept = 0;
  // Frees `state` without closing the fd, and returns the fd. Requires no
  // pending operation.
  virtual int release(fd_state* state) noexcept = 0;

  // Tries to finish `op` now without waiting (epoll tries the syscall when
  // the fd may be ready). True: `op.result` is set and nothing is pending.
  virtual bool try_complete(io_op& op) noexcept = 0;
  // Starts `op`; when it finishes the backend sets `op.result` and queues
  // `op.waiter` on the ready queue.
  virtual void submit(io_op& op) noexcept = 0;
  // Drops a pending operation whose frame is being destroyed at shutdown.
  virtual void forget(io_op& op) noexcept = 0;

  // Submits queued work and collects completions. Blocks until something
  // completes, `deadline` passes or wake() is called when `block` is true.
  virtual void poll(bool block, time_point deadline) = 0;
  // Submits queued work without collecting (io_uring); a no-op for epoll.
  virtual void flush_submissions() {}
  // True when poll(false, ...) could find something: an operation is pending
  // or submissions are queued.
  virtual bool has_pending_io() const noexcept = 0;

  // Makes a blocked poll() return. Any thread.
  virtual void wake() noexcept = 0;
  // Wakes `target`, another shard's backend, from this one's shard. io_uring
  // may do it with a MSG_RING submission instead of a syscall.
  virtual void wake_peer(reactor_backend& target) noexcept { target.wake(); }

  // At shard stop, before frames are destroyed: cancels everything in flight
  // and waits for it, without resuming any waiter.
  virtual void quiesce() noexcept = 0;
};

// Creates a backend; throws std::system_error if the kernel refuses.
std::unique_ptr<reactor_backend> make_epoll_backend(ready_queue& ready);
std::unique_ptr<reactor_backend> make_uring_backend(ready_queue& ready,
                                                    const reactor_options& options);

}  // namespace detail
}  // namespace shoal
