// Values derived from the config (shard count, per-shard memory, descriptor
// budget) and the texts of -h and -i. The parser itself is config_parse.cc.
//
// The -h text lists what Shoal implements in memcached's layout. memcached's
// test harness (t/lib/MemcachedTest.pm) chooses suites by grepping -h, so the
// text deliberately never names features Shoal lacks: not "sasl" (binary
// authentication suite), "ext_path" (extstore), "enable-ssl" (TLS),
// "proxy_config" or "no_drop_privileges"; and it does name "unix-socket".
#include "server/config.h"

#include <sched.h>

#include "base/assert.h"
#include "server/config_internal.h"
#include "server/version.h"

namespace shoal::server {

std::string usage_text() {
  std::string text = version_line();
  text += R"(
-p, --port=<num>          TCP port to listen on (default: 11211, 0 = off)
-U, --udp-port=<num>      UDP port to listen on (default: 0, off)
-s, --unix-socket=<file>  UNIX socket to listen on (disables network support)
-a, --unix-mask=<mask>    access mask for UNIX socket, in octal (default: 700)
-A, --enable-shutdown     enable ascii "shutdown" command
-l, --listen=<addr>       interface to listen on (default: INADDR_ANY);
                          a comma-separated list of <addr>[:<port>], IPv6 as [<addr>]
-d, --daemon              run as a daemon
-u, --user=<user>         assume identity of <username> (only when run as root)
-m, --memory-limit=<num>  item memory in megabytes, all shards together (default: 64)
-M, --disable-evictions   return error on memory exhausted instead of evicting
-c, --conn-limit=<num>    max simultaneous connections (default: 1024)
-v, --verbose             verbose (print errors/warnings while in event loop)
-vv                       very verbose (also print client commands/responses)
-vvv                      extremely verbose (internal state transitions)
-h, --help                print this help and exit
-i, --license             print license information and exit
-V, --version             print version and exit
-P, --pidfile=<file>      save PID in <file>
-t, --threads=<num>       number of shards, one thread each
                          (default: one per CPU this process may run on)
-R, --max-reqs-per-event  maximum number of requests per event, limits the
                          requests processed per connection to prevent
                          starvation (default: 20)
-C, --disable-cas         disable use of CAS
-b, --listen-backlog=<num> set the backlog queue limit (default: 1024)
-B, --protocol=<name>     protocol - one of ascii or auto (default: auto-negotiate)
-I, --max-item-size=<num> adjusts max item size
                          (default: 1m, min: 1k, max: 1024m)
-F, --disable-flush-all   disable flush_all command
-X, --disable-dumping     disable stats cachedump and lru_crawler metadump
-W  --disable-watch       disable watch commands (live logging)
-Y, --auth-file=<file>    enable ASCII protocol authentication. format:
                          user:pass\nuser2:pass2\n
-o, --extended            comma separated list of extended options
   - idle_timeout:        timeout for idle connections. (default: 0, no timeout)

shoal's own options:
--reactor-backend=<name>  event loop backend: auto, epoll or io_uring (default: auto)
--no-pin                  do not pin shard threads to CPUs
--spin-us=<n>             microseconds a shard polls for another shard's reply
                          before sleeping (default: 5)

Accepted so that memcached command lines keep working, with a warning, but
without effect: -f, -n, -L, -k, -r, -D, -e, -N, -S, and memcached's other -o
sub-options (slab, LRU, hash table, logger, external storage and TLS settings).
)";
  return text;
}

namespace detail {

std::string license_text() {
  return version_line() +
         "\n\nshoal is a memcached-compatible cache server, written independently of\n"
         "memcached and libevent. See the LICENSE file of its source distribution.\n";
}

}  // namespace detail

unsigned cpus_in_affinity_mask() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  int count = CPU_COUNT(&set);
  return count > 0 ? static_cast<unsigned>(count) : 1;
}

unsigned resolve_shard_count(const runtime_config& runtime, unsigned available_cpus) {
  if (runtime.threads != 0) return runtime.threads;
  return available_cpus > 0 ? available_cpus : 1;
}

uint64_t shard_memory_limit(const cache_config& cache, unsigned shard, unsigned shard_count) {
  SHOAL_ASSERT(shard < shard_count);
  uint64_t share = cache.memory_limit_bytes / shard_count;
  uint64_t remainder = cache.memory_limit_bytes % shard_count;
  return share + (shard < remainder ? 1 : 0);
}

uint64_t required_fd_limit(const config& cfg, unsigned shard_count) {
  // Per shard: a listener per endpoint (SO_REUSEPORT: each shard has its
  // own), the event loop's descriptors (io_uring or epoll, eventfd, timerfd),
  // and slack. Plus stdio, the pidfile, the auth file, logs.
  uint64_t listeners = cfg.net.tcp_endpoints.size() + cfg.net.udp_endpoints.size() +
                       (cfg.net.unix_socket.empty() ? 0 : 1);
  uint64_t per_shard = listeners + 8;
  constexpr uint64_t process_margin = 64;
  return uint64_t{cfg.net.conn_limit} + uint64_t{shard_count} * per_shard + process_margin;
}

}  // namespace shoal::server
