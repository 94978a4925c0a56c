// CLI11 does the flag bookkeeping; values with units (durations, "200k",
// "64-1024", "9:1") are taken as strings and parsed by workload.cc so that the
// accepted spellings are tested in one place.
#include "loadgen/cli.h"

#include <CLI/CLI.hpp>
#include <cmath>
#include <sstream>

namespace shoal::loadgen {
namespace {

cli_result usage_error(std::string message) {
  cli_result result;
  result.exit_now = true;
  result.exit_code = 2;
  result.message = "shoal-bench: " + std::move(message) + "\nRun with --help for usage.\n";
  return result;
}

}  // namespace

cli_result parse_command_line(int argc, const char* const* argv) {
  workload_config c;
  CLI::App app{
      "shoal-bench: load generator for servers speaking memcached's text protocol.\n"
      "Closed loop by default (each connection keeps --depth requests in flight);\n"
      "open loop with --rate, latency measured from each request's intended send time."};
  app.option_defaults()->always_capture_default();

  std::vector<std::string> servers;
  std::string ratio = "9:1", value_size = "100", duration = "10s", requests = "0", rate = "0";
  std::string key_space = "100k", pattern = "uniform";

  app.add_option("-s,--server", servers,
                 "host:port, [v6]:port or unix path of a target (repeatable; keys spread by hash)")
      ->default_str("127.0.0.1:11211");
  app.add_option("-t,--threads", c.threads, "threads, one runtime shard each");
  app.add_option("-c,--connections", c.connections, "connections per thread (per server)");
  app.add_option("-d,--depth", c.depth,
                 "requests in flight per connection (open loop: the most allowed)");
  app.add_option("--ratio", ratio, "get:set weights, e.g. 9:1, 1:1, 1:0");
  app.add_option("--multiget", c.multiget, "keys per get request");
  app.add_option("--key-space", key_space, "number of distinct keys (k/M suffixes allowed)");
  app.add_option("--key-size", c.key_size, "key length in bytes");
  app.add_option("--key-pattern", pattern, "sequential | uniform | zipf");
  app.add_option("--zipf-skew", c.zipf_skew, "zipf exponent (0 = uniform)");
  app.add_option("--value-size", value_size, "set value bytes: N or MIN-MAX");
  app.add_option("--duration", duration, "run time: 10, 10s, 500ms, 2m");
  app.add_option("-n,--requests", requests, "total requests instead of --duration (200k, 1M)");
  app.add_option("--rate", rate, "open loop: requests/s over all connections (0 = closed loop)");
  app.add_flag("--prepopulate", c.prepopulate, "set every key once before measuring");
  app.add_option("--seed", c.seed, "random seed (runs are reproducible per seed)");
  app.add_option("--reactor-backend", c.reactor_backend, "auto | epoll | io_uring");
  bool no_pin = false;
  app.add_flag("--no-pin", no_pin, "do not pin threads to CPUs (let the kernel place them)");
  app.add_flag("--json", c.json, "print one JSON object instead of the summary");
  app.add_flag("-q,--quiet", c.quiet, "no progress line on stderr");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::ostringstream out, err;
    cli_result result;
    result.exit_now = true;
    result.exit_code = app.exit(e, out, err);
    result.message = result.exit_code == 0 ? out.str() : err.str();
    if (result.exit_code != 0) result.exit_code = 2;
    return result;
  }

  if (!servers.empty()) c.servers = servers;
  c.pin_threads = !no_pin;
  const auto r = parse_ratio(ratio);
  if (!r) return usage_error("--ratio must be GET:SET weights such as 9:1, not '" + ratio + "'");
  c.get_weight = r->first;
  c.set_weight = r->second;
  const auto v = parse_size_range(value_size);
  if (!v) return usage_error("--value-size must be N or MIN-MAX, not '" + value_size + "'");
  c.value_min = v->first;
  c.value_max = v->second;
  const auto d = parse_duration(duration);
  if (!d)
    return usage_error("--duration must be seconds (10, 2.5s, 500ms, 2m), not '" + duration + "'");
  c.duration_s = *d;
  const auto n = parse_quantity(requests);
  if (!n || *n != std::floor(*n)) return usage_error("--requests must be a whole count");
  c.requests = static_cast<uint64_t>(*n);
  const auto q = parse_quantity(rate);
  if (!q) return usage_error("--rate must be requests per second, not '" + rate + "'");
  c.rate = *q;
  const auto k = parse_quantity(key_space);
  if (!k || *k != std::floor(*k) || *k < 1) return usage_error("--key-space must be a count");
  c.key_space = static_cast<uint64_t>(*k);
  const auto p = parse_key_pattern(pattern);
  if (!p) return usage_error("--key-pattern must be sequential, uniform or zipf");
  c.pattern = *p;

  if (auto problem = validate(c)) return usage_error(*problem);
  cli_result result;
  result.config = std::move(c);
  return result;
}

}  // namespace shoal::loadgen
