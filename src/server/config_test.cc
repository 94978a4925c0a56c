// The parser as a whole: defaults, -h/-V/-i, getopt's syntax (clusters,
// attached values, long names and their prefixes), warnings, and the values
// derived from the config.
#include "server/config.h"

#include <gtest/gtest.h>

#include "server/config_test_util.h"
#include "server/version.h"

namespace shoal::server {
namespace {

using testing::parse;
using testing::parse_ok;

TEST(ConfigTest, NoFlagsGivesMemcachedDefaults) {
  parse_result result = parse({});
  ASSERT_TRUE(result.cfg) << result.error;
  EXPECT_FALSE(result.should_exit());
  EXPECT_TRUE(result.warnings.empty());
  const config& cfg = *result.cfg;
  EXPECT_EQ(cfg.net.tcp_port, 11211);
  EXPECT_EQ(cfg.net.udp_port, 0);
  EXPECT_TRUE(cfg.net.listen.empty());
  EXPECT_TRUE(cfg.net.unix_socket.empty());
  EXPECT_EQ(cfg.net.unix_socket_mode, 0700u);
  EXPECT_EQ(cfg.net.listen_backlog, 1024);
  EXPECT_EQ(cfg.net.conn_limit, 1024u);
  EXPECT_EQ(cfg.net.reqs_per_event, 20u);
  EXPECT_EQ(cfg.net.idle_timeout_seconds, 0u);
  EXPECT_EQ(cfg.cache.memory_limit_bytes, 64u * 1024 * 1024);
  EXPECT_TRUE(cfg.cache.evictions);
  EXPECT_EQ(cfg.cache.max_item_size, 1024u * 1024);
  EXPECT_TRUE(cfg.cache.cas_enabled);
  EXPECT_EQ(cfg.protocol.binding, binding_protocol::auto_negotiate);
  EXPECT_FALSE(cfg.protocol.shutdown_enabled);
  EXPECT_TRUE(cfg.protocol.flush_enabled);
  EXPECT_FALSE(cfg.protocol.ascii_auth_enabled());
  EXPECT_EQ(cfg.runtime.threads, 0u);
  EXPECT_EQ(cfg.runtime.reactor_backend, reactor_backend_choice::automatic);
  EXPECT_TRUE(cfg.runtime.pin_shards);
  EXPECT_FALSE(cfg.process.daemonize);
  EXPECT_TRUE(cfg.process.pidfile.empty());
  EXPECT_TRUE(cfg.process.user.empty());
  EXPECT_EQ(cfg.process.verbosity, 0);
}

TEST(ConfigTest, DefaultListensOnEveryInterfaceOverTcpOnly) {
  config cfg = parse_ok({});
  ASSERT_FALSE(cfg.net.tcp_endpoints.empty());
  for (const socket_endpoint& endpoint : cfg.net.tcp_endpoints) {
    EXPECT_EQ(endpoint.port(), 11211);
  }
  EXPECT_TRUE(cfg.net.udp_endpoints.empty());
}

TEST(ConfigTest, HelpPrintsUsageOnStdoutAndExitsZero) {
  for (const char* flag : {"-h", "--help", "--he"}) {
    parse_result result = parse({flag});
    EXPECT_TRUE(result.should_exit()) << flag;
    EXPECT_EQ(result.exit_code, 0) << flag;
    EXPECT_TRUE(result.error.empty()) << flag;
    EXPECT_TRUE(result.output.starts_with(version_line() + "\n")) << flag;
    EXPECT_NE(result.output.find("-p, --port=<num>"), std::string::npos) << flag;
  }
}

TEST(ConfigTest, HelpMentionsUnixSocketButNoFeatureShoalLacks) {
  // memcached's test harness picks suites by grepping -h (MemcachedTest.pm).
  std::string text = usage_text();
  EXPECT_NE(text.find("unix-socket"), std::string::npos);
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* absent :
       {"sasl", "ext_path", "enable-ssl", "proxy_config", "no_drop_privileges"}) {
    EXPECT_EQ(lower.find(absent), std::string::npos) << absent;
  }
  EXPECT_FALSE(text.starts_with("memcached 1.1."));
}

TEST(ConfigTest, VersionPrintsCompatVersionFirstAndExitsZero) {
  for (const char* flag : {"-V", "--version"}) {
    parse_result result = parse({flag});
    EXPECT_TRUE(result.should_exit());
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.output, "memcached 1.6.18 (shoal " + std::string(shoal_version) + ")\n");
  }
}

TEST(ConfigTest, LicenseExitsZero) {
  parse_result result = parse({"-i"});
  EXPECT_TRUE(result.should_exit());
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_TRUE(result.output.starts_with(version_line()));
}

