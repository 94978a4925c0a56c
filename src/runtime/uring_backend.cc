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
//   eventfd. Optionally (uring_msg_ring_wakeup, off by default because it
//   measured slower) a shard wakes a sleeping peer by posting a completion
//   into the peer's ring from its own ring with IORING_OP_MSG_RING instead:
//   no write(2), it rides on the sender's next enter.
// * Multishot receive (reactor_options::uring_multishot_recv): a stream
//   socket gets one IORING_RECV_MULTISHOT entry, armed at its first recv(),
//   that keeps receiving into a shard-wide ring of provided buffers; each
//   completion queues its buffer on the socket and recv() copies out of the
//   queue (synchronously when data is already there). Buffers go back to the
//   ring once copied out. When the ring runs dry the kernel ends the
//   multishot with -ENOBUFS and a waiting recv() falls back to a plain recv
//   entry; the next recv() re-arms. A closed socket whose multishot is still
//   armed stays allocated ("orphaned") until the multishot's last completion.
// * quiesce() (shard stop) cancels everything and waits for the completions
//   without resuming anyone, so that destroying the suspended frames
//   afterwards cannot race with the kernel writing into their buffers.
#include "runtime/uring_backend.h"

#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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
// Larger user_data values with the low bit set are a multishot recv's
// uring_fd_state; with it clear, an io_op.
constexpr uint64_t k_multishot_bit = 1;
constexpr uint16_t k_buffer_group = 0;

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
  } else if (!try_setup(ring_, entries, IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN) &&
             !try_setup(ring_, entries, IORING_SETUP_COOP_TASKRUN) &&
             !try_setup(ring_, entries, 0)) {
    throw std::system_error(EINVAL, std::system_category(), "io_uring_setup");
  }

  io_uring_probe* probe = io_uring_get_probe_ring(&ring_);
  bool complete = probe != nullptr;
  if (probe != nullptr) {
    for (int op :
         {IORING_OP_RECV, IORING_OP_SEND, IORING_OP_SENDMSG, IORING_OP_RECVMSG, IORING_OP_ACCEPT,
          IORING_OP_CONNECT, IORING_OP_READ, IORING_OP_CLOSE, IORING_OP_ASYNC_CANCEL}) {
      complete = complete && io_uring_opcode_supported(probe, op);
    }
    msg_ring_ =
        options.uring_msg_ring_wakeup && io_uring_opcode_supported(probe, IORING_OP_MSG_RING);
    io_uring_free_probe(probe);
  }
  if (!complete) {
    io_uring_queue_exit(&ring_);
    throw std::system_error(ENOSYS, std::system_category(), "io_uring: missing operations");
  }
  io_uring_register_ring_fd(&ring_);  // an optimisation: ignore failure
  if (options.uring_multishot_recv) setup_provided_buffers(options);

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
  io_uring_queue_exit(&ring_);  // also drops the buffer ring registration
  if (buf_ring_ != nullptr) {
    ::munmap(buf_ring_, buf_count_ * sizeof(io_uring_buf));
    std::free(buf_memory_);
  }
  ::close(wake_fd_);
}

