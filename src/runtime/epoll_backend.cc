// epoll backend. Design (docs/runtime.md#epoll):
//
// * Each fd is registered once, edge-triggered, for input and output
//   (EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET): no epoll_ctl per operation.
// * fd_state caches readiness per direction. An operation first tries the
//   system call when its direction may be ready; only on EAGAIN does it
//   suspend, and the next edge retries it from the loop.
// * A recv on a stream socket that returns fewer bytes than asked for has
//   emptied the socket's receive queue (TCP and unix stream recv copy until
//   the buffer is full or the queue is empty). So we mark the socket not
//   readable and let the next recv wait for the next edge instead of paying
//   for a recv that would say EAGAIN. Data arriving after that recv raises a
//   new edge (epoll reports every arrival on an edge-triggered fd), so
//   nothing is missed. Datagram sockets and other files do not get this
//   shortcut: a short datagram says nothing about the next one.
// * Likewise a send that writes less than asked means the send buffer is
//   full: wait for EPOLLOUT rather than retrying at once.
// * Stale events cannot reach freed state: close() removes the fd from the
//   epoll set before freeing it, and events are handled only in poll(), where
//   no coroutine runs (completions are queued, never resumed inline).
// * The wake-up eventfd is registered edge-triggered and never read: each
//   write raises an edge, and a 64-bit counter does not overflow.
#include "runtime/epoll_backend.h"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <system_error>

#include "base/assert.h"
#include "runtime/ready_queue.h"

namespace shoal::detail {

namespace {

[[noreturn]] void die(const char* call) {
  std::fprintf(stderr, "shoal: epoll backend: %s failed: %s\n", call,
               std::generic_category().message(errno).c_str());
  std::abort();
}

}  // namespace

std::unique_ptr<reactor_backend> make_epoll_backend(ready_queue& ready) {
  return std::make_unique<epoll_backend>(ready);
}

epoll_backend::epoll_backend(ready_queue& ready) : ready_(ready) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw std::system_error(errno, std::system_category(), "epoll_create1");
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    const int error = errno;
    ::close(epoll_fd_);
    throw std::system_error(error, std::system_category(), "eventfd");
  }
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLET;
  ev.data.ptr = nullptr;  // the wake-up fd: no fd_state
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) < 0) {
    const int error = errno;
    ::close(wake_fd_);
    ::close(epoll_fd_);
    throw std::system_error(error, std::system_category(), "epoll_ctl(ADD eventfd)");
  }
}

epoll_backend::~epoll_backend() {
  ::close(wake_fd_);
  ::close(epoll_fd_);
}

fd_state* epoll_backend::open(int fd, fd_kind kind) {
  auto* state = new fd_state;
  state->fd = fd;
  state->kind = kind;
  state->backend = this;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
  if (kind == fd_kind::stream || kind == fd_kind::datagram) ev.events |= EPOLLOUT;
  ev.data.ptr = state;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) < 0) {
    const int error = errno;
    delete state;
    throw std::system_error(error, std::system_category(), "epoll_ctl(ADD)");
  }
  return state;
}

void epoll_backend::cancel(io_op* op) noexcept {
  if (op == nullptr) return;
  op->result = -ECANCELED;
  op->canceled = true;
  op->pending = false;
  op->fd = nullptr;
  --waiting_;
  ready_.push(op->waiter);
}

void epoll_backend::close(fd_state* state) noexcept {
  cancel(state->reader);
  cancel(state->writer);
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, state->fd, nullptr);
  ::close(state->fd);
  delete state;
}

int epoll_backend::release(fd_state* state) noexcept {
  SHOAL_ASSERT(state->reader == nullptr && state->writer == nullptr);
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, state->fd, nullptr);
  const int fd = state->fd;
  delete state;
  return fd;
}

