// One test per flag: good values land in the config, bad values are refused
// with memcached 1.6.18's message and exit status (taken from the binary; see
// docs/protocol.md#command-line), and the flags Shoal only tolerates warn.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "server/config.h"
#include "server/config_test_util.h"

namespace shoal::server {
namespace {

using testing::parse;
using testing::parse_ok;

// Expects `flags` to be refused with this status and message.
void expect_refused(std::vector<std::string> flags, int exit_code, const std::string& message) {
  std::string line;
  for (const auto& flag : flags) line += flag + " ";
  parse_result result = parse(flags);
  EXPECT_TRUE(result.should_exit()) << line;
  EXPECT_EQ(result.exit_code, exit_code) << line;
  EXPECT_EQ(result.error, message) << line;
  EXPECT_TRUE(result.output.empty()) << line;
}

std::string current_directory() {
  char buffer[4096];
  return getcwd(buffer, sizeof buffer) != nullptr ? buffer : "";
}

TEST(ConfigFlagsTest, PortAcceptsZeroToMax) {
  EXPECT_EQ(parse_ok({"-p", "0"}).net.tcp_port, 0);
  EXPECT_EQ(parse_ok({"-p", "65535"}).net.tcp_port, 65535);
  EXPECT_EQ(parse_ok({"-p", "011311"}).net.tcp_port, 11311);
}

TEST(ConfigFlagsTest, PortZeroMeansNoTcp) {
  config cfg = parse_ok({"-p", "0", "-l", "127.0.0.1:11311"});
  EXPECT_TRUE(cfg.net.tcp_endpoints.empty());
  EXPECT_TRUE(cfg.net.udp_endpoints.empty());
}

TEST(ConfigFlagsTest, PortOutOfRangeOrNotANumberIsRefused) {
  expect_refused({"-p", "65536"}, 64, "ERROR: Invalid port number 65536.");
  expect_refused({"-p", "99999"}, 64, "ERROR: Invalid port number 99999.");
  // memcached's atoi() reads these as 0 (no TCP) and -1: Shoal refuses them.
  expect_refused({"-p", "abc"}, 64, "ERROR: Invalid port number abc.");
  expect_refused({"-p", "-1"}, 64, "ERROR: Invalid port number -1.");
}

TEST(ConfigFlagsTest, UdpPortIsOffByDefaultAndResolvedWhenGiven) {
  config cfg = parse_ok({"-l", "127.0.0.1", "-U", "11333"});
  EXPECT_EQ(cfg.net.udp_port, 11333);
  ASSERT_EQ(cfg.net.udp_endpoints.size(), 1u);
  EXPECT_EQ(cfg.net.udp_endpoints[0].to_string(), "127.0.0.1:11333");
  EXPECT_EQ(parse_ok({"--udp-port=0"}).net.udp_port, 0);
  expect_refused({"-U", "70000"}, 64, "ERROR: Invalid UDP port number 70000.");
  expect_refused({"-U", "x"}, 64, "ERROR: Invalid UDP port number x.");
}

TEST(ConfigFlagsTest, UnixSocketReplacesTcpAndUdp) {
  config cfg = parse_ok({"-s", "/tmp/shoal.sock", "-U", "11333", "-p", "11334"});
  EXPECT_EQ(cfg.net.unix_socket, "/tmp/shoal.sock");
  EXPECT_TRUE(cfg.net.tcp_endpoints.empty());
  EXPECT_TRUE(cfg.net.udp_endpoints.empty());
  // The ports are still reported by `stats settings`, as memcached does.
  EXPECT_EQ(cfg.net.tcp_port, 11334);
  EXPECT_EQ(cfg.net.udp_port, 11333);
}

TEST(ConfigFlagsTest, RelativeUnixSocketPathIsMadeAbsolute) {
  config cfg = parse_ok({"--unix-socket=shoal.sock"});
  EXPECT_EQ(cfg.net.unix_socket, current_directory() + "/shoal.sock");
}

TEST(ConfigFlagsTest, UnixSocketPathMustFitSunPath) {
  std::string longest = "/" + std::string(106, 'a');  // 107 bytes + NUL = sun_path
  EXPECT_EQ(parse_ok({"-s", longest}).net.unix_socket, longest);
  parse_result result = parse({"-s", longest + "a"});
  EXPECT_EQ(result.exit_code, 64);
  EXPECT_TRUE(result.error.starts_with("UNIX socket path is too long (108 bytes, at most 107)"))
      << result.error;
  expect_refused({"-s", ""}, 64, "Invalid value for -s: the socket path is empty");
}

TEST(ConfigFlagsTest, UnixMaskIsOctal) {
  EXPECT_EQ(parse_ok({"-s", "/tmp/x.sock", "-a", "755"}).net.unix_socket_mode, 0755u);
  EXPECT_EQ(parse_ok({"-a", "0777"}).net.unix_socket_mode, 0777u);
  EXPECT_EQ(parse_ok({"-a", "0"}).net.unix_socket_mode, 0u);
  EXPECT_EQ(parse_ok({"-a", "1777"}).net.unix_socket_mode, 0777u);  // only permission bits
  expect_refused({"-a", "9"}, 64,
                 "Invalid value for -a: \"9\" (expected an octal mode such as 700)");
  expect_refused({"-a", "abc"}, 64,
                 "Invalid value for -a: \"abc\" (expected an octal mode such as 700)");
  expect_refused({"-a", "17777"}, 64,
                 "Invalid value for -a: \"17777\" (expected an octal mode such as 700)");
}

TEST(ConfigFlagsTest, ListenEntriesAccumulateAcrossRepeatedFlags) {
  config cfg = parse_ok({"-l", "127.0.0.1", "-l", "127.0.0.2,127.0.0.1", "-p", "11340"});
  ASSERT_EQ(cfg.net.listen.size(), 2u);
  ASSERT_EQ(cfg.net.tcp_endpoints.size(), 2u);
  EXPECT_EQ(cfg.net.tcp_endpoints[0].to_string(), "127.0.0.1:11340");
  EXPECT_EQ(cfg.net.tcp_endpoints[1].to_string(), "127.0.0.2:11340");
}

TEST(ConfigFlagsTest, ListenEntryPortOverridesBothTcpAndUdpPorts) {
  // As memcached: -l 127.0.0.1:P,127.0.0.1 -p T -U U listens on TCP P and T, UDP P and U.
  config cfg = parse_ok({"-l", "127.0.0.1:11350,127.0.0.1", "-p", "11351", "-U", "11352"});
  ASSERT_EQ(cfg.net.tcp_endpoints.size(), 2u);
  EXPECT_EQ(cfg.net.tcp_endpoints[0].port(), 11350);
  EXPECT_EQ(cfg.net.tcp_endpoints[1].port(), 11351);
  ASSERT_EQ(cfg.net.udp_endpoints.size(), 2u);
  EXPECT_EQ(cfg.net.udp_endpoints[0].port(), 11350);
  EXPECT_EQ(cfg.net.udp_endpoints[1].port(), 11352);
}

TEST(ConfigFlagsTest, ListenRefusesUnknownHostsAndBadPortsWithStatus71) {
  expect_refused({"-l", "127.0.0.1:abc"}, 71,
                 "Invalid port number: \"abc\"\nfailed to listen on one of interface(s) "
                 "127.0.0.1:abc");
  expect_refused({"-l", "[::1"}, 71,
                 "Invalid IPV6 address: \"[::1\"\nfailed to listen on one of interface(s) [::1");
  parse_result result = parse({"-l", "fooble.invalid"});
  EXPECT_EQ(result.exit_code, 71);
  EXPECT_TRUE(result.error.starts_with("getaddrinfo(): ")) << result.error;
  EXPECT_TRUE(result.error.ends_with("\nfailed to listen on one of interface(s) fooble.invalid"))
      << result.error;
}

TEST(ConfigFlagsTest, EmptyListenListIsRefused) {
  expect_refused({"-l", ""}, 64, "Invalid value for -l: the address list is empty");
  expect_refused({"-l", ",,"}, 64, "Invalid value for -l: the address list is empty");
}

TEST(ConfigFlagsTest, ListenHostIsNotResolvedWhenTcpAndUdpAreOff) {
  // memcached never looks at -l then; neither does Shoal (syntax is still checked).
  config cfg = parse_ok({"-l", "fooble.invalid", "-p", "0"});
  EXPECT_EQ(cfg.net.listen.size(), 1u);
  EXPECT_TRUE(cfg.net.tcp_endpoints.empty());
}

TEST(ConfigFlagsTest, DaemonAndPidfile) {
  config cfg = parse_ok({"-d", "-P", "/run/shoal.pid"});
  EXPECT_TRUE(cfg.process.daemonize);
  EXPECT_EQ(cfg.process.pidfile, "/run/shoal.pid");
  EXPECT_EQ(parse_ok({"--daemon", "--pidfile=x.pid"}).process.pidfile,
            current_directory() + "/x.pid");
  expect_refused({"-P", ""}, 64, "Invalid value for -P: the pidfile path is empty");
}

TEST(ConfigFlagsTest, UserIsCarriedForTheProcessSetUp) {
  EXPECT_EQ(parse_ok({"-u", "nobody"}).process.user, "nobody");
  EXPECT_EQ(parse_ok({"--user=root"}).process.user, "root");
  EXPECT_EQ(parse_ok({"-u", ""}).process.user, "");  // as if not given, like memcached
}

TEST(ConfigFlagsTest, MemoryLimitIsInMegabytes) {
  EXPECT_EQ(parse_ok({"-m", "4098"}).cache.memory_limit_bytes, 4098ull << 20);
  EXPECT_EQ(parse_ok({"-m", "64m"}).cache.memory_limit_bytes, 64ull << 20);
  EXPECT_EQ(parse_ok({"-m", "2147483647"}).cache.memory_limit_bytes, 2147483647ull << 20);
  // memcached: -m 0 leaves no room for even one item.
  expect_refused({"-m", "0"}, 64, "Cannot set item size limit higher than 1/2 of memory max.");
  expect_refused({"-m", "1g"}, 64, "Invalid value for -m: \"1g\" (expected megabytes)");
  expect_refused({"-m", "-1"}, 64, "Invalid value for -m: \"-1\" (expected megabytes)");
  expect_refused({"-m", "2147483648"}, 64,
                 "Invalid value for -m: \"2147483648\" (expected megabytes)");
}

TEST(ConfigFlagsTest, DisableEvictionsAndCas) {
  config cfg = parse_ok({"--disable-evictions", "-C"});
  EXPECT_FALSE(cfg.cache.evictions);
  EXPECT_FALSE(cfg.cache.cas_enabled);
}

TEST(ConfigFlagsTest, ConnLimitMustBePositive) {
  EXPECT_EQ(parse_ok({"-c", "1"}).net.conn_limit, 1u);
  EXPECT_EQ(parse_ok({"-c", "100000"}).net.conn_limit, 100000u);
  for (const char* bad : {"0", "-1", "abc", "1.5", "100abc", "4294967297"}) {
    expect_refused({"-c", bad}, 1, "Maximum connections must be greater than 0");
  }
}

TEST(ConfigFlagsTest, ThreadsMustBePositiveAndWarnAboveSixtyFour) {
  EXPECT_EQ(parse_ok({"-t", "1"}).runtime.threads, 1u);
  EXPECT_TRUE(parse({"-t", "64"}).warnings.empty());
  parse_result result = parse({"-t", "65"});
  ASSERT_TRUE(result.cfg);
  EXPECT_EQ(result.cfg->runtime.threads, 65u);
  ASSERT_EQ(result.warnings.size(), 1u);
  EXPECT_TRUE(result.warnings[0].starts_with(
      "WARNING: Setting a high number of worker threads is not recommended."));
  for (const char* bad : {"0", "-1", "abc", "2abc", "+2"}) {
    expect_refused({"-t", bad}, 1, "Number of threads must be greater than 0");
  }
  expect_refused({"-t", "1025"}, 1, "Number of threads must be at most 1024");
}

TEST(ConfigFlagsTest, ReqsPerEventMustBePositive) {
  EXPECT_EQ(parse_ok({"-R", "5"}).net.reqs_per_event, 5u);
  for (const char* bad : {"0", "-1", "abc"}) {
    expect_refused({"-R", bad}, 1, "Number of requests per event must be greater than 0");
  }
}

TEST(ConfigFlagsTest, ListenBacklog) {
  EXPECT_EQ(parse_ok({"-b", "0"}).net.listen_backlog, 0);
  EXPECT_EQ(parse_ok({"-b", "4096"}).net.listen_backlog, 4096);
  expect_refused({"-b", "-5"}, 64,
                 "Invalid value for -b: \"-5\" (expected a number of connections, 0 or more)");
}

TEST(ConfigFlagsTest, ProtocolAcceptsAsciiAndAuto) {
  EXPECT_EQ(parse_ok({"-B", "ascii"}).protocol.binding, binding_protocol::ascii);
  EXPECT_EQ(parse_ok({"-B", "auto"}).protocol.binding, binding_protocol::auto_negotiate);
}

TEST(ConfigFlagsTest, ProtocolRefusesBinaryClearlyAndOthersLikeMemcached) {
  parse_result result = parse({"-B", "binary"});
  EXPECT_EQ(result.exit_code, 64);
  EXPECT_NE(result.error.find("does not speak the binary protocol"), std::string::npos);
  expect_refused({"-B", "http"}, 64,
                 "Invalid value for binding protocol: http\n"
                 " -- should be one of auto, binary, or ascii");
  expect_refused({"-B", "ASCII"}, 64,
                 "Invalid value for binding protocol: ASCII\n"
                 " -- should be one of auto, binary, or ascii");
}

TEST(ConfigFlagsTest, MaxItemSizeTakesKAndMSuffixes) {
  EXPECT_EQ(parse_ok({"-I", "2m"}).cache.max_item_size, 2u << 20);
  EXPECT_EQ(parse_ok({"-I", "512k"}).cache.max_item_size, 512u << 10);
  EXPECT_EQ(parse_ok({"-I", "512K"}).cache.max_item_size, 512u << 10);
  EXPECT_EQ(parse_ok({"-I", "2M"}).cache.max_item_size, 2u << 20);
  EXPECT_EQ(parse_ok({"-I", "2097152"}).cache.max_item_size, 2097152u);
  EXPECT_EQ(parse_ok({"-I", "1k"}).cache.max_item_size, 1024u);
  EXPECT_EQ(parse_ok({"-I", "1024m", "-m", "4096"}).cache.max_item_size, 1u << 30);
}

TEST(ConfigFlagsTest, MaxItemSizeBoundsAreMemcachedsInItsOrder) {
  expect_refused({"-I", "1023"}, 64, "Item max size cannot be less than 1024 bytes.");
  expect_refused({"-I", "0"}, 64, "Item max size cannot be less than 1024 bytes.");
  expect_refused({"-I", "1m", "-m", "1"}, 64,
                 "Cannot set item size limit higher than 1/2 of memory max.");
  expect_refused({"-I", "33m"}, 64, "Cannot set item size limit higher than 1/2 of memory max.");
  EXPECT_EQ(parse_ok({"-I", "32m"}).cache.max_item_size, 32u << 20);
  expect_refused({"-I", "1025m", "-m", "4096"}, 64,
                 "Cannot set item size limit higher than a gigabyte.");
  // The order of -m and -I on the line does not matter: the checks run last.
  EXPECT_EQ(parse_ok({"-I", "2m", "-m", "4"}).cache.max_item_size, 2u << 20);
  expect_refused({"-I", "2m", "-m", "3"}, 64,
                 "Cannot set item size limit higher than 1/2 of memory max.");
}

TEST(ConfigFlagsTest, MaxItemSizeSyntaxErrorsAreRefused) {
  for (const char* bad : {"abc", "1x", "2g", "-1", "1m1", ""}) {
    parse_result result = parse({"-I", bad});
    EXPECT_EQ(result.exit_code, 64) << bad;
    EXPECT_TRUE(result.error.starts_with("Invalid value for -I: \"" + std::string(bad) + "\""))
        << result.error;
  }
}

TEST(ConfigFlagsTest, SmallItemSizesMemcachedRefusesForItsSlabsAreAccepted) {
  // memcached refuses -I below 512k (or not a multiple of it) because of its
  // slab_chunk_max; Shoal has no slab classes.
  EXPECT_EQ(parse_ok({"-I", "2k", "-m", "1"}).cache.max_item_size, 2048u);
  EXPECT_EQ(parse_ok({"-I", "600k"}).cache.max_item_size, 600u * 1024);
}

TEST(ConfigFlagsTest, VerbosityCounts) {
  EXPECT_EQ(parse_ok({"-v"}).process.verbosity, 1);
  EXPECT_EQ(parse_ok({"-vv"}).process.verbosity, 2);
  EXPECT_EQ(parse_ok({"-vvv"}).process.verbosity, 3);
  EXPECT_EQ(parse_ok({"-v", "-v"}).process.verbosity, 2);
}

TEST(ConfigFlagsTest, ShutdownFlushDumpAndWatchSwitches) {
  config cfg = parse_ok({"-A", "-F", "-X", "-W"});
  EXPECT_TRUE(cfg.protocol.shutdown_enabled);
  EXPECT_FALSE(cfg.protocol.flush_enabled);
  EXPECT_FALSE(cfg.protocol.dump_enabled);
  EXPECT_FALSE(cfg.protocol.watch_enabled);
  EXPECT_TRUE(parse({"-X", "-W"}).warnings.empty());  // honoured: nothing to warn about
}

TEST(ConfigFlagsTest, AuthFileIsLoadedIntoTheConfig) {
  std::string path = ::testing::TempDir() + "shoal_config_flags_auth.txt";
  std::ofstream(path) << "alice:secret\nbob:pw:with:colons\n";
  config cfg = parse_ok({"-Y", path});
  EXPECT_TRUE(cfg.protocol.ascii_auth_enabled());
  EXPECT_EQ(cfg.protocol.auth_file, path);
  ASSERT_EQ(cfg.protocol.auth_entries.size(), 2u);
  EXPECT_EQ(cfg.protocol.auth_entries[1], (auth_entry{"bob", "pw:with:colons"}));
  std::remove(path.c_str());
}

TEST(ConfigFlagsTest, AuthFileErrorsStopWithStatusOne) {
  std::string missing = ::testing::TempDir() + "shoal_no_such_auth_file";
  expect_refused(
      {"-Y", missing}, 1,
      "Could not open authfile [" + missing + "] for reading: No such file or directory");
  std::string path = ::testing::TempDir() + "shoal_config_flags_bad_auth.txt";
  std::ofstream(path) << "alice:secret\nnocolon\n";
  expect_refused(
      {"--auth-file=" + path}, 1,
      "Authfile [" + path + "] has a malformed entry on line 2. Should be 'user:password'");
  std::remove(path.c_str());
}

TEST(ConfigFlagsTest, TlsIsRefused) {
  expect_refused({"-Z"}, 64, "ERROR: shoal does not support TLS (-Z)");
  expect_refused({"--enable-ssl"}, 64, "ERROR: shoal does not support TLS (-Z)");
}

TEST(ConfigFlagsTest, IgnoredFlagsWarnOnceEach) {
  struct ignored {
    std::vector<std::string> flags;
    std::string warning_start;
  };
  const ignored cases[] = {
      {{"-f", "1.5"}, "shoal: ignoring -f: "},
      {{"-n", "64"}, "shoal: ignoring -n: "},
      {{"-L"}, "shoal: ignoring -L: "},
      {{"-k"}, "shoal: ignoring -k: "},
      {{"-r"}, "shoal: ignoring -r: "},
      {{"-D", "#"}, "shoal: ignoring -D: "},
      {{"-e", "/dev/shm/memcached"}, "shoal: ignoring -e: "},
      {{"-N", "2"}, "shoal: ignoring -N: "},
      {{"-S"}, "shoal: ignoring -S: SASL needs the binary protocol"},
  };
  for (const ignored& c : cases) {
    parse_result result = parse(c.flags);
    ASSERT_TRUE(result.cfg) << c.flags[0] << ": " << result.error;
    ASSERT_EQ(result.warnings.size(), 1u) << c.flags[0];
    EXPECT_TRUE(result.warnings[0].starts_with(c.warning_start)) << result.warnings[0];
    EXPECT_EQ(result.warnings[0].find('\n'), std::string::npos);
  }
}

TEST(ConfigFlagsTest, IgnoredFlagsKeepTheirValuesForStats) {
  config cfg = parse_ok({"-f", "1.5", "-n", "64", "-D", "#x"});
  EXPECT_DOUBLE_EQ(cfg.compat.growth_factor, 1.5);
  EXPECT_EQ(cfg.compat.chunk_size, 64u);
  EXPECT_EQ(cfg.compat.prefix_delimiter, '#');  // memcached keeps the first character
}

TEST(ConfigFlagsTest, IgnoredFlagsAreStillValidatedLikeMemcached) {
  expect_refused({"-f", "1.0"}, 1, "Factor must be greater than 1");
  expect_refused({"-f", "abc"}, 1, "Factor must be greater than 1");
  expect_refused({"-n", "0"}, 1, "Chunk size must be greater than 0");
  expect_refused({"-n", "abc"}, 1, "Chunk size must be greater than 0");
  expect_refused({"-D", ""}, 1, "No delimiter specified");
  expect_refused({"-N", "0"}, 1, "Maximum number of NAPI IDs must be greater than 0");
}

TEST(ConfigFlagsTest, SaslWithAsciiOnlyIsRefusedAsMemcachedDoes) {
  expect_refused({"-S", "-B", "ascii"}, 64,
                 "ERROR: You cannot allow the ASCII protocol while using SASL.");
}

TEST(ConfigFlagsTest, FirstBadFlagWins) {
  expect_refused({"-c", "0", "-t", "0"}, 1, "Maximum connections must be greater than 0");
  expect_refused({"-t", "0", "-c", "0"}, 1, "Number of threads must be greater than 0");
}

}  // namespace
}  // namespace shoal::server
