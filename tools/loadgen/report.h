// The end-of-run report: a readable summary for people and one JSON object
// for scripts (make bench-compare). The JSON layout is versioned by
// "format_version" and documented in docs/loadgen.md; fields are only ever
// added, never renamed, within a version.
#pragma once

#include <optional>
#include <string>

#include "loadgen/run_stats.h"
#include "loadgen/workload.h"

namespace shoal::loadgen {

// The client's own CPU time over the measured phase (getrusage, all threads).
struct cpu_usage {
  double user_s = 0;
  double sys_s = 0;
};

struct prepopulate_report {
  uint64_t keys = 0;
  double elapsed_s = 0;
  uint64_t errors = 0;
};

struct run_report {
  workload_config config;
  double elapsed_s = 0;  // the measured phase, wall clock
  run_stats stats;
  cpu_usage cpu;
  std::optional<prepopulate_report> prepopulate;
};

// Client CPU per thread at or above which the summary and JSON say that the
// load generator, not the server, may be what limits the figures.
inline constexpr double k_client_saturation = 0.9;

std::string format_summary(const run_report& report);
std::string format_json(const run_report& report);
// "[  3 s] 152,345 req/s, 1,523,456 requests, 0 errors" (no newline).
std::string format_progress(double at_s, double requests_per_s, const run_counters& total);

}  // namespace shoal::loadgen
