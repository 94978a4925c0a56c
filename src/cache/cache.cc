// The cache's operations: memcached 1.6.18's semantics, as probed on the real
// server (docs/cache.md#semantics lists each rule and the probe behind it).
//
// Every operation follows the same shape: enter(now) applies a due flush, the
// key is looked up (an expired or flushed item found on the way is unlinked),
// the outcome is decided, and only then is memory allocated. Allocation may
// clean segments, which moves or evicts items, so a lookup made before it is
// reused after it only if chain_epoch_ shows that nothing moved (store()).
#include "cache/cache.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "base/hash.h"
#include "cache/counter.h"
#include "cache/os_memory.h"

namespace shoal {

using namespace cache_detail;

namespace {

// Segments: 1/64 of the shard's memory, between 16 KiB and 1 MiB, so that a
// shard has at least 16 of them and the cleaning reserve (one segment) stays a
// small share of the limit. See docs/cache.md#memory.
size_t segment_size_for(size_t memory_limit) {
  return std::clamp<size_t>(std::bit_floor(memory_limit / 64), size_t{16} << 10, size_t{1} << 20);
}

}  // namespace

cache::cache(const cache_config& config)
    : config_(config),
      inline_limit_(std::min<size_t>(segment_size_for(config.memory_limit) / 4,
                                     item_footprint(0, k_max_inline_value))),
      max_external_(config.memory_limit / 2),
      arena_(
          segment_size_for(config.memory_limit),
          static_cast<uint32_t>(config.memory_limit / segment_size_for(config.memory_limit) + 2)),
      index_(hash_index::k_chunk_buckets),
      keep_credit_(2 * arena_.segment_size()) {
  SHOAL_ASSERT_MSG(
      config.memory_limit >= k_min_memory_limit && config.memory_limit <= k_max_memory_limit,
      "cache_config::memory_limit out of range");
  SHOAL_ASSERT_MSG(config.shard_count >= 1 && config.shard_id < config.shard_count,
                   "cache_config shard id out of range");
  SHOAL_ASSERT(committed_bytes() + 4 * arena_.segment_size() <= config.memory_limit);
}

cache::~cache() {
  // Segments unmap themselves; external values are found through the items.
  for (uint32_t seg = 1; seg <= arena_.max_segments(); ++seg) {
    const segment_info& s = arena_.info(seg);
    if (s.state == segment_state::unmapped || s.state == segment_state::free) continue;
    for (uint32_t off = 0; off < s.used;) {
      item_header* h = header_at(arena_.base(seg) + off);
      if (!is_dead(h) && is_external(h)) {
        const external_value ext = item_external(h);
        unmap_memory(ext.data, page_round(ext.size));
      }
      off += static_cast<uint32_t>(item_footprint(h));
    }
  }
}

bool cache::fits(size_t key_length, size_t value_length) const {
  if (!item_size_ok(key_length, value_length, config_.max_item_size)) return false;
  return item_footprint(key_length, value_length) <= inline_limit_ ||
         page_round(value_length) <= max_external_;
}

void cache::enter(cache_time now) {
  now_ = std::max(now_, now);
  if (flush_pending_ && now_ >= flush_deadline_) promote_flush();
}

void cache::promote_flush() {
  flush_pending_ = false;
  may_expire_ = true;  // flushed items are for the sweep too
  flush_cas_ = next_seq_ * config_.shard_count + config_.shard_id;
}

uint64_t cache::next_cas() { return next_seq_++ * config_.shard_count + config_.shard_id; }

namespace {

// Key equality for chain walks. Keys of one length in one chain mostly share a
// prefix ("user:1234"), so the last 8 bytes are compared first, inline; a
// mismatch there costs no memcmp call.
inline bool same_key(const char* stored, std::string_view key) {
  const size_t n = key.size();
  if (n >= 8) {
    uint64_t a;
    uint64_t b;
    std::memcpy(&a, stored + n - 8, 8);
    std::memcpy(&b, key.data() + n - 8, 8);
    if (a != b) return false;
    return std::memcmp(stored, key.data(), n - 8) == 0;
  }
  return std::memcmp(stored, key.data(), n) == 0;
}

}  // namespace

[[gnu::always_inline]] inline cache::found cache::find(std::string_view key, uint64_t hash) {
  SHOAL_DEBUG_ASSERT(hash == hash_key(key, config_.hash_seed));
  uint32_t* link = index_.slot(hash);
  while (const uint32_t ref = *link) {
    item_header* h = item_at(ref);
    if (key_length(h) == key.size() && same_key(reinterpret_cast<const char*>(h + 1), key)) {
      return {link, ref, h};
    }
    link = &h->next;
  }
  return {link, 0, nullptr};
}

// find(), but an expired or flushed item is unlinked on the spot and reported
// absent. Like memcached's do_item_get(), this counts get_expired/get_flushed
// whatever the command.
[[gnu::always_inline]] inline cache::found cache::find_live(std::string_view key, uint64_t hash) {
  found f = find(key, hash);
  if (f.item == nullptr) return f;
  if (__builtin_expect(is_expired(f.item) || is_flushed(f.item), 0)) return reclaim_found(f);
  return f;
}

// The cold half of find_live(): the item found has expired or was flushed.
cache::found cache::reclaim_found(const found& f) {
  if (is_expired(f.item)) {
    ++stats_.get_expired;
    unlink(f.link, f.ref, f.item, unlink_reason::expired);
  } else if (is_flushed(f.item)) {
    ++stats_.get_flushed;
    unlink(f.link, f.ref, f.item, unlink_reason::flushed);
  }
  return {nullptr, 0, nullptr};
}

[[gnu::always_inline]] inline item_view cache::read(item_header* h) {
  item_view v;
  v.key = item_key(h);
  v.value = item_value(h);
  v.client_flags = h->client_flags;
  v.cas = reported_cas(h);
  v.expiry = h->expiry;
  v.last_access = h->last_access;
  v.fetched_before = (h->bits & k_fetched) != 0;
  h->bits |= k_accessed | k_fetched;
  h->last_access = now_;
  return v;
}

std::optional<item_view> cache::get(std::string_view key, uint64_t hash, cache_time now) {
  enter(now);
  ++stats_.cmd_get;
  const found f = find_live(key, hash);
  if (f.item == nullptr) {
    ++stats_.get_misses;
    return std::nullopt;
  }
  ++stats_.get_hits;
  return read(f.item);
}

std::optional<item_view> cache::get_and_touch(std::string_view key, uint64_t hash, int64_t exptime,
                                              cache_time now) {
  enter(now);
  ++stats_.cmd_touch;
  const found f = find_live(key, hash);
  if (f.item == nullptr) {
    ++stats_.touch_misses;
    return std::nullopt;
  }
  ++stats_.touch_hits;
  f.item->expiry = expiry_from_exptime(exptime, now_, config_.clock_epoch_unix);
  may_expire_ |= f.item->expiry != k_never;
  return read(f.item);
}

touch_result cache::touch(std::string_view key, uint64_t hash, int64_t exptime, cache_time now) {
  enter(now);
  ++stats_.cmd_touch;
  const found f = find_live(key, hash);
  if (f.item == nullptr) {
    ++stats_.touch_misses;
    return touch_result::not_found;
  }
  ++stats_.touch_hits;
  f.item->expiry = expiry_from_exptime(exptime, now_, config_.clock_epoch_unix);
  may_expire_ |= f.item->expiry != k_never;
  f.item->bits |= k_accessed | k_fetched;
  f.item->last_access = now_;
  return touch_result::touched;
}

delete_result cache::remove(std::string_view key, uint64_t hash, cache_time now) {
  enter(now);
  const found f = find_live(key, hash);
  if (f.item == nullptr) {
    ++stats_.delete_misses;
    return delete_result::not_found;
  }
  ++stats_.delete_hits;
  unlink(f.link, f.ref, f.item, unlink_reason::deleted);
  return delete_result::deleted;
}

void cache::reject_too_large(store_mode mode, std::string_view key, uint64_t hash, cache_time now) {
  enter(now);
  ++stats_.store_too_large;
  if (mode != store_mode::set) return;
  const found f = find(key, hash);
  if (f.item != nullptr) unlink(f.link, f.ref, f.item, unlink_reason::replaced);
}

store_result cache::store(store_mode mode, std::string_view key, uint64_t hash,
                          std::string_view value, uint32_t client_flags, int64_t exptime,
                          cache_time now, uint64_t cas_unique) {
  SHOAL_ASSERT(!key.empty() && key.size() <= max_key_length);
  if (!fits(key.size(), value.size())) {
    // memcached refuses these before counting cmd_set.
    reject_too_large(mode, key, hash, now);
    return store_result::too_large;
  }
  enter(now);
  ++stats_.cmd_set;
  const found old = find_live(key, hash);
  const uint64_t epoch = chain_epoch_;
  switch (mode) {
    case store_mode::set:
      break;
    case store_mode::add:
      if (old.item != nullptr) {
        // memcached bumps the existing item in its LRU.
        old.item->bits |= k_accessed;
        old.item->last_access = now_;
        return store_result::not_stored;
      }
      break;
    case store_mode::replace:
    case store_mode::append:
    case store_mode::prepend:
      if (old.item == nullptr) return store_result::not_stored;
      break;
    case store_mode::cas:
      if (old.item == nullptr) {
        ++stats_.cas_misses;
        return store_result::not_found;
      }
      // With CAS disabled memcached answers EXISTS to every cas (probed).
      if (!config_.cas_enabled || item_cas(old.item) != cas_unique) {
        ++stats_.cas_badval;
        return store_result::exists;
      }
      ++stats_.cas_hits;
      break;
  }

  const bool joins = mode == store_mode::append || mode == store_mode::prepend;
  size_t total = value.size();
  uint32_t flags = client_flags;
  cache_time expiry = 0;
  if (joins) {
    // append/prepend keep the item's flags and expiry. Past -I memcached
    // answers NOT_STORED and keeps the old value (probed).
    total += item_value(old.item).size();
    if (!fits(key.size(), total)) return store_result::not_stored;
    flags = old.item->client_flags;
    expiry = old.item->expiry;
  } else {
    expiry = expiry_from_exptime(exptime, now_, config_.clock_epoch_unix);
    may_expire_ |= expiry != k_never;
  }

  const fresh_item fresh = allocate(key.size(), total);
  if (fresh.item == nullptr) {
    ++stats_.store_no_memory;
    if (mode == store_mode::set) {
      const found stale = find(key, hash);
      if (stale.item != nullptr) unlink(stale.link, stale.ref, stale.item, unlink_reason::replaced);
    }
    return store_result::no_memory;
  }

  // Allocation may have moved the old item, or evicted it; if nothing moved,
  // the first lookup still holds.
  const bool unmoved = chain_epoch_ == epoch;
  char* out = fresh.value;
  if (joins) {
    const found cur = unmoved ? old : find(key, hash);
    if (cur.item == nullptr || is_expired(cur.item) || is_flushed(cur.item)) {
      abandon(fresh);
      return store_result::not_stored;
    }
    const std::string_view old_value = item_value(cur.item);
    if (mode == store_mode::prepend) {
      std::memcpy(out, value.data(), value.size());
      std::memcpy(out + value.size(), old_value.data(), old_value.size());
    } else {
      std::memcpy(out, old_value.data(), old_value.size());
      std::memcpy(out + old_value.size(), value.data(), value.size());
    }
  } else if (!value.empty()) {
    std::memcpy(out, value.data(), value.size());
  }
  item_header* h = fresh.item;
  set_item_cas(h, next_cas());
  h->expiry = expiry;
  h->client_flags = flags;
  h->last_access = now_;
  link_new(fresh, key, hash, unmoved ? &old : nullptr);
  return store_result::stored;
}

// Links a fully written item, replacing whatever item holds the key now.
// `known` is a lookup of the key still valid (chain_epoch_ unchanged since),
// or nullptr to look it up again.
void cache::link_new(const fresh_item& fresh, std::string_view key, uint64_t hash,
                     const found* known) {
  item_header* h = fresh.item;
  std::memcpy(reinterpret_cast<char*>(h + 1), key.data(), key.size());
  const found cur = known != nullptr ? *known : find(key, hash);
  if (cur.item != nullptr) {
    h->next = cur.item->next;
    unlink(cur.link, cur.ref, cur.item, unlink_reason::replaced);
    // unlink() rewrote *cur.link to the old item's successor, which is h->next.
    *cur.link = fresh.ref;
  } else {
    uint32_t* head = index_.slot(hash);
    h->next = *head;
    *head = fresh.ref;
  }
  const size_t footprint = item_footprint(h);
  segment_info& seg = arena_.info(arena_.segment_of(fresh.ref));
  seg.live += static_cast<uint32_t>(footprint);
  arena_.live_changed(arena_.segment_of(fresh.ref));
  ++stats_.curr_items;
  ++stats_.total_items;
  stats_.bytes += footprint + (is_external(h) ? item_external(h).size : 0);
  maybe_grow_index();
}

void cache::unlink(uint32_t* link, uint32_t ref, item_header* h, unlink_reason why) {
  *link = h->next;
  ++chain_epoch_;
  switch (why) {
    case unlink_reason::replaced:
    case unlink_reason::deleted:
      break;
    case unlink_reason::expired:
      ++stats_.reclaimed;
      if ((h->bits & k_fetched) == 0) ++stats_.expired_unfetched;
      break;
    case unlink_reason::flushed:
      ++stats_.reclaimed;
      break;
    case unlink_reason::evicted:
      ++stats_.evictions;
      if ((h->bits & k_fetched) == 0) ++stats_.evicted_unfetched;
      if ((h->bits & k_accessed) != 0) ++stats_.evicted_active;
      break;
  }
  --stats_.curr_items;
  stats_.bytes -= item_footprint(h) + (is_external(h) ? item_external(h).size : 0);
  retire(ref, h, /*free_external=*/true);
}

arith_result cache::incr(std::string_view key, uint64_t hash, uint64_t delta, cache_time now) {
  return arith(true, key, hash, delta, now);
}

arith_result cache::decr(std::string_view key, uint64_t hash, uint64_t delta, cache_time now) {
  return arith(false, key, hash, delta, now);
}

arith_result cache::arith(bool incr, std::string_view key, uint64_t hash, uint64_t delta,
                          cache_time now) {
  enter(now);
  const found f = find_live(key, hash);
  if (f.item == nullptr) {
    ++(incr ? stats_.incr_misses : stats_.decr_misses);
    return {arith_status::not_found, 0};
  }
  const std::string_view old_value = item_value(f.item);
  uint64_t v = 0;
  if (!parse_counter(old_value, &v)) return {arith_status::non_numeric, 0};
  ++(incr ? stats_.incr_hits : stats_.decr_hits);
  if (incr) {
    v += delta;  // wraps modulo 2^64, as memcached
  } else {
    v = delta > v ? 0 : v - delta;
  }
  char digits[k_max_counter_digits];
  const size_t n = format_counter(v, digits);

  if (n <= old_value.size()) {
    // In place, padded with spaces to the old length: memcached stores "99 "
    // for 100 decr 1 (and replies 99).
    char* p = const_cast<char*>(old_value.data());
    std::memcpy(p, digits, n);
    std::memset(p + n, ' ', old_value.size() - n);
    set_item_cas(f.item, next_cas());
    return {arith_status::ok, v};
  }

  // Longer: a new item with the same flags and expiry (memcached counts it in
  // total_items, as a new link).
  const uint32_t flags = f.item->client_flags;
  const cache_time expiry = f.item->expiry;
  const uint64_t epoch = chain_epoch_;
  const fresh_item fresh = allocate(key.size(), n);
  if (fresh.item == nullptr) return {arith_status::no_memory, 0};
  std::memcpy(fresh.value, digits, n);
  item_header* h = fresh.item;
  set_item_cas(h, next_cas());
  h->expiry = expiry;
  h->client_flags = flags;
  h->last_access = now_;
  link_new(fresh, key, hash, chain_epoch_ == epoch ? &f : nullptr);
  return {arith_status::ok, v};
}

void cache::flush_all(int64_t delay, cache_time now) {
  enter(now);
  ++stats_.cmd_flush;
  if (delay > 0) {
    const cache_time deadline = expiry_from_exptime(delay, now_, config_.clock_epoch_unix);
    if (deadline > now_) {
      // Replaces any pending deadline; one that already passed was applied
      // by enter() and stays applied.
      flush_pending_ = true;
      flush_deadline_ = deadline;
      return;
    }
  }
  promote_flush();
}

cache_stats cache::stats() const {
  cache_stats s = stats_;
  s.limit_maxbytes = config_.memory_limit;
  s.memory_used = memory_used();
  s.segment_bytes = arena_.mapped_count() * arena_.segment_size();
  s.external_bytes = external_bytes_;
  s.hash_bytes = index_.memory_bytes();
  s.hash_buckets = index_.bucket_count();
  s.segments_free = arena_.free_count();
  return s;
}

void cache::reset_stats() {
  const cache_stats old = stats_;
  stats_ = cache_stats{};
  stats_.curr_items = old.curr_items;
  stats_.bytes = old.bytes;
}

}  // namespace shoal
