// shard_counters are the server's own per-shard statistics (the cache keeps
// its own in cache_stats). Plain integers written only by their shard, summed
// by map_reduce when `stats` is asked for.
#pragma once

#include <cstdint>

namespace shoal::server {

struct shard_counters {
  uint64_t curr_connections = 0;
  uint64_t total_connections = 0;
  uint64_t rejected_connections = 0;
  uint64_t bytes_read = 0;
  uint64_t bytes_written = 0;
  uint64_t conn_yields = 0;
  uint64_t auth_cmds = 0;
  uint64_t auth_errors = 0;
  uint64_t cmd_flush = 0;
  // Storage commands refused for a malformed data block: they never reach the
  // cache, but memcached counts them in cmd_set.
  uint64_t bad_chunk_sets = 0;
  uint64_t remote_batches = 0;  // messages sent to other shards with key operations
  uint64_t remote_ops = 0;      // key operations they carried

  shard_counters& operator+=(const shard_counters& o) {
    curr_connections += o.curr_connections;
    total_connections += o.total_connections;
    rejected_connections += o.rejected_connections;
    bytes_read += o.bytes_read;
    bytes_written += o.bytes_written;
    conn_yields += o.conn_yields;
    auth_cmds += o.auth_cmds;
    auth_errors += o.auth_errors;
    cmd_flush += o.cmd_flush;
    bad_chunk_sets += o.bad_chunk_sets;
    remote_batches += o.remote_batches;
    remote_ops += o.remote_ops;
    return *this;
  }

  // `stats reset` zeroes the counters but not the gauges.
  void reset() {
    const uint64_t curr = curr_connections;
    *this = shard_counters{};
    curr_connections = curr;
  }
};

}  // namespace shoal::server
