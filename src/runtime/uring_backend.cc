// io_uring backend. Choices (measured: docs/decisions/0100-reactor-backend.md):
//
// * Setup tries IORING_SETUP_SINGLE_ISSUER|DEFER_TASKRUN first: completions
//   are then run only inside our own io_uring_enter(GETEVENTS), in batches,
//   with no inter-processor interrupts or task_work on every return to user
//   space. Fallbacks: COOP_TASKRUN, then no flags. Each shard creates its ring
//   on its own thread, as SINGLE_ISSUER requires.
// * The ring fd is registered (io_uring_register_ring_fd) so each enter skips
//   the fd table lookup.
// * One io_uring_enter per loop turn submits everything the turn queued and
//   collects what completed; a turn with nothing queued and nothing in flight
//   makes no system call at all.
// * A recv on a stream socket whose previous recv reported the socket empty
//   (no IORING_CQE_F_SOCK_NONEMPTY) is submitted with POLL_FIRST: in a
//   request/response exchange the next request cannot be there yet, so the
//   kernel waits for it instead of first failing a receive attempt.
// * Partial sends are resubmitted from the completion handler; the coroutine
//   resumes only when everything is sent.
// * close() queues ASYNC_CANCEL(fd, ALL) hard-linked to CLOSE(fd): pending
//   operations complete with -ECANCELED and the fd number stays ours until
//   the cancel ran, so it cannot be reused under a pending operation. Both go
//   out with the next enter; closing costs no extra system call.
// * Wake-ups: a read of an eventfd is always pending; other shards write the
//   eventfd. When the kernel has IORING_OP_MSG_RING, a shard wakes a sleeping
//   peer by posting a completion into the peer's ring from its own ring
//   instead: no write(2), it rides on the sender's next enter.
// * quiesce() (shard stop) cancels everything and waits for the completions
//   without resuming anyone, so that destroying the suspended frames
//   afterwards cannot race with the kernel writing into their buffers.
#include "runtime/uring_backend.h"

#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <system_error>

#include "base/assert.h"
#include "runtime/ready_queue.h"

namespace shoal::detail {

namespace {

// user_data values that are not io_op pointers (which are never this small).
constexpr uint64_t k_tag_ignore = 0;      // close / cancel: result unused
constexpr uint64_t k_tag_wake_read = 1;   // our eventfd read completed
constexpr uint64_t k_tag_msg_wake = 2;    // a peer's MSG_RING arrived
constexpr uint64_t k_tag_msg_failed = 3;  // our MSG_RING failed (success posts nothing)
constexpr uint64_t k_tag_max = 3;

[[noreturn]] void die(const char* call, int error) {
  std::fprintf(stderr, "shoal: io_uring backend: %s failed: %s\n", call,
               std::generic_category().message(error).c_str());
  std::abort();
}

bool try_setup(io_uring& ring, unsigned entries, unsigned flags) {
  io_uring_params params{};
  params.flags = flags | IORING_SETUP_CQSIZE;
  params.cq_entries = entries * 4;
  const int rc = io_uring_queue_init_params(entries, &ring, &params);
  if (rc == 0) return true;
  if (rc == -EINVAL) return false;  // a flag this kernel does not know: try fewer
  throw std::system_error(-rc, std::system_category(), "io_uring_setup");
}

}  // namespace

std::unique_ptr<reactor_backend> make_uring_backend(ready_queue& ready,
                                                   const reactor_options& options) {
  return std::make_unique<uring_backend>(ready, options);
}

uring_backend::uring_backend(ready_queue& ready, const reactor_options& options)
    : ready_(ready), poll_first_(options.uring_recv_poll_first) {
  const unsigned entries = options.uring_entries;
  if (options.uring_defer_taskrun &&
      try_setup(ring_, entries, IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN)) {
    defer_taskrun_ = true;
  } else if (!try_setup(ring_, entries,
                        IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN) &&
             !try_setup(ring_, entries, IORING_SETUP_COOP_TASKRUN) &&
             !try_setup(ring_, entries, 0)) {
    throw std::system_error(EINVAL, std::system_category(), "io_uring_setup");
  }

  io_uring_probe* probe = io_uring_get_probe_ring(&ring_);
  bool complete = probe != nullptr;
  if (probe != nullptr) {
    for (int op : {IORING_OP_RECV, IORING_OP_SEND, IORING_OP_SENDMSG, IORING_OP_RECVMSG,
                   IORING_OP_ACCEPT, IORING_OP_CONNECT, IORING_OP_READ, IORING_OP_CLOSE,
                   IORING_OP_ASYNC_CANCEL}) {
      complete = complete && io_uring_opcode_supported(probe, op);
    }
    msg_ring_ = options.uring_msg_ring_wakeup && io_uring_opcode_supported(probe, IORING_OP_MSG_RING);
    io_uring_free_probe(probe);
  }
  if (!complete) {
    io_uring_queue_exit(&ring_);
    throw std::system_error(ENOSYS, std::system_category(), "io_uring: missing operations");
  }
  io_uring_register_ring_fd(&ring_);  // an optimisation: ignore failure

  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) {
    const int error = errno;
    io_uring_queue_exit(&ring_);
    throw std::system_error(error, std::system_category(), "eventfd");
  }
  arm_wake_read();
}

