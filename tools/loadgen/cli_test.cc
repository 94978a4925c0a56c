#include "loadgen/cli.h"

#include <gtest/gtest.h>

#include <vector>

namespace shoal::loadgen {
namespace {

cli_result parse(std::vector<const char*> args) {
  args.insert(args.begin(), "shoal-bench");
  return parse_command_line(static_cast<int>(args.size()), args.data());
}

TEST(CliTest, DefaultsAreAClosedLoopAgainstLocalMemcached) {
  const cli_result r = parse({});
  ASSERT_FALSE(r.exit_now) << r.message;
  EXPECT_EQ(r.config.servers, std::vector<std::string>{"127.0.0.1:11211"});
  EXPECT_FALSE(r.config.open_loop());
  EXPECT_EQ(r.config.depth, 1u);
  EXPECT_EQ(r.config.get_weight, 9u);
  EXPECT_EQ(r.config.set_weight, 1u);
}

TEST(CliTest, ThreadsArePinnedUnlessNoPinIsGiven) {
  EXPECT_TRUE(parse({}).config.pin_threads);
  const cli_result r = parse({"--no-pin"});
  ASSERT_FALSE(r.exit_now) << r.message;
  EXPECT_FALSE(r.config.pin_threads);
}

TEST(CliTest, EveryFlagReachesTheConfig) {
  const cli_result r = parse({"--server",
                              "10.0.0.1:1",
                              "-s",
                              "[::1]:2",
                              "-t",
                              "2",
                              "-c",
                              "25",
                              "-d",
                              "16",
                              "--ratio",
                              "1:1",
                              "--multiget",
                              "10",
                              "--key-space",
                              "1M",
                              "--key-size",
                              "32",
                              "--key-pattern",
                              "zipf",
                              "--zipf-skew",
                              "1.2",
                              "--value-size",
                              "64-1024",
                              "--duration",
                              "500ms",
                              "--rate",
                              "200k",
                              "--prepopulate",
                              "--seed",
                              "9",
                              "--reactor-backend",
                              "epoll",
                              "--json",
                              "--quiet"});
  ASSERT_FALSE(r.exit_now) << r.message;
  const workload_config& c = r.config;
  EXPECT_EQ(c.servers, (std::vector<std::string>{"10.0.0.1:1", "[::1]:2"}));
  EXPECT_EQ(c.threads, 2u);
  EXPECT_EQ(c.connections, 25u);
  EXPECT_EQ(c.depth, 16u);
  EXPECT_EQ(c.get_weight, 1u);
  EXPECT_EQ(c.set_weight, 1u);
  EXPECT_EQ(c.multiget, 10u);
  EXPECT_EQ(c.key_space, 1'000'000u);
  EXPECT_EQ(c.key_size, 32u);
  EXPECT_EQ(c.pattern, key_pattern::zipf);
  EXPECT_DOUBLE_EQ(c.zipf_skew, 1.2);
  EXPECT_EQ(c.value_min, 64u);
  EXPECT_EQ(c.value_max, 1024u);
  EXPECT_DOUBLE_EQ(c.duration_s, 0.5);
  EXPECT_DOUBLE_EQ(c.rate, 200'000.0);
  EXPECT_TRUE(c.open_loop());
  EXPECT_TRUE(c.prepopulate);
  EXPECT_EQ(c.seed, 9u);
  EXPECT_EQ(c.reactor_backend, "epoll");
  EXPECT_TRUE(c.json);
  EXPECT_TRUE(c.quiet);
}

TEST(CliTest, RequestCountReplacesTheDuration) {
  const cli_result r = parse({"-n", "200k"});
  ASSERT_FALSE(r.exit_now) << r.message;
  EXPECT_EQ(r.config.requests, 200'000u);
}

TEST(CliTest, HelpExitsWithZeroAndListsTheFlags) {
  const cli_result r = parse({"--help"});
  EXPECT_TRUE(r.exit_now);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.message.find("--depth"), std::string::npos);
  EXPECT_NE(r.message.find("--rate"), std::string::npos);
}

TEST(CliTest, BadValuesAreUsageErrorsNamingTheFlag) {
  struct bad_case {
    std::vector<const char*> args;
    const char* names;
  };
  const std::vector<bad_case> cases = {
      {{"--ratio", "9"}, "--ratio"},
      {{"--ratio", "0:0"}, "--ratio"},
      {{"--value-size", "10-5"}, "--value-size"},
      {{"--duration", "soon"}, "--duration"},
      {{"--key-pattern", "gauss"}, "--key-pattern"},
      {{"--server", "localhost"}, "--server"},
      {{"--server", "h:70000"}, "--server"},
      {{"--key-space", "1M", "--key-size", "5"}, "--key-size"},
      {{"--key-size", "251"}, "--key-size"},
      {{"-d", "0"}, "--depth"},
      {{"--reactor-backend", "kqueue"}, "--reactor-backend"},
      {{"--no-such-flag"}, "no-such-flag"},
  };
  for (const bad_case& c : cases) {
    const cli_result r = parse(c.args);
    EXPECT_TRUE(r.exit_now) << c.names;
    EXPECT_EQ(r.exit_code, 2) << c.names;
    EXPECT_NE(r.message.find(c.names), std::string::npos) << r.message;
  }
}

TEST(CliTest, SmallParsersAcceptTheirDocumentedSpellings) {
  EXPECT_EQ(parse_duration("10"), 10.0);
  EXPECT_EQ(parse_duration("2.5s"), 2.5);
  EXPECT_EQ(parse_duration("2m"), 120.0);
  EXPECT_EQ(parse_quantity("1.5M"), 1.5e6);
  EXPECT_EQ(parse_quantity("200k"), 2e5);
  EXPECT_FALSE(parse_quantity("k"));
  EXPECT_EQ(parse_size_range("100"), (std::pair<unsigned, unsigned>{100, 100}));
  EXPECT_TRUE(is_host_port("[::1]:11211"));
  EXPECT_FALSE(is_host_port("[::1]11211"));
  EXPECT_FALSE(is_host_port(":11211"));
  EXPECT_TRUE(is_host_port("/run/shoal.sock"));
  EXPECT_TRUE(is_host_port("unix:relative.sock"));
}

}  // namespace
}  // namespace shoal::loadgen
