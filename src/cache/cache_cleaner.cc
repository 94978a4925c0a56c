// Cleaning: how full segments become free again, and the expiry sweep.
// See docs/cache.md#eviction-compaction-and-cleaning.
//
// A victim segment is either
// - compacted: every live item is copied to the survivor head, nothing is
//   lost. Chosen first, for any sealed segment less than 6/8 live: the dead
//   space of deleted, overwritten, expired and flushed items is reused before
//   anything live is evicted (memcached reuses such memory at once too); or
// - evicted: the oldest sealed segment. Items read since they were written (or
//   since their last second chance) are copied forward once more with their
//   bit cleared; the rest are evicted. This is CLOCK over a FIFO of segments,
//   an approximation of LRU measured against exact LRU in
//   bench/cache/lru_quality_bench.cc.
//
// Progress: a victim's survivors always fit in one new segment, so the reserve
// suffices. Compaction copies less than 6/8 of a segment. Second chances are
// paid from a credit that grows by 3/4 of every live byte an eviction victim
// holds and is capped at two segments: a victim that is all hot (say, a hot
// set loaded in one go) keeps all of it, but over time at most 3/4 of what
// eviction processes is kept, so cleaning frees at least a quarter of what it
// reads and CLOCK's worst case (every item recently read) stays bounded.
//
// A victim is processed item by item and may be left half done between calls:
// writes near the limit clean ahead in proportion to what they write (pace()),
// and do_maintenance() cleans ahead in the background, so an individual store
// rarely has to clean a whole segment.
#include <algorithm>
#include <cstring>

#include "cache/cache.h"

