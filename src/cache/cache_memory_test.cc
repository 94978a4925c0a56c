// The memory contract: never above the limit, every item that fits is stored,
// no calcification, dead memory reused before live items are evicted, and
// evictions-off behaviour. check_invariants() audits the accounting.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "cache/cache.h"
#include "cache/cache_test_util.h"

namespace shoal {
namespace {

using testing::cache_harness;

std::string key_for(const char* prefix, int i) { return prefix + std::to_string(i); }

// Value sizes from 0 to 1 MiB, most of them small, some past the inline limit.
size_t random_size(std::mt19937_64& rng) {
  switch (rng() % 8) {
    case 0:
      return rng() % 16;
    case 1:
    case 2:
    case 3:
      return rng() % 400;
    case 4:
    case 5:
      return rng() % 5000;
    case 6:
      return rng() % 70'000;
    default:
      return rng() % (1u << 20);
  }
}

TEST(CacheMemoryTest, RandomSizesNeverExceedTheLimitAndEveryFittingStoreSucceeds) {
  const uint64_t seed = testing::random_test_seed();
  SCOPED_TRACE(seed);
  std::mt19937_64 rng(seed);
  for (size_t limit : {size_t{256} << 10, size_t{3} << 20, size_t{16} << 20}) {
    cache_config config = testing::small_config(limit);
    cache_harness t(config);
    const std::string bytes(1u << 20, 'x');
    for (int i = 0; i < 6000; ++i) {
      const std::string key = key_for("k", static_cast<int>(rng() % 3000));
      const size_t size = random_size(rng);
      const store_result r = t.set(key, std::string_view(bytes).substr(0, size));
      if (t.c.fits(key.size(), size)) {
        ASSERT_EQ(r, store_result::stored) << "limit " << limit << " size " << size;
        auto v = t.get(key);
        ASSERT_TRUE(v);
        ASSERT_EQ(v->value.size(), size);
      } else {
        ASSERT_EQ(r, store_result::too_large);
      }
      ASSERT_LE(t.c.memory_used(), limit);
      if (i % 7 == 0) t.remove(key_for("k", static_cast<int>(rng() % 3000)));
      if (i % 11 == 0) t.c.do_maintenance(t.now, 64);
      if (i % 500 == 0) t.c.check_invariants();
      if (i % 97 == 0) ++t.now;
    }
    t.c.check_invariants();
    EXPECT_GT(t.c.stats().evictions, 0u) << limit;
  }
}

TEST(CacheMemoryTest, AppendsAndIncrementsUnderPressureKeepTheInvariants) {
  const uint64_t seed = testing::random_test_seed();
  SCOPED_TRACE(seed);
  std::mt19937_64 rng(seed);
  cache_harness t(testing::small_config(1u << 20));
  for (int i = 0; i < 20000; ++i) {
    const std::string key = key_for("k", static_cast<int>(rng() % 500));
    switch (rng() % 4) {
      case 0:
        t.set(key, std::to_string(rng() % 1000));
        break;
      case 1:
        t.store(store_mode::append, key, std::string(rng() % 3000, 'a'));
        break;
      case 2:
        t.incr(key, rng() % 1000000);
        break;
      default:
        t.store(store_mode::prepend, key, std::string(rng() % 100, 'p'));
        break;
    }
    ASSERT_LE(t.c.memory_used(), t.c.config().memory_limit);
    if (i % 1000 == 0) t.c.check_invariants();
  }
  t.c.check_invariants();
}

// Fill with one size, then write the other: the new items must be there.
double hit_ratio_after_switch(size_t from_size, size_t to_size) {
  cache_harness t(testing::small_config(16u << 20));
  const std::string from(from_size, 'f');
  const std::string to(to_size, 't');
  const size_t limit = t.c.config().memory_limit;
  for (size_t i = 0; i < 3 * limit / (from_size + 64); ++i) {
    t.set(key_for("old:", static_cast<int>(i)), from);
  }
  // New items worth half the memory: an LRU store keeps all of them.
  const int fresh = static_cast<int>(limit / 2 / (to_size + 64));
  for (int i = 0; i < fresh; ++i) {
    if (t.set(key_for("new:", i), to) != store_result::stored) return 0;
  }
  int hits = 0;
  for (int i = 0; i < fresh; ++i) hits += t.get(key_for("new:", i)).has_value();
  t.c.check_invariants();
  const double ratio = static_cast<double>(hits) / fresh;
  std::printf("%zu-byte values after %zu-byte ones: %d new items, hit ratio %.4f\n", to_size,
              from_size, fresh, ratio);
  return ratio;
}

TEST(CacheMemoryTest, SmallValuesDoNotStarveLargeOnes) {
  EXPECT_GT(hit_ratio_after_switch(100, 10 * 1024), 0.9);
}

TEST(CacheMemoryTest, LargeValuesDoNotStarveSmallOnes) {
  EXPECT_GT(hit_ratio_after_switch(10 * 1024, 100), 0.9);
}

TEST(CacheMemoryTest, ExpiredItemsAreReclaimedBeforeLiveOnesAreEvicted) {
  cache_harness t(testing::small_config(8u << 20));
  const std::string value(200, 'v');
  // Interleaved: every other item expires after 10 s.
  int n = 0;
  while (t.c.memory_used() < t.c.config().memory_limit * 8 / 10) {
    t.set(key_for("keep:", n), value);
    t.set(key_for("temp:", n), value, 0, 10);
    ++n;
  }
  ASSERT_EQ(t.c.stats().evictions, 0u);
  t.now += 10;
  for (int i = 0; i < 1000; ++i) t.c.do_maintenance(t.now, 1000);
  EXPECT_EQ(t.c.stats().curr_items, static_cast<uint64_t>(n));
  // As much again in new items: the expired ones' memory must take them.
  for (int i = 0; i < n; ++i) ASSERT_EQ(t.set(key_for("new:", i), value), store_result::stored);
  EXPECT_EQ(t.c.stats().evictions, 0u);
  for (int i = 0; i < n; ++i) ASSERT_TRUE(t.get(key_for("keep:", i))) << i;
  t.c.check_invariants();
}

TEST(CacheMemoryTest, OverwritingAWorkingSetThatFitsEvictsNothing) {
  cache_harness t(testing::small_config(8u << 20));
  const std::string value(300, 'v');
  std::mt19937_64 rng(7);
  const int keys = 12000;  // ~4 MB live in an 8 MiB store
  for (int i = 0; i < 300000; ++i) t.set(key_for("k", static_cast<int>(rng() % keys)), value);
  EXPECT_EQ(t.c.stats().evictions, 0u);
  EXPECT_GT(t.c.stats().segments_compacted, 0u);
  t.c.check_invariants();
}

TEST(CacheMemoryTest, RecentlyReadItemsSurviveAScanOfNewOnes) {
  cache_harness t(testing::small_config(4u << 20));
  const std::string value(100, 'v');
  for (int i = 0; i < 500; ++i) t.set(key_for("hot:", i), value);
  // A scan several times larger than the store, reading the hot set as it goes.
  for (int i = 0; i < 200000; ++i) {
    t.set(key_for("scan:", i), value);
    if (i % 20 == 0) t.get(key_for("hot:", (i / 20) % 500));
  }
  int hot = 0;
  for (int i = 0; i < 500; ++i) hot += t.get(key_for("hot:", i)).has_value();
  EXPECT_EQ(hot, 500);
  EXPECT_GT(t.c.stats().evictions, 100000u);
}

TEST(CacheMemoryTest, EvictionsCountUnfetchedItems) {
  cache_harness t(testing::small_config(1u << 20));
  for (int i = 0; i < 20000; ++i) t.set(key_for("k", i), std::string(100, 'v'));
  const cache_stats s = t.c.stats();
  EXPECT_GT(s.evictions, 0u);
  EXPECT_EQ(s.evicted_unfetched, s.evictions);
  EXPECT_EQ(s.curr_items + s.evictions, 20000u);
}

TEST(CacheMemoryTest, WithEvictionsOffAFullStoreFailsWithNoMemory) {
  cache_config config = testing::small_config(2u << 20);
  config.evictions = false;
  cache_harness t(config);
  const std::string value(10000, 'x');
  int stored = 0;
  store_result r = store_result::stored;
  while ((r = t.set(key_for("k", stored), value)) == store_result::stored) ++stored;
  EXPECT_EQ(r, store_result::no_memory);
  EXPECT_GT(stored, 150);
  EXPECT_EQ(t.c.stats().evictions, 0u);
  EXPECT_EQ(t.c.stats().store_no_memory, 1u);
  for (int i = 0; i < stored; ++i) ASSERT_TRUE(t.get(key_for("k", i))) << i;
  // A failed set of an existing key removes its old value, as memcached.
  EXPECT_EQ(t.set("k0", value + value), store_result::no_memory);
  EXPECT_FALSE(t.get("k0"));
  t.c.check_invariants();
}

TEST(CacheMemoryTest, WithEvictionsOffDeletedMemoryCanBeReused) {
  cache_config config = testing::small_config(2u << 20);
  config.evictions = false;
  cache_harness t(config);
  const std::string value(10000, 'x');
  int stored = 0;
  while (t.set(key_for("k", stored), value) == store_result::stored) ++stored;
  for (int round = 0; round < 50; ++round) {
    ASSERT_EQ(t.remove(key_for("k", round)), delete_result::deleted);
    ASSERT_EQ(t.set(key_for("again:", round), value), store_result::stored) << round;
    ASSERT_LE(t.c.memory_used(), t.c.config().memory_limit);
  }
  EXPECT_EQ(t.c.stats().evictions, 0u);
  for (int i = 50; i < stored; ++i) ASSERT_TRUE(t.get(key_for("k", i))) << i;
  t.c.check_invariants();
}

TEST(CacheMemoryTest, WithEvictionsOffExpiredItemsMakeRoomEvenBeforeTheSweep) {
  cache_config config = testing::small_config(2u << 20);
  config.evictions = false;
  cache_harness t(config);
  const std::string value(1000, 'x');
  int stored = 0;
  while (t.set(key_for("k", stored), value, 0, 10) == store_result::stored) ++stored;
  t.now += 10;  // all expired; no do_maintenance() call
  for (int i = 0; i < stored; ++i) {
    ASSERT_EQ(t.set(key_for("new:", i), value), store_result::stored) << i;
  }
  EXPECT_EQ(t.c.stats().evictions, 0u);
  t.c.check_invariants();
}

TEST(CacheMemoryTest, SegmentSizeFollowsTheLimit) {
  EXPECT_EQ(cache(testing::small_config(k_min_memory_limit)).segment_size(), 16u << 10);
  EXPECT_EQ(cache(testing::small_config(16u << 20)).segment_size(), 256u << 10);
  EXPECT_EQ(cache(testing::small_config(1u << 30)).segment_size(), 1u << 20);
}

}  // namespace
}  // namespace shoal
