// The I/O operations both reactor backends understand, and the per-fd state
// they share. Internal to the runtime: applications use pollable_fd (and the
// net layer's sockets), whose awaitables embed one of these operations.
//
// An operation lives inside its awaitable, which lives in the frame of the
// suspended coroutine, so starting one allocates nothing. The backend keeps a
// pointer to it from submit() until it completes, then stores `result` and
// queues `waiter` on the reactor's ready queue (never resuming it inline).
#pragma once

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <climits>
#include <coroutine>
#include <cstddef>
#include <cstdint>

namespace shoal::detail {

class reactor_backend;

// Read-side kinds first: is_read_side() relies on the order.
enum class io_kind : uint8_t {
  recv,     // recv(2) into one buffer
  read,     // read(2) into one buffer (eventfd, signalfd, pipes)
  recvmsg,  // one datagram with its source address
  accept,   // accept4(2) on a listening socket
  send,     // all of one buffer
  sendv,    // all of an iovec array
  sendmsg,  // one datagram to an address
  connect,  // a non-blocking connect(2)
};

inline bool is_read_side(io_kind kind) noexcept { return kind <= io_kind::accept; }

// What a file descriptor is, which decides how readiness is interpreted.
enum class fd_kind : uint8_t {
  stream,    // connected TCP or unix stream socket: a short recv means drained
  datagram,  // UDP or unix datagram socket
  listener,  // listening socket
  file,      // eventfd, signalfd, pipe
};

struct io_op;

// One registered file descriptor. Allocated by reactor_backend::open(), freed
// by close() or release(); owned by one pollable_fd. At most one read-side and
// one write-side operation may be pending at a time.
struct fd_state {
  int fd = -1;
  fd_kind kind = fd_kind::stream;
  // epoll only: false once a syscall said EAGAIN (or, for a stream, returned
  // less than asked for); set again by the next edge. See epoll_backend.cc.
  bool readable = true;
  bool writable = true;
  io_op* reader = nullptr;
  io_op* writer = nullptr;
  reactor_backend* backend = nullptr;
};

struct io_op {
  io_op(io_kind k, fd_state* state) noexcept : kind(k), fd(state) {}
  io_op(const io_op&) = delete;
  io_op& operator=(const io_op&) = delete;
  ~io_op() {
    if (pending) [[unlikely]] forget();  // only when a frame is destroyed at shutdown
  }
  void forget() noexcept;

  io_kind kind;
  bool pending = false;   // between submit() and completion
  bool canceled = false;  // the fd was closed while the operation was pending
  fd_state* fd;           // null once the fd is closed
  std::coroutine_handle<> waiter;
  ssize_t result = 0;  // >= 0: bytes or the accepted fd; < 0: -errno
};

struct recv_op : io_op {  // io_kind::recv and io_kind::read
  recv_op(io_kind k, fd_state* state, char* b, size_t n) noexcept
      : io_op(k, state), buf(b), len(n) {}
  char* buf;
  size_t len;
};

struct send_op : io_op {
  send_op(fd_state* state, const char* b, size_t n) noexcept
      : io_op(io_kind::send, state), buf(b), len(n) {}
  const char* buf;
  size_t len;
  size_t done = 0;  // bytes sent so far
};

// Sends all of an iovec array, resuming after partial writes. The caller's
// array is never modified: after a partial write that stops inside an entry,
// up to k_window remaining entries are copied (the first one trimmed) and sent
// from the copy.
struct sendv_op : io_op {
  static constexpr size_t k_window = 4;
  sendv_op(fd_state* state, const iovec* v, size_t n) noexcept
      : io_op(io_kind::sendv, state), iov(v), iovcnt(n) {
    skip_empty();
  }

  bool finished() const noexcept { return index == iovcnt; }

  // Points `msg` at what remains to be sent.
  void prepare() noexcept {
    msg = msghdr{};
    const size_t remaining = iovcnt - index;
    if (offset == 0) {
      msg.msg_iov = const_cast<iovec*>(iov + index);  // sendmsg does not write it
      msg.msg_iovlen = remaining < IOV_MAX ? remaining : IOV_MAX;
      return;
    }
    const size_t n = remaining < k_window ? remaining : k_window;
    for (size_t i = 0; i < n; ++i) window[i] = iov[index + i];
    window[0].iov_base = static_cast<char*>(window[0].iov_base) + offset;
    window[0].iov_len -= offset;
    msg.msg_iov = window;
    msg.msg_iovlen = n;
  }

  // Accounts for `n` bytes sent; returns finished().
  bool advance(size_t n) noexcept {
    done += n;
    while (n > 0) {
      const size_t left = iov[index].iov_len - offset;
      if (n < left) {
        offset += n;
        return false;
      }
      n -= left;
      ++index;
      offset = 0;
    }
    skip_empty();
    return finished();
  }

  const iovec* iov;
  size_t iovcnt;
  size_t index = 0;   // first entry not fully sent
  size_t offset = 0;  // bytes of iov[index] already sent
  size_t done = 0;    // total bytes sent
  msghdr msg{};
  iovec window[k_window];

 private:
  void skip_empty() noexcept {
    while (index < iovcnt && iov[index].iov_len == 0) ++index;
  }
};

struct msg_op : io_op {  // io_kind::recvmsg and io_kind::sendmsg: one datagram
  msg_op(io_kind k, fd_state* state, msghdr* m) noexcept : io_op(k, state), msg(m) {}
  msghdr* msg;
};

struct accept_op : io_op {
  explicit accept_op(fd_state* state) noexcept : io_op(io_kind::accept, state) {}
  sockaddr_storage addr{};
  socklen_t addrlen = sizeof(sockaddr_storage);
};

struct connect_op : io_op {
  connect_op(fd_state* state, const sockaddr* a, socklen_t n) noexcept
      : io_op(io_kind::connect, state), addr(a), addrlen(n) {}
  const sockaddr* addr;
  socklen_t addrlen;
  bool in_progress = false;  // epoll: connect(2) said EINPROGRESS
};

}  // namespace shoal::detail
