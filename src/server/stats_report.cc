// Key names and order follow memcached 1.6.18's `stats` output (probed), so
// that monitoring tools and pymemcache's stats() parse it unchanged. Keys that
// describe memcached internals Shoal does not have (libevent, response object
// pools, slab rebalancing, LRU crawler) are left out rather than faked.
#include "server/stats_report.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>

#include "protocol/response_writer.h"
#include "runtime/smp.h"
#include "server/settings_stats.h"

namespace shoal::server {
namespace {

using protocol::write_stat;

std::string seconds_text(const timeval& tv) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%ld.%06ld", static_cast<long>(tv.tv_sec),
                static_cast<long>(tv.tv_usec));
  return buf;
}

}  // namespace

void write_general_stats(reply_buffer& out, const server_context& context, const summed_stats& s) {
  const cache_stats& c = s.cache;
  const shard_counters& n = s.server;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);

  write_stat(out, "pid", static_cast<int64_t>(getpid()));
  write_stat(out, "uptime", static_cast<uint64_t>(context.now()));
  write_stat(out, "time", context.unix_now());
  write_stat(out, "version", context.version_text);
  write_stat(out, "pointer_size", static_cast<int>(8 * sizeof(void*)));
  write_stat(out, "rusage_user", seconds_text(usage.ru_utime));
  write_stat(out, "rusage_system", seconds_text(usage.ru_stime));
  write_stat(out, "max_connections", context.cfg.net.conn_limit);
  write_stat(out, "curr_connections", n.curr_connections);
  write_stat(out, "total_connections", n.total_connections);
  write_stat(out, "rejected_connections", n.rejected_connections);
  write_stat(out, "connection_structures", n.curr_connections);
  write_stat(out, "cmd_get", c.cmd_get);
  write_stat(out, "cmd_set", c.cmd_set + n.bad_chunk_sets);
  write_stat(out, "cmd_flush", n.cmd_flush);  // counted once per command, not per shard
  write_stat(out, "cmd_touch", c.cmd_touch);
  write_stat(out, "cmd_meta", 0);
  write_stat(out, "get_hits", c.get_hits);
  write_stat(out, "get_misses", c.get_misses);
  write_stat(out, "get_expired", c.get_expired);
  write_stat(out, "get_flushed", c.get_flushed);
  write_stat(out, "delete_misses", c.delete_misses);
  write_stat(out, "delete_hits", c.delete_hits);
  write_stat(out, "incr_misses", c.incr_misses);
  write_stat(out, "incr_hits", c.incr_hits);
  write_stat(out, "decr_misses", c.decr_misses);
  write_stat(out, "decr_hits", c.decr_hits);
  write_stat(out, "cas_misses", c.cas_misses);
  write_stat(out, "cas_hits", c.cas_hits);
  write_stat(out, "cas_badval", c.cas_badval);
  write_stat(out, "touch_hits", c.touch_hits);
  write_stat(out, "touch_misses", c.touch_misses);
  write_stat(out, "store_too_large", c.store_too_large);
  write_stat(out, "store_no_memory", c.store_no_memory);
  write_stat(out, "auth_cmds", n.auth_cmds);
  write_stat(out, "auth_errors", n.auth_errors);
  write_stat(out, "bytes_read", n.bytes_read);
  write_stat(out, "bytes_written", n.bytes_written);
  write_stat(out, "limit_maxbytes", context.memory_limit_bytes.load(std::memory_order_relaxed));
  write_stat(out, "accepting_conns", context.stopping.load() ? 0 : 1);
  write_stat(out, "threads", context.shard_count);
  write_stat(out, "conn_yields", n.conn_yields);
  write_stat(out, "hash_bytes", c.hash_bytes);
  write_stat(out, "bytes", c.bytes);
  write_stat(out, "curr_items", c.curr_items);
  write_stat(out, "total_items", c.total_items);
  write_stat(out, "expired_unfetched", c.expired_unfetched);
  write_stat(out, "evicted_unfetched", c.evicted_unfetched);
  write_stat(out, "evicted_active", c.evicted_active);
  write_stat(out, "evictions", c.evictions);
  write_stat(out, "reclaimed", c.reclaimed);
  write_stat(out, "crawler_reclaimed", c.crawler_reclaimed);
  write_stat(out, "crawler_items_checked", c.crawler_items_checked);
  // Shoal's own: how the store uses its memory, and cross-shard traffic.
  write_stat(out, "reactor_backend",
             smp::backend() == reactor_backend_kind::io_uring ? "io_uring" : "epoll");
  write_stat(out, "memory_used", c.memory_used);
  write_stat(out, "segment_bytes", c.segment_bytes);
  write_stat(out, "external_bytes", c.external_bytes);
  write_stat(out, "hash_buckets", c.hash_buckets);
  write_stat(out, "segments_free", c.segments_free);
  write_stat(out, "segments_cleaned", c.segments_cleaned);
  write_stat(out, "segments_compacted", c.segments_compacted);
  write_stat(out, "items_relocated", c.items_relocated);
  write_stat(out, "remote_batches", n.remote_batches);
  write_stat(out, "remote_ops", n.remote_ops);
  protocol::write_end(out);
}

void write_settings_stats(reply_buffer& out, const server_context& context) {
  live_settings live = live_settings::at_start(context.cfg, context.shard_count);
  live.verbosity = context.verbosity.load(std::memory_order_relaxed);
  live.memory_limit_bytes = context.memory_limit_bytes.load(std::memory_order_relaxed);
  const int64_t flushed = context.last_flush_unix.load(std::memory_order_relaxed);
  live.oldest_live = flushed > context.epoch_unix ? static_cast<uint64_t>(flushed - context.epoch_unix) : 0;
  for (const stat_line& line : settings_stats(context.cfg, live)) {
    write_stat(out, line.first, line.second);
  }
  protocol::write_end(out);
}

void write_items_stats(reply_buffer& out, const summed_stats& s) {
  const cache_stats& c = s.cache;
  if (c.curr_items > 0) {
    write_stat(out, "items:1:number", c.curr_items);
    write_stat(out, "items:1:mem_requested", c.bytes);
    write_stat(out, "items:1:evicted", c.evictions);
    write_stat(out, "items:1:outofmemory", c.store_no_memory);
    write_stat(out, "items:1:reclaimed", c.reclaimed);
    write_stat(out, "items:1:expired_unfetched", c.expired_unfetched);
    write_stat(out, "items:1:evicted_unfetched", c.evicted_unfetched);
    write_stat(out, "items:1:evicted_active", c.evicted_active);
    write_stat(out, "items:1:crawler_reclaimed", c.crawler_reclaimed);
    write_stat(out, "items:1:crawler_items_checked", c.crawler_items_checked);
  }
  protocol::write_end(out);
}

void write_slabs_stats(reply_buffer& out, const summed_stats& s) {
  const cache_stats& c = s.cache;
  const uint64_t pages = s.segment_size ? c.segment_bytes / s.segment_size : 0;
  if (pages > 0) {
    write_stat(out, "1:chunk_size", s.segment_size);
    write_stat(out, "1:chunks_per_page", 1);
    write_stat(out, "1:total_pages", pages);
    write_stat(out, "1:total_chunks", pages);
    write_stat(out, "1:used_chunks", pages - c.segments_free);
    write_stat(out, "1:free_chunks", c.segments_free);
    write_stat(out, "1:mem_requested", c.bytes);
  }
  write_stat(out, "active_slabs", pages > 0 ? 1 : 0);
  write_stat(out, "total_malloced", c.memory_used);
  protocol::write_end(out);
}

}  // namespace shoal::server
