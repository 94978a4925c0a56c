// Which operation counts what, as memcached 1.6.18 counts it (probed), and the
// cache_stats plumbing the server relies on.
#include "cache/cache_stats.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "cache/cache_test_util.h"

namespace shoal {
namespace {

using testing::cache_harness;

TEST(CacheStatsTest, GetsCountKeysHitsAndMisses) {
  cache_harness t;
  t.set("a", "1");
  t.get("a");
  t.get("a");
  t.get("missing");
  const cache_stats s = t.c.stats();
  EXPECT_EQ(s.cmd_get, 3u);
  EXPECT_EQ(s.get_hits, 2u);
  EXPECT_EQ(s.get_misses, 1u);
}

TEST(CacheStatsTest, GatCountsAsATouchNotAGet) {
  cache_harness t;
  t.set("a", "1");
  t.gat("a", 100);
  t.gat("b", 100);
  const cache_stats s = t.c.stats();
  EXPECT_EQ(s.cmd_get, 0u);
  EXPECT_EQ(s.get_hits, 0u);
  EXPECT_EQ(s.cmd_touch, 2u);
  EXPECT_EQ(s.touch_hits, 1u);
  EXPECT_EQ(s.touch_misses, 1u);
}

TEST(CacheStatsTest, StoresCountCmdSetAndSuccessfulOnesTotalItems) {
  cache_harness t;
  t.set("a", "1");
  t.store(store_mode::add, "a", "2");      // not stored
  t.store(store_mode::replace, "b", "2");  // not stored
  t.store(store_mode::append, "a", "2");
  const cache_stats s = t.c.stats();
  EXPECT_EQ(s.cmd_set, 4u);
  EXPECT_EQ(s.total_items, 2u);
  EXPECT_EQ(s.curr_items, 1u);
}

TEST(CacheStatsTest, CasCountsCmdSetAndOneOfHitsBadvalMisses) {
  cache_harness t;
  t.set("a", "1");
  const uint64_t cas = t.cas_of("a");
  t.store(store_mode::cas, "a", "2", 0, 0, cas + 99);
  t.store(store_mode::cas, "a", "2", 0, 0, cas);
  t.store(store_mode::cas, "zz", "2", 0, 0, cas);
  const cache_stats s = t.c.stats();
  EXPECT_EQ(s.cmd_set, 4u);
  EXPECT_EQ(s.cas_badval, 1u);
  EXPECT_EQ(s.cas_hits, 1u);
  EXPECT_EQ(s.cas_misses, 1u);
  EXPECT_EQ(s.total_items, 2u);
}

TEST(CacheStatsTest, DeleteIncrDecrAndTouchCountHitsAndMisses) {
  cache_harness t;
  t.set("n", "5");
  t.incr("n", 1);
  t.incr("x", 1);
  t.decr("n", 1);
  t.decr("x", 1);
  t.decr("x", 1);
  t.touch("n", 10);
  t.touch("x", 10);
  t.remove("n");
  t.remove("n");
  const cache_stats s = t.c.stats();
  EXPECT_EQ(s.incr_hits, 1u);
  EXPECT_EQ(s.incr_misses, 1u);
  EXPECT_EQ(s.decr_hits, 1u);
  EXPECT_EQ(s.decr_misses, 2u);
  EXPECT_EQ(s.cmd_touch, 2u);
  EXPECT_EQ(s.touch_hits, 1u);
  EXPECT_EQ(s.touch_misses, 1u);
  EXPECT_EQ(s.delete_hits, 1u);
  EXPECT_EQ(s.delete_misses, 1u);
}

TEST(CacheStatsTest, BytesAndCurrItemsFollowTheLinkedItems) {
  cache_harness t;
  EXPECT_EQ(t.c.stats().bytes, 0u);
  t.set("key", std::string(100, 'v'));
  // 28-byte header + 3-byte key + 100-byte value, rounded up to 8.
  EXPECT_EQ(t.c.stats().bytes, 136u);
  t.set("key", std::string(10, 'v'));
  EXPECT_EQ(t.c.stats().bytes, 48u);
  t.remove("key");
  EXPECT_EQ(t.c.stats().bytes, 0u);
  EXPECT_EQ(t.c.stats().curr_items, 0u);
}

TEST(CacheStatsTest, FlushLeavesCurrItemsUntilItemsAreReclaimed) {
  cache_harness t;
  t.set("a", "1");
  t.set("b", "1");
  t.flush_all();
  EXPECT_EQ(t.c.stats().curr_items, 2u);  // lazy, as memcached
  t.get("a");
  EXPECT_EQ(t.c.stats().curr_items, 1u);
}

TEST(CacheStatsTest, LimitAndMemoryGaugesAreReported) {
  cache_harness t(testing::small_config(8u << 20));
  const cache_stats s = t.c.stats();
  EXPECT_EQ(s.limit_maxbytes, 8u << 20);
  EXPECT_GT(s.memory_used, 0u);
  EXPECT_LE(s.memory_used, s.limit_maxbytes);
  EXPECT_EQ(s.memory_used, t.c.memory_used());
  EXPECT_GE(s.hash_buckets, 4096u);
}

TEST(CacheStatsTest, ResetZeroesCountersButKeepsGauges) {
  cache_harness t;
  t.set("a", "1");
  t.get("a");
  t.c.reset_stats();
  const cache_stats s = t.c.stats();
  EXPECT_EQ(s.cmd_get, 0u);
  EXPECT_EQ(s.cmd_set, 0u);
  EXPECT_EQ(s.total_items, 0u);
  EXPECT_EQ(s.curr_items, 1u);
  EXPECT_GT(s.bytes, 0u);
  EXPECT_EQ(s.limit_maxbytes, t.c.config().memory_limit);
}

TEST(CacheStatsTest, PlusEqualsSumsEveryField) {
  cache_stats a;
  cache_stats b;
  uint64_t i = 1;
  for (const auto& field : k_cache_stats_fields) {
    a.*field.member = i;
    b.*field.member = 1000 * i;
    ++i;
  }
  a += b;
  i = 1;
  for (const auto& field : k_cache_stats_fields) {
    EXPECT_EQ(a.*field.member, 1001 * i) << field.name;
    ++i;
  }
}

TEST(CacheStatsTest, ForEachFieldVisitsEveryFieldOnceWithMemcachedNames) {
  cache_stats s;
  s.cmd_get = 7;
  std::set<std::string> names;
  uint64_t cmd_get = 0;
  s.for_each_field([&](std::string_view name, uint64_t v) {
    EXPECT_TRUE(names.insert(std::string(name)).second) << name;
    if (name == "cmd_get") cmd_get = v;
  });
  EXPECT_EQ(cmd_get, 7u);
  EXPECT_EQ(names.size(), sizeof(cache_stats) / sizeof(uint64_t));
  for (const char* name : {"get_hits", "get_misses", "curr_items", "total_items", "bytes",
                           "evictions", "limit_maxbytes", "reclaimed", "expired_unfetched",
                           "evicted_unfetched", "get_expired", "get_flushed", "cas_badval"}) {
    EXPECT_TRUE(names.count(name)) << name;
  }
}

TEST(CacheStatsTest, ShoalsOwnGaugesAreMarkedAsNotMemcacheds) {
  for (const auto& field : k_cache_stats_fields) {
    const bool shoal_only = field.name == "memory_used" || field.name == "hash_buckets" ||
                            field.name.starts_with("segment") || field.name == "external_bytes" ||
                            field.name == "items_relocated";
    EXPECT_EQ(field.memcached, !shoal_only) << field.name;
  }
}

}  // namespace
}  // namespace shoal
