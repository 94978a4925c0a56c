// hash_index on its own, over a fake item table: linear-hashing splits keep
// every item findable in the bucket its hash names, one bucket at a time.
#include "cache/hash_index.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace shoal::cache_detail {
namespace {

struct fake_items {
  std::vector<uint64_t> hash{0};  // ref 0 is "none"
  std::vector<uint32_t> next{0};

  uint32_t add(hash_index& index, uint64_t h) {
    const uint32_t ref = static_cast<uint32_t>(hash.size());
    hash.push_back(h);
    uint32_t* slot = index.slot(h);
    next.push_back(*slot);
    *slot = ref;
    return ref;
  }
  bool findable(hash_index& index, uint32_t ref) {
    for (uint32_t r = *index.slot(hash[ref]); r != 0; r = next[r]) {
      if (r == ref) return true;
    }
    return false;
  }
  void split(hash_index& index) {
    index.split_one([&](uint32_t r) { return hash[r]; },
                    [&](uint32_t r) -> uint32_t& { return next[r]; });
  }
};

TEST(HashIndexTest, StartsWithOneChunkOfEmptyBuckets) {
  hash_index index;
  EXPECT_EQ(index.bucket_count(), hash_index::k_chunk_buckets);
  EXPECT_EQ(*index.slot(12345), 0u);
  EXPECT_GE(index.memory_bytes(), hash_index::k_chunk_buckets * sizeof(uint32_t));
}

TEST(HashIndexTest, SplittingOneBucketAtATimeKeepsEveryItemFindable) {
  hash_index index;
  fake_items items;
  std::mt19937_64 rng(42);
  for (int i = 0; i < 200000; ++i) {
    items.add(index, rng());
    while (items.hash.size() - 1 > index.bucket_count()) items.split(index);
  }
  EXPECT_GE(index.bucket_count(), 200000u);
  EXPECT_LT(index.bucket_count(), 200002u);
  for (uint32_t ref = 1; ref < items.hash.size(); ++ref) {
    ASSERT_TRUE(items.findable(index, ref)) << ref;
  }
}

TEST(HashIndexTest, EveryBucketHoldsOnlyItemsThatHashToIt) {
  hash_index index;
  fake_items items;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 50000; ++i) {
    items.add(index, rng());
    if (i % 2 == 0) items.split(index);
  }
  size_t seen = 0;
  for (size_t b = 0; b < index.bucket_count(); ++b) {
    for (uint32_t r = *index.bucket_at(b); r != 0; r = items.next[r]) {
      ASSERT_EQ(index.slot(items.hash[r]), index.bucket_at(b));
      ++seen;
    }
  }
  EXPECT_EQ(seen, 50000u);
}

TEST(HashIndexTest, ChainsStayShortAtLoadFactorOne) {
  hash_index index;
  fake_items items;
  std::mt19937_64 rng(3);
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    items.add(index, rng());
    while (items.hash.size() - 1 > index.bucket_count()) items.split(index);
  }
  size_t longest = 0;
  for (size_t b = 0; b < index.bucket_count(); ++b) {
    size_t len = 0;
    for (uint32_t r = *index.bucket_at(b); r != 0; r = items.next[r]) ++len;
    longest = std::max(longest, len);
  }
  EXPECT_LE(longest, 12u);
}

TEST(HashIndexTest, ReportsTheBytesTheNextSplitAllocates) {
  hash_index index;
  fake_items items;
  EXPECT_GT(index.next_split_bytes(), 0u);  // bucket 4096 is in a new chunk
  const size_t before = index.memory_bytes();
  items.split(index);
  EXPECT_GT(index.memory_bytes(), before);
  EXPECT_EQ(index.next_split_bytes(), 0u);
}

}  // namespace
}  // namespace shoal::cache_detail
