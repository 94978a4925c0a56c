// Choices a shard's reactor is built with. Set them through smp_config; the
// defaults are the measured best (docs/decisions/0100-reactor-backend.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace shoal {

enum class reactor_backend_kind : uint8_t {
  automatic,  // the measured default, epoll when io_uring is refused
  epoll,
  io_uring,
};

// "epoll", "io_uring" or "automatic".
const char* to_string(reactor_backend_kind kind) noexcept;
// Accepts "epoll", "io_uring" (or "uring"), "auto" / "automatic".
std::optional<reactor_backend_kind> parse_reactor_backend_kind(std::string_view text) noexcept;

struct reactor_options {
  // How long an idle shard that expects a cross-shard reply (or just got
  // messages) keeps polling its queues before it sleeps in the kernel.
  std::chrono::nanoseconds spin_before_sleep = std::chrono::microseconds(5);

  // io_uring only; each falls back silently when the kernel refuses it.
  // IORING_SETUP_SINGLE_ISSUER|DEFER_TASKRUN: completions are processed only
  // when the shard asks for them, in its own context.
  bool uring_defer_taskrun = true;
  // Wake a sleeping shard with an IORING_OP_MSG_RING submission batched with
  // the sender's other I/O, instead of an eventfd write(2). Off: measured
  // slower here (the kernel notifies a DEFER_TASKRUN target like a signal).
  bool uring_msg_ring_wakeup = false;
  // A recv on a stream socket that the previous recv left empty waits for
  // data before trying (IORING_RECVSEND_POLL_FIRST).
  bool uring_recv_poll_first = true;
  // Stream sockets receive with one multishot recv per socket into a
  // shard-wide ring of provided buffers (IORING_RECV_MULTISHOT with
  // IOSQE_BUFFER_SELECT); recv() copies out of those buffers. Off (no
  // measurable gain on the echo workload): one recv entry per recv(),
  // straight into the caller's buffer.
  bool uring_multishot_recv = false;
  // Provided buffers per shard for multishot receive (a power of two), and
  // their size.
  unsigned uring_recv_buffers = 1024;
  unsigned uring_recv_buffer_size = 4096;
  // Submission queue entries (the completion queue gets 4x).
  unsigned uring_entries = 1024;
};

}  // namespace shoal
