// segment_arena owns the fixed-size segments items are appended to, and knows
// which are free, open (being appended to), sealed (full, in age order) or
// being cleaned. It addresses items with 32-bit references: segment number and
// offset in 8-byte units, so 2^32 * 8 bytes = 32 GiB of segments at most.
//
// Sealed segments sit in a FIFO (oldest first, the eviction order) and in one
// of k_bins occupancy bins (live bytes in eighths of a segment), so that the
// cleaner finds the emptiest segment in O(1).
//
// It does no accounting against the memory limit: the cache decides when a
// segment may be mapped. Single-threaded, owned by one cache.
// See docs/cache.md#memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/assert.h"

namespace shoal::cache_detail {

enum class segment_state : uint8_t { unmapped, free, open, sealed, cleaning };

struct segment_info {
  uint32_t used = 0;       // bytes handed out, from the start
  uint32_t live = 0;       // bytes of linked items
  uint32_t fifo_prev = 0;  // sealed FIFO links; fifo_next also chains the free
  uint32_t fifo_next = 0;  //   and unmapped stacks
  uint32_t bin_prev = 0;   // occupancy bin links (sealed only)
  uint32_t bin_next = 0;
  uint32_t generation = 0;  // bumped each time the segment is opened
  segment_state state = segment_state::unmapped;
  uint8_t bin = 0;
};

class segment_arena {
 public:
  static constexpr int k_bins = 9;  // live * 8 / segment_size, 0..8

  // `segment_size` is a power of two from 4 KiB to 1 MiB; ids 1..max_segments.
  segment_arena(size_t segment_size, uint32_t max_segments);
  ~segment_arena();

  segment_arena(const segment_arena&) = delete;
  segment_arena& operator=(const segment_arena&) = delete;

  size_t segment_size() const { return segment_size_; }
  uint32_t max_segments() const { return static_cast<uint32_t>(bases_.size() - 1); }

  char* address(uint32_t ref) const {
    return bases_[ref >> unit_shift_] + (static_cast<size_t>(ref & unit_mask_) << 3);
  }
  uint32_t segment_of(uint32_t ref) const { return ref >> unit_shift_; }
  uint32_t ref_at(uint32_t seg, size_t offset) const {
    SHOAL_DEBUG_ASSERT(offset % 8 == 0 && offset < segment_size_);
    return (seg << unit_shift_) | static_cast<uint32_t>(offset >> 3);
  }
  char* base(uint32_t seg) const { return bases_[seg]; }
  segment_info& info(uint32_t seg) { return info_[seg]; }
  const segment_info& info(uint32_t seg) const { return info_[seg]; }

  // An empty segment to append to: a free one, else a newly mapped one.
  // Returns 0 when there is neither (no id left, or the kernel refused).
  uint32_t open();
  bool has_free() const { return free_head_ != 0; }

  // open -> sealed: joins the FIFO as the newest and its occupancy bin.
  void seal(uint32_t seg);
  // sealed -> cleaning: leaves the FIFO and its bin.
  void begin_cleaning(uint32_t seg);
  // open or cleaning -> free. The segment must hold no live item.
  void release(uint32_t seg);
  // Unmaps one free segment; false if there is none.
  bool unmap_one_free();

  // Re-bins a sealed segment after its live bytes changed; no-op otherwise.
  void live_changed(uint32_t seg) {
    segment_info& s = info_[seg];
    if (s.state == segment_state::sealed && bin_of(s.live) != s.bin) move_bin(seg);
  }

  // The oldest sealed segment, 0 if none.
  uint32_t oldest_sealed() const { return fifo_head_; }
  // A sealed segment from the emptiest non-empty bin <= max_bin, 0 if none.
  uint32_t sparsest_sealed(int max_bin) const;
  // The sealed segment with the most dead bytes (used - live), 0 if none has
  // any. O(sealed segments): for the no-eviction mode only.
  uint32_t most_dead_sealed() const;

  size_t mapped_count() const { return mapped_; }
  size_t free_count() const { return free_count_; }
  // Bytes of the arena's own tables.
  size_t table_bytes() const {
    return bases_.capacity() * sizeof(char*) + info_.capacity() * sizeof(segment_info);
  }

 private:
  int bin_of(uint32_t live) const {
    return static_cast<int>((static_cast<uint64_t>(live) * 8) >> segment_shift_);
  }
  void bin_insert(uint32_t seg);
  void bin_remove(uint32_t seg);
  void move_bin(uint32_t seg) {
    bin_remove(seg);
    bin_insert(seg);
  }

  size_t segment_size_;
  unsigned segment_shift_;  // log2(segment_size_)
  unsigned unit_shift_;     // log2(segment_size_ / 8): offset bits of a ref
  uint32_t unit_mask_;
  std::vector<char*> bases_;  // by id; [0] unused
  std::vector<segment_info> info_;
  uint32_t free_head_ = 0;      // stack of free (mapped) segments
  uint32_t unmapped_head_ = 0;  // stack of unused ids
  uint32_t fifo_head_ = 0;      // oldest sealed
  uint32_t fifo_tail_ = 0;      // newest sealed
  uint32_t bin_head_[k_bins] = {};
  size_t mapped_ = 0;
  size_t free_count_ = 0;
};

}  // namespace shoal::cache_detail
