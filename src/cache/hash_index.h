// hash_index maps a key's hash to the head of a chain of items. Buckets hold
// 32-bit item references (0 = empty); the chain continues through each item's
// `next` field, so the index costs 4 bytes per bucket and nothing per item.
//
// It grows by linear hashing: one bucket is split at a time (split_one()), so
// the table never rehashes as a whole and no operation pauses. Buckets live in
// fixed-size chunks reached through a small directory, so growing never copies
// buckets either. It never shrinks (memcached's table does not either).
//
// It uses the low bits of the 64-bit hash; the high 32 bits choose the shard.
// Not thread-safe: one shard's cache owns it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "base/assert.h"

namespace shoal::cache_detail {

class hash_index {
 public:
  static constexpr size_t k_chunk_buckets = 4096;  // 16 KiB of buckets per chunk

  // Starts with `initial_buckets` (a power of two, at least one chunk).
  explicit hash_index(size_t initial_buckets = k_chunk_buckets);

  hash_index(const hash_index&) = delete;
  hash_index& operator=(const hash_index&) = delete;

  // The chain head for `hash`.
  uint32_t* slot(uint64_t hash) {
    size_t b = hash & high_mask_;
    if (b >= count_) b &= low_mask_;
    return &chunks_[b / k_chunk_buckets][b % k_chunk_buckets];
  }

  size_t bucket_count() const { return count_; }

  // Bucket `b` < bucket_count(), for audits that walk every chain.
  uint32_t* bucket_at(size_t b) { return bucket(b); }

  // Bytes allocated: bucket chunks and the directory.
  size_t memory_bytes() const {
    return chunks_.size() * k_chunk_buckets * sizeof(uint32_t) +
           chunks_.capacity() * sizeof(uint32_t*);
  }

  // Bytes the next split_one() will allocate (a new chunk, perhaps a bigger
  // directory), so the caller can make room first.
  size_t next_split_bytes() const;

  // Splits one bucket: the items of the next bucket in split order whose hash
  // has the new high bit move to the new bucket. `hash_of(ref)` returns an
  // item's hash, `next_of(ref)` a reference to its chain link.
  template <class HashOf, class NextOf>
  void split_one(HashOf&& hash_of, NextOf&& next_of);

 private:
  uint32_t* bucket(size_t b) { return &chunks_[b / k_chunk_buckets][b % k_chunk_buckets]; }

  std::vector<std::unique_ptr<uint32_t[]>> chunks_;
  size_t count_;      // buckets in use: in [2^L, 2^(L+1))
  size_t low_mask_;   // 2^L - 1
  size_t high_mask_;  // 2^(L+1) - 1
};

template <class HashOf, class NextOf>
void hash_index::split_one(HashOf&& hash_of, NextOf&& next_of) {
  const size_t from = count_ & low_mask_;  // count_ - 2^L
  const size_t to = count_;
  if (to / k_chunk_buckets >= chunks_.size()) {
    chunks_.push_back(std::make_unique<uint32_t[]>(k_chunk_buckets));  // zeroed
  }
  // Walk the old chain once, unhooking items that belong to the new bucket and
  // appending them there in order.
  uint32_t* link = bucket(from);
  uint32_t* tail = bucket(to);
  SHOAL_DEBUG_ASSERT(*tail == 0);
  while (*link != 0) {
    const uint32_t ref = *link;
    uint32_t& next = next_of(ref);
    if ((hash_of(ref) & high_mask_) == to) {
      *link = next;
      next = 0;
      *tail = ref;
      tail = &next;
    } else {
      link = &next;
    }
  }
  ++count_;
  if (count_ == high_mask_ + 1) {
    low_mask_ = high_mask_;
    high_mask_ = high_mask_ * 2 + 1;
  }
}

}  // namespace shoal::cache_detail
