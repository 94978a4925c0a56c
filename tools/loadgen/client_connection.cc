// One connection's request/reply loops. See the header for the shape; the
// points worth knowing:
//
// * Latency start: closed loop, the clock read just before the batch is
//   encoded and sent (every request of a batch shares it); open loop, each request's intended
//   time from open_loop_schedule, however late it actually left. End: the
//   clock read when the recv that completed the reply returned. Both are
//   per-batch clock reads (vDSO, ~20 ns), not the reactor's cached turn time,
//   which can be a whole turn stale under load.
// * The reader never waits in recv when no reply is due: it waits on its
//   wakeup instead. So a phase ends cleanly (writer done, nothing pending)
//   without closing the socket, and the next phase reuses the connection.
// * Any failure (send or recv error, EOF, a reply that does not parse, bytes
//   nobody asked for) closes the socket, which cancels the other task's
//   pending I/O; the connection then stays failed.
#include "loadgen/client_connection.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "runtime/reactor.h"
#include "runtime/timer.h"
#include "runtime/when_all.h"

namespace shoal::loadgen {
namespace {

constexpr size_t k_recv_buffer = 64 * 1024;
// Move a partial line to the front only when less than this is left free.
constexpr size_t k_compact_below = 4 * 1024;
constexpr unsigned k_prepopulate_window = 64;

uint64_t connection_seed(uint64_t seed, unsigned server, unsigned index) {
  uint64_t state = seed ^ (uint64_t{server} << 32 | index);
  splitmix64(state);
  return splitmix64(state);
}

}  // namespace

uint64_t now_ns() noexcept {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

client_connection::client_connection(const workload_config& config, const request_encoder& encoder,
                                     connected_socket socket, unsigned server,
                                     unsigned index_on_server, unsigned open_loop_index)
    : config_(config),
      encoder_(encoder),
      socket_(std::move(socket)),
      server_(server),
      mix_(config, server, connection_seed(config.seed, server, index_on_server),
           static_cast<uint64_t>(static_cast<double>(config.key_space) * index_on_server /
                                 config.total_connections())),
      pending_(std::max(config.depth, k_prepopulate_window)),
      in_(std::make_unique_for_overwrite<char[]>(k_recv_buffer)) {
  if (config.open_loop()) {
    const unsigned all = config.total_connections() * static_cast<unsigned>(config.servers.size());
    schedule_.emplace(config.rate, all, open_loop_index);
  }
}

void client_connection::reset_for_phase(run_stats& stats, unsigned window) {
  stats_ = &stats;
  window_ = std::min(window, pending_.capacity());
  writer_done_ = false;
  sent_ = 0;
  pending_.clear();
  parser_.reset();
  in_begin_ = in_end_ = 0;
  out_.clear();
}

task<void> client_connection::run(phase_plan plan, run_stats& stats) {
  if (failed_) co_return;
  reset_for_phase(stats, config_.depth);
  plan_ = plan;
  source_ = source::workload;
  active_ = true;
  if (config_.open_loop()) {
    co_await when_all(read_loop(), write_open_loop());
  } else {
    co_await when_all(read_loop(), write_closed_loop());
  }
  active_ = false;
}

task<void> client_connection::prepopulate(uint64_t begin, uint64_t end, unsigned window,
                                          run_stats& stats) {
  if (failed_) co_return;
  reset_for_phase(stats, window);
  plan_ = phase_plan{};
  source_ = source::prepopulate;
  prepopulate_next_ = begin;
  prepopulate_end_ = end;
  active_ = true;
  co_await when_all(read_loop(), write_closed_loop());
  active_ = false;
}

void client_connection::request_stop() noexcept {
  plan_.deadline_ns = 1;  // in the past: no further request starts
  plan_.budget = 0;
  writer_wakeup_.notify();
}

void client_connection::abort() noexcept {
  if (!active_ || failed_) return;
  stats_->counters.connection_errors += 1;
  fail();
}

void client_connection::fail() noexcept {
  if (failed_) return;
  failed_ = true;
  socket_.close();  // cancels the other task's pending recv or send
  writer_wakeup_.notify();
  reader_wakeup_.notify();
}

bool client_connection::append_request(uint64_t start_ns) {
  if (source_ == source::workload) {
    if (sent_ >= plan_.budget) return false;
    pending_request request = mix_.append_next(encoder_, out_);
    request.start_ns = start_ns;
    pending_.push(request);
    ++sent_;
    return true;
  }
  const unsigned servers = static_cast<unsigned>(config_.servers.size());
  while (prepopulate_next_ < prepopulate_end_ &&
         server_of_key(prepopulate_next_, config_.key_size, servers) != server_) {
    ++prepopulate_next_;
  }
  if (prepopulate_next_ >= prepopulate_end_) return false;
  mix_.append_set(encoder_, out_, prepopulate_next_++);
  pending_.push(pending_request{start_ns, 1, request_kind::set});
  ++sent_;
  return true;
}

bool client_connection::sent_ok(const io_result<size_t>& result) noexcept {
  if (!result.ok()) {
    if (!failed_) stats_->counters.connection_errors += 1;
    fail();
    return false;
  }
  stats_->counters.bytes_sent += out_.size();
  out_.clear();
  return true;
}

task<void> client_connection::write_closed_loop() {
  for (;;) {
    if (failed_) break;
    if (pending_.size() >= window_) {
      co_await writer_wakeup_.wait();
      continue;
    }
    // One clock read per batch: the deadline check and every request's start
    // (encoding the batch takes well under a microsecond).
    const uint64_t start = now_ns();
    if (plan_.deadline_ns != 0 && start >= plan_.deadline_ns) break;
    unsigned added = 0;
    while (pending_.size() < window_ && append_request(start)) ++added;
    if (added == 0) break;  // budget spent, or no keys left to prepopulate
    reader_wakeup_.notify();
    if (!sent_ok(co_await socket_.send(out_.bytes()))) break;
  }
  writer_done_ = true;
  reader_wakeup_.notify();
}

task<void> client_connection::write_open_loop() {
  using namespace std::chrono;
  for (;;) {
    if (failed_ || sent_ >= plan_.budget) break;
    const uint64_t due = plan_.epoch_ns + schedule_->next();
    const uint64_t now = now_ns();
    if (plan_.deadline_ns != 0 && (due >= plan_.deadline_ns || now >= plan_.deadline_ns)) break;
    if (due > now) {
      co_await sleep_until(steady_clock::time_point(nanoseconds(due)));
      continue;
    }
    if (pending_.size() >= window_) {
      co_await writer_wakeup_.wait();  // late: these requests keep their intended times
      continue;
    }
    while (pending_.size() < window_ && sent_ < plan_.budget) {
      const uint64_t intended = plan_.epoch_ns + schedule_->next();
      if (intended > now || (plan_.deadline_ns != 0 && intended >= plan_.deadline_ns)) break;
      schedule_->take();
      append_request(intended);
    }
    reader_wakeup_.notify();
    if (!sent_ok(co_await socket_.send(out_.bytes()))) break;
  }
  if (plan_.deadline_ns > plan_.epoch_ns) {
    const uint64_t due = schedule_->count_before(plan_.deadline_ns - plan_.epoch_ns);
    const uint64_t allowed = std::min(due, plan_.budget);
    if (allowed > schedule_->taken()) stats_->counters.unsent += allowed - schedule_->taken();
  }
  writer_done_ = true;
  reader_wakeup_.notify();
}

void client_connection::record(const pending_request& request, const reply& answer,
                               uint64_t end_ns) noexcept {
  run_counters& c = stats_->counters;
  ++c.requests;
  if (request.kind == request_kind::get) {
    ++c.gets;
    c.keys_requested += request.keys;
    c.hits += answer.hits;
  } else {
    ++c.sets;
  }
  c.error_replies += answer.error;
  stats_->latency.record(end_ns > request.start_ns ? end_ns - request.start_ns : 0);
}

// Parses what is buffered; false if the stream went wrong.
bool client_connection::parse_replies(uint64_t end_ns) noexcept {
  while (!pending_.empty()) {
    const pending_request& request = pending_.front();
    size_t consumed = 0;
    reply answer;
    const std::string_view bytes(in_.get() + in_begin_, in_end_ - in_begin_);
    const parse_status status = parser_.parse(bytes, request.kind, &consumed, &answer);
    if (status == parse_status::bad_reply) return false;
    in_begin_ += consumed;
    if (status == parse_status::need_more) break;
    record(request, answer, end_ns);
    pending_.pop();
  }
  // Bytes beyond the last reply due mean the stream is out of step.
  if (pending_.empty() && in_begin_ != in_end_) return false;
  if (in_begin_ == in_end_) {
    in_begin_ = in_end_ = 0;
  } else if (k_recv_buffer - in_end_ < k_compact_below) {
    std::memmove(in_.get(), in_.get() + in_begin_, in_end_ - in_begin_);
    in_end_ -= in_begin_;
    in_begin_ = 0;
  }
  return true;
}

task<void> client_connection::read_loop() {
  for (;;) {
    if (failed_) break;
    if (pending_.empty()) {
      if (writer_done_) break;
      co_await reader_wakeup_.wait();
      continue;
    }
    const io_result<size_t> got =
        co_await socket_.recv(std::span<char>(in_.get() + in_end_, k_recv_buffer - in_end_));
    if (!got.ok() || *got == 0) {
      if (!failed_) stats_->counters.connection_errors += 1;  // error, or EOF with replies due
      fail();
      break;
    }
    const uint64_t end = now_ns();
    stats_->counters.bytes_received += *got;
    in_end_ += *got;
    if (!parse_replies(end)) {
      stats_->counters.bad_replies += 1;
      fail();
      break;
    }
    writer_wakeup_.notify();
  }
  writer_wakeup_.notify();
}

}  // namespace shoal::loadgen
