// Differential test: the same command lines given to the real memcached
// 1.6.18 and to Shoal's parser. For each line, either both refuse it (with the
// same exit status, and where marked the same message) or both accept it;
// the lines where Shoal deliberately decides otherwise are listed as such,
// each with its reason (they are the divergences in docs/protocol.md).
//
// memcached is started with every line at once, in parallel, on loopback
// only; a refused line makes it exit at once, an accepted one keeps it
// running until the end of a one-second window, after which it is killed by
// PID. The whole test takes about a second.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>

#include "server/config_test_util.h"
#include "server/memcached_test_process.h"

namespace shoal::server {
namespace {

enum class expect : uint8_t {
  both_refuse,            // same exit status
  both_refuse_same_text,  // same exit status and message
  both_accept,
  shoal_refuses,  // memcached accepts: it misreads the value (atoi) or ignores the error
  shoal_accepts,  // memcached refuses for a reason that does not apply to Shoal
};

struct row {
  std::vector<std::string> flags;
  expect outcome;
  std::string why = {};  // for the two deliberate divergences
};

class ConfigVsMemcachedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::memcached_available()) GTEST_SKIP() << "no " << testing::memcached_path;
    std::string dir = ::testing::TempDir();
    std::string tag = std::to_string(::getpid());
    auth_good_ = dir + "shoal_cfgdiff_" + tag + "_good.auth";
    auth_bad_ = dir + "shoal_cfgdiff_" + tag + "_bad.auth";
    auth_crlf_ = dir + "shoal_cfgdiff_" + tag + "_crlf.auth";
    auth_empty_ = dir + "shoal_cfgdiff_" + tag + "_empty.auth";
    std::ofstream(auth_good_) << "alice:secret\nbob:pw\n";
    std::ofstream(auth_bad_) << "alice:secret\n#comment\n";
    std::ofstream(auth_crlf_) << "alice:secret\r\n";
    std::ofstream(auth_empty_) << "";
    // memcached runs as nobody here: the sockets go where anyone may write.
    socket_prefix_ = "/tmp/shoal_cfgdiff_" + tag + "_";
  }

  void TearDown() override {
    for (const std::string& path : {auth_good_, auth_bad_, auth_crlf_, auth_empty_}) {
      std::remove(path.c_str());
    }
    for (int i = 0; i < sockets_; ++i) std::remove(socket_path(i).c_str());
    std::remove(long_socket_path().substr(0, 107).c_str());
  }

  std::string port() { return std::to_string(testing::free_port()); }
  // Longer than sun_path; memcached binds its first 107 bytes.
  std::string long_socket_path() const { return socket_prefix_ + std::string(120, 's'); }
  std::string socket_path(int n) const { return socket_prefix_ + std::to_string(n) + ".sock"; }
  std::string new_socket() { return socket_path(sockets_++); }

  std::vector<row> rows() {
    using e = expect;
    std::string p = port();
    return {
        // Counts memcached refuses when <= 0 (atoi: text is 0).
        {{"-c", "0"}, e::both_refuse_same_text},
        {{"-c", "-1"}, e::both_refuse_same_text},
        {{"-c", "abc"}, e::both_refuse_same_text},
        {{"-t", "0"}, e::both_refuse_same_text},
        {{"-t", "-1"}, e::both_refuse_same_text},
        {{"-t", "abc"}, e::both_refuse_same_text},
        {{"-R", "0"}, e::both_refuse_same_text},
        {{"-R", "abc"}, e::both_refuse_same_text},
        {{"-f", "0.5"}, e::both_refuse_same_text},
        {{"-f", "abc"}, e::both_refuse_same_text},
        {{"-n", "0"}, e::both_refuse_same_text},
        {{"-n", "abc"}, e::both_refuse_same_text},
        {{"-N", "0"}, e::both_refuse_same_text},
        {{"-D", ""}, e::both_refuse_same_text},
        // -I and -m.
        {{"-I", "512"}, e::both_refuse_same_text},
        {{"-I", "1023"}, e::both_refuse_same_text},
        {{"-I", "1m", "-m", "1"}, e::both_refuse_same_text},
        {{"-I", "2m", "-m", "3"}, e::both_refuse_same_text},
        {{"-I", "33m"}, e::both_refuse_same_text},
        {{"-I", "1025m", "-m", "4096"}, e::both_refuse_same_text},
        {{"-m", "0"}, e::both_refuse_same_text},
        {{"-I", "abc"}, e::both_refuse},
        {{"-I", "2g"}, e::both_refuse},
        {{"-I", "-1"}, e::both_refuse},
        {{"-m", "1g"}, e::both_refuse},
        // -B, -p, -S, -Z.
        {{"-B", "http"}, e::both_refuse_same_text},
        {{"-B", "ASCII"}, e::both_refuse_same_text},
        {{"-B", ""}, e::both_refuse_same_text},
        {{"-p", "65536"}, e::both_refuse_same_text},
        {{"-p", "99999"}, e::both_refuse_same_text},
        {{"-S", "-B", "ascii"}, e::both_refuse_same_text},
        {{"-Z"}, e::both_refuse},
        // getopt.
        {{"-x"}, e::both_refuse},
        {{"--foo"}, e::both_refuse},
        {{"-o"}, e::both_refuse},
        {{"--p=0"}, e::both_refuse},
        {{"--daemon=1"}, e::both_refuse},
        // -o.
        {{"-o", "foo"}, e::both_refuse_same_text},
        {{"-o", "foo=1"}, e::both_refuse_same_text},
        {{"-o", ",modern"}, e::both_refuse_same_text},
        {{"-o", "IDLE_TIMEOUT=5"}, e::both_refuse_same_text},
        {{"-o", "idle_timeout"}, e::both_refuse_same_text},
        {{"-o", "hashpower"}, e::both_refuse_same_text},
        {{"-o", "hashpower=5"}, e::both_refuse_same_text},
        {{"-o", "hashpower=50"}, e::both_refuse_same_text},
        {{"-o", "hashpower=abc"}, e::both_refuse},
        {{"-o", "slab_automove=3"}, e::both_refuse_same_text},
        {{"-o", "slab_automove_ratio=0"}, e::both_refuse_same_text},
        {{"-o", "slab_automove_window=2"}, e::both_refuse_same_text},
        {{"-o", "tail_repair_time=5"}, e::both_refuse_same_text},
        {{"-o", "hash_algorithm=md5"}, e::both_refuse_same_text},
        {{"-o", "lru_crawler_sleep=-1"}, e::both_refuse_same_text},
        {{"-o", "lru_crawler_tocrawl=abc"}, e::both_refuse_same_text},
        {{"-o", "hot_lru_pct=0"}, e::both_refuse_same_text},
        {{"-o", "warm_lru_pct=100"}, e::both_refuse_same_text},
        {{"-o", "hot_max_factor=0"}, e::both_refuse_same_text},
        {{"-o", "hot_lru_pct=50"}, e::both_refuse_same_text},
        {{"-o", "temporary_ttl"}, e::both_refuse_same_text},
        {{"-o", "watcher_logbuf_size=abc"}, e::both_refuse_same_text},
        {{"-o", "read_buf_mem_limit=-1"}, e::both_refuse_same_text},
        {{"-o", "ext_path"}, e::both_refuse_same_text},
        {{"-o", "ext_path=/x"}, e::both_refuse_same_text},
        {{"-o", "ext_threads=abc"}, e::both_refuse_same_text},
        {{"-o", "ssl_verify_mode=9"}, e::both_refuse_same_text},
        {{"-o", "ssl_min_version=-1"}, e::both_refuse_same_text},
        // -Y.
        {{"-Y", "/nonexistent-shoal-auth"}, e::both_refuse},
        {{"-Y", auth_bad_}, e::both_refuse},
        // -l (memcached finds these when it binds).
        {{"-l", "fooble.invalid", "-p", port()}, e::both_refuse},
        {{"-l", "127.0.0.1:abc", "-p", port()}, e::both_refuse},
        {{"-l", "[::1", "-p", port()}, e::both_refuse},
        {{"-l", "notls:127.0.0.1", "-p", port()}, e::both_refuse},
        {{"-l", ":" + port(), "-p", port()}, e::both_refuse},
        {{"-l", "[]:" + port(), "-p", port()}, e::both_refuse},
        {{"-l", "::1:" + port(), "-p", port()}, e::both_refuse},

        // Lines both accept.
        {{"-p", "0"}, e::both_accept},
        {{"-vv"}, e::both_accept},
        {{"-vvvv", "--verbose=2"}, e::both_accept},
        {{"-c", "1000", "-t", "2", "-R", "5", "-b", "0"}, e::both_accept},
        {{"-m", "64m"}, e::both_accept},
        {{"-I", "2m"}, e::both_accept},
        {{"-I", "512k"}, e::both_accept},
        {{"-I", "1024M", "-m", "4096"}, e::both_accept},
        {{"-B", "ascii"}, e::both_accept},
        {{"-B", "auto"}, e::both_accept},
        {{"-AFCMXW"}, e::both_accept},
        {{"-L", "-r", "-k"}, e::both_accept},
        {{"-f", "1.5", "-n", "64", "-D", "#"}, e::both_accept},
        {{"-D", "ab"}, e::both_accept},
        {{"-N", "2"}, e::both_accept},
        {{"-o", "modern,no_lru_crawler,maxconns_fast"}, e::both_accept},
        {{"-o", "idle_timeout=5,"}, e::both_accept},
        {{"-o", ""}, e::both_accept},
        {{"-o", "hashpower=20", "-o", "slab_chunk_max=16384"}, e::both_accept},
        {{"-o", "lru_crawler_tocrawl=0,hot_lru_pct=10,temporary_ttl=30,track_sizes"},
         e::both_accept},
        {{"-o", "ssl_key=/x,ssl_verify_mode=3,ext_threads=2,lru_crawler=1"}, e::both_accept},
        {{"extra", "--por=0"}, e::both_accept},
        {{"-l", "127.0.0.1", "-p", port()}, e::both_accept},
        {{"-l", "127.0.0.1:" + port(), "-p", port()}, e::both_accept},
        {{"-l", "localhost", "-p", port()}, e::both_accept},
        {{"-l", "::1", "-p", port()}, e::both_accept},
        {{"-l", "[::1]:" + port(), "-p", port()}, e::both_accept},
        {{"-l", "127.0.0.1,", "-l", "127.0.0.1", "-p", port()}, e::both_accept},
        {{"-l", "127.0.0.1", "-p", port(), "-U", port()}, e::both_accept},
        {{"-l", "127.0.0.1:0", "-p", port()}, e::both_accept},
        {{"-l", "fooble.invalid", "-p", "0"}, e::both_accept},
        {{"-Y", auth_good_}, e::both_accept},
        {{"-Y", auth_empty_}, e::both_accept},
        {{"-s", new_socket()}, e::both_accept},
        {{"-s", new_socket(), "-a", "755"}, e::both_accept},

        // Deliberate divergences.
        {{"-p", "abc"}, e::shoal_refuses, "memcached reads it as -p 0"},
        {{"-p", "-1"}, e::shoal_refuses, "memcached binds an ephemeral port"},
        {{"-U", "70000", "-l", "127.0.0.1", "-p", p}, e::shoal_refuses, "memcached wraps it"},
        {{"-U", "abc"}, e::shoal_refuses, "memcached reads it as -U 0"},
        {{"-t", "2abc"}, e::shoal_refuses, "memcached reads it as -t 2"},
        {{"-c", "100abc"}, e::shoal_refuses, "memcached reads it as -c 100"},
        {{"-m", "-1"}, e::shoal_refuses, "memcached wraps it to 16 EiB"},
        {{"-b", "-5"}, e::shoal_refuses, "a negative backlog"},
        {{"-a", "9", "-s", new_socket()}, e::shoal_refuses, "not octal; memcached uses 0"},
        {{"-o", "idle_timeout=abc"}, e::shoal_refuses, "memcached reads it as 0"},
        {{"-o", "idle_timeout=-1"}, e::shoal_refuses, "a negative timeout"},
        {{"-o", "idle_timeout=5=6"}, e::shoal_refuses, "memcached reads it as 5"},
        {{"-o", "lru_crawler_sleep=abc"}, e::shoal_refuses, "memcached reads it as 0"},
        {{"-l", "[::1]x", "-p", port()}, e::shoal_refuses, "memcached ignores the tail"},
        {{"-l", "127.0.0.1:99999", "-p", port()},
         e::shoal_refuses,
         "memcached binds an ephemeral port"},
        {{"-l", ""}, e::shoal_refuses, "memcached then listens nowhere"},
        {{"-s", ""}, e::shoal_refuses, "an empty path"},
        {{"-P", ""}, e::shoal_refuses, "an empty path"},
        {{"-s", long_socket_path()}, e::shoal_refuses, "memcached truncates the path to 107 bytes"},
        {{"-B", "binary"}, e::shoal_refuses, "Shoal does not speak the binary protocol yet"},
        {{"-Y", "/"}, e::shoal_refuses, "memcached reads a directory as an empty file"},
        {{"-I", "2k", "-m", "1"}, e::shoal_accepts, "memcached's slab_chunk_max; no slabs here"},
        {{"-I", "1k"}, e::shoal_accepts, "memcached's slab_chunk_max; no slabs here"},
        {{"-I", "600k"}, e::shoal_accepts, "memcached's slab_chunk_max; no slabs here"},
        {{"-N", "5"}, e::shoal_accepts, "NAPI ids are ignored; memcached compares them with -t 4"},
        {{"-o", "relaxed_privileges"},
         e::shoal_accepts,
         "debug builds only in memcached; its test harness always passes it"},
        {{"-Y", auth_crlf_}, e::shoal_accepts, "memcached refuses CRLF by accident"},
        {{"-l", "127.0.0.1:" + p + ",127.0.0.1:" + p, "-p", p},
         e::shoal_accepts,
         "memcached binds the same address twice and fails"},
    };
  }

  std::string auth_good_, auth_bad_, auth_crlf_, auth_empty_;
  std::string socket_prefix_;
  int sockets_ = 0;
};

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

