// Per-shard counters, named as memcached's `stats` names them. Plain values:
// the server sums the shards' copies with operator+= (map_reduce) and prints
// them with for_each_field(). See docs/cache.md#stats for which operation
// counts what (memcached 1.6.18's rules, probed).
#pragma once

#include <cstdint>
#include <string_view>

namespace shoal {

struct cache_stats {
  // Commands. cmd_get counts keys of get/gets; gat/gats count in cmd_touch.
  uint64_t cmd_get = 0;
  uint64_t cmd_set = 0;  // every set/add/replace/append/prepend/cas that reached the cache
  uint64_t cmd_touch = 0;
  uint64_t cmd_flush = 0;
  uint64_t get_hits = 0;
  uint64_t get_misses = 0;
  uint64_t get_expired = 0;  // misses because the item had expired
  uint64_t get_flushed = 0;  // misses because a flush_all hid the item
  uint64_t delete_misses = 0;
  uint64_t delete_hits = 0;
  uint64_t incr_misses = 0;
  uint64_t incr_hits = 0;
  uint64_t decr_misses = 0;
  uint64_t decr_hits = 0;
  uint64_t cas_misses = 0;
  uint64_t cas_hits = 0;
  uint64_t cas_badval = 0;
  uint64_t touch_hits = 0;
  uint64_t touch_misses = 0;
  uint64_t store_too_large = 0;
  uint64_t store_no_memory = 0;
  uint64_t limit_maxbytes = 0;
  // Items.
  uint64_t bytes = 0;              // bytes held by linked items (header, key, value, padding)
  uint64_t curr_items = 0;         // linked items, including expired ones not yet reclaimed
  uint64_t total_items = 0;        // items ever linked (successful stores, incr that grew)
  uint64_t expired_unfetched = 0;  // reclaimed after expiring without ever being read
  uint64_t evicted_unfetched = 0;  // evicted without ever being read
  uint64_t evicted_active = 0;     // evicted although read since their last second chance
  uint64_t evictions = 0;
  uint64_t reclaimed = 0;          // expired or flushed items whose memory was reclaimed
  uint64_t crawler_reclaimed = 0;  // ... of which by the background sweep
  uint64_t crawler_items_checked = 0;
  // Memory, in bytes, and the work spent managing it (Shoal's own names).
  uint64_t memory_used = 0;     // everything counted against limit_maxbytes
  uint64_t segment_bytes = 0;   // mapped segments, free ones included
  uint64_t external_bytes = 0;  // page-rounded mappings of large values
  uint64_t hash_bytes = 0;      // index buckets and directory
  uint64_t hash_buckets = 0;
  uint64_t segments_free = 0;       // mapped segments ready for reuse
  uint64_t segments_cleaned = 0;    // segments emptied by eviction or compaction
  uint64_t segments_compacted = 0;  // ... of which by compaction (nothing evicted)
  uint64_t items_relocated = 0;     // items copied forward by cleaning

  cache_stats& operator+=(const cache_stats& o);

  // Calls f(name, value) for every field, in declaration order (see
  // k_cache_stats_fields for which names are memcached's).
  template <class F>
  void for_each_field(F&& f) const;
};

// Every field, by its stats name: one list so that summing and printing cannot
// forget a field.
struct cache_stats_field {
  std::string_view name;
  uint64_t cache_stats::*member;
  bool memcached;  // memcached 1.6's general `stats` has this name; else Shoal's own
};

inline constexpr cache_stats_field k_cache_stats_fields[] = {
    {"cmd_get", &cache_stats::cmd_get, true},
    {"cmd_set", &cache_stats::cmd_set, true},
    {"cmd_touch", &cache_stats::cmd_touch, true},
    {"cmd_flush", &cache_stats::cmd_flush, true},
    {"get_hits", &cache_stats::get_hits, true},
    {"get_misses", &cache_stats::get_misses, true},
    {"get_expired", &cache_stats::get_expired, true},
    {"get_flushed", &cache_stats::get_flushed, true},
    {"delete_misses", &cache_stats::delete_misses, true},
    {"delete_hits", &cache_stats::delete_hits, true},
    {"incr_misses", &cache_stats::incr_misses, true},
    {"incr_hits", &cache_stats::incr_hits, true},
    {"decr_misses", &cache_stats::decr_misses, true},
    {"decr_hits", &cache_stats::decr_hits, true},
    {"cas_misses", &cache_stats::cas_misses, true},
    {"cas_hits", &cache_stats::cas_hits, true},
    {"cas_badval", &cache_stats::cas_badval, true},
    {"touch_hits", &cache_stats::touch_hits, true},
    {"touch_misses", &cache_stats::touch_misses, true},
    {"store_too_large", &cache_stats::store_too_large, true},
    {"store_no_memory", &cache_stats::store_no_memory, true},
    {"limit_maxbytes", &cache_stats::limit_maxbytes, true},
    {"bytes", &cache_stats::bytes, true},
    {"curr_items", &cache_stats::curr_items, true},
    {"total_items", &cache_stats::total_items, true},
    {"expired_unfetched", &cache_stats::expired_unfetched, true},
    {"evicted_unfetched", &cache_stats::evicted_unfetched, true},
    {"evicted_active", &cache_stats::evicted_active, true},
    {"evictions", &cache_stats::evictions, true},
    {"reclaimed", &cache_stats::reclaimed, true},
    {"crawler_reclaimed", &cache_stats::crawler_reclaimed, true},
    {"crawler_items_checked", &cache_stats::crawler_items_checked, true},
    {"memory_used", &cache_stats::memory_used, false},
    {"segment_bytes", &cache_stats::segment_bytes, false},
    {"external_bytes", &cache_stats::external_bytes, false},
    {"hash_bytes", &cache_stats::hash_bytes, true},
    {"hash_buckets", &cache_stats::hash_buckets, false},
    {"segments_free", &cache_stats::segments_free, false},
    {"segments_cleaned", &cache_stats::segments_cleaned, false},
    {"segments_compacted", &cache_stats::segments_compacted, false},
    {"items_relocated", &cache_stats::items_relocated, false},
};
static_assert(sizeof(k_cache_stats_fields) / sizeof(k_cache_stats_fields[0]) * sizeof(uint64_t) ==
                  sizeof(cache_stats),
              "every cache_stats field must be listed in k_cache_stats_fields");

inline cache_stats& cache_stats::operator+=(const cache_stats& o) {
  for (const auto& field : k_cache_stats_fields) this->*field.member += o.*field.member;
  return *this;
}

template <class F>
void cache_stats::for_each_field(F&& f) const {
  for (const auto& field : k_cache_stats_fields) f(field.name, this->*field.member);
}

}  // namespace shoal
