// run_server is the application on shard 0: it starts the per-shard services
// (cache and counters, then listeners), reports readiness, waits for SIGINT,
// SIGTERM or `shutdown`, and stops everything in reverse order: listeners and
// connections first, caches last.
#pragma once

#include "runtime/task.h"
#include "server/config.h"
#include "server/process_setup.h"

namespace shoal::server {

// Returns the process exit status. `daemon` (may be null) is told when the
// listeners are up, or why start-up failed.
task<int> run_server(const config& cfg, unsigned shard_count, daemon_startup* daemon);

}  // namespace shoal::server