uring_backend::~uring_backend() {
  if (!quiesced_) quiesce();
  io_uring_queue_exit(&ring_);
  ::close(wake_fd_);
}

io_uring_sqe* uring_backend::get_sqe() noexcept {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  while (sqe == nullptr) {  // submission queue full: hand it to the kernel
    const int rc = io_uring_submit(&ring_);
    if (rc < 0 && rc != -EAGAIN && rc != -EBUSY && rc != -EINTR) die("io_uring_submit", -rc);
    sqe = io_uring_get_sqe(&ring_);
  }
  return sqe;
}

void uring_backend::arm_wake_read() noexcept {
  io_uring_sqe* sqe = get_sqe();
  io_uring_prep_read(sqe, wake_fd_, &wake_buf_, sizeof wake_buf_, 0);
  io_uring_sqe_set_data64(sqe, k_tag_wake_read);
  ++cqes_expected_;
}

fd_state* uring_backend::open(int fd, fd_kind kind) {
  auto* state = new fd_state;
  state->fd = fd;
  state->kind = kind;
  state->backend = this;
  return state;
}

void uring_backend::close(fd_state* state) noexcept {
  const bool pending = state->reader != nullptr || state->writer != nullptr;
  for (io_op* op : {state->reader, state->writer}) {
    if (op == nullptr) continue;
    op->canceled = true;  // its completion will report ECANCELED
    op->fd = nullptr;
  }
  if (quiesced_) {
    ::close(state->fd);
  } else {
    if (pending) {
      io_uring_sqe* sqe = get_sqe();
      io_uring_prep_cancel_fd(sqe, state->fd, IORING_ASYNC_CANCEL_ALL);
      sqe->flags |= IOSQE_IO_HARDLINK;
      io_uring_sqe_set_data64(sqe, k_tag_ignore);
      ++cqes_expected_;
    }
    io_uring_sqe* sqe = get_sqe();
    io_uring_prep_close(sqe, state->fd);
    io_uring_sqe_set_data64(sqe, k_tag_ignore);
    ++cqes_expected_;
  }
  delete state;
}

int uring_backend::release(fd_state* state) noexcept {
  SHOAL_ASSERT(state->reader == nullptr && state->writer == nullptr);
  const int fd = state->fd;
  delete state;
  return fd;
}

void uring_backend::prepare(io_op& op) noexcept {
  io_uring_sqe* sqe = get_sqe();
  const int fd = op.fd->fd;
  switch (op.kind) {
    case io_kind::recv: {
      auto& r = static_cast<recv_op&>(op);
      io_uring_prep_recv(sqe, fd, r.buf, r.len, 0);
      // The last recv left the socket empty: data cannot be there yet unless
      // it arrived since, so wait for it instead of trying (and failing) first.
      if (poll_first_ && !op.fd->readable) sqe->ioprio |= IORING_RECVSEND_POLL_FIRST;
      break;
    }
    case io_kind::read: {
      auto& r = static_cast<recv_op&>(op);
      io_uring_prep_read(sqe, fd, r.buf, static_cast<unsigned>(r.len), static_cast<uint64_t>(-1));
      break;
    }
    case io_kind::recvmsg:
      io_uring_prep_recvmsg(sqe, fd, static_cast<msg_op&>(op).msg, 0);
      break;
    case io_kind::accept: {
      auto& a = static_cast<accept_op&>(op);
      a.addrlen = sizeof a.addr;
      io_uring_prep_accept(sqe, fd, reinterpret_cast<sockaddr*>(&a.addr), &a.addrlen,
                           SOCK_NONBLOCK | SOCK_CLOEXEC);
      break;
    }
    case io_kind::send: {
      auto& w = static_cast<send_op&>(op);
      io_uring_prep_send(sqe, fd, w.buf + w.done, w.len - w.done, MSG_NOSIGNAL);
      break;
    }
    case io_kind::sendv: {
      auto& w = static_cast<sendv_op&>(op);
      w.prepare();
      io_uring_prep_sendmsg(sqe, fd, &w.msg, MSG_NOSIGNAL);
      break;
    }
    case io_kind::sendmsg:
      io_uring_prep_sendmsg(sqe, fd, static_cast<msg_op&>(op).msg, MSG_NOSIGNAL);
      break;
    case io_kind::connect: {
      auto& c = static_cast<connect_op&>(op);
      io_uring_prep_connect(sqe, fd, c.addr, c.addrlen);
      break;
    }
  }
  io_uring_sqe_set_data(sqe, &op);
  ++cqes_expected_;
}

void uring_backend::submit(io_op& op) noexcept {
  fd_state& s = *op.fd;
  io_op*& slot = is_read_side(op.kind) ? s.reader : s.writer;
  SHOAL_ASSERT_MSG(slot == nullptr, "two pending operations in one direction on one fd");
  slot = &op;
  op.pending = true;
  ++ops_in_flight_;
  prepare(op);
}

