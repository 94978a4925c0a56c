// pollable_fd owns a non-blocking file descriptor registered with the
// current shard's reactor, and starts I/O operations on it. The net layer's
// sockets are built on it; use it directly for eventfds, signalfds, pipes.
//
// Each operation returns a plain awaitable object, not a coroutine: awaiting
// it allocates nothing. With epoll the system call is tried inside
// co_await's await_ready() and the caller suspends only on EAGAIN; with
// io_uring the operation is queued and submitted with the loop turn's batch.
//
//   io_result<size_t> n = co_await fd.recv(buffer);   // 0 = end of stream
//   io_result<size_t> m = co_await fd.send_all(data); // all bytes, or an error
//
// Results are io_result (runtime/io_result.h); an operation pending when the
// fd is closed completes with std::errc::operation_canceled, and one started
// on a closed pollable_fd completes with EBADF.
//
// Threading: a pollable_fd belongs to the shard that opened it. At most one
// read-side (recv, read, recvmsg, accept) and one write-side (send*, sendmsg,
// connect) operation may be pending at a time. Buffers must stay valid until
// the operation completes, which co_await guarantees.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <coroutine>
#include <span>
#include <utility>

#include "runtime/io_op.h"
#include "runtime/io_result.h"
#include "runtime/reactor_backend.h"

namespace shoal {

// What accept() produced: the new connection's fd (non-blocking,
// close-on-exec, not yet registered) and the peer's address.
struct accepted_fd {
  int fd = -1;
  sockaddr_storage peer{};
  socklen_t peer_length = 0;
};

namespace detail {

template <typename Op>
class io_awaitable {
 public:
  template <typename... Args>
  explicit io_awaitable(Args&&... args) noexcept : op_(std::forward<Args>(args)...) {}
  io_awaitable(const io_awaitable&) = delete;
  io_awaitable& operator=(const io_awaitable&) = delete;

  bool await_ready() noexcept {
    if (op_.fd == nullptr) {
      op_.result = -EBADF;
      return true;
    }
    return op_.fd->backend->try_complete(op_);
  }
  void await_suspend(std::coroutine_handle<> waiter) noexcept {
    op_.waiter = waiter;
    op_.fd->backend->submit(op_);
  }

 protected:
  io_result<size_t> size_result() const noexcept {
    if (op_.result < 0) return io_result<size_t>::from_errno(static_cast<int>(-op_.result));
    return static_cast<size_t>(op_.result);
  }