TEST(ConfigTest, FlagsBeforeHelpAreStillChecked) {
  // As memcached: flags are handled in order, so a bad one before -h wins.
  parse_result result = parse({"-c", "0", "-h"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_TRUE(result.output.empty());
}

TEST(ConfigTest, ClustersOfShortFlagsWorkAsWithGetopt) {
  config cfg = parse_ok({"-vv"});
  EXPECT_EQ(cfg.process.verbosity, 2);
  cfg = parse_ok({"-vvv", "-v"});
  EXPECT_EQ(cfg.process.verbosity, 4);
  cfg = parse_ok({"-dP", "/tmp/x.pid"});
  EXPECT_TRUE(cfg.process.daemonize);
  EXPECT_EQ(cfg.process.pidfile, "/tmp/x.pid");
  cfg = parse_ok({"-MCAF"});
  EXPECT_FALSE(cfg.cache.evictions);
  EXPECT_FALSE(cfg.cache.cas_enabled);
  EXPECT_TRUE(cfg.protocol.shutdown_enabled);
  EXPECT_FALSE(cfg.protocol.flush_enabled);
  cfg = parse_ok({"-vdp12345"});
  EXPECT_EQ(cfg.process.verbosity, 1);
  EXPECT_TRUE(cfg.process.daemonize);
  EXPECT_EQ(cfg.net.tcp_port, 12345);
}

TEST(ConfigTest, AttachedValuesWorkAsWithGetopt) {
  config cfg = parse_ok({"-p11311", "-m128", "-t3", "-oidle_timeout=7"});
  EXPECT_EQ(cfg.net.tcp_port, 11311);
  EXPECT_EQ(cfg.cache.memory_limit_bytes, 128u * 1024 * 1024);
  EXPECT_EQ(cfg.runtime.threads, 3u);
  EXPECT_EQ(cfg.net.idle_timeout_seconds, 7u);
}

TEST(ConfigTest, LongNamesTakeValuesWithEqualsOrNextArgument) {
  config cfg = parse_ok({"--port=11311", "--memory-limit", "256", "--threads=5", "--conn-limit",
                         "77", "--disable-cas", "--enable-shutdown"});
  EXPECT_EQ(cfg.net.tcp_port, 11311);
  EXPECT_EQ(cfg.cache.memory_limit_bytes, 256u * 1024 * 1024);
  EXPECT_EQ(cfg.runtime.threads, 5u);
  EXPECT_EQ(cfg.net.conn_limit, 77u);
  EXPECT_FALSE(cfg.cache.cas_enabled);
  EXPECT_TRUE(cfg.protocol.shutdown_enabled);
}

TEST(ConfigTest, UnambiguousLongPrefixesAreAcceptedAmbiguousOnesRefused) {
  config cfg = parse_ok({"--listen-b=5", "--por=11400"});
  EXPECT_EQ(cfg.net.listen_backlog, 5);
  EXPECT_EQ(cfg.net.tcp_port, 11400);
  parse_result result = parse({"--p=0"});  // --port, --pidfile, --protocol
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.error.find("'--p=0'"), std::string::npos) << result.error;
}

TEST(ConfigTest, VerboseLongFormCountsOnceWhateverItsValue) {
  EXPECT_EQ(parse_ok({"--verbose"}).process.verbosity, 1);
  EXPECT_EQ(parse_ok({"--verbose=2"}).process.verbosity, 1);
}

TEST(ConfigTest, UnknownShortOptionIsRefusedWithStatusOne) {
  parse_result result = parse({"-x"});
  EXPECT_TRUE(result.should_exit());
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.error, "shoal: invalid option -- 'x'");
  result = parse({"-vx"});
  EXPECT_EQ(result.error, "shoal: invalid option -- 'x'");
}

TEST(ConfigTest, UnknownLongOptionIsRefusedWithStatusOne) {
  parse_result result = parse({"--foo"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.error, "shoal: unrecognized option '--foo'");
  result = parse({"extra", "--foo=1"});
  EXPECT_EQ(result.error, "shoal: unrecognized option '--foo=1'");
  result = parse({"--daemon=1"});  // a flag given a value
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.error, "shoal: unrecognized option '--daemon=1'");
}

