// bench_shard is one shard's part of a shoal-bench run (a sharded<> service):
// its connections to every server, its share of the prepopulation and of the
// request budget, and its run_stats. Shard 0 drives the phases through
// sharded<bench_shard> (bench_main.cc) and merges the results.
// Threading: each instance lives on its own shard; all methods run there.
#pragma once

#include <memory>
#include <vector>

#include "loadgen/client_connection.h"
#include "loadgen/request_encoder.h"
#include "loadgen/run_stats.h"
#include "loadgen/workload.h"
#include "net/socket_address.h"
#include "runtime/task.h"
#include "runtime/timer.h"

namespace shoal::loadgen {

class bench_shard {
 public:
  bench_shard(workload_config config, std::vector<socket_address> servers);

  // Opens config.connections connections to every server. Throws
  // std::runtime_error naming the server if one cannot be reached.
  task<void> connect();

  // Sets this shard's slice of the key space on every server; returns the
  // counters (latencies are not kept).
  task<run_counters> prepopulate();

  // Runs the measured phase (plan.budget is the whole run's request count,
  // or UINT64_MAX; each connection takes its share). Returns this shard's
  // stats. A connection still waiting for replies `drain` after the deadline
  // is aborted and counted as a connection error.
  task<run_stats> run(phase_plan plan, std::chrono::nanoseconds drain);

  // The counters so far (for the progress line).
  run_counters counters() const { return stats_.counters; }

  // Ctrl-C: no new requests; replies due are awaited for at most `drain`.
  void stop_now(std::chrono::nanoseconds drain);

  // sharded<>::stop(): closes every connection.
  void stop();

 private:
  void arm_drain_timer(std::chrono::steady_clock::time_point at);

  workload_config config_;
  std::vector<socket_address> servers_;
  request_encoder encoder_;
  std::vector<std::unique_ptr<client_connection>> connections_;
  std::vector<unsigned> open_loop_index_;  // per connection, for its budget share
  run_stats stats_;
  timer drain_timer_;
  bool running_ = false;
};

}  // namespace shoal::loadgen
