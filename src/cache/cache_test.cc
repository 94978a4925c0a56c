// memcached 1.6 semantics of the store commands, get, delete, touch, cas and
// incr/decr. Expected outcomes come from probes of memcached 1.6.18 (see
// docs/cache.md#semantics).
#include "cache/cache.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "cache/cache_test_util.h"

namespace shoal {
namespace {

using testing::cache_harness;

TEST(CacheTest, GetMissesThenReturnsWhatSetStored) {
  cache_harness t;
  EXPECT_FALSE(t.get("k"));
  EXPECT_EQ(t.set("k", "hello", 42), store_result::stored);
  auto v = t.get("k");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->key, "k");
  EXPECT_EQ(v->value, "hello");
  EXPECT_EQ(v->client_flags, 42u);
  EXPECT_NE(v->cas, 0u);
  EXPECT_EQ(v->expiry, k_never);
}

TEST(CacheTest, KeysAndValuesAreBinarySafe) {
  cache_harness t;
  const std::string key("a\0b\r\n\x01", 6);
  const std::string value("mumble\0\0\0\0\r\rblarg\r\n", 20);
  ASSERT_EQ(t.set(key, value), store_result::stored);
  EXPECT_EQ(t.value(key), value);
  EXPECT_FALSE(t.get(std::string_view("a\0b", 3)));
  ASSERT_EQ(t.set("empty", ""), store_result::stored);
  EXPECT_EQ(t.value("empty"), "");
}

TEST(CacheTest, LongestKeyIsStored) {
  cache_harness t;
  const std::string key(max_key_length, 'k');
  ASSERT_EQ(t.set(key, "v"), store_result::stored);
  EXPECT_EQ(t.value(key), "v");
}

TEST(CacheTest, SetReplacesValueFlagsAndCas) {
  cache_harness t;
  t.set("k", "one", 1);
  const uint64_t cas1 = t.cas_of("k");
  t.set("k", "two", 2);
  auto v = t.get("k");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->value, "two");
  EXPECT_EQ(v->client_flags, 2u);
  EXPECT_GT(v->cas, cas1);
  EXPECT_EQ(t.c.stats().curr_items, 1u);
}

TEST(CacheTest, AddStoresOnlyWhenTheKeyIsMissing) {
  cache_harness t;
  EXPECT_EQ(t.store(store_mode::add, "k", "first"), store_result::stored);
  EXPECT_EQ(t.store(store_mode::add, "k", "second"), store_result::not_stored);
  EXPECT_EQ(t.value("k"), "first");
}

TEST(CacheTest, AddOnAnExistingKeyBumpsItsLastAccess) {
  cache_harness t;
  t.set("k", "v");
  t.now += 50;
  EXPECT_EQ(t.store(store_mode::add, "k", "x"), store_result::not_stored);
  t.now += 1;
  auto v = t.get("k");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->last_access, t.now - 1);
}

TEST(CacheTest, AddSucceedsOverAnExpiredItem) {
  cache_harness t;
  t.set("k", "old", 0, -1);
  EXPECT_EQ(t.store(store_mode::add, "k", "new"), store_result::stored);
  EXPECT_EQ(t.value("k"), "new");
}

TEST(CacheTest, ReplaceStoresOnlyWhenTheKeyExists) {
  cache_harness t;
  EXPECT_EQ(t.store(store_mode::replace, "k", "v"), store_result::not_stored);
  EXPECT_FALSE(t.get("k"));
  t.set("k", "v");
  EXPECT_EQ(t.store(store_mode::replace, "k", "w", 9), store_result::stored);
  auto v = t.get("k");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->value, "w");
  EXPECT_EQ(v->client_flags, 9u);
}

TEST(CacheTest, AppendAndPrependKeepFlagsAndExpiryAndChangeCas) {
  cache_harness t;
  EXPECT_EQ(t.store(store_mode::append, "k", "x"), store_result::not_stored);
  EXPECT_EQ(t.store(store_mode::prepend, "k", "x"), store_result::not_stored);
  t.set("k", "1", 5, 1000);
  const uint64_t cas1 = t.cas_of("k");
  EXPECT_EQ(t.store(store_mode::append, "k", "2", 9, 100), store_result::stored);
  EXPECT_EQ(t.store(store_mode::prepend, "k", "0", 9, 100), store_result::stored);
  auto v = t.get("k");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->value, "012");
  EXPECT_EQ(v->client_flags, 5u);
  EXPECT_EQ(v->expiry, t.now + 1000);
  EXPECT_GT(v->cas, cas1);
}