// Performs the system call(s) for `op`. Returns true when the operation is
// finished (result set); false when it must wait for the next edge.
bool epoll_backend::attempt(io_op& op) noexcept {
  fd_state& s = *op.fd;
  while (true) {
    ssize_t n = 0;
    switch (op.kind) {
      case io_kind::recv:
      case io_kind::read: {
        auto& r = static_cast<recv_op&>(op);
        n = op.kind == io_kind::recv ? ::recv(s.fd, r.buf, r.len, 0) : ::read(s.fd, r.buf, r.len);
        if (n >= 0) {
          if (s.kind == fd_kind::stream && n > 0 && static_cast<size_t>(n) < r.len) {
            s.readable = false;  // drained: see the note at the top
          }
          op.result = n;
          return true;
        }
        break;
      }
      case io_kind::recvmsg:
        n = ::recvmsg(s.fd, static_cast<msg_op&>(op).msg, 0);
        if (n >= 0) {
          op.result = n;
          return true;
        }
        break;
      case io_kind::accept: {
        auto& a = static_cast<accept_op&>(op);
        a.addrlen = sizeof a.addr;
        n = ::accept4(s.fd, reinterpret_cast<sockaddr*>(&a.addr), &a.addrlen,
                      SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (n >= 0) {
          op.result = n;
          return true;
        }
        break;
      }
      case io_kind::send: {
        auto& w = static_cast<send_op&>(op);
        n = ::send(s.fd, w.buf + w.done, w.len - w.done, MSG_NOSIGNAL);
        if (n >= 0) {
          w.done += static_cast<size_t>(n);
          if (w.done == w.len) {
            op.result = static_cast<ssize_t>(w.done);
            return true;
          }
          s.writable = false;  // partial: the send buffer is full
          return false;
        }
        break;
      }
      case io_kind::sendv: {
        auto& w = static_cast<sendv_op&>(op);
        w.prepare();
        size_t asked = 0;
        for (size_t i = 0; i < w.msg.msg_iovlen; ++i) asked += w.msg.msg_iov[i].iov_len;
        n = ::sendmsg(s.fd, &w.msg, MSG_NOSIGNAL);
        if (n >= 0) {
          if (w.advance(static_cast<size_t>(n))) {
            op.result = static_cast<ssize_t>(w.done);
            return true;
          }
          if (static_cast<size_t>(n) < asked) {
            s.writable = false;
            return false;
          }
          continue;  // only part of the array fitted in one call: go on
        }
        break;
      }
      case io_kind::sendmsg:
        n = ::sendmsg(s.fd, static_cast<msg_op&>(op).msg, MSG_NOSIGNAL);
        if (n >= 0) {
          op.result = n;
          return true;
        }
        break;
      case io_kind::connect: {
        auto& c = static_cast<connect_op&>(op);
        // Called again after an edge: a second connect() says EISCONN once
        // connected, EALREADY while in progress, or the failure. (An edge
        // can predate connect(): a fresh socket reports EPOLLOUT|EPOLLHUP.)
        n = ::connect(s.fd, c.addr, c.addrlen);
        if (n == 0 || (c.in_progress && errno == EISCONN)) {
          op.result = 0;
          return true;
        }
        if (errno == EINPROGRESS || errno == EALREADY) {
          c.in_progress = true;
          s.writable = false;
          return false;
        }
        if (errno == EAGAIN) {  // unix socket, backlog full: no edge will come; caller retries
          op.result = -EAGAIN;
          return true;
        }
        break;
      }
    }
    const int error = errno;
    if (error == EINTR) continue;
    if (error == EAGAIN || error == EWOULDBLOCK) {
      if (is_read_side(op.kind)) {
        s.readable = false;
      } else {
        s.writable = false;
      }
      return false;
    }
    op.result = -error;
    return true;
  }
}

bool epoll_backend::try_complete(io_op& op) noexcept {
  const fd_state& s = *op.fd;
  if (!(is_read_side(op.kind) ? s.readable : s.writable) && op.kind != io_kind::connect) {
    return false;
  }
  return attempt(op);
}

void epoll_backend::submit(io_op& op) noexcept {
  fd_state& s = *op.fd;
  io_op*& slot = is_read_side(op.kind) ? s.reader : s.writer;
  SHOAL_ASSERT_MSG(slot == nullptr, "two pending operations in one direction on one fd");
  op.pending = true;
  slot = &op;
  ++waiting_;
}

void epoll_backend::forget(io_op& op) noexcept {
  fd_state& s = *op.fd;
  io_op*& slot = is_read_side(op.kind) ? s.reader : s.writer;
  if (slot == &op) slot = nullptr;
  op.pending = false;
  --waiting_;
}

void epoll_backend::finish(io_op& op) noexcept {
  fd_state& s = *op.fd;
  (is_read_side(op.kind) ? s.reader : s.writer) = nullptr;
  op.pending = false;
  --waiting_;
  ready_.push(op.waiter);
}

void epoll_backend::on_event(fd_state& s, uint32_t events) noexcept {
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
    s.readable = true;
    if (io_op* op = s.reader; op != nullptr && attempt(*op)) finish(*op);
  }
  if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) {
    s.writable = true;
    if (io_op* op = s.writer; op != nullptr && attempt(*op)) finish(*op);
  }
}

void epoll_backend::poll(bool block, time_point deadline) {
  int n;
  if (!block) {
    n = ::epoll_wait(epoll_fd_, events_.data(), static_cast<int>(events_.size()), 0);
  } else if (deadline == time_point::max()) {
    n = ::epoll_wait(epoll_fd_, events_.data(), static_cast<int>(events_.size()), -1);
  } else {
    const auto wait = deadline - std::chrono::steady_clock::now();
    const int64_t ns =
        wait.count() > 0 ? std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count() : 0;
    n = -1;
    if (have_pwait2_) {
      timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
      n = ::epoll_pwait2(epoll_fd_, events_.data(), static_cast<int>(events_.size()), &ts, nullptr);
      if (n < 0 && errno == ENOSYS) have_pwait2_ = false;
    }
    if (!have_pwait2_) {
      const int64_t ms = (ns + 999999) / 1000000;  // round up: never wake early
      n = ::epoll_wait(epoll_fd_, events_.data(), static_cast<int>(events_.size()),
                       static_cast<int>(ms > 1000000 ? 1000000 : ms));
    }
  }
  if (n < 0) {
    if (errno == EINTR) return;
    die("epoll_wait");
  }
  for (int i = 0; i < n; ++i) {
    auto* state = static_cast<fd_state*>(events_[i].data.ptr);
    if (state != nullptr) on_event(*state, events_[i].events);
  }
}

void epoll_backend::wake() noexcept {
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

}  // namespace shoal::detail
