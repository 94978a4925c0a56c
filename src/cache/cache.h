// cache is one shard's store: memcached 1.6's item semantics over a
// memory-bounded, log-structured arena with a linear-hashing index.
//
// Contract:
// - Single-threaded and deterministic: one instance per shard, called only on
//   that shard. It never reads a clock, never blocks, does no I/O and throws no
//   exceptions on the data path; time is passed in as `now` (see cache_time.h).
// - Every operation takes the key (1..max_key_length bytes, any bytes) and its
//   hash, `hash_key(key, config.hash_seed)`, which the server computed once to
//   route the key: the high 32 bits chose the shard, the cache uses the low bits.
// - Outcomes are enum values; the protocol layer turns them into text.
// - An item_view returned by get()/get_and_touch() points into the cache's
//   memory and is valid until the next call on this cache, whatever it is.
// - Memory: memory_used() never exceeds config.memory_limit, and counts every
//   byte the store allocates (segments, large values, index, tables). A store
//   of an item that fits (fits()) succeeds, evicting older items as needed,
//   unless evictions are off.
// - Background work (expiry sweep, cleaning ahead of need) runs in bounded
//   steps from do_maintenance(); operations themselves do bounded work.
//
// Design: docs/cache.md. memcached rules it follows, and where it differs:
// docs/cache.md#semantics.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "cache/cache_config.h"
#include "cache/cache_stats.h"
#include "cache/cache_time.h"
#include "cache/hash_index.h"
#include "cache/item.h"
#include "cache/segment_arena.h"

namespace shoal {

// What a read returns. The views are valid until the next call on the cache.
struct item_view {
  std::string_view key;
  std::string_view value;
  uint32_t client_flags = 0;
  uint64_t cas = 0;             // 0 when CAS is disabled (-C)
  cache_time expiry = k_never;  // when it expires (after a touch: the new time)
  cache_time last_access = 0;   // last access before this call
  bool fetched_before = false;  // read before this call (meta `h`)
};

enum class store_mode : uint8_t { set, add, replace, append, prepend, cas };

enum class store_result : uint8_t {
  stored,
  not_stored,  // add: key exists; replace/append/prepend: key missing, or appended value too large
  exists,      // cas: the item changed since it was read
  not_found,   // cas: no such item
  too_large,   // fails item_size_ok() or cannot fit in this shard at all
  no_memory,   // evictions are off and no memory could be freed
};

enum class delete_result : uint8_t { deleted, not_found };

enum class touch_result : uint8_t { touched, not_found };

enum class arith_status : uint8_t { ok, not_found, non_numeric, no_memory };

struct arith_result {
  arith_status status;
  uint64_t value;  // the new number, when status == ok
};

class cache {
 public:
  explicit cache(const cache_config& config);
  ~cache();

  cache(const cache&) = delete;
  cache& operator=(const cache&) = delete;

  // get / gets: the item, or nullopt on a miss. Counts cmd_get and a hit or
  // a miss; marks the item fetched and recently used.
  std::optional<item_view> get(std::string_view key, uint64_t hash, cache_time now);

  // gat / gats: get, and set a new expiry (raw memcached exptime) on a hit.
  // Keeps the CAS. Counts cmd_touch and touch_hits/touch_misses, as memcached.
  std::optional<item_view> get_and_touch(std::string_view key, uint64_t hash, int64_t exptime,
                                         cache_time now);

  // set / add / replace / append / prepend / cas. `exptime` is memcached's raw
  // value; append and prepend ignore `client_flags` and `exptime` and keep the
  // item's. `cas_unique` is used by store_mode::cas only. A too-large set also
  // removes the key's old value (see reject_too_large()).
  store_result store(store_mode mode, std::string_view key, uint64_t hash, std::string_view value,
                     uint32_t client_flags, int64_t exptime, cache_time now,
                     uint64_t cas_unique = 0);

  // For a store the server refused before reading its value (the protocol
  // layer saw its length exceed -I): counts store_too_large and, for
  // store_mode::set, removes the key's old value so no stale value survives,
  // as memcached does (it keeps the old value for the other modes).
  void reject_too_large(store_mode mode, std::string_view key, uint64_t hash, cache_time now);

  // delete.
  delete_result remove(std::string_view key, uint64_t hash, cache_time now);

  // touch: sets a new expiry; keeps the CAS.
  touch_result touch(std::string_view key, uint64_t hash, int64_t exptime, cache_time now);

  // incr / decr with memcached's rules: the value must read as an unsigned
  // 64-bit decimal; incr wraps at 2^64, decr stops at 0; a shorter result is
  // padded with spaces to the old length, a longer one grows the value; flags
  // and expiry are kept, the CAS changes.
  arith_result incr(std::string_view key, uint64_t hash, uint64_t delta, cache_time now);
  arith_result decr(std::string_view key, uint64_t hash, uint64_t delta, cache_time now);

  // flush_all [delay]: hides every item stored before the deadline (now when
  // delay <= 0; else relative seconds, or an absolute Unix time above 30 days),
  // including items stored after this call but before the deadline. A later
  // flush_all replaces a pending deadline. Lazy: memory is reclaimed by
  // lookups, the sweep and cleaning.
  void flush_all(int64_t delay, cache_time now);

