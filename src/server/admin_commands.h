// The commands that concern the whole server rather than one key: flush_all
// (every shard's cache), stats and its sub-commands (summed over every shard),
// shutdown, cache_memlimit. They run after the connection has flushed the
// batch before them, so they see, and are seen after, everything sent earlier
// on the connection.
#pragma once

#include "protocol/command.h"
#include "runtime/task.h"
#include "server/reply_buffer.h"

namespace shoal::server {

class shard_service;

enum class admin_outcome : uint8_t { keep_open, close_connection };

// True for the commands run_admin_command() handles.
bool is_admin_command(const protocol::command& cmd);

// Runs one admin command from a connection on this shard, appending its reply.
task<admin_outcome> run_admin_command(shard_service& shard, const protocol::command& cmd,
                                      reply_buffer& out);

}  // namespace shoal::server