  Op op_;
};

}  // namespace detail

// recv / read: the bytes received; 0 means end of stream (or an empty buffer).
class recv_awaitable : public detail::io_awaitable<detail::recv_op> {
 public:
  recv_awaitable(detail::io_kind kind, detail::fd_state* fd, std::span<char> buffer) noexcept
      : io_awaitable(kind, fd, buffer.data(), buffer.size()) {}
  bool await_ready() noexcept {
    if (op_.len == 0 && op_.fd != nullptr) return true;  // result stays 0
    return io_awaitable::await_ready();
  }
  io_result<size_t> await_resume() const noexcept { return size_result(); }
};

// send_all(span<const char>): all bytes sent (the total), or an error.
class send_awaitable : public detail::io_awaitable<detail::send_op> {
 public:
  send_awaitable(detail::fd_state* fd, std::span<const char> data) noexcept
      : io_awaitable(fd, data.data(), data.size()) {}
  bool await_ready() noexcept {
    if (op_.len == 0 && op_.fd != nullptr) return true;
    return io_awaitable::await_ready();
  }
  io_result<size_t> await_resume() const noexcept { return size_result(); }
};

// send_all(span<const iovec>): all bytes of every entry, or an error.
class sendv_awaitable : public detail::io_awaitable<detail::sendv_op> {
 public:
  sendv_awaitable(detail::fd_state* fd, std::span<const iovec> data) noexcept
      : io_awaitable(fd, data.data(), data.size()) {}
  bool await_ready() noexcept {
    if (op_.finished() && op_.fd != nullptr) return true;  // nothing to send
    return io_awaitable::await_ready();
  }
  io_result<size_t> await_resume() const noexcept { return size_result(); }
};

// recvmsg / sendmsg of one datagram: its size.
class msg_awaitable : public detail::io_awaitable<detail::msg_op> {
 public:
  msg_awaitable(detail::io_kind kind, detail::fd_state* fd, msghdr* msg) noexcept
      : io_awaitable(kind, fd, msg) {}
  io_result<size_t> await_resume() const noexcept { return size_result(); }
};

class accept_awaitable : public detail::io_awaitable<detail::accept_op> {
 public:
  explicit accept_awaitable(detail::fd_state* fd) noexcept : io_awaitable(fd) {}
  io_result<accepted_fd> await_resume() const noexcept {
    if (op_.result < 0) return io_result<accepted_fd>::from_errno(static_cast<int>(-op_.result));
    accepted_fd a;
    a.fd = static_cast<int>(op_.result);
    a.peer = op_.addr;
    a.peer_length = op_.addrlen;
    return a;
  }
};

class connect_awaitable : public detail::io_awaitable<detail::connect_op> {
 public:
  connect_awaitable(detail::fd_state* fd, const sockaddr* addr, socklen_t length) noexcept
      : io_awaitable(fd, addr, length) {}
  io_result<void> await_resume() const noexcept {
    if (op_.result < 0) return io_result<void>::from_errno(static_cast<int>(-op_.result));
    return {};
  }
};

class pollable_fd {
 public:
  using kind = detail::fd_kind;

  pollable_fd() noexcept = default;
  // Takes ownership of `fd`, which must be non-blocking, and registers it
  // with this shard's reactor. Throws std::system_error (and closes fd) if
  // registration fails. Requires: on a shard.
  static pollable_fd adopt(int fd, kind what);

  pollable_fd(pollable_fd&& other) noexcept : state_(std::exchange(other.state_, nullptr)) {}
  pollable_fd& operator=(pollable_fd&& other) noexcept {
    if (this != &other) {
      close();
      state_ = std::exchange(other.state_, nullptr);
    }
    return *this;
  }
  ~pollable_fd() { close(); }

  bool is_open() const noexcept { return state_ != nullptr; }
  int fd() const noexcept { return state_ != nullptr ? state_->fd : -1; }

  recv_awaitable recv(std::span<char> buffer) noexcept {
    return recv_awaitable(detail::io_kind::recv, state_, buffer);
  }
  recv_awaitable read(std::span<char> buffer) noexcept {
    return recv_awaitable(detail::io_kind::read, state_, buffer);
  }
  send_awaitable send_all(std::span<const char> data) noexcept {
    return send_awaitable(state_, data);
  }
  sendv_awaitable send_all(std::span<const iovec> data) noexcept {
    return sendv_awaitable(state_, data);
  }
  // `msg` (and what it points to) must stay valid until completion.
  msg_awaitable recvmsg(msghdr& msg) noexcept {
    return msg_awaitable(detail::io_kind::recvmsg, state_, &msg);
  }
  msg_awaitable sendmsg(msghdr& msg) noexcept {
    return msg_awaitable(detail::io_kind::sendmsg, state_, &msg);
  }
  accept_awaitable accept() noexcept { return accept_awaitable(state_); }
  // `addr` must stay valid until completion.
  connect_awaitable connect(const sockaddr* addr, socklen_t length) noexcept {
    return connect_awaitable(state_, addr, length);
  }

  // Cancels pending operations (they complete with operation_canceled) and
  // closes the fd. Idempotent. With io_uring the cancel and the close are
  // queued and reach the kernel with the loop turn's submission batch.
  void close() noexcept;
  // Unregisters and returns the fd without closing it (to hand it to another
  // shard). Requires: no operation pending.
  int release() noexcept;

 private:
  detail::fd_state* state_ = nullptr;
};

}  // namespace shoal
