// What one shard's cache is built from. The server fills one per shard from
// its command line (memcached's -m split across shards, -I, -M, -C) and passes
// it by value to cache's constructor.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/item_limits.h"

namespace shoal {

struct cache_config {
  // Hard limit in bytes on everything this store allocates: item memory,
  // external values and the hash index (memcached's -m divided by the number
  // of shards). Must be within [k_min_memory_limit, k_max_memory_limit].
  size_t memory_limit = 64u << 20;
  // memcached's -I. item_size_ok() from base/item_limits.h is the rule.
  size_t max_item_size = default_max_item_size;
  // memcached's -M turns this off: a store that needs memory then fails with
  // store_result::no_memory instead of evicting.
  bool evictions = true;
  // memcached's -C turns this off: CAS values are then reported as 0 and a
  // `cas` on an existing item always answers exists.
  bool cas_enabled = true;
  // CAS values are unique across shards: shard_id is folded into every value.
  unsigned shard_id = 0;
  unsigned shard_count = 1;
  // The Unix time at which cache_time 0 falls (normally the process start):
  // absolute exptimes (> 30 days) are converted with it.
  int64_t clock_epoch_unix = 0;
  // The seed the server passes to hash_key(); the cache recomputes hashes of
  // stored keys when it grows its index or moves items.
  uint64_t hash_seed = 0;
};

// Per-shard memory limits the cache accepts. The upper bound comes from 32-bit
// item references in 8-byte units (32 GiB of segments).
inline constexpr size_t k_min_memory_limit = 256u << 10;
inline constexpr size_t k_max_memory_limit = size_t{31} << 30;

}  // namespace shoal
