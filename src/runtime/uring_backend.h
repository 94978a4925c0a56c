// The io_uring reactor backend (liburing). Every operation is one submission
// queue entry pointing at the io_op; all entries queued during a loop turn
// go to the kernel in the one io_uring_enter that also collects completions.
// See uring_backend.cc for the feature choices and their fallbacks.
// Threading: one shard (the ring is created single-issuer on its thread);
// wake() from any thread.
#pragma once

#include <liburing.h>

#include <cstddef>
#include <cstdint>

#include "runtime/reactor_backend.h"

namespace shoal::detail {

class uring_backend final : public reactor_backend {
 public:
  // Throws std::system_error when the kernel refuses io_uring (or lacks an
  // operation the runtime needs).
  uring_backend(ready_queue& ready, const reactor_options& options);
  ~uring_backend() override;

  reactor_backend_kind kind() const noexcept override { return reactor_backend_kind::io_uring; }
  fd_state* open(int fd, fd_kind kind) override;
  void close(fd_state* state) noexcept override;
  int release(fd_state* state) noexcept override;
  bool try_complete(io_op&) noexcept override { return false; }
  void submit(io_op& op) noexcept override;
  void forget(io_op& op) noexcept override;
  void poll(bool block, time_point deadline) override;
  void flush_submissions() override;
  bool has_pending_io() const noexcept override {
    return ops_in_flight_ > 0 || io_uring_sq_ready(&ring_) > 0;
  }
  void wake() noexcept override;
  void wake_peer(reactor_backend& target) noexcept override;
  void quiesce() noexcept override;

  // What setup obtained from the kernel (for tests and the startup notice).
  bool defer_taskrun() const noexcept { return defer_taskrun_; }
  bool msg_ring_wakeup() const noexcept { return msg_ring_; }

 private:
  io_uring_sqe* get_sqe() noexcept;
  void prepare(io_op& op) noexcept;
  void handle(const io_uring_cqe& cqe) noexcept;
  void finish(io_op& op, ssize_t result) noexcept;
  void arm_wake_read() noexcept;
  void reap() noexcept;

  io_uring ring_{};
  ready_queue& ready_;
  int wake_fd_ = -1;
  uint64_t wake_buf_ = 0;
  size_t ops_in_flight_ = 0;   // io_ops between submit and completion
  size_t cqes_expected_ = 0;   // every submitted entry that will post a completion
  bool defer_taskrun_ = false;
  bool msg_ring_ = false;
  bool poll_first_ = true;
  bool draining_ = false;      // quiesce(): collect completions, resume nothing
  bool quiesced_ = false;      // after quiesce(): close fds directly
};

}  // namespace shoal::detail