void uring_backend::setup_provided_buffers(const reactor_options& options) noexcept {
  const unsigned count = options.uring_recv_buffers;
  const unsigned size = options.uring_recv_buffer_size;
  if (count == 0 || (count & (count - 1)) != 0 || count > 32768 || size == 0) return;
  const size_t ring_bytes = count * sizeof(io_uring_buf);
  void* ring =
      ::mmap(nullptr, ring_bytes, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  if (ring == MAP_FAILED) return;
  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<uintptr_t>(ring);
  reg.ring_entries = count;
  reg.bgid = k_buffer_group;
  if (io_uring_register_buf_ring(&ring_, &reg, 0) != 0) {  // kernel < 5.19: stay off
    ::munmap(ring, ring_bytes);
    return;
  }
  void* memory = nullptr;
  if (::posix_memalign(&memory, 4096, static_cast<size_t>(count) * size) != 0) {
    io_uring_unregister_buf_ring(&ring_, k_buffer_group);
    ::munmap(ring, ring_bytes);
    return;
  }
  buf_memory_ = static_cast<char*>(memory);
  buf_ring_ = static_cast<io_uring_buf_ring*>(ring);
  buf_count_ = count;
  buf_size_ = size;
  buf_next_ = std::make_unique<uint16_t[]>(count);
  buf_len_ = std::make_unique<uint32_t[]>(count);
  io_uring_buf_ring_init(buf_ring_);
  for (unsigned bid = 0; bid < count; ++bid) {
    io_uring_buf_ring_add(buf_ring_, buf_memory_ + static_cast<size_t>(bid) * size, size,
                          static_cast<unsigned short>(bid), io_uring_buf_ring_mask(count),
                          static_cast<int>(bid));
  }
  io_uring_buf_ring_advance(buf_ring_, static_cast<int>(count));
}

void uring_backend::recycle(uint16_t bid) noexcept {
  io_uring_buf_ring_add(buf_ring_, buf_memory_ + static_cast<size_t>(bid) * buf_size_, buf_size_,
                        bid, io_uring_buf_ring_mask(buf_count_), 0);
  io_uring_buf_ring_advance(buf_ring_, 1);
}

void uring_backend::drop_received(uring_fd_state& s) noexcept {
  while (s.head != uring_fd_state::k_no_buffer) {
    const uint16_t bid = s.head;
    s.head = buf_next_[bid];
    recycle(bid);
  }
  s.tail = uring_fd_state::k_no_buffer;
  s.head_offset = 0;
}

size_t uring_backend::copy_out(uring_fd_state& s, char* dst, size_t len) noexcept {
  size_t copied = 0;
  while (copied < len && s.head != uring_fd_state::k_no_buffer) {
    const uint16_t bid = s.head;
    const char* src = buf_memory_ + static_cast<size_t>(bid) * buf_size_ + s.head_offset;
    const size_t available = buf_len_[bid] - s.head_offset;
    const size_t n = available < len - copied ? available : len - copied;
    std::memcpy(dst + copied, src, n);
    copied += n;
    if (n < available) {
      s.head_offset += static_cast<uint32_t>(n);
      break;
    }
    s.head = buf_next_[bid];
    if (s.head == uring_fd_state::k_no_buffer) s.tail = uring_fd_state::k_no_buffer;
    s.head_offset = 0;
    recycle(bid);
  }
  return copied;
}

void uring_backend::arm_multishot(uring_fd_state& s) noexcept {
  io_uring_sqe* sqe = get_sqe();
  io_uring_prep_recv_multishot(sqe, s.fd, nullptr, 0, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = k_buffer_group;
  io_uring_sqe_set_data64(sqe, reinterpret_cast<uintptr_t>(&s) | k_multishot_bit);
  ++cqes_expected_;
  s.multishot = true;
}

void uring_backend::on_multishot(uring_fd_state& s, const io_uring_cqe& cqe) noexcept {
  if (!(cqe.flags & IORING_CQE_F_MORE)) {  // this was its last completion
    s.multishot = false;
    --cqes_expected_;
  }
  const int res = cqe.res;
  if (cqe.flags & IORING_CQE_F_BUFFER) {
    const auto bid = static_cast<uint16_t>(cqe.flags >> IORING_CQE_BUFFER_SHIFT);
    if (res <= 0 || s.orphaned || draining_) {
      recycle(bid);
    } else {
      buf_len_[bid] = static_cast<uint32_t>(res);
      buf_next_[bid] = uring_fd_state::k_no_buffer;
      if (s.tail == uring_fd_state::k_no_buffer) {
        s.head = bid;
      } else {
        buf_next_[s.tail] = bid;
      }
      s.tail = bid;
    }
  } else if (res == 0) {
    s.end = 0;
  } else if (res < 0 && res != -ENOBUFS && res != -ECANCELED) {
    s.end = res;
  }
  if (s.orphaned) {
    if (!s.multishot) delete &s;
    return;
  }
  if (draining_ || s.reader == nullptr || !s.reader_parked) return;
  io_op& op = *s.reader;
  auto& r = static_cast<recv_op&>(op);
  if (s.head != uring_fd_state::k_no_buffer) {
    s.reader_parked = false;
    finish(op, static_cast<ssize_t>(copy_out(s, r.buf, r.len)));
  } else if (s.end <= 0) {
    s.reader_parked = false;
    finish(op, s.end);
  } else if (!s.multishot) {
    // Ended without data: out of provided buffers (or cancelled by a
    // release): this receive goes the plain way.
    s.reader_parked = false;
    prepare(op);
  }
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
  auto* state = new uring_fd_state;
  state->fd = fd;
  state->kind = kind;
  state->backend = this;
  return state;
}

void uring_backend::close(fd_state* state) noexcept {
  auto* s = static_cast<uring_fd_state*>(state);
  if (s->reader != nullptr && s->reader_parked) {
    // Waiting on the multishot recv, not on an entry of its own: done now.
    s->reader_parked = false;
    if (!quiesced_) finish(*s->reader, -ECANCELED);
    s->reader = nullptr;
  }
  const bool pending = s->reader != nullptr || s->writer != nullptr || s->multishot;
  for (io_op* op : {s->reader, s->writer}) {
    if (op == nullptr) continue;
    op->canceled = true;  // its completion will report ECANCELED
    op->fd = nullptr;
  }
  if (buf_ring_ != nullptr) drop_received(*s);
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
  if (s->multishot && !quiesced_) {
    s->orphaned = true;  // freed by the multishot's last completion
  } else {
    delete s;
  }
}

int uring_backend::release(fd_state* state) noexcept {
  auto* s = static_cast<uring_fd_state*>(state);
  SHOAL_ASSERT(s->reader == nullptr && s->writer == nullptr);
  SHOAL_ASSERT_MSG(s->head == uring_fd_state::k_no_buffer,
                   "release() of a socket with received data not yet read");
  const int fd = s->fd;
  if (s->multishot && !quiesced_) {
    // Stop the kernel receiving for us before the fd changes hands.
    io_uring_sync_cancel_reg reg{};
    reg.addr = reinterpret_cast<uintptr_t>(s) | k_multishot_bit;
    reg.fd = -1;
    reg.timeout.tv_sec = -1;
    reg.timeout.tv_nsec = -1;
    io_uring_register_sync_cancel(&ring_, &reg);
    s->orphaned = true;
    return fd;
  }
  delete s;
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

bool uring_backend::try_complete(io_op& op) noexcept {
  if (!uses_multishot(op)) return false;
  auto& s = static_cast<uring_fd_state&>(*op.fd);
  auto& r = static_cast<recv_op&>(op);
  if (s.head != uring_fd_state::k_no_buffer) {
    op.result = static_cast<ssize_t>(copy_out(s, r.buf, r.len));
    return true;
  }
  if (s.end <= 0) {
    op.result = s.end;
    return true;
  }
  return false;
}

void uring_backend::submit(io_op& op) noexcept {
  fd_state& s = *op.fd;
  io_op*& slot = is_read_side(op.kind) ? s.reader : s.writer;
  SHOAL_ASSERT_MSG(slot == nullptr, "two pending operations in one direction on one fd");
  slot = &op;
  op.pending = true;
  ++ops_in_flight_;
  if (uses_multishot(op)) {
    auto& us = static_cast<uring_fd_state&>(s);
    us.reader_parked = true;
    if (!us.multishot) arm_multishot(us);
    return;
  }
  prepare(op);
}

void uring_backend::forget(io_op& op) noexcept {
  SHOAL_ASSERT_MSG(quiesced_, "a frame was destroyed while its io_uring operation was in flight");
  if (op.fd != nullptr) {
    auto& s = static_cast<uring_fd_state&>(*op.fd);
    (is_read_side(op.kind) ? s.reader : s.writer) = nullptr;
    if (is_read_side(op.kind)) s.reader_parked = false;
  }
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
  if (tag & k_multishot_bit) {
    on_multishot(*reinterpret_cast<uring_fd_state*>(static_cast<uintptr_t>(tag & ~k_multishot_bit)),
                 cqe);
    return;
  }
  --cqes_expected_;
  io_op& op = *reinterpret_cast<io_op*>(static_cast<uintptr_t>(tag));
  const int res = cqe.res;
  if (op.canceled || draining_) {
    finish(op, -ECANCELED);
    return;
  }
  if ((res == -EAGAIN || res == -EINTR) && op.kind != io_kind::connect) {
    // some kernels report these for O_NONBLOCK fds; a unix connect with a
    // full backlog says EAGAIN too, and that one is the caller's to retry
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
    const int64_t ns =
        wait.count() > 0 ? std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count() : 0;
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
