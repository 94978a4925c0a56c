// shard_service is everything one shard owns for the server: its cache, its
// counters and the client connections it serves. One instance per shard in a
// sharded<shard_service>; only its own shard touches it. Other shards reach its
// cache only through messages (remote_batch) or sharded<>::invoke_on.
//
// It also runs the shard's background work from timers: the cache's bounded
// maintenance steps (expiry sweep, cleaning) and the idle-connection check.
#pragma once

#include <chrono>

#include "base/intrusive_list.h"
#include "cache/cache.h"
#include "runtime/timer.h"
#include "server/server_context.h"
#include "server/shard_counters.h"

namespace shoal::server {

class connection;

class shard_service {
 public:
  explicit shard_service(server_context* context);
  shard_service(const shard_service&) = delete;
  shard_service& operator=(const shard_service&) = delete;

  server_context& context() { return *context_; }
  cache& store() { return store_; }
  shard_counters& counters() { return counters_; }
  intrusive_list<connection>& connections() { return connections_; }

  // Called by sharded<>::stop(): stops the timers. Connections are closed by
  // the servers before.
  void stop();

 private:
  void run_maintenance();
  void close_idle_connections();

  server_context* context_;
  cache store_;
  shard_counters counters_;
  intrusive_list<connection> connections_;
  timer maintenance_;
  timer idle_check_;
  bool maintenance_busy_ = false;
};

// The cache of the shard this runs on.
shoal::cache_config shard_cache_config(const server_context& context, unsigned shard);

}  // namespace shoal::server
