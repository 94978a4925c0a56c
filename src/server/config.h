// config is the one place the server's settings live: parsed from memcached
// 1.6's command line and validated once at start-up by parse_command_line(),
// then passed down by const reference, each part seeing only its section
// (STYLE.md #9). Nothing in it changes after start-up; values a command can
// change at run time (verbosity, cache_memlimit) start from here and live with
// their owner.
//
// The flags, their defaults, their validation and where Shoal departs from
// memcached are documented in docs/protocol.md#command-line; why getopt_long
// parses them is in docs/decisions/0400-command-line-parser.md.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "server/auth_file.h"
#include "server/listen_address.h"
#include "server/startup_error.h"

namespace shoal::server {

// -B. memcached's third value, binary, is refused until Shoal speaks it.
enum class binding_protocol : uint8_t { auto_negotiate, ascii };

// --reactor-backend. The runtime has its own enum; the server maps this one
// onto it (automatic = the runtime's default choice).
enum class reactor_backend_choice : uint8_t { automatic, epoll, io_uring };

// Listening sockets and connections.
struct net_config {
  uint16_t tcp_port = 11211;  // -p; 0 = no TCP
  uint16_t udp_port = 0;      // -U; 0 = no UDP
  // -l entries as given (empty: every interface), and what they resolve to.
  // Each endpoint is bound on every shard. Both endpoint lists are empty when
  // their transport is off, and when a unix socket is used.
  std::vector<listen_spec> listen;
  std::vector<socket_endpoint> tcp_endpoints;
  std::vector<socket_endpoint> udp_endpoints;
  // -s: when set, the only listener (memcached turns TCP and UDP off).
  std::string unix_socket;
  uint32_t unix_socket_mode = 0700;   // -a, permission bits for the socket file
  int listen_backlog = 1024;          // -b
  uint32_t conn_limit = 1024;         // -c: client connections, all shards together
  uint32_t reqs_per_event = 20;       // -R: requests per connection per loop turn
  uint32_t idle_timeout_seconds = 0;  // -o idle_timeout: 0 = never close idle clients
};

// The item store, all shards together.
struct cache_config {
  uint64_t memory_limit_bytes = 64ull * 1024 * 1024;  // -m, given in MB
  bool evictions = true;                              // -M turns off: refuse instead
  uint32_t max_item_size = 1024 * 1024;               // -I
  bool cas_enabled = true;                            // -C turns off
};

// Commands and who may use them.
struct protocol_config {
  binding_protocol binding = binding_protocol::auto_negotiate;  // -B
  bool shutdown_enabled = false;                                // -A
  bool flush_enabled = true;                                    // -F turns off
  bool dump_enabled = true;   // -X turns off (stats cachedump, lru_crawler metadump)
  bool watch_enabled = true;  // -W turns off
  // -Y: absolute path, and the accounts loaded from it. ASCII authentication
  // is on exactly when auth_file is set (an empty file lets nobody in).
  std::string auth_file;
  std::vector<auth_entry> auth_entries;

  bool ascii_auth_enabled() const { return !auth_file.empty(); }
};

// Shards and their event loops.
struct runtime_config {
  unsigned threads = 0;  // -t: shard count; 0 = one per CPU in the affinity mask
  reactor_backend_choice reactor_backend = reactor_backend_choice::automatic;
  bool pin_shards = true;  // --no-pin turns off
  // --spin-us: how long a shard waiting for another shard's reply polls
  // before it sleeps (docs/decisions/0104-spin-before-sleep.md).
  unsigned spin_us = 5;
};

// The process around the server.
struct process_config {
  bool daemonize = false;  // -d
  std::string pidfile;     // -P, absolute; written with or without -d, as memcached does
  std::string user;        // -u: who to become when started as root
  int verbosity = 0;       // -v, -vv, -vvv
};

// Values of flags Shoal accepts for compatibility but does not act on, kept
// only so that `stats settings` reports what was asked.
struct compat_settings {
  double growth_factor = 1.25;  // -f
  uint32_t chunk_size = 48;     // -n
  char prefix_delimiter = ':';  // -D
  bool sasl_requested = false;  // -S (ignored with a warning)
};

struct config {
  net_config net;
  cache_config cache;
  protocol_config protocol;
  runtime_config runtime;
  process_config process;
  compat_settings compat;
};

// What parse_command_line() decided. Exactly one of: start the server with
// `cfg`; or exit with `exit_code` after printing `output` on stdout (-h, -V,
// -i: status 0) or `error` on stderr (refused: status non-zero). `warnings`
// (one line each, no newline) go to stderr in both cases, before `error`.
struct parse_result {
  std::optional<config> cfg;
  int exit_code = 0;
  std::string output;
  std::string error;
  std::vector<std::string> warnings;

  bool should_exit() const { return !cfg.has_value(); }
};

// Parses and validates memcached 1.6's command line; args[0] is the program
// name. Also loads the -Y file and resolves -l (which may block on DNS for a
// host name). Not thread-safe: it uses getopt_long's globals; call it once,
// from main, before any thread starts.
parse_result parse_command_line(std::span<const char* const> args);
parse_result parse_command_line(int argc, char** argv);

// Prints a parse_result the way main should: warnings and error on stderr,
// output on stdout. Returns exit_code.
int print_parse_result(const parse_result& result);

// The -h text (starts with version_line()).
std::string usage_text();

// The CPUs this process may run on (sched_getaffinity), at least 1.
unsigned cpus_in_affinity_mask();

// The number of shards to start: -t, or `available_cpus` when -t was not given.
unsigned resolve_shard_count(const runtime_config& runtime, unsigned available_cpus);

// The memory limit of one shard: -m split across `shard_count` shards, the
// remainder going one byte each to the first shards, so the limits add up to
// -m exactly. Requires shard < shard_count.
uint64_t shard_memory_limit(const cache_config& cache, unsigned shard, unsigned shard_count);

// The fewest file descriptors the process needs: -c client connections plus
// what the shards use themselves (listeners, event loop, cross-shard wake-ups)
// plus a margin for logs, the pidfile and the like.
uint64_t required_fd_limit(const config& cfg, unsigned shard_count);

}  // namespace shoal::server
