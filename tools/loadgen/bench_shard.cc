// How a shard divides the work. Connections are numbered twice: among the
// connections to the same server (for prepopulation slices and sequential
// start offsets), and among all connections of the run (for open-loop phases
// and --requests shares). Shard s owns, for server j, connections
// s*C .. s*C+C-1 of that server (C = --connections).
#include "loadgen/bench_shard.h"

#include <stdexcept>

#include "runtime/smp.h"
#include "runtime/when_all.h"

namespace shoal::loadgen {

namespace {
constexpr unsigned k_prepopulate_window = 64;

// Share `i` of `total` split over `parts` as evenly as possible.
uint64_t share(uint64_t total, uint64_t parts, uint64_t i) {
  return total / parts + (i < total % parts ? 1 : 0);
}
}  // namespace

bench_shard::bench_shard(workload_config config, std::vector<socket_address> servers)
    : config_(std::move(config)),
      servers_(std::move(servers)),
      encoder_(config_.key_size, config_.value_max) {
  drain_timer_.set_callback([this] {
    for (auto& c : connections_) c->abort();
  });
}

task<void> bench_shard::connect() {
  const unsigned shard = this_shard_id();
  const unsigned per_server = config_.total_connections();
  for (unsigned j = 0; j < servers_.size(); ++j) {
    for (unsigned c = 0; c < config_.connections; ++c) {
      io_result<connected_socket> s = co_await shoal::connect(servers_[j]);
      if (!s.ok()) {
        throw std::runtime_error("cannot connect to " + servers_[j].to_string() + ": " +
                                 s.error().message());
      }
      const unsigned on_server = shard * config_.connections + c;
      connections_.push_back(std::make_unique<client_connection>(
          config_, encoder_, std::move(*s), j, on_server, j * per_server + on_server));
      open_loop_index_.push_back(j * per_server + on_server);
    }
  }
}

task<run_counters> bench_shard::prepopulate() {
  run_stats stats;
  const unsigned shard = this_shard_id();
  const uint64_t per_server = config_.total_connections();
  std::vector<task<void>> phases;
  for (size_t i = 0; i < connections_.size(); ++i) {
    const uint64_t on_server = shard * config_.connections + i % config_.connections;
    // Keys [K*i/P, K*(i+1)/P) of the server's P connections; the connection
    // sets those its server owns.
    const uint64_t begin =
        static_cast<uint64_t>(static_cast<long double>(config_.key_space) * on_server / per_server);
    const uint64_t end = static_cast<uint64_t>(static_cast<long double>(config_.key_space) *
                                               (on_server + 1) / per_server);
    phases.push_back(connections_[i]->prepopulate(
        begin, end, std::max(config_.depth, k_prepopulate_window), stats));
  }
  co_await when_all(std::move(phases));
  co_return stats.counters;
}

task<run_stats> bench_shard::run(phase_plan plan, std::chrono::nanoseconds drain) {
  using namespace std::chrono;
  stats_ = run_stats{};
  running_ = true;
  const uint64_t all = static_cast<uint64_t>(config_.total_connections()) * servers_.size();
  const uint64_t budget = plan.budget;
  if (plan.deadline_ns != 0) {
    arm_drain_timer(steady_clock::time_point(nanoseconds(plan.deadline_ns)) + drain);
  }
  co_await sleep_until(steady_clock::time_point(nanoseconds(plan.epoch_ns)));
  std::vector<task<void>> phases;
  for (size_t i = 0; i < connections_.size(); ++i) {
    phase_plan p = plan;
    if (budget != UINT64_MAX) p.budget = share(budget, all, open_loop_index_[i]);
    phases.push_back(connections_[i]->run(p, stats_));
  }
  co_await when_all(std::move(phases));
  drain_timer_.cancel();
  running_ = false;
  co_return std::move(stats_);
}

void bench_shard::stop_now(std::chrono::nanoseconds drain) {
  if (!running_) return;
  for (auto& c : connections_) c->request_stop();
  arm_drain_timer(std::chrono::steady_clock::now() + drain);
}

void bench_shard::arm_drain_timer(std::chrono::steady_clock::time_point at) {
  if (!drain_timer_.armed() || at < drain_timer_.deadline()) drain_timer_.rearm(at);
}

void bench_shard::stop() {
  drain_timer_.cancel();
  connections_.clear();
}

}  // namespace shoal::loadgen
