// client_connection drives one TCP (or unix) connection to one server: a
// writer task that keeps the connection's window of requests in flight
// (closed loop) or sends each request at its intended time (open loop), and a
// reader task that parses the replies as they arrive and records each
// request's latency. The two run concurrently so that a large send can never
// block the reading of replies (no pipeline deadlock whatever the value
// sizes), and they hand work to each other with a `wakeup` each way.
//
// Per batch, not per request: one send (all requests encoded back to back),
// one recv and one clock read per arrival; per request: a histogram record
// and a few counters. Nothing is allocated after the first batches.
//
// Threading: created, run and destroyed on one shard. The stats it writes
// belong to that shard.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "loadgen/open_loop_schedule.h"
#include "loadgen/output_buffer.h"
#include "loadgen/pending_queue.h"
#include "loadgen/reply_parser.h"
#include "loadgen/request_encoder.h"
#include "loadgen/request_mix.h"
#include "loadgen/run_stats.h"
#include "loadgen/wakeup.h"
#include "loadgen/workload.h"
#include "net/connected_socket.h"
#include "runtime/task.h"

namespace shoal::loadgen {

// Nanoseconds on the steady clock (shared by every thread of the process).
uint64_t now_ns() noexcept;

// What one phase asks of a connection.
struct phase_plan {
  uint64_t epoch_ns = 0;         // start of the phase (open-loop times count from it)
  uint64_t deadline_ns = 0;      // no request starts at or after it; 0 = none
  uint64_t budget = UINT64_MAX;  // most requests this connection may send
};

class client_connection {
 public:
  // `index_on_server` numbers this connection among all connections (every
  // thread) to the same server; `open_loop_index` among all connections.
  client_connection(const workload_config& config, const request_encoder& encoder,
                    connected_socket socket, unsigned server, unsigned index_on_server,
                    unsigned open_loop_index);

  // Runs the workload (closed or open loop per the config) until the plan's
  // deadline or budget, then waits for the replies still due. Counts into
  // `stats`, which must outlive the call. (The plan is taken by value: the
  // task is lazy, and the caller's plan may be gone when it starts.)
  task<void> run(phase_plan plan, run_stats& stats);

  // Sets every key in [begin, end) that this connection's server owns,
  // keeping `window` sets in flight. Counts into `stats`.
  task<void> prepopulate(uint64_t begin, uint64_t end, unsigned window, run_stats& stats);

  // No request starts after this; the replies due are still awaited.
  void request_stop() noexcept;
  // Stops both tasks now: closes the socket (pending I/O is cancelled) and
  // counts a connection error. For a server that stopped answering.
  void abort() noexcept;

  bool failed() const noexcept { return failed_; }

 private:
  enum class source : uint8_t { workload, prepopulate };

  task<void> read_loop();
  task<void> write_closed_loop();
  task<void> write_open_loop();
  // Appends the next request of the current source; false when there is none.
  bool append_request(uint64_t start_ns);
  // After a send of out_: counts it, or fails the connection.
  bool sent_ok(const io_result<size_t>& result) noexcept;
  bool parse_replies(uint64_t end_ns) noexcept;
  void record(const pending_request& request, const reply& answer, uint64_t end_ns) noexcept;
  void fail() noexcept;
  void reset_for_phase(run_stats& stats, unsigned window);

  const workload_config& config_;
  const request_encoder& encoder_;
  connected_socket socket_;
  unsigned server_;
  request_mix mix_;
  std::optional<open_loop_schedule> schedule_;

  // Current phase.
  source source_ = source::workload;
  phase_plan plan_;
  uint64_t sent_ = 0;
  uint64_t prepopulate_next_ = 0;
  uint64_t prepopulate_end_ = 0;
  run_stats* stats_ = nullptr;
  unsigned window_ = 1;
  bool active_ = false;  // inside run() or prepopulate()
  bool writer_done_ = false;
  bool failed_ = false;

  pending_queue pending_;
  output_buffer out_;
  reply_parser parser_;
  std::unique_ptr<char[]> in_;
  size_t in_begin_ = 0;  // unparsed bytes are in_[in_begin_, in_end_)
  size_t in_end_ = 0;
  wakeup writer_wakeup_;  // a window slot became free, or the reader failed
  wakeup reader_wakeup_;  // requests are in flight, or the writer is done
};

}  // namespace shoal::loadgen
