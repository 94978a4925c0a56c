// Where items are put, and the accounting that keeps the store under its
// limit. See docs/cache.md#memory.
//
// Items are appended to an open "write head" segment. Large values get their
// own page-rounded mapping and leave a small stub in the segment. Everything
// mapped (segments, free segments included, external values, the index and the
// arena's tables) counts against config.memory_limit.
//
// The reserve: normal allocations keep committed_bytes() (everything but free
// segments) at most limit - one segment. The cleaner alone may use that last
// segment, to hold the live items it copies out of a victim before the victim
// is freed; so cleaning can always make progress, and a victim never needs
// more than one new segment (its survivors total at most one segment).
#include <cstring>

#include "base/hash.h"
#include "cache/cache.h"
#include "cache/os_memory.h"

namespace shoal {

using namespace cache_detail;

size_t cache::committed_bytes() const {
  return (arena_.mapped_count() - arena_.free_count()) * arena_.segment_size() + external_bytes_ +
         index_.memory_bytes() + arena_.table_bytes();
}

size_t cache::memory_used() const {
  return arena_.mapped_count() * arena_.segment_size() + external_bytes_ + index_.memory_bytes() +
         arena_.table_bytes();
}

// Cleans until `bytes` more can be committed without touching the reserve.
bool cache::make_room(size_t bytes) {
  while (committed_bytes() + bytes > soft_limit()) {
    if (!clean_one()) return false;
  }
  return true;
}

// make_room(), then gives free segments back to the kernel until `bytes` of
// memory that is not a segment can be mapped within the limit.
bool cache::make_room_unmapped(size_t bytes) {
  if (!make_room(bytes)) return false;
  while (memory_used() + bytes > config_.memory_limit) {
    const bool unmapped = arena_.unmap_one_free();
    SHOAL_ASSERT(unmapped);  // committed + bytes <= soft limit < limit
  }
  return true;
}

cache::fresh_item cache::allocate(size_t key_len, size_t value_len) {
  fresh_item fresh;
  const size_t footprint = item_footprint(key_len, value_len);
  if (footprint <= inline_limit_) {
    char* p = carve_write(footprint, &fresh.ref);
    if (p == nullptr) return {};
    fresh.item = header_at(p);
    fresh.item->bits = make_bits(key_len, 0, value_len);
    fresh.value = inline_value_data(fresh.item);
    return fresh;
  }
  // A large value: its own mapping, and a stub in the write head.
  const size_t mapped = page_round(value_len);
  if (!make_room_unmapped(mapped)) return {};
  char* data = map_memory(mapped);
  if (data == nullptr) return {};
  external_bytes_ += mapped;
  char* p = carve_write(item_footprint(key_len, sizeof(external_value)), &fresh.ref);
  if (p == nullptr) {
    unmap_memory(data, mapped);
    external_bytes_ -= mapped;
    return {};
  }
  fresh.item = header_at(p);
  fresh.item->bits = make_bits(key_len, k_external, 0);
  const external_value ext{data, value_len};
  std::memcpy(inline_value_data(fresh.item), &ext, sizeof ext);
  fresh.value = data;
  return fresh;
}

// Gives back an allocated item that will not be linked: its bytes stay in the
// segment as a dead item, which the cleaner skips.
void cache::abandon(const fresh_item& fresh) {
  item_header* h = fresh.item;
  if (is_external(h)) {
    const external_value ext = item_external(h);
    unmap_memory(ext.data, page_round(ext.size));
    external_bytes_ -= page_round(ext.size);
  }
  h->bits |= k_dead;
}

// `bytes` at the end of the write head, opening a new head when it is full.
char* cache::carve_write(size_t bytes, uint32_t* ref) {
  pace(bytes);
  uint32_t seg = write_head_;
  if (seg == 0 || arena_.segment_size() - arena_.info(seg).used < bytes) {
    if (open_write_head()) {
      seg = write_head_;
    } else if (cleaner_.victim == 0 && survivor_head_ != 0 &&
               arena_.segment_size() - arena_.info(survivor_head_).used >= bytes) {
      // Out of segments (evictions off): room freed by compaction sits in the
      // survivor head; it may take new items while no victim needs it.
      seg = survivor_head_;
    } else {
      return nullptr;
    }
  }
  segment_info& s = arena_.info(seg);
  const uint32_t offset = s.used;
  s.used += static_cast<uint32_t>(bytes);
  *ref = arena_.ref_at(seg, offset);
  return arena_.base(seg) + offset;
}

// Retires a full head: sealed into the FIFO, or freed at once if nothing in it
// is alive any more.
static void retire_head(segment_arena& arena, uint32_t seg) {
  if (arena.info(seg).live == 0) {
    arena.release(seg);
  } else {
    arena.seal(seg);
  }
}

bool cache::open_write_head() {
  if (write_head_ != 0) {
    retire_head(arena_, write_head_);
    write_head_ = 0;
  }
  if (!make_room(arena_.segment_size())) return false;
  write_head_ = arena_.open();
  return write_head_ != 0;
}

// `bytes` at the end of the survivor head, for the cleaner. May use the
// reserve. Returns nullptr only if the kernel refuses memory.
char* cache::carve_survivor(size_t bytes, uint32_t* ref) {
  const size_t segment = arena_.segment_size();
  if (survivor_head_ == 0 || segment - arena_.info(survivor_head_).used < bytes) {
    if (survivor_head_ != 0) retire_head(arena_, survivor_head_);
    survivor_head_ = 0;
    SHOAL_ASSERT(committed_bytes() + segment <= config_.memory_limit);
    survivor_head_ = arena_.open();
    if (survivor_head_ == 0) return nullptr;
  }
  segment_info& s = arena_.info(survivor_head_);
  const uint32_t offset = s.used;
  s.used += static_cast<uint32_t>(bytes);
  *ref = arena_.ref_at(survivor_head_, offset);
  return arena_.base(survivor_head_) + offset;
}

// Marks an unlinked (or moved) item dead and takes it out of its segment's
// live bytes; frees its external value unless the value moved with it.
void cache::retire(uint32_t ref, item_header* h, bool free_external) {
  const uint32_t seg = arena_.segment_of(ref);
  h->bits |= k_dead;
  arena_.info(seg).live -= static_cast<uint32_t>(item_footprint(h));
  arena_.live_changed(seg);
  if (free_external && is_external(h)) {
    const external_value ext = item_external(h);
    const size_t mapped = page_round(ext.size);
    unmap_memory(ext.data, mapped);
    external_bytes_ -= mapped;
  }
}

// The link that points at `ref`: found through the item's hash, recomputed
// from its key (items do not store their hash; see docs/cache.md#items).
uint32_t* cache::link_of(uint32_t ref, const item_header* h) {
  uint32_t* link = index_.slot(hash_key(item_key(h), config_.hash_seed));
  while (*link != ref) {
    SHOAL_ASSERT_MSG(*link != 0, "live item missing from its index chain");
    link = &item_at(*link)->next;
  }
  return link;
}

// Linear hashing keeps about one item per bucket: each new item splits at most
// one bucket (bounded work), and a split that needs a new chunk makes room
// for it first, or is skipped when it cannot (evictions off and full).
void cache::maybe_grow_index() {
  while (stats_.curr_items > index_.bucket_count()) {
    const size_t need = index_.next_split_bytes();
    if (need != 0 && !make_room_unmapped(need)) return;
    if (stats_.curr_items <= index_.bucket_count()) return;
    ++chain_epoch_;
    index_.split_one(
        [this](uint32_t ref) { return hash_key(item_key(item_at(ref)), config_.hash_seed); },
        [this](uint32_t ref) -> uint32_t& { return item_at(ref)->next; });
  }
}

void cache::check_invariants() const {
  cache& self = const_cast<cache&>(*this);
  const size_t segment = arena_.segment_size();
  uint64_t items = 0;
  uint64_t bytes = 0;
  size_t external = 0;
  size_t free_segments = 0;
  size_t mapped = 0;
  for (uint32_t seg = 1; seg <= arena_.max_segments(); ++seg) {
    const segment_info& s = arena_.info(seg);
    if (s.state == segment_state::unmapped) {
      SHOAL_ASSERT(arena_.base(seg) == nullptr);
      continue;
    }
    ++mapped;
    if (s.state == segment_state::free) {
      ++free_segments;
      continue;
    }
    SHOAL_ASSERT(s.used <= segment);
    SHOAL_ASSERT((s.state == segment_state::cleaning) == (seg == cleaner_.victim));
    SHOAL_ASSERT((s.state == segment_state::open) == (seg == write_head_ || seg == survivor_head_));
    uint32_t live = 0;
    uint32_t off = 0;
    while (off < s.used) {
      item_header* h = header_at(arena_.base(seg) + off);
      const size_t fp = item_footprint(h);
      SHOAL_ASSERT(fp >= sizeof(item_header) && off + fp <= s.used);
      if (!is_dead(h)) {
        live += static_cast<uint32_t>(fp);
        ++items;
        bytes += fp;
        if (is_external(h)) {
          const external_value ext = item_external(h);
          bytes += ext.size;
          external += page_round(ext.size);
        }
        // Reachable from its own bucket.
        self.link_of(arena_.ref_at(seg, off), h);
      }
      off += static_cast<uint32_t>(fp);
    }
    SHOAL_ASSERT(live == s.live);
  }
  // Every chained item is alive, and no chain holds more than curr_items.
  uint64_t chained = 0;
  for (size_t b = 0; b < index_.bucket_count(); ++b) {
    for (uint32_t ref = *self.index_.bucket_at(b); ref != 0; ref = item_at(ref)->next) {
      SHOAL_ASSERT(!is_dead(item_at(ref)));
      SHOAL_ASSERT(++chained <= items);
    }
  }
  SHOAL_ASSERT(chained == items);
  SHOAL_ASSERT(items == stats_.curr_items);
  SHOAL_ASSERT(bytes == stats_.bytes);
  SHOAL_ASSERT(external == external_bytes_);
  SHOAL_ASSERT(mapped == arena_.mapped_count() && free_segments == arena_.free_count());
  SHOAL_ASSERT(memory_used() <= config_.memory_limit);
  SHOAL_ASSERT(committed_bytes() <= (cleaner_.victim == 0 ? soft_limit() : config_.memory_limit));
}

}  // namespace shoal
