// flush_all, stats, shutdown and cache_memlimit, with memcached 1.6.18's
// replies. Gathering goes through sharded<shard_service> (one message per
// shard, all at once); rendering is in stats_report.cc.
#include "server/admin_commands.h"

#include <string>

#include "protocol/response_writer.h"
#include "runtime/smp.h"
#include "server/connection.h"
#include "server/shard_service.h"
#include "server/stats_report.h"

namespace shoal::server {
namespace {

using protocol::command_kind;
using protocol::reply;

// The operands of map_reduce are named rather than temporaries: GCC 12 has
// freed temporaries of a co_await full-expression too early (seen with ASan in
// tools/loadgen), so nothing here relies on their lifetime.
task<summed_stats> gather_stats(sharded<shard_service>& shards) {
  auto mapper = [](shard_service& s) {
    summed_stats one;
    one.cache = s.store().stats();
    one.server = s.counters();
    one.segment_size = s.store().segment_size();
    return one;
  };
  auto reducer = [](summed_stats acc, summed_stats one) { return acc += one; };
  summed_stats initial;
  summed_stats total = co_await shards.map_reduce(mapper, initial, reducer);
  co_return total;
}

task<void> write_conns(shard_service& shard, reply_buffer& out) {
  const uint32_t now = shard.context().now();
  auto mapper = [now](shard_service& s) {
    std::string lines;
    s.connections().for_each([&](connection& c) { c.describe(lines, now); });
    return lines;
  };
  auto reducer = [](std::string acc, std::string one) { return acc += one; };
  std::string initial;
  std::string text = co_await shard.context().shards->map_reduce(mapper, initial, reducer);
  out.append(text);
  protocol::write_end(out);
}

task<void> run_stats(shard_service& shard, const protocol::command& cmd, reply_buffer& out) {
  server_context& context = shard.context();
  const std::string_view sub = cmd.arg_count > 0 ? cmd.args[0] : std::string_view{};
  if (sub.empty()) {
    const summed_stats sums = co_await gather_stats(*context.shards);
    write_general_stats(out, context, sums);
  } else if (sub == "settings") {
    write_settings_stats(out, context);
  } else if (sub == "items") {
    const summed_stats sums = co_await gather_stats(*context.shards);
    write_items_stats(out, sums);
  } else if (sub == "slabs") {
    const summed_stats sums = co_await gather_stats(*context.shards);
    write_slabs_stats(out, sums);
  } else if (sub == "conns") {
    co_await write_conns(shard, out);
  } else if (sub == "sizes") {
    protocol::write_stat(out, "sizes_status", "disabled");
    protocol::write_end(out);
  } else if (sub == "reset") {
    co_await context.shards->invoke_on_all([](shard_service& s) {
      s.store().reset_stats();
      s.counters().reset();
    });
    protocol::write_reply(out, reply::reset);
  } else {
    protocol::write_reply(out, reply::error);
  }
}

task<void> run_flush_all(shard_service& shard, const protocol::command& cmd, reply_buffer& out) {
  server_context& context = shard.context();
  ++shard.counters().cmd_flush;
  if (!context.cfg.protocol.flush_enabled) {
    if (!cmd.noreply) protocol::write_reply(out, reply::flush_all_not_allowed);
    co_return;
  }
  if (cmd.kind == command_kind::client_error) {  // flush_all with a bad delay
    if (!cmd.noreply) protocol::write_client_error(out, cmd.error);
    co_return;
  }
  const int64_t delay = cmd.exptime;
  const cache_time now = context.now();
  co_await context.shards->invoke_on_all(
      [delay, now](shard_service& s) { s.store().flush_all(delay, now); });
  context.last_flush_unix.store(context.unix_now(), std::memory_order_relaxed);
  if (!cmd.noreply) protocol::write_reply(out, reply::ok);
}

// memcached's cache_memlimit resizes its slab memory at run time. Shoal's
// per-shard stores are sized at start-up, so a valid request is refused with
// memcached's own "unable to adjust" reply (docs/protocol.md#cache_memlimit).
void run_cache_memlimit(const protocol::command& cmd, reply_buffer& out) {
  if (cmd.noreply) return;
  if (cmd.number < 8) {
    protocol::write_reply(out, reply::memlimit_too_small);
  } else if (cmd.number > 1000000000) {
    protocol::write_reply(out, reply::memlimit_not_megabytes);
  } else {
    protocol::write_reply(out, reply::memlimit_adjust_failed);
  }
}

}  // namespace

bool is_admin_command(const protocol::command& cmd) {
  switch (cmd.kind) {
    case command_kind::flush_all:
    case command_kind::stats:
    case command_kind::shutdown:
    case command_kind::cache_memlimit:
      return true;
    case command_kind::client_error:
      return cmd.failed == command_kind::flush_all || cmd.failed == command_kind::shutdown;
    default:
      return false;
  }
}

task<admin_outcome> run_admin_command(shard_service& shard, const protocol::command& cmd,
                                      reply_buffer& out) {
  const command_kind kind = cmd.kind == command_kind::client_error ? cmd.failed : cmd.kind;
  switch (kind) {
    case command_kind::flush_all:
      co_await run_flush_all(shard, cmd, out);
      co_return admin_outcome::keep_open;
    case command_kind::stats:
      co_await run_stats(shard, cmd, out);
      co_return admin_outcome::keep_open;
    case command_kind::shutdown:
      if (!shard.context().cfg.protocol.shutdown_enabled) {
        protocol::write_reply(out, reply::shutdown_not_enabled);
        co_return admin_outcome::keep_open;
      }
      if (cmd.kind == command_kind::client_error) {  // "shutdown bogus"
        protocol::write_client_error(out, cmd.error);
        co_return admin_outcome::keep_open;
      }
      smp::request_stop();  // memcached answers nothing and closes
      co_return admin_outcome::close_connection;
    case command_kind::cache_memlimit:
      run_cache_memlimit(cmd, out);
      co_return admin_outcome::keep_open;
    default:
      protocol::write_reply(out, reply::error);
      co_return admin_outcome::keep_open;
  }
}

}  // namespace shoal::server
