// The `stats settings` list. Names, order and formats were taken from the
// reply of Debian's memcached 1.6.18 (`printf 'stats settings\r\n'` against
// `memcached -l 127.0.0.1`); the choice of values for settings Shoal does not
// have is explained in settings_stats.h.
#include "server/settings_stats.h"

#include <fmt/format.h>

#include <algorithm>

namespace shoal::server {
namespace {

std::string yes_no(bool value) { return value ? "yes" : "no"; }

std::string listen_text(const net_config& net) {
  if (net.listen.empty()) return "NULL";
  std::string text;
  for (const listen_spec& spec : net.listen) {
    if (!text.empty()) text += ',';
    text += spec.text;
  }
  return text;
}

// memcached reports its default 512 KiB whatever -I is (larger items are
// chained from chunks of that size); never more than -I here.
uint64_t slab_chunk_max(uint64_t item_size_max) {
  constexpr uint64_t default_chunk_max = 512 * 1024;
  return std::min(default_chunk_max, item_size_max);
}

}  // namespace

std::vector<stat_line> settings_stats(const config& cfg, const live_settings& live) {
  const net_config& net = cfg.net;
  const cache_config& cache = cfg.cache;
  const protocol_config& protocol = cfg.protocol;
  std::string threads = std::to_string(live.shard_count);
  return {
      {"maxbytes", std::to_string(live.memory_limit_bytes)},
      {"maxconns", std::to_string(net.conn_limit)},
      {"tcpport", std::to_string(net.tcp_port)},
      {"udpport", std::to_string(net.udp_port)},
      {"inter", listen_text(net)},
      {"verbosity", std::to_string(live.verbosity)},
      {"oldest", std::to_string(live.oldest_live)},
      {"evictions", cache.evictions ? "on" : "off"},
      {"domain_socket", net.unix_socket.empty() ? "NULL" : net.unix_socket},
      {"umask", fmt::format("{:o}", net.unix_socket_mode)},
      {"shutdown_command", yes_no(protocol.shutdown_enabled)},
      {"growth_factor", fmt::format("{:.2f}", cfg.compat.growth_factor)},
      {"chunk_size", std::to_string(cfg.compat.chunk_size)},
      {"num_threads", threads},
      {"num_threads_per_udp", threads},
      {"stat_key_prefix", std::string(1, cfg.compat.prefix_delimiter)},
      {"detail_enabled", "no"},
      {"reqs_per_event", std::to_string(net.reqs_per_event)},
      {"cas_enabled", yes_no(cache.cas_enabled)},
      {"tcp_backlog", std::to_string(net.listen_backlog)},
      {"binding_protocol",
       protocol.binding == binding_protocol::ascii ? "ascii" : "auto-negotiate"},
      {"auth_enabled_sasl", "no"},
      // memcached prints the -Y path when set.
      {"auth_enabled_ascii", protocol.ascii_auth_enabled() ? protocol.auth_file : "no"},
      {"item_size_max", std::to_string(cache.max_item_size)},
      {"maxconns_fast", "yes"},
      {"hashpower_init", "0"},
      {"slab_reassign", "no"},
      {"slab_automove", "0"},
      {"slab_automove_ratio", "0.80"},
      {"slab_automove_window", "30"},
      {"slab_chunk_max", std::to_string(slab_chunk_max(cache.max_item_size))},
      {"lru_crawler", "no"},
      {"lru_crawler_sleep", "100"},
      {"lru_crawler_tocrawl", "0"},
      {"tail_repair_time", "0"},
      {"flush_enabled", yes_no(protocol.flush_enabled)},
      {"dump_enabled", yes_no(protocol.dump_enabled)},
      {"hash_algorithm", "shoal"},
      {"lru_maintainer_thread", "no"},
      {"lru_segmented", "no"},
      {"hot_lru_pct", "20"},
      {"warm_lru_pct", "40"},
      {"hot_max_factor", "0.20"},
      {"warm_max_factor", "2.00"},
      {"temp_lru", "no"},
      {"temporary_ttl", "61"},
      {"idle_timeout", std::to_string(net.idle_timeout_seconds)},
      {"watcher_logbuf_size", "262144"},
      {"worker_logbuf_size", "65536"},
      {"read_buf_mem_limit", "0"},
      {"track_sizes", "no"},
      {"inline_ascii_response", "no"},
      {"num_napi_ids", "(null)"},
      {"memory_file", "(null)"},
  };
}

}  // namespace shoal::server
