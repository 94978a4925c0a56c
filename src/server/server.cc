// Start-up and shutdown order. See server.h.
#include "server/server.h"

#include <sys/random.h>
#include <sysexits.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <system_error>

#include "runtime/sharded.h"
#include "runtime/smp.h"
#include "server/network_service.h"
#include "server/server_context.h"
#include "server/shard_service.h"
#include "server/version.h"

namespace shoal::server {
namespace {

uint64_t random_seed() {
  uint64_t seed = 0;
  if (getrandom(&seed, sizeof seed, 0) != sizeof seed) {
    seed = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  }
  return seed;
}

}  // namespace

task<int> run_server(const config& cfg, unsigned shard_count, daemon_startup* daemon) {
  server_context context(cfg, shard_count);
  context.hash_seed = random_seed();
  context.epoch_unix = static_cast<int64_t>(std::time(nullptr));
  context.epoch_steady = reactor::now();
  context.version_text = std::string(memcached_compat_version) + "-shoal-" + std::string(shoal_version);
  context.verbosity = cfg.process.verbosity;
  context.memory_limit_bytes = cfg.cache.memory_limit_bytes;

  sharded<shard_service> shards;
  context.shards = &shards;
  co_await shards.start(&context);

  sharded<network_service> network;
  std::string failure;
  try {
    check_endpoints_free(cfg);
    co_await network.start(&context, &shards);
    co_await network.invoke_on_all([](network_service& n) { n.start(); });
  } catch (const std::system_error& e) {
    failure = e.what();
  } catch (const std::exception& e) {
    failure = std::string("failed to start: ") + e.what();
  }
  if (!failure.empty()) {
    if (daemon) daemon->failed({EX_OSERR, failure});
    std::fprintf(stderr, "%s\n", failure.c_str());
    if (network.started()) co_await network.stop();
    co_await shards.stop();
    co_return EX_OSERR;
  }
  if (daemon) daemon->ready();

  co_await smp::wait_for_stop();
  context.stopping = true;
  co_await network.stop();
  co_await shards.stop();
  co_return 0;
}

}  // namespace shoal::server
