// Formatting of results. The JSON is written by hand (no JSON library in
// Debian's set we use, and the shape is fixed): keys in a fixed order,
// numbers as plain decimals, non-finite numbers as null.
#include "loadgen/report.h"

#include <fmt/format.h>

#include <cmath>

namespace shoal::loadgen {
namespace {

// 1523456 -> "1,523,456".
std::string grouped(uint64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  const size_t first = digits.size() % 3 == 0 ? 3 : digits.size() % 3;
  out.append(digits, 0, first);
  for (size_t i = first; i < digits.size(); i += 3) {
    out.push_back(',');
    out.append(digits, i, 3);
  }
  return out;
}

std::string json_number(double value) {
  if (!std::isfinite(value)) return "null";
  return fmt::format("{:.6g}", value);
}

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

double per_second(uint64_t count, double seconds) {
  return seconds > 0 ? static_cast<double>(count) / seconds : 0.0;
}

double us(uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

double cores_used(const run_report& r) {
  return r.elapsed_s > 0 ? (r.cpu.user_s + r.cpu.sys_s) / r.elapsed_s : 0.0;
}

}  // namespace

std::string format_progress(double at_s, double requests_per_s, const run_counters& total) {
  return fmt::format("[{:5.0f} s] {:>11} req/s, {} requests, {} errors", at_s,
                     grouped(static_cast<uint64_t>(requests_per_s)), grouped(total.requests),
                     grouped(total.errors()));
}

std::string format_summary(const run_report& r) {
  const workload_config& c = r.config;
  const run_counters& n = r.stats.counters;
  const latency_histogram& h = r.stats.latency;
  std::string out;
  out +=
      fmt::format("shoal-bench: {} server{} ({}), {} thread{} x {} connection{}, depth {}, ",
                  c.servers.size(), c.servers.size() == 1 ? "" : "s", c.servers.front(), c.threads,
                  c.threads == 1 ? "" : "s", c.connections, c.connections == 1 ? "" : "s", c.depth);
  if (c.open_loop()) {
    out += fmt::format("open loop at {} req/s\n", grouped(static_cast<uint64_t>(c.rate)));
  } else {
    out += "closed loop\n";
  }
  out += fmt::format(
      "  workload      get:set {}:{}, {} key{}/get, {} keys of {} bytes ({}{}), values {} bytes\n",
      c.get_weight, c.set_weight, c.multiget, c.multiget == 1 ? "" : "s", grouped(c.key_space),
      c.key_size, to_string(c.pattern),
      c.pattern == key_pattern::zipf ? fmt::format(" {}", c.zipf_skew) : std::string(),
      c.value_min == c.value_max ? std::to_string(c.value_min)
                                 : fmt::format("{}-{}", c.value_min, c.value_max));
  if (r.prepopulate) {
    out += fmt::format("  prepopulate   {} keys in {:.2f} s, {} errors\n",
                       grouped(r.prepopulate->keys), r.prepopulate->elapsed_s,
                       grouped(r.prepopulate->errors));
  }
  out += fmt::format("  throughput    {} req/s ({} requests in {:.2f} s; gets {}/s, sets {}/s)\n",
                     grouped(static_cast<uint64_t>(per_second(n.requests, r.elapsed_s))),
                     grouped(n.requests), r.elapsed_s,
                     grouped(static_cast<uint64_t>(per_second(n.gets, r.elapsed_s))),
                     grouped(static_cast<uint64_t>(per_second(n.sets, r.elapsed_s))));
  if (n.unsent > 0) {
    out += fmt::format(
        "  unsent        {} requests due before the deadline were never sent: the client fell "
        "behind the schedule, so less than --rate was offered\n",
        grouped(n.unsent));
  }
  if (n.keys_requested > 0) {
    out += fmt::format("  hit ratio     {:.4f} ({} of {} keys)\n",
                       static_cast<double>(n.hits) / static_cast<double>(n.keys_requested),
                       grouped(n.hits), grouped(n.keys_requested));
  }
  out += fmt::format("  errors        {} (error replies {}, bad replies {}, connection {})\n",
                     grouped(n.errors()), grouped(n.error_replies), grouped(n.bad_replies),
                     grouped(n.connection_errors));
  out += fmt::format(
      "  latency (us)  min {:.1f}  mean {:.1f}  p50 {:.1f}  p90 {:.1f}  p99 {:.1f}  p99.9 {:.1f}  "
      "max {:.1f}{}\n",
      us(h.min()), h.mean() / 1000.0, us(h.percentile(50)), us(h.percentile(90)),
      us(h.percentile(99)), us(h.percentile(99.9)), us(h.max()),
      c.open_loop() ? "  (from intended send times)" : "");
  const double cores = cores_used(r);
  const double per_thread = cores / c.threads;
  out += fmt::format("  client CPU    {:.2f} core{} over {} thread{} (user {:.2f} s, sys {:.2f} s)",
                     cores, cores == 1.0 ? "" : "s", c.threads, c.threads == 1 ? "" : "s",
                     r.cpu.user_s, r.cpu.sys_s);
  if (per_thread >= k_client_saturation) {
    out +=
        fmt::format(" -- {:.0f}% per thread: the client may be the bottleneck", per_thread * 100);
  }
  out += "\n";
  return out;
}

std::string format_json(const run_report& r) {
  const workload_config& c = r.config;
  const run_counters& n = r.stats.counters;
  const latency_histogram& h = r.stats.latency;
  std::string servers;
  for (const std::string& s : c.servers) {
    if (!servers.empty()) servers += ", ";
    servers += json_string(s);
  }
  std::string out = "{\n";
  out += "  \"tool\": \"shoal-bench\",\n  \"format_version\": 1,\n";
  out += fmt::format(
      "  \"config\": {{\"servers\": [{}], \"threads\": {}, \"connections_per_thread\": {}, "
      "\"depth\": {}, \"mode\": \"{}\", \"rate\": {}, \"ratio\": {{\"get\": {}, \"set\": {}}}, "
      "\"multiget\": {}, \"key_space\": {}, \"key_size\": {}, \"key_pattern\": \"{}\", "
      "\"zipf_skew\": {}, \"value_size\": {{\"min\": {}, \"max\": {}}}, \"duration_s\": {}, "
      "\"requests\": {}, \"prepopulate\": {}, \"seed\": {}, \"reactor_backend\": {}}},\n",
      servers, c.threads, c.connections, c.depth, c.open_loop() ? "open" : "closed",
      json_number(c.rate), c.get_weight, c.set_weight, c.multiget, c.key_space, c.key_size,
      to_string(c.pattern), json_number(c.zipf_skew), c.value_min, c.value_max,
      json_number(c.duration_s), c.requests, c.prepopulate ? "true" : "false", c.seed,
      json_string(c.reactor_backend));
  if (r.prepopulate) {
    out += fmt::format("  \"prepopulate\": {{\"keys\": {}, \"elapsed_s\": {}, \"errors\": {}}},\n",
                       r.prepopulate->keys, json_number(r.prepopulate->elapsed_s),
                       r.prepopulate->errors);
  } else {
    out += "  \"prepopulate\": null,\n";
  }
  out += fmt::format("  \"elapsed_s\": {},\n", json_number(r.elapsed_s));
  out += fmt::format(
      "  \"requests\": {{\"total\": {}, \"gets\": {}, \"sets\": {}, \"unsent\": {}}},\n",
      n.requests, n.gets, n.sets, n.unsent);
  out += fmt::format(
      "  \"throughput\": {{\"requests_per_s\": {}, \"gets_per_s\": {}, \"sets_per_s\": {}, "
      "\"keys_per_s\": {}}},\n",
      json_number(per_second(n.requests, r.elapsed_s)),
      json_number(per_second(n.gets, r.elapsed_s)), json_number(per_second(n.sets, r.elapsed_s)),
      json_number(per_second(n.keys_requested, r.elapsed_s)));
  out += fmt::format("  \"hit_ratio\": {},\n  \"hits\": {},\n  \"keys_requested\": {},\n",
                     n.keys_requested > 0 ? json_number(static_cast<double>(n.hits) /
                                                        static_cast<double>(n.keys_requested))
                                          : "null",
                     n.hits, n.keys_requested);
  out += fmt::format(
      "  \"errors\": {{\"total\": {}, \"error_replies\": {}, \"bad_replies\": {}, "
      "\"connection\": {}}},\n",
      n.errors(), n.error_replies, n.bad_replies, n.connection_errors);
  out += fmt::format(
      "  \"latency_us\": {{\"samples\": {}, \"min\": {}, \"mean\": {}, \"p50\": {}, \"p90\": {}, "
      "\"p99\": {}, \"p999\": {}, \"max\": {}}},\n",
      h.count(), json_number(us(h.min())), json_number(h.mean() / 1000.0),
      json_number(us(h.percentile(50))), json_number(us(h.percentile(90))),
      json_number(us(h.percentile(99))), json_number(us(h.percentile(99.9))),
      json_number(us(h.max())));
  const double cores = cores_used(r);
  const double per_thread = cores / c.threads;
  out += fmt::format(
      "  \"client_cpu\": {{\"user_s\": {}, \"sys_s\": {}, \"cores_used\": {}, \"per_thread\": {}, "
      "\"saturated\": {}}},\n",
      json_number(r.cpu.user_s), json_number(r.cpu.sys_s), json_number(cores),
      json_number(per_thread), per_thread >= k_client_saturation ? "true" : "false");
  out += fmt::format("  \"bytes\": {{\"sent\": {}, \"received\": {}}}\n", n.bytes_sent,
                     n.bytes_received);
  out += "}\n";
  return out;
}

}  // namespace shoal::loadgen