void uring_backend::forget(io_op& op) noexcept {
  SHOAL_ASSERT_MSG(quiesced_, "a frame was destroyed while its io_uring operation was in flight");
  op.pending = false;
}

void uring_backend::finish(io_op& op, ssize_t result) noexcept {
  if (op.fd != nullptr) (is_read_side(op.kind) ? op.fd->reader : op.fd->writer) = nullptr;
  op.pending = false;
  --ops_in_flight_;
  if (draining_) return;  // shard stopping: nobody is resumed
  op.result = result;
  ready_.push(op.waiter);
}

void uring_backend::handle(const io_uring_cqe& cqe) noexcept {
  // See the recv case of prepare(): remember whether the socket has more.
  const uint64_t tag = cqe.user_data;
  if (tag <= k_tag_max) {
    if (tag == k_tag_ignore) {
      --cqes_expected_;
    } else if (tag == k_tag_wake_read) {
      --cqes_expected_;
      if (!draining_) arm_wake_read();
    } else if (tag == k_tag_msg_failed) {
      msg_ring_ = false;  // fall back to eventfd writes from now on
    }
    return;  // k_tag_msg_wake: the wake-up itself is the point
  }
  --cqes_expected_;
  io_op& op = *reinterpret_cast<io_op*>(static_cast<uintptr_t>(tag));
  const int res = cqe.res;
  if (op.canceled || draining_) {
    finish(op, -ECANCELED);
    return;
  }
  if (res == -EAGAIN || res == -EINTR) {  // some kernels report these for O_NONBLOCK fds
    prepare(op);
    return;
  }
  if (op.kind == io_kind::recv && op.fd != nullptr && op.fd->kind == fd_kind::stream) {
    op.fd->readable = res <= 0 || (cqe.flags & IORING_CQE_F_SOCK_NONEMPTY) != 0;
  }
  if (res > 0 && op.kind == io_kind::send) {
    auto& w = static_cast<send_op&>(op);
    w.done += static_cast<size_t>(res);
    if (w.done < w.len) {
      prepare(op);
      return;
    }
    finish(op, static_cast<ssize_t>(w.done));
    return;
  }
  if (res > 0 && op.kind == io_kind::sendv) {
    auto& w = static_cast<sendv_op&>(op);
    if (!w.advance(static_cast<size_t>(res))) {
      prepare(op);
      return;
    }
    finish(op, static_cast<ssize_t>(w.done));
    return;
  }
  finish(op, res);
}

void uring_backend::reap() noexcept {
  unsigned head;
  unsigned count = 0;
  io_uring_cqe* cqe;
  io_uring_for_each_cqe(&ring_, head, cqe) {
    ++count;
    handle(*cqe);
  }
  io_uring_cq_advance(&ring_, count);
}

void uring_backend::poll(bool block, time_point deadline) {
  int rc;
  if (!block) {
    rc = io_uring_submit_and_get_events(&ring_);
  } else if (deadline == time_point::max()) {
    rc = io_uring_submit_and_wait(&ring_, 1);
  } else {
    const auto wait = deadline - std::chrono::steady_clock::now();
    const int64_t ns = wait.count() > 0
                           ? std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count()
                           : 0;
    __kernel_timespec ts{ns / 1000000000, ns % 1000000000};
    io_uring_cqe* cqe = nullptr;
    rc = io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr);
  }
  if (rc < 0 && rc != -ETIME && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) {
    die("io_uring_enter", -rc);
  }
  reap();
}

void uring_backend::flush_submissions() {
  if (io_uring_sq_ready(&ring_) == 0) return;
  const int rc = io_uring_submit(&ring_);
  if (rc < 0 && rc != -EAGAIN && rc != -EBUSY && rc != -EINTR) die("io_uring_submit", -rc);
}

void uring_backend::wake() noexcept {
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

void uring_backend::wake_peer(reactor_backend& target) noexcept {
  if (!msg_ring_ || target.kind() != reactor_backend_kind::io_uring) {
    target.wake();
    return;
  }
  auto& peer = static_cast<uring_backend&>(target);
  io_uring_sqe* sqe = get_sqe();
  io_uring_prep_msg_ring(sqe, peer.ring_.ring_fd, 0, k_tag_msg_wake, 0);
  sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
  io_uring_sqe_set_data64(sqe, k_tag_msg_failed);
}

void uring_backend::quiesce() noexcept {
  if (quiesced_) return;
  draining_ = true;
  io_uring_sqe* sqe = get_sqe();
  io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_ANY);
  io_uring_sqe_set_data64(sqe, k_tag_ignore);
  ++cqes_expected_;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (cqes_expected_ > 0 && std::chrono::steady_clock::now() < give_up) {
    __kernel_timespec ts{0, 100'000'000};
    io_uring_cqe* cqe = nullptr;
    io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr);
    reap();
  }
  if (cqes_expected_ > 0) {
    std::fprintf(stderr, "shoal: io_uring backend: %zu operations did not finish at stop\n",
                 cqes_expected_);
  }
  quiesced_ = true;
}

}  // namespace shoal::detail
