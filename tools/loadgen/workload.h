// workload_config is everything one shoal-bench run is told to do, parsed and
// validated once (cli.h) and then passed down by const reference. Field
// defaults are the CLI defaults. The JSON report echoes the whole struct, so a
// result file says how it was produced.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loadgen/key_generator.h"

namespace shoal::loadgen {

struct workload_config {
  // Targets, "host:port", "[v6]:port" or a unix path; keys are spread over
  // them by hash.
  std::vector<std::string> servers{"127.0.0.1:11211"};
  unsigned threads = 1;       // runtime shards, one per core
  unsigned connections = 50;  // per thread (and per server)
  unsigned depth = 1;         // requests in flight per connection (open loop: the cap)
  unsigned get_weight = 9;    // get:set mix, e.g. 9:1
  unsigned set_weight = 1;
  unsigned multiget = 1;  // keys per get
  uint64_t key_space = 100'000;
  unsigned key_size = 16;  // bytes, including the "k" prefix
  key_pattern pattern = key_pattern::uniform;
  double zipf_skew = 0.99;
  unsigned value_min = 100;  // set value size, uniform in [min, max]
  unsigned value_max = 100;
  double duration_s = 10.0;  // used when requests == 0
  uint64_t requests = 0;     // total over all connections; 0 = run for duration_s
  double rate = 0.0;         // open loop, requests/s over all connections; 0 = closed loop
  bool prepopulate = false;  // set every key once before measuring
  uint64_t seed = 1;
  std::string reactor_backend = "auto";  // auto | epoll | io_uring
  bool pin_threads = true;   // pin thread i to the i-th CPU of the affinity mask
  bool json = false;
  bool quiet = false;

  bool open_loop() const noexcept { return rate > 0.0; }
  unsigned total_connections() const noexcept { return threads * connections; }
};

// Returns an error message, or nothing if `config` is runnable.
std::optional<std::string> validate(const workload_config& config);

// Small parsers the CLI uses; each returns nothing on malformed input.
// "100" or "64-1024" (inclusive range).
std::optional<std::pair<unsigned, unsigned>> parse_size_range(std::string_view text);
// "9:1" (weights; at least one non-zero).
std::optional<std::pair<unsigned, unsigned>> parse_ratio(std::string_view text);
// Seconds: "10", "2.5", "10s", "500ms", "2m".
std::optional<double> parse_duration(std::string_view text);
// A count with an optional k/M/G suffix (powers of 1000): "200k", "1.5M", "1000".
std::optional<double> parse_quantity(std::string_view text);
// "host:port" / "[v6]:port" shape check (the port must be 1..65535); a unix
// socket path ("/path" or "unix:path") also passes.
bool is_host_port(std::string_view text);

}  // namespace shoal::loadgen
