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
#include <memory>

#include "runtime/reactor_backend.h"

namespace shoal::detail {

// An fd's state as the io_uring backend keeps it: the common part plus the
// multishot receive bookkeeping (see uring_backend.cc, "Multishot receive").
struct uring_fd_state : fd_state {
  static constexpr uint16_t k_no_buffer = 0xffff;
  bool multishot = false;       // a multishot recv is armed on this fd
  bool orphaned = false;        // closed or released while armed: its last completion frees it
  bool reader_parked = false;   // `reader` waits for multishot data (no entry of its own)
  int end = 1;                  // 1 open; 0 end of stream received; < 0 -errno to report
  uint16_t head = k_no_buffer;  // received buffers not yet copied out, oldest first
  uint16_t tail = k_no_buffer;
  uint32_t head_offset = 0;  // bytes of `head` already copied out
};

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
  bool try_complete(io_op& op) noexcept override;
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
  bool multishot_recv() const noexcept { return buf_ring_ != nullptr; }

 private:
  bool uses_multishot(const io_op& op) const noexcept {
    return buf_ring_ != nullptr && op.kind == io_kind::recv && op.fd->kind == fd_kind::stream;
  }
  void setup_provided_buffers(const reactor_options& options) noexcept;
  void arm_multishot(uring_fd_state& s) noexcept;
  void on_multishot(uring_fd_state& s, const io_uring_cqe& cqe) noexcept;
  size_t copy_out(uring_fd_state& s, char* dst, size_t len) noexcept;
  void recycle(uint16_t bid) noexcept;
  void drop_received(uring_fd_state& s) noexcept;
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
  size_t ops_in_flight_ = 0;  // io_ops between submit and completion
  size_t cqes_expected_ = 0;  // every submitted entry that will post a completion
  bool defer_taskrun_ = false;
  bool msg_ring_ = false;
  bool poll_first_ = true;
  bool draining_ = false;  // quiesce(): collect completions, resume nothing
  bool quiesced_ = false;  // after quiesce(): close fds directly

  // Provided buffers for multishot receive (null when off or refused).
  io_uring_buf_ring* buf_ring_ = nullptr;
  char* buf_memory_ = nullptr;
  unsigned buf_count_ = 0;
  unsigned buf_size_ = 0;
  std::unique_ptr<uint16_t[]> buf_next_;  // per buffer: the next one in its socket's queue
  std::unique_ptr<uint32_t[]> buf_len_;   // per buffer: bytes received into it
};

}  // namespace shoal::detail
