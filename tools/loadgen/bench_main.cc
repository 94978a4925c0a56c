// shoal-bench: the load generator's main. Parses the command line, starts one
// runtime shard per --threads, and runs the phases from shard 0:
//   connect (every shard, every server) -> prepopulate (optional, untimed)
//   -> the measured run, with a progress line per second -> report.
// Ctrl-C stops the run early (no new requests; replies due are awaited for a
// moment) and still prints the report. See docs/loadgen.md.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "loadgen/bench_shard.h"
#include "loadgen/cli.h"
#include "loadgen/report.h"
#include "net/socket_address.h"
#include "runtime/reactor_options.h"
#include "runtime/sharded.h"
#include "runtime/smp.h"
#include "runtime/timer.h"
#include "runtime/when_all.h"

namespace shoal::loadgen {
namespace {

using namespace std::chrono;

// How long replies still due are awaited after the deadline (or Ctrl-C)
// before their connections are aborted and counted as errors.
constexpr nanoseconds k_drain = seconds(5);
// The measured phase starts this long after the shards are told, so that all
// of them start together.
constexpr nanoseconds k_start_delay = milliseconds(2);

cpu_usage process_cpu() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return cpu_usage{usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6,
                   usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6};
}

// Shared by the main task and the tasks it spawns; kept alive by whichever
// finishes last.
struct run_state {
  sharded<bench_shard> shards;
  bool running = false;  // the measured phase is on: Ctrl-C and progress act
  bool progress_busy = false;
};

task<void> watch_for_stop(std::shared_ptr<run_state> state) {
  co_await smp::wait_for_stop();
  if (!state->running) co_return;
  std::fprintf(stderr, "shoal-bench: stopping (replies due are awaited for up to %lld s)\n",
               static_cast<long long>(duration_cast<seconds>(k_drain).count()));
  co_await state->shards.invoke_on_all([](bench_shard& s) { s.stop_now(k_drain); });
}

task<void> show_progress(std::shared_ptr<run_state> state, uint64_t epoch_ns) {
  uint64_t last_requests = 0;
  for (int second = 1;; ++second) {
    co_await sleep_until(steady_clock::time_point(nanoseconds(epoch_ns) + seconds(second)));
    if (!state->running) co_return;
    state->progress_busy = true;
    const run_counters total = co_await state->shards.map_reduce(
        [](bench_shard& s) { return s.counters(); }, run_counters{},
        [](run_counters acc, run_counters one) {
          acc.merge(one);
          return acc;
        });
    state->progress_busy = false;
    if (!state->running) co_return;
    std::fprintf(stderr, "%s\n",
                 format_progress(second, static_cast<double>(total.requests - last_requests), total)
                     .c_str());
    last_requests = total.requests;
  }
}

task<int> bench(const workload_config& config, std::vector<socket_address> servers) {
  auto state = std::make_shared<run_state>();
  co_await state->shards.start(config, servers);
  std::string connect_error;
  try {
    co_await state->shards.invoke_on_all([](bench_shard& s) { return s.connect(); });
  } catch (const std::exception& e) {
    connect_error = e.what();
  }
  if (!connect_error.empty()) {
    std::fprintf(stderr, "shoal-bench: %s\n", connect_error.c_str());
    co_await state->shards.stop();
    co_return 1;
  }

  run_report report;
  report.config = config;
  if (config.prepopulate) {
    const uint64_t start = now_ns();
    const run_counters done = co_await state->shards.map_reduce(
        [](bench_shard& s) { return s.prepopulate(); }, run_counters{},
        [](run_counters acc, run_counters one) {
          acc.merge(one);
          return acc;
        });
    report.prepopulate = prepopulate_report{done.requests, (now_ns() - start) / 1e9, done.errors()};
  }

  spawn(watch_for_stop(state));
  phase_plan plan;
  plan.epoch_ns = now_ns() + static_cast<uint64_t>(k_start_delay.count());
  if (config.requests > 0) {
    plan.budget = config.requests;
  } else {
    plan.deadline_ns = plan.epoch_ns + static_cast<uint64_t>(config.duration_s * 1e9);
  }
  state->running = true;
  if (!config.quiet) spawn(show_progress(state, plan.epoch_ns));
  const cpu_usage cpu_before = process_cpu();
  // Named operands: GCC 12 mishandles some temporaries inside co_await
  // full-expressions (a moved-from temporary destroyed twice).
  auto run_one = [plan](bench_shard& s) { return s.run(plan, k_drain); };
  auto merge = [](run_stats acc, run_stats one) {
    acc.merge(one);
    return acc;
  };
  run_stats none;
  run_stats merged = co_await state->shards.map_reduce(run_one, std::move(none), merge);
  report.stats = std::move(merged);
  const uint64_t end = now_ns();
  const cpu_usage cpu_after = process_cpu();
  state->running = false;
  while (state->progress_busy) co_await yield();

  report.elapsed_s = end > plan.epoch_ns ? (end - plan.epoch_ns) / 1e9 : 0.0;
  report.cpu = cpu_usage{cpu_after.user_s - cpu_before.user_s, cpu_after.sys_s - cpu_before.sys_s};
  co_await state->shards.stop();

  const std::string text = config.json ? format_json(report) : format_summary(report);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  co_return 0;
}

}  // namespace
}  // namespace shoal::loadgen

int main(int argc, char** argv) {
  using namespace shoal;
  using namespace shoal::loadgen;
  const cli_result cli = parse_command_line(argc, argv);
  if (cli.exit_now) {
    std::fputs(cli.message.c_str(), cli.exit_code == 0 ? stdout : stderr);
    return cli.exit_code;
  }
  const workload_config& config = cli.config;
  std::vector<socket_address> servers;
  for (const std::string& text : config.servers) {
    const auto address = socket_address::parse(text);
    if (!address) {
      std::fprintf(stderr, "shoal-bench: cannot parse server address '%s'\n", text.c_str());
      return 2;
    }
    servers.push_back(*address);
  }
  smp_config smp_cfg;
  smp_cfg.shards = config.threads;
  smp_cfg.backend = *parse_reactor_backend_kind(config.reactor_backend);
  smp_cfg.pin_threads = config.pin_threads;
  try {
    return smp::run(smp_cfg, [&]() -> task<int> { return bench(config, servers); });
  } catch (const std::exception& e) {
    std::fprintf(stderr, "shoal-bench: %s\n", e.what());
    return 1;
  }
}
