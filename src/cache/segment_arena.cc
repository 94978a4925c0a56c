// Segment bookkeeping: intrusive lists over a table indexed by segment id, so
// every state change is O(1) and allocation-free. See segment_arena.h.
#include "cache/segment_arena.h"

#include <bit>

#include "cache/os_memory.h"

namespace shoal::cache_detail {

segment_arena::segment_arena(size_t segment_size, uint32_t max_segments)
    : segment_size_(segment_size),
      segment_shift_(static_cast<unsigned>(std::countr_zero(segment_size))),
      unit_shift_(segment_shift_ - 3),
      unit_mask_((1u << unit_shift_) - 1),
      bases_(max_segments + 1, nullptr),
      info_(max_segments + 1) {
  SHOAL_ASSERT(std::has_single_bit(segment_size) && segment_size >= 4096 &&
               segment_size <= (1u << 20));
  SHOAL_ASSERT(max_segments >= 1 && (uint64_t{max_segments} << unit_shift_) < (uint64_t{1} << 32));
  for (uint32_t id = max_segments; id >= 1; --id) {
    info_[id].fifo_next = unmapped_head_;
    unmapped_head_ = id;
  }
}

segment_arena::~segment_arena() {
  for (size_t id = 1; id < bases_.size(); ++id) {
    if (bases_[id] != nullptr) unmap_memory(bases_[id], segment_size_);
  }
}

uint32_t segment_arena::open() {
  uint32_t seg = free_head_;
  if (seg != 0) {
    free_head_ = info_[seg].fifo_next;
    --free_count_;
  } else {
    seg = unmapped_head_;
    if (seg == 0) return 0;
    char* p = map_memory(segment_size_);
    if (p == nullptr) return 0;
    unmapped_head_ = info_[seg].fifo_next;
    bases_[seg] = p;
    ++mapped_;
  }
  segment_info& s = info_[seg];
  const uint32_t generation = s.generation + 1;
  s = segment_info{};
  s.generation = generation;
  s.state = segment_state::open;
  return seg;
}

void segment_arena::seal(uint32_t seg) {
  segment_info& s = info_[seg];
  SHOAL_ASSERT(s.state == segment_state::open);
  s.state = segment_state::sealed;
  s.fifo_next = 0;
  s.fifo_prev = fifo_tail_;
  if (fifo_tail_ != 0) {
    info_[fifo_tail_].fifo_next = seg;
  } else {
    fifo_head_ = seg;
  }
  fifo_tail_ = seg;
  bin_insert(seg);
}

void segment_arena::begin_cleaning(uint32_t seg) {
  segment_info& s = info_[seg];
  SHOAL_ASSERT(s.state == segment_state::sealed);
  if (s.fifo_prev != 0) {
    info_[s.fifo_prev].fifo_next = s.fifo_next;
  } else {
    fifo_head_ = s.fifo_next;
  }
  if (s.fifo_next != 0) {
    info_[s.fifo_next].fifo_prev = s.fifo_prev;
  } else {
    fifo_tail_ = s.fifo_prev;
  }
  s.fifo_prev = s.fifo_next = 0;
  bin_remove(seg);
  s.state = segment_state::cleaning;
}

void segment_arena::release(uint32_t seg) {
  segment_info& s = info_[seg];
  SHOAL_ASSERT(s.state == segment_state::open || s.state == segment_state::cleaning);
  SHOAL_ASSERT(s.live == 0);
  s.state = segment_state::free;
  s.used = 0;
  s.fifo_next = free_head_;
  free_head_ = seg;
  ++free_count_;
}

bool segment_arena::unmap_one_free() {
  const uint32_t seg = free_head_;
  if (seg == 0) return false;
  segment_info& s = info_[seg];
  free_head_ = s.fifo_next;
  --free_count_;
  unmap_memory(bases_[seg], segment_size_);
  bases_[seg] = nullptr;
  --mapped_;
  s.state = segment_state::unmapped;
  s.fifo_next = unmapped_head_;
  unmapped_head_ = seg;
  return true;
}

uint32_t segment_arena::sparsest_sealed(int max_bin) const {
  for (int b = 0; b <= max_bin && b < k_bins; ++b) {
    if (bin_head_[b] != 0) return bin_head_[b];
  }
  return 0;
}

uint32_t segment_arena::most_dead_sealed() const {
  uint32_t best = 0;
  uint32_t best_dead = 0;
  for (uint32_t seg = fifo_head_; seg != 0; seg = info_[seg].fifo_next) {
    const uint32_t dead = info_[seg].used - info_[seg].live;
    if (dead > best_dead) {
      best = seg;
      best_dead = dead;
    }
  }
  return best;
}

void segment_arena::bin_insert(uint32_t seg) {
  segment_info& s = info_[seg];
  const int b = bin_of(s.live);
  s.bin = static_cast<uint8_t>(b);
  s.bin_prev = 0;
  s.bin_next = bin_head_[b];
  if (bin_head_[b] != 0) info_[bin_head_[b]].bin_prev = seg;
  bin_head_[b] = seg;
}

void segment_arena::bin_remove(uint32_t seg) {
  segment_info& s = info_[seg];
  if (s.bin_prev != 0) {
    info_[s.bin_prev].bin_next = s.bin_next;
  } else {
    bin_head_[s.bin] = s.bin_next;
  }
  if (s.bin_next != 0) info_[s.bin_next].bin_prev = s.bin_prev;
  s.bin_prev = s.bin_next = 0;
}

}  // namespace shoal::cache_detail
