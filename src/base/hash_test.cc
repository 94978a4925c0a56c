#include "base/hash.h"

#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <set>
#include <string>
#include <vector>

namespace shoal {
namespace {

TEST(HashTest, IsDeterministicAndLengthSensitive) {
  EXPECT_EQ(hash_key("abc"), hash_key("abc"));
  EXPECT_NE(hash_key("abc"), hash_key("abd"));
  EXPECT_NE(hash_key(std::string_view("a\0", 2)), hash_key(std::string_view("a", 1)));
  EXPECT_NE(hash_key(""), hash_key(std::string_view("\0", 1)));
  EXPECT_NE(hash_key("abc", 1), hash_key("abc", 2));
}

TEST(HashTest, DistinctKeysOfEveryLengthDoNotCollide) {
  std::set<uint64_t> seen;
  size_t count = 0;
  for (size_t len = 0; len <= 64; ++len) {
    for (int i = 0; i < 500; ++i) {
      std::string key(len, 'k');
      for (size_t j = 0; j < len && j < 8; ++j) key[j] = static_cast<char>('a' + (i >> (j * 3)) % 26);
      if (len > 0) key[len - 1] = static_cast<char>(i & 0xff);
      seen.insert(hash_key(key) ^ (static_cast<uint64_t>(len) << 56));
      ++count;
    }
  }
  // Duplicates can only come from identical generated keys of length <= 1.
  EXPECT_GT(seen.size(), count - 1000);
}

TEST(HashTest, SingleBitFlipChangesAboutHalfTheOutputBits) {
  double total = 0;
  int samples = 0;
  for (int i = 0; i < 200; ++i) {
    std::string key = "key:" + std::to_string(i * 7919);
    const uint64_t base = hash_key(key);
    for (size_t byte = 0; byte < key.size(); ++byte) {
      for (int bit = 0; bit < 8; ++bit) {
        std::string flipped = key;
        flipped[byte] = static_cast<char>(flipped[byte] ^ (1 << bit));
        total += std::popcount(base ^ hash_key(flipped));
        ++samples;
      }
    }
  }
  const double mean = total / samples;
  EXPECT_GT(mean, 30.0);
  EXPECT_LT(mean, 34.0);
}

TEST(HashTest, ShardChoiceIsEvenForCountsThatAreNotPowersOfTwo) {
  for (unsigned shards : {1u, 2u, 3u, 5u, 7u}) {
    std::vector<int> counts(shards);
    const int keys = 70000;
    for (int i = 0; i < keys; ++i) ++counts[shard_of_hash(hash_key("user:" + std::to_string(i)), shards)];
    for (int c : counts) {
      EXPECT_NEAR(c, keys / static_cast<double>(shards), keys * 0.02 / shards + 200) << shards;
    }
  }
}

TEST(HashTest, LowBitsStayUniformWithinOneShard) {
  // The index uses the low bits: keys owned by one shard must still fill every bucket.
  const unsigned shards = 4;
  std::array<int, 64> buckets{};
  int owned = 0;
  for (int i = 0; i < 200000; ++i) {
    const uint64_t h = hash_key("k" + std::to_string(i));
    if (shard_of_hash(h, shards) != 1) continue;
    ++buckets[h & 63];
    ++owned;
  }
  for (int b : buckets) EXPECT_NEAR(b, owned / 64.0, owned / 64.0 * 0.1);
}

}  // namespace
}  // namespace shoal
