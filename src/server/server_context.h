// server_context is the little the shards share, set up once on shard 0 before
// they start serving and read-only afterwards, except for the fields that say
// otherwise (atomics, each with a comment on why it is shared).
//
// Everything else a shard uses is its own (shard_service).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>

#include "cache/cache_time.h"
#include "runtime/reactor.h"
#include "runtime/sharded.h"
#include "server/config.h"

namespace shoal::server {

class shard_service;

struct server_context {
  server_context(const config& c, unsigned shards) : cfg(c), shard_count(shards) {}

  const config& cfg;
  unsigned shard_count;
  // Seed of hash_key() for this process: routing and the caches' indexes
  // must agree, and a per-process seed makes crafted collisions harder.
  uint64_t hash_seed = 0;
  // cache_time 0: the process start, as a Unix time and on the steady clock.
  int64_t epoch_unix = 0;
  std::chrono::steady_clock::time_point epoch_steady{};
  // One per shard; a connection reaches other shards' caches through it.
  sharded<shard_service>* shards = nullptr;
  std::string version_text;  // what `version` and `stats` report

  // -c counts client connections of every shard together: the only counter
  // shards share, touched on accept and close, never per request.
  std::atomic<uint32_t> open_connections{0};
  // The `verbosity` command changes it from any connection.
  std::atomic<int> verbosity{0};
  // `cache_memlimit` changes the limit reported by stats settings.
  std::atomic<uint64_t> memory_limit_bytes{0};
  // Unix time of the last flush_all, for `stats settings` (oldest).
  std::atomic<int64_t> last_flush_unix{0};
  // Set when the server stops: connections finish their batch and close.
  std::atomic<bool> stopping{false};

  // Seconds since the epoch, from the reactor's per-turn clock (no syscall).
  cache_time now() const {
    const auto elapsed = reactor::now() - epoch_steady;
    return static_cast<cache_time>(std::chrono::duration_cast<std::chrono::seconds>(elapsed).count());
  }
  int64_t unix_now() const { return epoch_unix + now(); }
};

}  // namespace shoal::server
