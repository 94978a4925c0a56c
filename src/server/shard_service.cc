// Per-shard server state and its background timers.
#include "server/shard_service.h"

#include <algorithm>
#include <chrono>

#include "runtime/smp.h"
#include "server/connection.h"

namespace shoal::server {

using namespace std::chrono_literals;

namespace {

// The cache's background work (expiry sweep, cleaning ahead of need) runs in
// small steps so that a step never delays requests by more than a few tens of
// microseconds; at 200 steps a second that still visits 100K items a second.
// When a step finds nothing to do the timer backs off, so that an idle server
// sleeps instead of waking 200 times a second.
constexpr auto k_maintenance_period = 5ms;
constexpr auto k_idle_maintenance_period = 500ms;
constexpr size_t k_maintenance_budget = 500;

}  // namespace

shoal::cache_config shard_cache_config(const server_context& context, unsigned shard) {
  shoal::cache_config c;
  // A shard's store needs a minimum to hold its index and one segment; a tiny
  // -m split over many shards is rounded up to it (docs/protocol.md).
  c.memory_limit = std::max<size_t>(shard_memory_limit(context.cfg.cache, shard, context.shard_count),
                                    k_min_memory_limit);
  c.max_item_size = context.cfg.cache.max_item_size;
  c.evictions = context.cfg.cache.evictions;
  c.cas_enabled = context.cfg.cache.cas_enabled;
  c.shard_id = shard;
  c.shard_count = context.shard_count;
  c.clock_epoch_unix = context.epoch_unix;
  c.hash_seed = context.hash_seed;
  return c;
}

shard_service::shard_service(server_context* context)
    : context_(context), store_(shard_cache_config(*context, this_shard_id())) {
  maintenance_.set_callback([this] { run_maintenance(); });
  maintenance_.arm(k_maintenance_period);
  if (context_->cfg.net.idle_timeout_seconds > 0) {
    idle_check_.set_callback([this] { close_idle_connections(); });
    idle_check_.arm_periodic(1s);
  }
}

void shard_service::stop() {
  maintenance_.cancel();
  idle_check_.cancel();
}

void shard_service::run_maintenance() {
  const size_t work = store_.do_maintenance(context_->now(), k_maintenance_budget);
  maintenance_.arm(work > 0 ? k_maintenance_period : k_idle_maintenance_period);
}

void shard_service::close_idle_connections() {
  const uint32_t now = context_->now();
  const uint32_t timeout = context_->cfg.net.idle_timeout_seconds;
  connections_.for_each([&](connection& c) {
    if (!c.busy() && now - c.last_active() >= timeout) c.close();
  });
}

}  // namespace shoal::server
