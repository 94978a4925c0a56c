#include "loadgen/key_generator.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace shoal::loadgen {
namespace {

std::string key(uint64_t index, size_t size) {
  std::string out(size, '?');
  format_key(index, size, out.data());
  return out;
}

TEST(KeyGeneratorTest, KeysAreZeroPaddedDecimalOfTheExactSize) {
  EXPECT_EQ(key(42, 6), "k00042");
  EXPECT_EQ(key(0, 2), "k0");
  EXPECT_EQ(key(99999, 6), "k99999");
  EXPECT_EQ(key(7, 32), "k" + std::string(30, '0') + "7");
}

TEST(KeyGeneratorTest, EveryIndexAndSizeMatchesPlainDecimal) {
  for (size_t size = 2; size <= 21; ++size) {
    for (uint64_t index :
         {0ULL, 1ULL, 9ULL, 10ULL, 99ULL, 100ULL, 101ULL, 999ULL, 1000ULL, 12345ULL, 99999ULL,
          100000ULL, 1234567ULL, 9876543210ULL, 18446744073709551615ULL}) {
      const std::string digits = std::to_string(index);
      if (digits.size() > size - 1) continue;
      EXPECT_EQ(key(index, size), "k" + std::string(size - 1 - digits.size(), '0') + digits)
          << index << " in " << size;
    }
  }
}

TEST(KeyGeneratorTest, MinKeySizeSpellsTheLargestIndex) {
  EXPECT_EQ(min_key_size(1), 2u);
  EXPECT_EQ(min_key_size(10), 2u);
  EXPECT_EQ(min_key_size(11), 3u);
  EXPECT_EQ(min_key_size(100'000), 6u);
  EXPECT_EQ(min_key_size(100'001), 7u);
}

TEST(KeyGeneratorTest, SequentialWalksFromItsStartAndWraps) {
  key_generator g(key_pattern::sequential, 5, 0, 1, 3);
  std::vector<uint64_t> got;
  for (int i = 0; i < 7; ++i) got.push_back(g.next());
  EXPECT_EQ(got, (std::vector<uint64_t>{3, 4, 0, 1, 2, 3, 4}));
}

TEST(KeyGeneratorTest, UniformCoversTheKeySpaceAndStaysInside) {
  key_generator g(key_pattern::uniform, 100, 0, 9);
  std::set<uint64_t> seen;
  for (int i = 0; i < 10'000; ++i) {
    const uint64_t k = g.next();
    ASSERT_LT(k, 100u);
    seen.insert(k);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(KeyGeneratorTest, ZipfMakesKeyZeroTheHottest) {
  key_generator g(key_pattern::zipf, 1000, 1.0, 3);
  std::vector<int> count(1000, 0);
  for (int i = 0; i < 100'000; ++i) ++count[g.next()];
  EXPECT_GT(count[0], count[1]);
  EXPECT_GT(count[1], count[10]);
}

TEST(KeyGeneratorTest, SameSeedSameSequence) {
  key_generator a(key_pattern::zipf, 1000, 0.9, 77), b(key_pattern::zipf, 1000, 0.9, 77);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.next(), b.next());
}

TEST(KeyGeneratorTest, PatternNamesRoundTrip) {
  for (auto p : {key_pattern::sequential, key_pattern::uniform, key_pattern::zipf}) {
    EXPECT_EQ(parse_key_pattern(to_string(p)), p);
  }
  EXPECT_FALSE(parse_key_pattern("gaussian"));
}

}  // namespace
}  // namespace shoal::loadgen
