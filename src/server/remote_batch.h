// remote_batch carries the key operations one connection sends to one other
// shard per read: one message per destination shard per batch, however many
// keys (a multi-key get contributes one op per key). It owns copies of the
// keys and values, so nothing in it points into the sending shard's memory.
//
// Lifecycle: the connection fills it on its own shard, moves it into the
// message, the owner shard run()s it and moves it back with the replies; the
// connection then clear()s it and reuses its storage for the next batch, so
// the steady state allocates nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cache/cache.h"
#include "server/key_op.h"
#include "server/reply_buffer.h"

namespace shoal::server {

// What the owner shard sends back: the rendered replies of every op, in order,
// and where each op's reply ends (op i's reply is [ends[i-1], ends[i])).
struct remote_replies {
  reply_buffer bytes;
  std::vector<size_t> ends;

  void clear() {
    bytes.clear();
    ends.clear();
  }
};

class remote_batch {
 public:
  // Appends a copy of `op` (its key and value bytes are copied).
  void add(const key_op& op);

  size_t size() const { return ops_.size(); }
  bool empty() const { return ops_.empty(); }
  // Bytes of keys and values held.
  size_t payload_bytes() const { return arena_.size(); }
  void clear() {
    ops_.clear();
    arena_.clear();
  }

  // On the owner shard: runs every op in order and appends their replies.
  void run(cache& store, cache_time now, remote_replies& out) const;

 private:
  // A key_op whose views are offsets into arena_ (which may move as it grows).
  struct stored_op {
    key_op op;
    size_t key_offset;
    size_t value_offset;
    size_t value_size;
  };

  std::vector<stored_op> ops_;
  std::string arena_;
};

}  // namespace shoal::server
