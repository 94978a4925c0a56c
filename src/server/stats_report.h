// The text of `stats` and its sub-commands, in memcached 1.6.18's key names and
// order, from counters already summed over every shard. Rendering only: the
// gathering (map_reduce over shards) is in admin_commands.cc.
#pragma once

#include <string>

#include "cache/cache_stats.h"
#include "server/reply_buffer.h"
#include "server/server_context.h"
#include "server/shard_counters.h"

namespace shoal::server {

// Everything `stats` reports that is summed over shards.
struct summed_stats {
  cache_stats cache;
  shard_counters server;
  uint64_t segment_size = 0;

  summed_stats& operator+=(const summed_stats& o) {
    cache += o.cache;
    server += o.server;
    segment_size = o.segment_size;
    return *this;
  }
};

// `stats`: memcached's general keys (process, connections, commands, items),
// then Shoal's own (memory layout, cross-shard traffic). Ends with END.
void write_general_stats(reply_buffer& out, const server_context& context, const summed_stats& s);

// `stats settings`.
void write_settings_stats(reply_buffer& out, const server_context& context);

// `stats items`: the store has no slab classes, so everything is reported as
// class 1 (see docs/protocol.md#stats).
void write_items_stats(reply_buffer& out, const summed_stats& s);

// `stats slabs`: class 1 is the segment store.
void write_slabs_stats(reply_buffer& out, const summed_stats& s);

}  // namespace shoal::server