TEST(CacheTest, AppendPastTheItemSizeLimitIsNotStoredAndKeepsTheOldValue) {
  cache_config config = testing::small_config(64u << 20);
  cache_harness t(config);
  const std::string big(1'000'000, 'x');
  ASSERT_EQ(t.set("k", big), store_result::stored);
  EXPECT_EQ(t.store(store_mode::append, "k", big), store_result::not_stored);
  EXPECT_EQ(t.value("k"), big);
  EXPECT_EQ(t.c.stats().store_too_large, 0u);
}

TEST(CacheTest, CasOnAMissingKeyIsNotFound) {
  cache_harness t;
  EXPECT_EQ(t.store(store_mode::cas, "k", "v", 0, 0, 1), store_result::not_found);
  EXPECT_FALSE(t.get("k"));
}

TEST(CacheTest, CasWithTheCurrentValueStoresAndAnOldOneIsExists) {
  cache_harness t;
  t.set("k", "v1");
  const uint64_t cas1 = t.cas_of("k");
  EXPECT_EQ(t.store(store_mode::cas, "k", "v2", 0, 0, cas1 + 1000), store_result::exists);
  EXPECT_EQ(t.store(store_mode::cas, "k", "v2", 0, 0, 0), store_result::exists);
  EXPECT_EQ(t.store(store_mode::cas, "k", "v2", 7, 0, cas1), store_result::stored);
  auto v = t.get("k");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->value, "v2");
  EXPECT_EQ(v->client_flags, 7u);
  EXPECT_NE(v->cas, cas1);
  EXPECT_EQ(t.store(store_mode::cas, "k", "v3", 0, 0, cas1), store_result::exists);
}

TEST(CacheTest, WithCasDisabledCasIsReportedAsZeroAndCasAnswersExists) {
  cache_config config = testing::small_config();
  config.cas_enabled = false;
  cache_harness t(config);
  t.set("k", "v");
  EXPECT_EQ(t.cas_of("k"), 0u);
  EXPECT_EQ(t.store(store_mode::cas, "k", "w", 0, 0, 0), store_result::exists);
  EXPECT_EQ(t.store(store_mode::cas, "missing", "w", 0, 0, 0), store_result::not_found);
  EXPECT_EQ(t.value("k"), "v");
}

TEST(CacheTest, CasValuesAreUniqueAcrossShards) {
  std::set<uint64_t> seen;
  for (unsigned shard = 0; shard < 3; ++shard) {
    cache_config config = testing::small_config();
    config.shard_id = shard;
    config.shard_count = 3;
    cache_harness t(config);
    for (int i = 0; i < 100; ++i) {
      const std::string key = "k" + std::to_string(i);
      t.set(key, "v");
      const uint64_t cas = t.cas_of(key);
      EXPECT_EQ(cas % 3, shard);
      EXPECT_TRUE(seen.insert(cas).second) << cas;
    }
  }
}

TEST(CacheTest, DeleteRemovesAndReportsMisses) {
  cache_harness t;
  EXPECT_EQ(t.remove("k"), delete_result::not_found);
  t.set("k", "v");
  EXPECT_EQ(t.remove("k"), delete_result::deleted);
  EXPECT_FALSE(t.get("k"));
  EXPECT_EQ(t.remove("k"), delete_result::not_found);
  EXPECT_EQ(t.c.stats().curr_items, 0u);
  EXPECT_EQ(t.c.stats().bytes, 0u);
}

TEST(CacheTest, TouchSetsANewExpiryAndKeepsTheCas) {
  cache_harness t;
  EXPECT_EQ(t.touch("k", 10), touch_result::not_found);
  t.set("k", "v", 0, 5);
  const uint64_t cas = t.cas_of("k");
  EXPECT_EQ(t.touch("k", 100), touch_result::touched);
  t.now += 50;
  auto v = t.get("k");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->cas, cas);
  EXPECT_EQ(v->expiry, t.now - 50 + 100);
}

TEST(CacheTest, GatReturnsTheValueSetsExpiryAndKeepsCas) {
  cache_harness t;
  EXPECT_FALSE(t.gat("k", 10));
  t.set("k", "v", 3, 5);
  const uint64_t cas = t.cas_of("k");
  auto v = t.gat("k", 0);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->value, "v");
  EXPECT_EQ(v->client_flags, 3u);
  EXPECT_EQ(v->cas, cas);
  EXPECT_EQ(v->expiry, k_never);
  t.now += 1000;
  EXPECT_TRUE(t.get("k"));
}

TEST(CacheTest, GatWithANegativeExptimeReturnsTheItemOnceThenItIsGone) {
  cache_harness t;
  t.set("k", "v");
  EXPECT_TRUE(t.gat("k", -1));
  EXPECT_FALSE(t.get("k"));
}

