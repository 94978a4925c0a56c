// `stats settings`: the (name, value) pairs memcached 1.6.18 reports, in its
// order, with its names and value formats, filled from the config. The
// request handler writes them as "STAT <name> <value>" lines.
//
// Settings that mean nothing in Shoal are reported truthfully where they are
// on/off features Shoal lacks (lru_crawler no, slab_reassign no) and with
// memcached's defaults where they are tuning numbers of a mechanism Shoal does
// not have (hot_lru_pct 20). Like a memcached built without extstore or TLS,
// Shoal omits the ext_* and ssl_* keys. See docs/protocol.md#command-line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/config.h"

namespace shoal::server {

// Settings that the server may change after start-up, or that only the
// running server knows.
struct live_settings {
  unsigned shard_count = 1;         // num_threads
  int verbosity = 0;                // the `verbosity` command changes it
  uint64_t memory_limit_bytes = 0;  // maxbytes; `cache_memlimit` changes it
  uint64_t oldest_live = 0;         // oldest: the last flush_all, server time

  // The values at start-up, before any command changed them.
  static live_settings at_start(const config& cfg, unsigned shard_count) {
    return {shard_count, cfg.process.verbosity, cfg.cache.memory_limit_bytes, 0};
  }
};

using stat_line = std::pair<std::string_view, std::string>;

std::vector<stat_line> settings_stats(const config& cfg, const live_settings& live);

}  // namespace shoal::server
