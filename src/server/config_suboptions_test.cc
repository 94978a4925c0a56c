// -o: idle_timeout is carried, memcached's other sub-options are validated as
// memcached validates them and ignored with a warning, unknown names refused.
#include <gtest/gtest.h>

#include "server/config.h"
#include "server/config_test_util.h"

namespace shoal::server {
namespace {

using testing::parse;
using testing::parse_ok;

void expect_refused(const std::string& suboptions, const std::string& message) {
  parse_result result = parse({"-o", suboptions});
  EXPECT_TRUE(result.should_exit()) << suboptions;
  EXPECT_EQ(result.exit_code, 1) << suboptions;
  EXPECT_EQ(result.error, message) << suboptions;
}

TEST(ConfigSuboptionsTest, IdleTimeoutIsCarried) {
  parse_result result = parse({"-o", "idle_timeout=30"});
  ASSERT_TRUE(result.cfg) << result.error;
  EXPECT_EQ(result.cfg->net.idle_timeout_seconds, 30u);
  EXPECT_TRUE(result.warnings.empty());
  EXPECT_EQ(parse_ok({"--extended=idle_timeout=0"}).net.idle_timeout_seconds, 0u);
}

TEST(ConfigSuboptionsTest, IdleTimeoutNeedsANonNegativeNumber) {
  expect_refused("idle_timeout", "Missing numeric argument for idle_timeout");
  // memcached's atoi() takes these; Shoal refuses them.
  expect_refused("idle_timeout=abc", "could not parse argument to idle_timeout");
  expect_refused("idle_timeout=-1", "could not parse argument to idle_timeout");
  expect_refused("idle_timeout=5=6", "could not parse argument to idle_timeout");
}

TEST(ConfigSuboptionsTest, CommaListsAndRepeatedFlagsCombine) {
  parse_result result = parse({"-o", "modern,idle_timeout=9,", "-o", "hashpower=16"});
  ASSERT_TRUE(result.cfg) << result.error;
  EXPECT_EQ(result.cfg->net.idle_timeout_seconds, 9u);
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_TRUE(result.warnings[0].starts_with("shoal: ignoring -o hashpower: "));
  EXPECT_TRUE(parse_ok({"-o", ""}).net.listen.empty());  // an empty -o is fine, as in memcached
}

TEST(ConfigSuboptionsTest, UnknownOrEmptyNamesAreIllegalAsInMemcached) {
  expect_refused("foo", "Illegal suboption \"foo\"");
  expect_refused("foo=1", "Illegal suboption \"foo=1\"");
  expect_refused("IDLE_TIMEOUT=5", "Illegal suboption \"IDLE_TIMEOUT=5\"");
  expect_refused(",idle_timeout=5", "Illegal suboption \"\"");
  expect_refused("modern,,modern", "Illegal suboption \"\"");
  expect_refused("=5", "Illegal suboption \"=5\"");
  expect_refused("ext_nonsense=1", "Illegal suboption \"ext_nonsense=1\"");
}

TEST(ConfigSuboptionsTest, NoOpSuboptionsAreAcceptedSilently) {
  // relaxed_privileges: memcached's test harness passes it on every run.
  for (const char* quiet : {"modern", "maxconns_fast", "relaxed_privileges"}) {
    parse_result result = parse({"-o", quiet});
    ASSERT_TRUE(result.cfg) << quiet;
    EXPECT_TRUE(result.warnings.empty()) << quiet;
  }
}

TEST(ConfigSuboptionsTest, EveryIgnoredSuboptionWarnsOnceOnOneLine) {
  const char* ignored[] = {
      "no_maxconns_fast",
      "hashpower=20",
      "no_hashexpand",
      "hash_algorithm=xxh3",
      "slab_reassign",
      "no_slab_reassign",
      "slab_automove",
      "slab_automove=2",
      "no_slab_automove",
      "slab_automove_ratio=0.5",
      "slab_automove_window=5",
      "slab_automove_freeratio=0.1",
      "slab_chunk_max=16384",
      "slab_sizes=100-200",
      "no_chunked_items",
      "tail_repair_time=60",
      "lru_crawler",
      "no_lru_crawler",
      "lru_crawler_sleep=50",
      "lru_crawler_tocrawl=0",
      "lru_maintainer",
      "no_lru_maintainer",
      "hot_lru_pct=10",
      "warm_lru_pct=30",
      "hot_max_factor=0.5",
      "warm_max_factor=3",
      "temporary_ttl=30",
      "watcher_logbuf_size=64",
      "worker_logbuf_size=64",
      "read_buf_mem_limit=100",
      "resp_obj_mem_limit",
      "track_sizes",
      "no_inline_ascii_resp",
      "no_modern",
      "drop_privileges",
      "no_drop_privileges",
      "sock_cookie_id=5",
      "ext_path=/mnt/ext:64m",
      "ext_page_size=64",
      "ext_wbuf_size=4",
      "ext_threads=2",
      "ext_io_depth=1",
      "ext_item_size=512",
      "ext_item_age=10",
      "ext_low_ttl=0",
      "ext_recache_rate=2000",
      "ext_compact_under=1",
      "ext_drop_under=1",
      "ext_max_sleep=100",
      "ext_max_frag=0.5",
      "ext_drop_unread",
      "ssl_chain_cert=/x.pem",
      "ssl_key=/k.pem",
      "ssl_verify_mode=2",
      "ssl_keyformat=1",
      "ssl_ciphers=HIGH",
      "ssl_ca_cert=/ca.pem",
      "ssl_wbuf_size=16",
      "ssl_session_cache",
      "ssl_kernel_tls",
      "ssl_min_version=3",
  };
  for (const char* suboption : ignored) {
    parse_result result = parse({"-o", suboption});
    ASSERT_TRUE(result.cfg) << suboption << ": " << result.error;
    ASSERT_EQ(result.warnings.size(), 1u) << suboption;
    std::string name(suboption,
                     std::string_view(suboption).find_first_of("=") == std::string_view::npos
                         ? std::string_view(suboption).size()
                         : std::string_view(suboption).find('='));
    EXPECT_TRUE(result.warnings[0].starts_with("shoal: ignoring -o " + name + ": "))
        << result.warnings[0];
    EXPECT_EQ(result.warnings[0].find('\n'), std::string::npos);
  }
}

TEST(ConfigSuboptionsTest, RepeatedIgnoredSuboptionWarnsOnce) {
  parse_result result = parse({"-o", "lru_crawler,lru_crawler", "-o", "lru_crawler"});
  ASSERT_TRUE(result.cfg);
  EXPECT_EQ(result.warnings.size(), 1u);
}

TEST(ConfigSuboptionsTest, MissingValuesAreRefusedWithMemcachedsWords) {
  expect_refused("hashpower", "Missing numeric argument for hashpower");
  expect_refused("tail_repair_time", "Missing numeric argument for tail_repair_time");
  expect_refused("lru_crawler_sleep", "Missing lru_crawler_sleep value");
  expect_refused("lru_crawler_tocrawl", "Missing lru_crawler_tocrawl value");
  expect_refused("hash_algorithm", "Missing hash_algorithm argument");
  expect_refused("slab_automove_ratio", "Missing slab_automove_ratio argument");
  expect_refused("temporary_ttl", "Missing temporary_ttl argument");
  expect_refused("read_buf_mem_limit", "Missing read_buf_mem_limit argument");
  expect_refused("ext_path", "missing argument to ext_path, ie: ext_path=/d/file:5G");
  expect_refused("ssl_key", "Missing ssl_key argument");
  // memcached crashes on these three; Shoal refuses them.
  expect_refused("slab_chunk_max", "Missing slab_chunk_max argument");
  expect_refused("slab_sizes", "Missing slab_sizes argument");
  expect_refused("sock_cookie_id", "Missing sock_cookie_id argument");
}

TEST(ConfigSuboptionsTest, RangesAreCheckedWithMemcachedsWords) {
  expect_refused("hashpower=5", "Initial hashtable multiplier of 5 is too low");
  expect_refused("hashpower=50",
                 "Initial hashtable multiplier of 50 is too high\n"
                 "Choose a value based on \"STAT hash_power_level\" from a running instance");
  expect_refused("slab_automove=3", "slab_automove must be between 0 and 2");
  expect_refused("slab_automove_ratio=0", "slab_automove_ratio must be > 0 and < 1");
  expect_refused("slab_automove_ratio=5", "slab_automove_ratio must be > 0 and < 1");
  expect_refused("slab_automove_window=2", "slab_automove_window must be > 2");
  expect_refused("tail_repair_time=5", "Cannot set tail_repair_time to less than 10 seconds");
  expect_refused("hash_algorithm=md5", "Unknown hash_algorithm option (jenkins, murmur3, xxh3)");
  expect_refused("lru_crawler_sleep=1000001", "LRU crawler sleep must be between 0 and 1 second");
  expect_refused("lru_crawler_tocrawl=-1", "lru_crawler_tocrawl takes a numeric 32bit value");
  expect_refused("hot_lru_pct=0", "hot_lru_pct must be > 1 and < 80");
  expect_refused("warm_lru_pct=80", "warm_lru_pct must be > 1 and < 80");
  expect_refused("hot_max_factor=0", "hot_max_factor must be > 0");
  expect_refused("watcher_logbuf_size=-1", "could not parse argument to watcher_logbuf_size");
  expect_refused("ext_threads=abc", "could not parse argument to ext_threads");
  expect_refused("ext_path=/mnt/ext",
                 "must supply size to ext_path, ie: ext_path=/f/e:64m (M|G|T|P supported)\n"
                 "failed to parse ext_path argument");
  expect_refused("ssl_verify_mode=4", "Invalid ssl_verify_mode. Use help to see valid options.");
  expect_refused("ssl_min_version=-1", "Invalid ssl_min_version. Use help to see valid options.");
}

TEST(ConfigSuboptionsTest, HotPlusWarmLruPercentIsCheckedAfterAllFlags) {
  parse_result result = parse({"-o", "hot_lru_pct=50"});  // + the default warm 40
  EXPECT_EQ(result.exit_code, 64);
  EXPECT_EQ(result.error, "hot_lru_pct + warm_lru_pct cannot be more than 80% combined");
  EXPECT_TRUE(parse({"-o", "hot_lru_pct=50,warm_lru_pct=30"}).cfg.has_value());
}

TEST(ConfigSuboptionsTest, FlagsWithoutValueIgnoreAGivenValueLikeMemcached) {
  parse_result result = parse({"-o", "lru_crawler=abc,maxconns_fast=0"});
  EXPECT_TRUE(result.cfg.has_value()) << result.error;
}

}  // namespace
}  // namespace shoal::server
