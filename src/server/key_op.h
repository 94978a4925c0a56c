// key_op is one operation on one key, the unit a connection routes: a
// single-key command, or one key of a multi-key get. It runs either at once on
// the connection's shard (views into the connection's input buffer) or, when
// another shard owns the key, inside a remote_batch that owns copies of its
// bytes. Either way execute_key_op() runs it.
#pragma once

#include <cstdint>
#include <string_view>

#include "protocol/command.h"

namespace shoal::server {

struct key_op {
  protocol::command_kind kind = protocol::command_kind::get;
  bool noreply = false;
  // A storage command whose value exceeded -I (protocol::command::too_large).
  bool too_large = false;
  uint32_t flags = 0;
  int64_t exptime = 0;
  uint64_t number = 0;  // cas unique (cas) or delta (incr/decr)
  uint64_t hash = 0;    // hash_key(key, seed), computed once per request
  std::string_view key;
  std::string_view value;
};

// The key_op for one key of `cmd`: the only key of a single-key command, or
// `key` for a get/gets/gat/gats.
inline key_op make_key_op(const protocol::command& cmd, std::string_view key, uint64_t hash) {
  key_op op;
  op.kind = cmd.kind;
  op.noreply = cmd.noreply;
  op.too_large = cmd.too_large;
  op.flags = cmd.flags;
  op.exptime = cmd.exptime;
  op.number = cmd.kind == protocol::command_kind::cas ? cmd.cas_unique : cmd.delta;
  op.hash = hash;
  op.key = key;
  op.value = cmd.value;
  return op;
}

}  // namespace shoal::server