TEST_F(ConfigVsMemcachedTest, SameVerdictOnEveryLineExceptTheListedDivergences) {
  std::vector<row> table = rows();
  std::vector<std::string> base{"-p", "0", "-U", "0"};
  std::vector<std::string> as_user;
  if (::getuid() == 0 || ::geteuid() == 0) as_user = {"-u", "nobody"};

  std::vector<std::unique_ptr<testing::child_process>> processes;
  for (const row& r : table) {
    std::vector<std::string> argv{testing::memcached_path};
    argv.insert(argv.end(), as_user.begin(), as_user.end());
    argv.insert(argv.end(), base.begin(), base.end());
    argv.insert(argv.end(), r.flags.begin(), r.flags.end());
    processes.push_back(std::make_unique<testing::child_process>(argv));
  }
  auto start = std::chrono::steady_clock::now();
  auto window_end = start + std::chrono::seconds(1);
  for (size_t i = 0; i < table.size(); ++i) {
    bool memcached_should_refuse =
        table[i].outcome != expect::both_accept && table[i].outcome != expect::shoal_refuses;
    // A refusal comes at once; allow for a loaded machine.
    auto deadline = memcached_should_refuse ? start + std::chrono::seconds(10) : window_end;
    processes[i]->wait_until(deadline);
  }

  std::vector<bool> refused(table.size());
  for (size_t i = 0; i < table.size(); ++i) {
    refused[i] = processes[i]->poll();
    processes[i]->signal_kill();
  }

  for (size_t i = 0; i < table.size(); ++i) {
    const row& r = table[i];
    testing::child_process& memcached = *processes[i];
    bool memcached_refused = refused[i];
    memcached.stop();

    std::vector<std::string> ours_flags = base;
    ours_flags.insert(ours_flags.end(), r.flags.begin(), r.flags.end());
    parse_result ours = testing::parse(ours_flags);
    bool shoal_refused = ours.should_exit();

    std::string line;
    for (const std::string& flag : r.flags) line += " '" + flag + "'";
    std::string context = "line:" + line + "\nmemcached (status " +
                          std::to_string(memcached.exit_status()) +
                          "): " + trimmed(memcached.output()) + "\nshoal (status " +
                          std::to_string(ours.exit_code) + "): " + ours.error;
    switch (r.outcome) {
      case expect::both_refuse_same_text:
        EXPECT_EQ(ours.error, trimmed(memcached.output())) << context;
        [[fallthrough]];
      case expect::both_refuse:
        EXPECT_TRUE(memcached_refused) << context;
        EXPECT_TRUE(shoal_refused) << context;
        EXPECT_EQ(ours.exit_code, memcached.exit_status()) << context;
        break;
      case expect::both_accept:
        EXPECT_FALSE(memcached_refused) << context;
        EXPECT_FALSE(shoal_refused) << context;
        break;
      case expect::shoal_refuses:
        EXPECT_FALSE(memcached_refused) << context << "\n(" << r.why << ")";
        EXPECT_TRUE(shoal_refused) << context << "\n(" << r.why << ")";
        break;
      case expect::shoal_accepts:
        EXPECT_TRUE(memcached_refused) << context << "\n(" << r.why << ")";
        EXPECT_FALSE(shoal_refused) << context << "\n(" << r.why << ")";
        break;
    }
  }
}

}  // namespace
}  // namespace shoal::server