TEST(CacheTest, ReadsReportLastAccessAndFetchedStateFromBeforeTheCall) {
  cache_harness t;
  t.set("k", "v");
  auto first = t.get("k");
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->fetched_before);
  EXPECT_EQ(first->last_access, 100u);
  t.now = 130;
  auto second = t.get("k");
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->fetched_before);
  EXPECT_EQ(second->last_access, 100u);
  t.now = 140;
  EXPECT_EQ(t.get("k")->last_access, 130u);
}

TEST(CacheTest, IncrAndDecrFollowMemcachedArithmetic) {
  cache_harness t;
  EXPECT_EQ(t.incr("n", 1).status, arith_status::not_found);
  EXPECT_EQ(t.decr("n", 1).status, arith_status::not_found);
  t.set("n", "5", 7, 1000);
  EXPECT_EQ(t.incr("n", 10).value, 15u);
  EXPECT_EQ(t.decr("n", 3).value, 12u);
  EXPECT_EQ(t.decr("n", 100).value, 0u);  // stops at zero
  auto v = t.get("n");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->client_flags, 7u);
  EXPECT_EQ(v->expiry, t.now + 1000);
  t.set("w", "18446744073709551615");
  EXPECT_EQ(t.incr("w", 2).value, 1u);  // wraps at 2^64
  EXPECT_EQ(t.value("w"), "1" + std::string(19, ' '));
}

TEST(CacheTest, DecrThatShortensTheNumberPadsTheStoredValueWithSpaces) {
  cache_harness t;
  t.set("d", "100");
  const arith_result r = t.decr("d", 1);
  EXPECT_EQ(r.status, arith_status::ok);
  EXPECT_EQ(r.value, 99u);
  EXPECT_EQ(t.value("d"), "99 ");
  EXPECT_EQ(t.incr("d", 1).value, 100u);
  EXPECT_EQ(t.value("d"), "100");
}

TEST(CacheTest, IncrThatLengthensTheNumberGrowsTheValueAndKeepsFlags) {
  cache_harness t;
  t.set("g", "9", 4, 1000);
  const uint64_t before = t.c.stats().total_items;
  EXPECT_EQ(t.incr("g", 1).value, 10u);
  auto v = t.get("g");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->value, "10");
  EXPECT_EQ(v->client_flags, 4u);
  EXPECT_EQ(v->expiry, t.now + 1000);
  EXPECT_EQ(t.c.stats().total_items, before + 1);  // memcached links a new item
  EXPECT_EQ(t.c.stats().curr_items, 1u);
}

TEST(CacheTest, IncrChangesTheCas) {
  cache_harness t;
  t.set("n", "1");
  const uint64_t cas1 = t.cas_of("n");
  t.incr("n", 1);
  const uint64_t cas2 = t.cas_of("n");
  EXPECT_NE(cas2, cas1);
  t.incr("n", 100);  // grows
  EXPECT_NE(t.cas_of("n"), cas2);
}

TEST(CacheTest, IncrOnANonNumericValueFailsAndLeavesItAlone) {
  cache_harness t;
  for (std::string_view bad : {"", "  ", "5x", "abc", "0x1", "-1", "18446744073709551616", "+"}) {
    t.set("v", bad);
    EXPECT_EQ(t.incr("v", 1).status, arith_status::non_numeric) << bad;
    EXPECT_EQ(t.value("v"), bad);
  }
  EXPECT_EQ(t.c.stats().incr_hits, 0u);
  EXPECT_EQ(t.c.stats().incr_misses, 0u);
}

TEST(CacheTest, IncrReadsNumbersTheWayStrtoullDoes) {
  struct probe {
    std::string_view stored;
    uint64_t delta;
    uint64_t reply;
  };
  // Each row was checked against memcached 1.6.18: the reply, and the stored
  // value is the reply padded with spaces to the old length.
  const probe probes[] = {
      {" 5", 1, 6},
      {"-0", 1, 1},
      {"+5", 1, 6},
      {"5 ", 1, 6},
      {std::string_view("5\0abc", 5), 1, 6},
      {"\t7", 1, 8},
      {"\n3", 1, 4},
      {"00012", 1, 13},
      {"18446744073709551615", 1, 0},
      {"-18446744073709551615", 0, 1},
      {"-9223372036854775809", 0, 9223372036854775807u},
  };
  for (const probe& p : probes) {
    cache_harness t;
    t.set("v", p.stored);
    const arith_result r = t.incr("v", p.delta);
    ASSERT_EQ(r.status, arith_status::ok) << p.stored;
    EXPECT_EQ(r.value, p.reply) << p.stored;
    std::string expected = std::to_string(p.reply);
    expected.resize(p.stored.size(), ' ');
    EXPECT_EQ(t.value("v"), expected) << p.stored;
  }
}

