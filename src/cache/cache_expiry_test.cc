// Expiry and flush_all: memcached's exptime rules and its lazy, deadline-based
// flush, with time moved by the test.
#include <gtest/gtest.h>

#include <string>

#include "cache/cache.h"
#include "cache/cache_test_util.h"

namespace shoal {
namespace {

using testing::cache_harness;

TEST(ExpiryTest, ExptimeConversionFollowsMemcachedRules) {
  const int64_t epoch = 1'700'000'000;
  EXPECT_EQ(expiry_from_exptime(0, 50, epoch), k_never);
  EXPECT_EQ(expiry_from_exptime(-1, 50, epoch), 0u);
  EXPECT_EQ(expiry_from_exptime(10, 50, epoch), 60u);
  EXPECT_EQ(expiry_from_exptime(k_max_relative_exptime, 50, epoch), 50u + 2'592'000u);
  // Above 30 days: absolute Unix time.
  EXPECT_EQ(expiry_from_exptime(k_max_relative_exptime + 1, 50, epoch), 0u);
  EXPECT_EQ(expiry_from_exptime(epoch + 500, 50, epoch), 500u);
  EXPECT_EQ(expiry_from_exptime(epoch, 50, epoch), 0u);
  EXPECT_EQ(expiry_from_exptime(int64_t{1} << 40, 50, epoch), k_never - 1);
}

TEST(ExpiryTest, RelativeExptimeExpiresAtItsSecond) {
  cache_harness t;
  t.set("k", "v", 0, 10);
  t.now += 9;
  EXPECT_TRUE(t.get("k"));
  t.now += 1;
  EXPECT_FALSE(t.get("k"));
  EXPECT_EQ(t.c.stats().get_expired, 1u);
  EXPECT_EQ(t.c.stats().curr_items, 0u);  // reclaimed on access
}

TEST(ExpiryTest, ZeroNeverExpires) {
  cache_harness t;
  t.set("k", "v", 0, 0);
  t.now += 4'000'000'000u;
  EXPECT_TRUE(t.get("k"));
}

TEST(ExpiryTest, NegativeExptimeStoresAnAlreadyExpiredItem) {
  cache_harness t;
  t.set("k", "old");
  EXPECT_EQ(t.set("k", "new", 0, -1), store_result::stored);
  EXPECT_FALSE(t.get("k"));
  EXPECT_EQ(t.c.stats().get_expired, 1u);
}

TEST(ExpiryTest, AbsoluteUnixTimesExpireAtThatTime) {
  cache_harness t;
  const int64_t epoch = t.c.config().clock_epoch_unix;
  t.set("future", "v", 0, epoch + t.now + 5);
  t.set("past", "v", 0, epoch + t.now - 5);
  t.set("before_epoch", "v", 0, 1'000'000'000);
  EXPECT_TRUE(t.get("future"));
  EXPECT_FALSE(t.get("past"));
  EXPECT_FALSE(t.get("before_epoch"));
  t.now += 5;
  EXPECT_FALSE(t.get("future"));
}

TEST(ExpiryTest, ThirtyDaysIsTheLastRelativeExptime) {
  cache_harness t;
  t.set("rel", "v", 0, k_max_relative_exptime);
  t.set("abs", "v", 0, k_max_relative_exptime + 1);
  EXPECT_TRUE(t.get("rel"));
  EXPECT_FALSE(t.get("abs"));
}

TEST(ExpiryTest, ExpiredItemsAreInvisibleToEveryCommand) {
  cache_harness t;
  for (const char* k : {"a", "b", "c", "d", "e", "f"}) t.set(k, "1", 0, 1);
  t.now += 1;
  EXPECT_EQ(t.touch("a", 100), touch_result::not_found);
  EXPECT_EQ(t.remove("b"), delete_result::not_found);
  EXPECT_EQ(t.incr("c", 1).status, arith_status::not_found);
  EXPECT_EQ(t.store(store_mode::replace, "d", "x"), store_result::not_stored);
  EXPECT_EQ(t.store(store_mode::append, "e", "x"), store_result::not_stored);
  EXPECT_EQ(t.store(store_mode::cas, "f", "x", 0, 0, 1), store_result::not_found);
  EXPECT_FALSE(t.gat("a", 100));
  EXPECT_EQ(t.c.stats().curr_items, 0u);
}

TEST(ExpiryTest, TouchWithNegativeExptimeExpiresTheItem) {
  cache_harness t;
  t.set("k", "v");
  EXPECT_EQ(t.touch("k", -1), touch_result::touched);
  EXPECT_FALSE(t.get("k"));
}

TEST(ExpiryTest, TheSweepReclaimsExpiredItemsNobodyReads) {
  cache_harness t;
  for (int i = 0; i < 1000; ++i) t.set("short:" + std::to_string(i), "v", 0, 10);
  for (int i = 0; i < 1000; ++i) t.set("long:" + std::to_string(i), "v", 0, 0);
  t.now += 10;
  size_t rounds = 0;
  while (t.c.stats().curr_items > 1000 && rounds++ < 1000) t.c.do_maintenance(t.now, 100);
  const cache_stats s = t.c.stats();
  EXPECT_EQ(s.curr_items, 1000u);
  EXPECT_EQ(s.crawler_reclaimed, 1000u);
  EXPECT_EQ(s.reclaimed, 1000u);
  EXPECT_EQ(s.expired_unfetched, 1000u);
  EXPECT_LT(rounds, 100u);  // ~2,000 items at 100 per round
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(t.get("long:" + std::to_string(i)));
  t.c.check_invariants();
}

TEST(ExpiryTest, MaintenanceWorkIsBoundedByItsBudget) {
  cache_harness t;
  for (int i = 0; i < 5000; ++i) t.set("k" + std::to_string(i), "v", 0, 1);
  t.now += 1;
  const size_t work = t.c.do_maintenance(t.now, 50);
  EXPECT_LE(work, 51u);
  EXPECT_GT(t.c.stats().curr_items, 4900u);
}

TEST(ExpiryTest, MaintenanceIsIdleWhileNothingCanExpire) {
  cache_harness t;
  for (int i = 0; i < 100; ++i) t.set("k" + std::to_string(i), "v");
  EXPECT_EQ(t.c.do_maintenance(t.now, 1000), 0u);
  t.set("ttl", "v", 0, 5);
  EXPECT_GT(t.c.do_maintenance(t.now, 1000), 0u);
}

TEST(FlushTest, ImmediateFlushHidesEverythingStoredBefore) {
  cache_harness t;
  t.set("a", "1");
  t.set("b", "2");
  t.flush_all();
  EXPECT_FALSE(t.get("a"));
  EXPECT_EQ(t.remove("b"), delete_result::not_found);
  EXPECT_EQ(t.c.stats().get_flushed, 2u);
  EXPECT_EQ(t.c.stats().cmd_flush, 1u);
}

TEST(FlushTest, ItemsStoredInTheSameSecondAfterAFlushAreVisible) {
  cache_harness t;
  t.set("k", "old");
  t.flush_all();
  EXPECT_EQ(t.store(store_mode::add, "k", "new"), store_result::stored);
  EXPECT_EQ(t.value("k"), "new");
  t.set("j", "x");
  EXPECT_EQ(t.value("j"), "x");
}

TEST(FlushTest, NegativeDelayFlushesNow) {
  cache_harness t;
  t.set("k", "v");
  t.flush_all(-1);
  EXPECT_FALSE(t.get("k"));
}

TEST(FlushTest, DelayedFlushHidesItemsStoredBeforeItsDeadlineEvenAfterTheCommand) {
  cache_harness t;
  t.set("before", "1");
  t.flush_all(10);
  t.set("after_command", "2");
  EXPECT_TRUE(t.get("before"));
  t.now += 9;
  t.set("just_before_deadline", "3");
  EXPECT_TRUE(t.get("before"));
  EXPECT_TRUE(t.get("after_command"));
  t.now += 1;  // the deadline
  EXPECT_FALSE(t.get("before"));
  EXPECT_FALSE(t.get("after_command"));
  EXPECT_FALSE(t.get("just_before_deadline"));
  t.set("at_deadline", "4");
  EXPECT_TRUE(t.get("at_deadline"));
}

TEST(FlushTest, DelayedFlushAcceptsAnAbsoluteUnixTime) {
  cache_harness t;
  t.set("k", "v");
  t.flush_all(t.c.config().clock_epoch_unix + t.now + 3);
  t.now += 2;
  EXPECT_TRUE(t.get("k"));
  t.now += 1;
  EXPECT_FALSE(t.get("k"));
}

TEST(FlushTest, ALaterFlushReplacesAPendingDeadline) {
  cache_harness t;
  t.set("k", "v");
  t.flush_all(10);
  t.flush_all(100);
  t.now += 50;
  EXPECT_TRUE(t.get("k"));
  t.now += 50;
  EXPECT_FALSE(t.get("k"));
}

TEST(FlushTest, AnImmediateFlushReplacesAPendingOne) {
  cache_harness t;
  t.flush_all(100);
  t.set("m", "1");
  t.flush_all(0);
  EXPECT_FALSE(t.get("m"));
  t.set("n", "1");
  t.now += 200;
  EXPECT_TRUE(t.get("n"));
}

TEST(FlushTest, AFlushThatTookEffectStaysInEffectWhenAnotherIsScheduled) {
  cache_harness t;
  t.set("k", "v");
  t.flush_all(10);
  t.now += 20;
  t.flush_all(100);  // must not bring "k" back
  EXPECT_FALSE(t.get("k"));
}

TEST(FlushTest, FlushedItemsAreReclaimedBySweepAndTheirMemoryReused) {
  cache_harness t(testing::small_config(4u << 20));
  const std::string value(1000, 'v');
  for (int i = 0; i < 6000; ++i) t.set("old:" + std::to_string(i), value);
  EXPECT_GT(t.c.stats().evictions, 0u);
  const uint64_t evictions = t.c.stats().evictions;
  t.flush_all();
  while (t.c.do_maintenance(t.now, 1000) > 0 && t.c.stats().curr_items > 0) {
  }
  EXPECT_EQ(t.c.stats().curr_items, 0u);
  const int fresh = 2000;  // ~2 MB: fits without evicting anything
  for (int i = 0; i < fresh; ++i) t.set("new:" + std::to_string(i), value);
  EXPECT_EQ(t.c.stats().evictions, evictions);
  for (int i = 0; i < fresh; ++i) ASSERT_TRUE(t.get("new:" + std::to_string(i)));
  t.c.check_invariants();
}

}  // namespace
}  // namespace shoal
