// execute_key_op() runs one key_op against the cache of the shard that owns
// the key and appends memcached's reply to `out`: the same code whether the
// connection is on this shard or sent the op here in a remote_batch. This is
// the one place cache outcomes become reply text (STYLE.md #6).
//
// Retrieval ops append a VALUE block on a hit and nothing on a miss; the
// connection writes the END that closes a get/gets/gat/gats.
//
// Threading: on the key's owner shard only (it touches that shard's cache).
#pragma once

#include "cache/cache.h"
#include "server/key_op.h"
#include "server/reply_buffer.h"

namespace shoal::server {

void execute_key_op(cache& store, const key_op& op, cache_time now, reply_buffer& out);

}  // namespace shoal::server