TEST(ConfigTest, MissingValueIsRefusedWithStatusOne) {
  parse_result result = parse({"-p"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.error, "shoal: option requires an argument -- 'p'");
  result = parse({"--port"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.error, "shoal: option '--port' requires an argument");
  result = parse({"-o"});
  EXPECT_EQ(result.error, "shoal: option requires an argument -- 'o'");
}

TEST(ConfigTest, ProgramNameInMessagesIsTheBasenameOfArgvZero) {
  std::vector<const char*> args{"/usr/local/bin/shoal-test", "-x"};
  parse_result result = parse_command_line(std::span<const char* const>(args));
  EXPECT_EQ(result.error, "shoal-test: invalid option -- 'x'");
}

TEST(ConfigTest, ArgcArgvOverloadParsesTheSame) {
  char arg0[] = "shoal";
  char arg1[] = "-t7";
  char* argv[] = {arg0, arg1, nullptr};
  parse_result result = parse_command_line(2, argv);
  ASSERT_TRUE(result.cfg);
  EXPECT_EQ(result.cfg->runtime.threads, 7u);
}

TEST(ConfigTest, ExtraArgumentsAreIgnoredWithAWarningAsMemcachedIgnoresThem) {
  parse_result result = parse({"extra", "-p", "11300", "more"});
  ASSERT_TRUE(result.cfg) << result.error;
  EXPECT_EQ(result.cfg->net.tcp_port, 11300);
  ASSERT_EQ(result.warnings.size(), 2u);
  EXPECT_EQ(result.warnings[0], "shoal: ignoring extra argument 'extra'");
  EXPECT_EQ(result.warnings[1], "shoal: ignoring extra argument 'more'");
}

TEST(ConfigTest, ParsingTwiceInOneProcessGivesTheSameResult) {
  // getopt keeps global state; the parser must reset it.
  config first = parse_ok({"-p", "11500", "-vv"});
  config second = parse_ok({"-p", "11500", "-vv"});
  EXPECT_EQ(first.net.tcp_port, second.net.tcp_port);
  EXPECT_EQ(second.process.verbosity, 2);
}

TEST(ConfigTest, ShoalLongOnlyOptions) {
  config cfg = parse_ok({"--reactor-backend=epoll", "--no-pin", "--spin-us=15"});
  EXPECT_EQ(cfg.runtime.reactor_backend, reactor_backend_choice::epoll);
  EXPECT_FALSE(cfg.runtime.pin_shards);
  EXPECT_EQ(cfg.runtime.spin_us, 15u);
  EXPECT_EQ(parse_ok({}).runtime.spin_us, 5u);
  EXPECT_EQ(parse({"--spin-us=abc"}).exit_code, 64);
  EXPECT_EQ(parse({"--spin-us=-1"}).exit_code, 64);
  EXPECT_EQ(parse_ok({"--reactor-backend", "io_uring"}).runtime.reactor_backend,
            reactor_backend_choice::io_uring);
  EXPECT_EQ(parse_ok({"--reactor-backend=auto"}).runtime.reactor_backend,
            reactor_backend_choice::automatic);
  parse_result result = parse({"--reactor-backend=kqueue"});
  EXPECT_EQ(result.exit_code, 64);
  EXPECT_EQ(result.error,
            "Invalid value for --reactor-backend: kqueue\n"
            " -- should be one of auto, epoll, or io_uring");
}

TEST(ConfigDerivedTest, ShardCountIsThreadsOrEveryAvailableCpu) {
  runtime_config runtime;
  EXPECT_EQ(resolve_shard_count(runtime, 6), 6u);
  EXPECT_EQ(resolve_shard_count(runtime, 0), 1u);
  runtime.threads = 3;
  EXPECT_EQ(resolve_shard_count(runtime, 6), 3u);
  EXPECT_GE(cpus_in_affinity_mask(), 1u);
}

TEST(ConfigDerivedTest, ShardMemoryLimitsAddUpToTheWholeLimit) {
  cache_config cache;
  cache.memory_limit_bytes = 64ull * 1024 * 1024 + 2;  // not divisible by 3
  uint64_t sum = 0;
  for (unsigned shard = 0; shard < 3; ++shard) {
    uint64_t limit = shard_memory_limit(cache, shard, 3);
    EXPECT_GE(limit, cache.memory_limit_bytes / 3);
    EXPECT_LE(limit, cache.memory_limit_bytes / 3 + 1);
    sum += limit;
  }
  EXPECT_EQ(sum, cache.memory_limit_bytes);
  EXPECT_EQ(shard_memory_limit(cache, 0, 1), cache.memory_limit_bytes);
}

TEST(ConfigDerivedTest, FdLimitCoversConnectionsPlusEveryShardsListeners) {
  config cfg = parse_ok({"-c", "5000", "-l", "127.0.0.1", "-U", "11999"});
  ASSERT_EQ(cfg.net.tcp_endpoints.size(), 1u);
  ASSERT_EQ(cfg.net.udp_endpoints.size(), 1u);
  uint64_t one = required_fd_limit(cfg, 1);
  uint64_t five = required_fd_limit(cfg, 5);
  EXPECT_GT(one, 5000u + 2);
  EXPECT_GE(five - one, 4u * 2);  // each shard has its own TCP and UDP listener
  EXPECT_LT(five, 5000u + 200);
}

}  // namespace
}  // namespace shoal::server
