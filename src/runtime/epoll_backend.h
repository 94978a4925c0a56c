// The epoll reactor backend: readiness notification, edge-triggered, each fd
// registered once for both directions. Operations try the system call first
// and wait for an edge only after EAGAIN. See epoll_backend.cc.
// Threading: one shard; wake() from any thread.
#pragma once

#include <sys/epoll.h>

#include <array>
#include <cstddef>

#include "runtime/reactor_backend.h"

namespace shoal::detail {

class epoll_backend final : public reactor_backend {
 public:
  explicit epoll_backend(ready_queue& ready);
  ~epoll_backend() override;

  reactor_backend_kind kind() const noexcept override { return reactor_backend_kind::epoll; }
  fd_state* open(int fd, fd_kind kind) override;
  void close(fd_state* state) noexcept override;
  int release(fd_state* state) noexcept override;
  bool try_complete(io_op& op) noexcept override;
  void submit(io_op& op) noexcept override;
  void forget(io_op& op) noexcept override;
  void poll(bool block, time_point deadline) override;
  bool has_pending_io() const noexcept override { return waiting_ > 0; }
  void wake() noexcept override;
  void quiesce() noexcept override {}

 private:
  bool attempt(io_op& op) noexcept;
  void finish(io_op& op) noexcept;
  void cancel(io_op* op) noexcept;
  void on_event(fd_state& state, uint32_t events) noexcept;

  ready_queue& ready_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  size_t waiting_ = 0;  // operations suspended until an edge
  bool have_pwait2_ = true;
  std::array<epoll_event, 256> events_{};
};

}  // namespace shoal::detail
