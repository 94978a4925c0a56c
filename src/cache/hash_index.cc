// Linear hashing (Litwin, 1980) over a chunked bucket array. See hash_index.h
// for the contract and docs/cache.md#index for the numbers.
#include "cache/hash_index.h"

#include <bit>

namespace shoal::cache_detail {

hash_index::hash_index(size_t initial_buckets)
    : count_(initial_buckets), low_mask_(initial_buckets - 1), high_mask_(initial_buckets * 2 - 1) {
  SHOAL_ASSERT(std::has_single_bit(initial_buckets) && initial_buckets >= k_chunk_buckets);
  const size_t chunks = initial_buckets / k_chunk_buckets;
  chunks_.reserve(chunks * 2);
  for (size_t i = 0; i < chunks; ++i)
    chunks_.push_back(std::make_unique<uint32_t[]>(k_chunk_buckets));
}

size_t hash_index::next_split_bytes() const {
  if (count_ / k_chunk_buckets < chunks_.size()) return 0;
  size_t bytes = k_chunk_buckets * sizeof(uint32_t);
  if (chunks_.size() == chunks_.capacity()) bytes += chunks_.capacity() * sizeof(uint32_t*);
  return bytes;
}

}  // namespace shoal::cache_detail