TEST(CacheTest, TooLargeSetRemovesTheOldValueButOtherModesKeepIt) {
  cache_config config = testing::small_config(64u << 20);
  cache_harness t(config);
  const std::string huge(2'000'000, 'x');
  for (store_mode mode : {store_mode::add, store_mode::replace, store_mode::cas, store_mode::append,
                          store_mode::prepend}) {
    t.set("k", "old");
    EXPECT_EQ(t.store(mode, "k", huge, 0, 0, t.cas_of("k")), store_result::too_large);
    EXPECT_EQ(t.value("k"), "old");
  }
  EXPECT_EQ(t.set("k", huge), store_result::too_large);
  EXPECT_FALSE(t.get("k"));
  const cache_stats s = t.c.stats();
  EXPECT_EQ(s.store_too_large, 6u);
  EXPECT_EQ(s.cmd_set, 5u);  // the five `set k old`: refused stores are not counted
}

TEST(CacheTest, RejectTooLargeRemovesTheOldValueOnlyForSet) {
  cache_harness t;
  t.set("k", "old");
  t.c.reject_too_large(store_mode::add, "k", t.h("k"), t.now);
  EXPECT_EQ(t.value("k"), "old");
  t.c.reject_too_large(store_mode::set, "k", t.h("k"), t.now);
  EXPECT_FALSE(t.get("k"));
  EXPECT_EQ(t.c.stats().store_too_large, 2u);
}

TEST(CacheTest, LargestValueUnderTheDefaultItemSizeIsStored) {
  cache_harness t(testing::small_config(64u << 20));
  const std::string ok(1'047'552, 'v');  // memcached t/getset.t's limits
  const std::string too_big(1'049'600, 'v');
  EXPECT_TRUE(t.c.fits(3, ok.size()));
  EXPECT_EQ(t.set("big", ok), store_result::stored);
  EXPECT_EQ(t.value("big"), ok);
  EXPECT_EQ(t.set("big", too_big), store_result::too_large);
}

TEST(CacheTest, ItemsLargerThanHalfTheShardAreTooLarge) {
  cache_config config = testing::small_config(1u << 20);
  config.max_item_size = 1u << 20;
  cache_harness t(config);
  EXPECT_FALSE(t.c.fits(1, 600'000));
  EXPECT_EQ(t.set("k", std::string(600'000, 'x')), store_result::too_large);
  EXPECT_TRUE(t.c.fits(1, 400'000));
  EXPECT_EQ(t.set("k", std::string(400'000, 'x')), store_result::stored);
}

TEST(CacheTest, LargeValuesLiveOutsideSegmentsAndAreAccountedExactly) {
  cache_harness t(testing::small_config(16u << 20));
  const size_t base = t.c.stats().external_bytes;
  std::string big(300'000, 'a');
  big[0] = 'x';
  ASSERT_EQ(t.set("big", big), store_result::stored);
  EXPECT_GT(t.c.stats().external_bytes, base + 299'000);
  EXPECT_EQ(t.store(store_mode::append, "big", "tail"), store_result::stored);
  EXPECT_EQ(t.value("big"), big + "tail");
  EXPECT_EQ(t.store(store_mode::prepend, "big", "head"), store_result::stored);
  EXPECT_EQ(t.value("big"), "head" + big + "tail");
  t.c.check_invariants();
  EXPECT_EQ(t.remove("big"), delete_result::deleted);
  EXPECT_EQ(t.c.stats().external_bytes, base);
  EXPECT_EQ(t.c.stats().bytes, 0u);
  t.c.check_invariants();
}

TEST(CacheTest, ManyKeysSurviveIndexGrowth) {
  cache_harness t(testing::small_config(64u << 20));
  const int n = 100'000;
  for (int i = 0; i < n; ++i) {
    ASSERT_EQ(t.set("key:" + std::to_string(i), std::to_string(i)), store_result::stored);
  }
  const cache_stats s = t.c.stats();
  EXPECT_EQ(s.curr_items, static_cast<uint64_t>(n));
  EXPECT_GE(s.hash_buckets, static_cast<uint64_t>(n));
  EXPECT_EQ(s.evictions, 0u);
  for (int i = 0; i < n; ++i) {
    ASSERT_EQ(t.value("key:" + std::to_string(i)), std::to_string(i)) << i;
  }
  t.c.check_invariants();
}

}  // namespace
}  // namespace shoal