  // Runs up to about `budget` units of background work (one unit ~ one item
  // visited): the expired-item sweep, and cleaning segments ahead of need when
  // the store is near its limit. Returns the units used; 0 means idle. Call it
  // from a timer (e.g. every few ms with a budget of a few hundred).
  size_t do_maintenance(cache_time now, size_t budget);

  // True if an item with this key and value length can be stored at all:
  // item_size_ok() under -I, and small enough for this shard's memory.
  bool fits(size_t key_length, size_t value_length) const;

  // Counters and gauges (curr_items, bytes, memory) as of now.
  cache_stats stats() const;
  // `stats reset`: zeroes the counters, keeps the gauges.
  void reset_stats();

  const cache_config& config() const { return config_; }
  size_t memory_used() const;
  size_t segment_size() const { return arena_.segment_size(); }

  // Walks every segment and chain and aborts if an invariant is broken
  // (accounting, index consistency, memory limit). O(items): tests only.
  void check_invariants() const;

 private:
  using item_header = cache_detail::item_header;

  // A key's place in its chain: `link` points at the reference to `item`.
  // From find() only: when the key is absent, `link` points at the chain's
  // terminating 0.
  struct found {
    uint32_t* link;
    uint32_t ref;
    item_header* item;
  };

  // An allocated, not yet linked item whose size bits are written.
  struct fresh_item {
    uint32_t ref = 0;
    item_header* item = nullptr;
    char* value = nullptr;  // where the value bytes go
  };

  enum class unlink_reason : uint8_t { replaced, deleted, expired, flushed, evicted };

  // cache.cc: semantics.
  void enter(cache_time now);
  item_header* item_at(uint32_t ref) const { return cache_detail::header_at(arena_.address(ref)); }
  found find(std::string_view key, uint64_t hash);
  found find_live(std::string_view key, uint64_t hash);
  found reclaim_found(const found& f);
  bool is_expired(const item_header* h) const { return h->expiry <= now_; }
  bool is_flushed(const item_header* h) const { return cache_detail::item_cas(h) < flush_cas_; }
  item_view read(item_header* h);
  uint64_t next_cas();
  uint64_t reported_cas(const item_header* h) const {
    return config_.cas_enabled ? cache_detail::item_cas(h) : 0;
  }
  arith_result arith(bool incr, std::string_view key, uint64_t hash, uint64_t delta,
                     cache_time now);
  void link_new(const fresh_item& fresh, std::string_view key, uint64_t hash, const found* known);
  void unlink(uint32_t* link, uint32_t ref, item_header* h, unlink_reason why);
  void promote_flush();

  // cache_memory.cc: memory.
  fresh_item allocate(size_t key_len, size_t value_len);
  void abandon(const fresh_item& fresh);
  char* carve_write(size_t bytes, uint32_t* ref);
  char* carve_survivor(size_t bytes, uint32_t* ref);
  bool open_write_head();
  bool make_room(size_t bytes);
  bool make_room_unmapped(size_t bytes);
  size_t committed_bytes() const;
  size_t soft_limit() const { return config_.memory_limit - arena_.segment_size(); }
  void retire(uint32_t ref, item_header* h, bool free_external);
  void maybe_grow_index();
  uint32_t* link_of(uint32_t ref, const item_header* h);

  // cache_cleaner.cc: eviction, compaction and the sweep.
  bool clean_one();
  bool start_victim(bool may_seal_heads);
  size_t clean_step(size_t budget_bytes);
  void clean_item(uint32_t ref, item_header* h);
  void finish_victim();
  void pace(size_t bytes_written);
  size_t sweep(size_t budget);

  cache_config config_;
  size_t inline_limit_;  // largest item footprint stored inside a segment
  size_t max_external_;  // largest external value mapping this shard accepts
  cache_detail::segment_arena arena_;
  cache_detail::hash_index index_;
  cache_stats stats_;

  cache_time now_ = 0;
  uint64_t next_seq_ = 1;   // CAS = seq * shard_count + shard_id
  uint64_t flush_cas_ = 0;  // items with a CAS below this are flushed
  bool flush_pending_ = false;
  cache_time flush_deadline_ = 0;  // when the pending flush takes effect

  bool may_expire_ = false;  // an expiry was ever set: the sweep has work

  uint32_t write_head_ = 0;     // open segment new items are appended to
  uint32_t survivor_head_ = 0;  // open segment the cleaner copies live items to
  size_t external_bytes_ = 0;   // page-rounded sizes of external values
  // Bumped whenever an item leaves or moves within the index (unlink, move,
  // split): a lookup made before an allocation is still valid after it if
  // this has not changed.
  uint64_t chain_epoch_ = 0;

  struct cleaner_state {
    uint32_t victim = 0;      // segment being cleaned, 0 = idle
    uint32_t offset = 0;      // next item in it
    bool compacting = false;  // keep every live item (no eviction)
  } cleaner_;
  size_t keep_credit_;  // bytes of second chances eviction may still grant

  struct sweep_state {
    uint32_t segment = 1;
    uint32_t generation = 0;
    uint32_t offset = 0;
  } sweep_;
};

}  // namespace shoal
