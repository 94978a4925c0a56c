// `stats settings`: names, order and formats, checked against the reply of the
// real memcached 1.6.18 started with the same flags.
#include "server/settings_stats.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "server/config_test_util.h"
#include "server/memcached_test_process.h"

namespace shoal::server {
namespace {

using testing::parse_ok;

std::map<std::string, std::string> as_map(const std::vector<stat_line>& lines) {
  std::map<std::string, std::string> map;
  for (const auto& [name, value] : lines) map[std::string(name)] = value;
  return map;
}

TEST(SettingsStatsTest, DefaultsAreFormattedLikeMemcached) {
  config cfg = parse_ok({});
  auto stats = as_map(settings_stats(cfg, live_settings::at_start(cfg, 3)));
  EXPECT_EQ(stats["maxbytes"], "67108864");
  EXPECT_EQ(stats["maxconns"], "1024");
  EXPECT_EQ(stats["tcpport"], "11211");
  EXPECT_EQ(stats["udpport"], "0");
  EXPECT_EQ(stats["inter"], "NULL");
  EXPECT_EQ(stats["domain_socket"], "NULL");
  EXPECT_EQ(stats["umask"], "700");
  EXPECT_EQ(stats["evictions"], "on");
  EXPECT_EQ(stats["growth_factor"], "1.25");
  EXPECT_EQ(stats["num_threads"], "3");
  EXPECT_EQ(stats["num_threads_per_udp"], "3");
  EXPECT_EQ(stats["binding_protocol"], "auto-negotiate");
  EXPECT_EQ(stats["item_size_max"], "1048576");
  EXPECT_EQ(stats["cas_enabled"], "yes");
  EXPECT_EQ(stats["auth_enabled_ascii"], "no");
  EXPECT_EQ(stats["idle_timeout"], "0");
}

TEST(SettingsStatsTest, ReflectsTheFlags) {
  config cfg = parse_ok({"-s", "/tmp/shoal-stats.sock",
                         "-a", "755",
                         "-M", "-C",
                         "-A", "-F",
                         "-B", "ascii",
                         "-I", "2m",
                         "-o", "idle_timeout=30",
                         "-f", "2",
                         "-D", "#",
                         "-l", "127.0.0.1,[::1]:5000"});
  auto stats = as_map(settings_stats(cfg, live_settings::at_start(cfg, 1)));
  EXPECT_EQ(stats["domain_socket"], "/tmp/shoal-stats.sock");
  EXPECT_EQ(stats["umask"], "755");
  EXPECT_EQ(stats["evictions"], "off");
  EXPECT_EQ(stats["cas_enabled"], "no");
  EXPECT_EQ(stats["shutdown_command"], "yes");
  EXPECT_EQ(stats["flush_enabled"], "no");
  EXPECT_EQ(stats["binding_protocol"], "ascii");
  EXPECT_EQ(stats["item_size_max"], "2097152");
  EXPECT_EQ(stats["slab_chunk_max"], "524288");
  EXPECT_EQ(stats["idle_timeout"], "30");
  EXPECT_EQ(stats["growth_factor"], "2.00");
  EXPECT_EQ(stats["stat_key_prefix"], "#");
  EXPECT_EQ(stats["inter"], "127.0.0.1,[::1]:5000");
}

TEST(SettingsStatsTest, LiveValuesComeFromTheServer) {
  config cfg = parse_ok({});
  live_settings live = live_settings::at_start(cfg, 2);
  live.verbosity = 2;
  live.memory_limit_bytes = 1234;
  live.oldest_live = 77;
  auto stats = as_map(settings_stats(cfg, live));
  EXPECT_EQ(stats["verbosity"], "2");
  EXPECT_EQ(stats["maxbytes"], "1234");
  EXPECT_EQ(stats["oldest"], "77");
}

TEST(SettingsStatsTest, NamesAreUniqueAndValuesHaveNoSpaces) {
  config cfg = parse_ok({});
  std::set<std::string_view> names;
  for (const auto& [name, value] : settings_stats(cfg, live_settings::at_start(cfg, 1))) {
    EXPECT_TRUE(names.insert(name).second) << name;
    EXPECT_FALSE(value.empty()) << name;
    EXPECT_EQ(value.find_first_of(" \r\n"), std::string::npos) << name;
  }
}

// Starts memcached with `flags` plus a loopback port, returns its `stats
// settings` as ordered (name, value) pairs.
// `before` is sent first (to authenticate when -Y is given).
std::vector<std::pair<std::string, std::string>> memcached_settings(std::vector<std::string> flags,
                                                                    uint16_t port,
                                                                    const std::string& before) {
  std::vector<std::string> argv{testing::memcached_path, "-u", "nobody", "-l", "127.0.0.1", "-p",
                                std::to_string(port),    "-U", "0"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  testing::child_process memcached(argv);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::string reply =
      testing::tcp_request(port, before + "stats settings\r\n", "END\r\n", deadline);
  memcached.stop();
  std::vector<std::pair<std::string, std::string>> lines;
  size_t at = 0;
  while (at < reply.size()) {
    size_t end = reply.find("\r\n", at);
    if (end == std::string::npos) break;
    std::string line = reply.substr(at, end - at);
    at = end + 2;
    if (!line.starts_with("STAT ")) continue;
    size_t space = line.find(' ', 5);
    lines.emplace_back(line.substr(5, space - 5), line.substr(space + 1));
  }
  return lines;
}

// Settings where Shoal reports a different value from memcached on purpose:
// features it does not have (see settings_stats.h).
const std::set<std::string> differ_on_purpose = {
    "detail_enabled", "slab_reassign",         "slab_automove", "lru_crawler",
    "hash_algorithm", "lru_maintainer_thread", "lru_segmented"};

void compare_with_memcached(std::vector<std::string> flags, unsigned threads,
                            const std::string& before = "") {
  if (!testing::memcached_available()) GTEST_SKIP() << "no " << testing::memcached_path;
  uint16_t port = testing::free_port();
  auto theirs = memcached_settings(flags, port, before);
  ASSERT_FALSE(theirs.empty()) << "memcached did not answer";

  std::vector<std::string> our_flags{"-l", "127.0.0.1", "-p", std::to_string(port), "-U", "0"};
  our_flags.insert(our_flags.end(), flags.begin(), flags.end());
  parse_result parsed = testing::parse(our_flags);
  ASSERT_TRUE(parsed.cfg) << parsed.error;
  auto ours = settings_stats(*parsed.cfg, live_settings::at_start(*parsed.cfg, threads));

  // Same names in the same order, once extstore's and TLS's are set aside.
  std::vector<std::string> their_names;
  for (const auto& [name, value] : theirs) {
    if (name.starts_with("ext_") || name.starts_with("ssl_") || name == "slab_automove_freeratio") {
      continue;
    }
    their_names.push_back(name);
  }
  std::vector<std::string> our_names;
  for (const auto& [name, value] : ours) our_names.emplace_back(name);
  EXPECT_EQ(our_names, their_names);

  auto our_map = as_map(ours);
  for (const auto& [name, value] : theirs) {
    if (!our_map.contains(name) || differ_on_purpose.contains(name)) continue;
    EXPECT_EQ(our_map[name], value) << name;
  }
}

TEST(SettingsStatsTest, MatchesMemcachedWithDefaultFlags) {
  compare_with_memcached({}, 4);  // memcached's default -t
}

TEST(SettingsStatsTest, MatchesMemcachedWithManyFlags) {
  std::string auth = ::testing::TempDir() + "shoal_settings_stats_auth.txt";
  std::ofstream(auth) << "alice:secret\n";
  compare_with_memcached({"-m",
                          "128",
                          "-c",
                          "500",
                          "-t",
                          "3",
                          "-R",
                          "7",
                          "-b",
                          "99",
                          "-C",
                          "-M",
                          "-A",
                          "-F",
                          "-X",
                          "-I",
                          "2m",
                          "-f",
                          "1.5",
                          "-n",
                          "64",
                          "-o",
                          "idle_timeout=9",
                          "-B",
                          "ascii",
                          "-Y",
                          auth},
                         3, "set auth 0 0 12\r\nalice secret\r\n");
  std::remove(auth.c_str());
}

}  // namespace
}  // namespace shoal::server
