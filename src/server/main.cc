// shoal: a shard-per-core, memcached-compatible cache server. main() follows
// memcached's start-up order (see process_setup.h): parse the command line,
// set up the process, then run the shards until SIGINT/SIGTERM or `shutdown`.
#include <chrono>
#include <cstdio>
#include <optional>
#include <variant>

#include "runtime/smp.h"
#include "server/config.h"
#include "server/process_setup.h"
#include "server/server.h"

namespace {

using namespace shoal;
using namespace shoal::server;

int fail(const startup_error& error) {
  std::fprintf(stderr, "%s\n", error.message.c_str());
  return error.exit_code;
}

reactor_backend_kind backend_of(reactor_backend_choice choice) {
  switch (choice) {
    case reactor_backend_choice::epoll: return reactor_backend_kind::epoll;
    case reactor_backend_choice::io_uring: return reactor_backend_kind::io_uring;
    case reactor_backend_choice::automatic: break;
  }
  return reactor_backend_kind::automatic;
}

}  // namespace

int main(int argc, char** argv) {
  parse_result parsed = parse_command_line(argc, argv);
  if (parsed.should_exit()) return print_parse_result(parsed);
  for (const std::string& warning : parsed.warnings) std::fprintf(stderr, "%s\n", warning.c_str());
  const config& cfg = *parsed.cfg;
  const unsigned shard_count = resolve_shard_count(cfg.runtime, cpus_in_affinity_mask());

  if (auto e = ignore_sigpipe()) return fail(*e);
  if (auto e = raise_fd_limit(required_fd_limit(cfg, shard_count))) return fail(*e);
  if (auto e = drop_privileges(cfg.process)) return fail(*e);

  std::optional<daemon_startup> daemon;
  if (cfg.process.daemonize) {
    auto forked = daemonize(cfg.process.verbosity > 0);
    if (auto* e = std::get_if<startup_error>(&forked)) return fail(*e);
    daemon.emplace(std::move(std::get<daemon_startup>(forked)));
  }
  if (!cfg.process.pidfile.empty()) {
    if (auto e = write_pidfile(cfg.process.pidfile, getpid())) {
      if (daemon) daemon->failed(*e);
      return fail(*e);
    }
  }

  smp_config smp_cfg;
  smp_cfg.shards = shard_count;
  smp_cfg.backend = backend_of(cfg.runtime.reactor_backend);
  smp_cfg.pin_threads = cfg.runtime.pin_shards;
  smp_cfg.reactor.spin_before_sleep = std::chrono::microseconds(cfg.runtime.spin_us);
  int status = 0;
  try {
    status = smp::run(smp_cfg, [&]() -> task<int> {
      co_return co_await run_server(cfg, shard_count, daemon ? &*daemon : nullptr);
    });
  } catch (const std::exception& e) {
    std::fprintf(stderr, "shoal: %s\n", e.what());
    if (daemon) daemon->failed({71, e.what()});
    status = 71;
  }
  if (!cfg.process.pidfile.empty()) {
    if (auto warning = remove_pidfile(cfg.process.pidfile)) std::fprintf(stderr, "%s\n", warning->c_str());
  }
  return status;
}