namespace shoal {

using namespace cache_detail;

namespace {

// Sealed segments in bins 0..5 (less than 6/8 live) are compacted rather than
// the oldest being evicted.
constexpr int k_compact_max_bin = 5;

// Bytes of victim cleaned per byte written once the store is near its limit.
constexpr size_t k_pace_factor = 4;

// Bytes of victim cleaned per unit of do_maintenance() budget.
constexpr size_t k_clean_bytes_per_unit = 128;

// Items a store that finds no memory (evictions off) may sweep for expired ones.
constexpr size_t k_sweep_on_no_memory = 4096;

}  // namespace

// Finishes the victim in progress, or picks one and cleans it whole. False if
// there is nothing to clean.
bool cache::clean_one() {
  if (cleaner_.victim == 0 && !start_victim(/*may_seal_heads=*/true)) {
    // Evictions off and no dead space: expired items the sweep has not reached
    // yet may be holding memory. Sweep a bounded stretch (the position carries
    // over, so failing stores work through the whole store in turn); any item
    // it reclaims makes dead space for the next try.
    if (config_.evictions || !may_expire_) return false;
    const uint64_t reclaimed = stats_.crawler_reclaimed;
    sweep(k_sweep_on_no_memory);
    return stats_.crawler_reclaimed != reclaimed;
  }
  clean_step(SIZE_MAX);
  return true;
}

bool cache::start_victim(bool may_seal_heads) {
  uint32_t seg = 0;
  bool compacting = true;
  if (config_.evictions) {
    seg = arena_.sparsest_sealed(k_compact_max_bin);
    if (seg == 0) {
      seg = arena_.oldest_sealed();
      compacting = false;
    }
    if (seg == 0 && may_seal_heads) {
      // Nothing sealed: all items sit in the heads (a tiny store full of large
      // values). Seal one so it can be evicted.
      uint32_t* head =
          write_head_ != 0 && arena_.info(write_head_).used > 0 ? &write_head_ : &survivor_head_;
      if (*head != 0 && arena_.info(*head).used > 0) {
        arena_.seal(*head);
        seg = *head;
        *head = 0;
        compacting = false;
      }
    }
  } else {
    // Evictions off: only dead space can be reclaimed.
    seg = arena_.most_dead_sealed();
  }
  if (seg == 0) return false;
  arena_.begin_cleaning(seg);
  cleaner_ = cleaner_state{seg, 0, compacting};
  return true;
}

// Cleans items of the current victim until `budget_bytes` of it were
// processed or it is done. Returns the bytes processed.
size_t cache::clean_step(size_t budget_bytes) {
  const uint32_t seg = cleaner_.victim;
  SHOAL_ASSERT(seg != 0);
  const segment_info& s = arena_.info(seg);
  char* base = arena_.base(seg);
  size_t done = 0;
  while (cleaner_.offset < s.used && done < budget_bytes) {
    item_header* h = header_at(base + cleaner_.offset);
    const size_t footprint = item_footprint(h);
    if (!is_dead(h)) clean_item(arena_.ref_at(seg, cleaner_.offset), h);
    cleaner_.offset += static_cast<uint32_t>(footprint);
    done += footprint;
  }
  if (cleaner_.offset >= s.used) finish_victim();
  return done;
}

void cache::clean_item(uint32_t ref, item_header* h) {
  if (is_expired(h)) {
    unlink(link_of(ref, h), ref, h, unlink_reason::expired);
    return;
  }
  if (is_flushed(h)) {
    unlink(link_of(ref, h), ref, h, unlink_reason::flushed);
    return;
  }
  const size_t footprint = item_footprint(h);
  bool keep = cleaner_.compacting;
  if (!keep) {
    keep_credit_ = std::min(keep_credit_ + footprint * 3 / 4, 2 * arena_.segment_size());
    if ((h->bits & k_accessed) != 0 && keep_credit_ >= footprint) {
      keep_credit_ -= footprint;
      keep = true;
    }
  }
  if (keep) {
    uint32_t new_ref = 0;
    char* dst = carve_survivor(footprint, &new_ref);
    if (dst != nullptr) {
      uint32_t* link = link_of(ref, h);
      std::memcpy(dst, h, footprint);
      item_header* moved = header_at(dst);
      if (!cleaner_.compacting) moved->bits &= ~k_accessed;  // its second chance is used
      *link = new_ref;
      ++chain_epoch_;
      retire(ref, h, /*free_external=*/false);
      const uint32_t to = arena_.segment_of(new_ref);
      arena_.info(to).live += static_cast<uint32_t>(footprint);
      arena_.live_changed(to);
      ++stats_.items_relocated;
      return;
    }
    // The kernel refused a survivor segment: the item cannot be kept.
  }
  unlink(link_of(ref, h), ref, h, unlink_reason::evicted);
}

void cache::finish_victim() {
  const uint32_t seg = cleaner_.victim;
  SHOAL_ASSERT(arena_.info(seg).live == 0);
  arena_.release(seg);
  ++stats_.segments_cleaned;
  if (cleaner_.compacting) ++stats_.segments_compacted;
  cleaner_ = cleaner_state{};
}

// Called before `bytes` are appended to the write head: once the store is
// within two segments of its reserve, clean k_pace_factor times as much.
void cache::pace(size_t bytes) {
  if (!config_.evictions) return;
  if (cleaner_.victim == 0) {
    if (committed_bytes() + 2 * arena_.segment_size() <= soft_limit()) return;
    if (!start_victim(/*may_seal_heads=*/false)) return;
  }
  clean_step(k_pace_factor * bytes);
}

// Visits up to `budget` items in segment order, unlinking expired and flushed
// ones. The position survives between calls; a segment reused since is
// restarted from its beginning (its generation changed).
size_t cache::sweep(size_t budget) {
  size_t work = 0;
  const uint32_t last = arena_.max_segments();
  uint32_t hops = 0;
  while (work < budget && hops <= last) {
    const uint32_t seg = sweep_.segment;
    const segment_info& s = arena_.info(seg);
    const bool walkable = s.state == segment_state::open || s.state == segment_state::sealed;
    if (walkable && s.generation != sweep_.generation) {
      sweep_.generation = s.generation;
      sweep_.offset = 0;
    }
    if (walkable && sweep_.offset < s.used) {
      const uint32_t ref = arena_.ref_at(seg, sweep_.offset);
      item_header* h = item_at(ref);
      sweep_.offset += static_cast<uint32_t>(item_footprint(h));
      ++work;
      if (is_dead(h)) continue;
      ++stats_.crawler_items_checked;
      const bool expired = is_expired(h);
      if (expired || is_flushed(h)) {
        ++stats_.crawler_reclaimed;
        unlink(link_of(ref, h), ref, h, expired ? unlink_reason::expired : unlink_reason::flushed);
      }
      continue;
    }
    sweep_.segment = seg % last + 1;
    sweep_.offset = 0;
    sweep_.generation = arena_.info(sweep_.segment).generation;
    ++hops;
    ++work;
  }
  return work;
}

size_t cache::do_maintenance(cache_time now, size_t budget) {
  enter(now);
  size_t work = 0;
  // Clean ahead while the next write head would need cleaning.
  if (config_.evictions) {
    while (work < budget / 2 && committed_bytes() + 2 * arena_.segment_size() > soft_limit()) {
      if (cleaner_.victim == 0 && !start_victim(/*may_seal_heads=*/false)) break;
      const size_t want = (budget / 2 - work) * k_clean_bytes_per_unit;
      work += 1 + clean_step(want) / k_clean_bytes_per_unit;
    }
  }
  if (may_expire_ && stats_.curr_items > 0) work += sweep(budget > work ? budget - work : 0);
  return work;
}

}  // namespace shoal
