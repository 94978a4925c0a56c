// request_mix decides what a connection asks next: get or set by the
// workload's weights, which keys (by the key pattern, restricted to the keys
// this connection's server owns when there are several servers), and the
// value size of a set. It appends the request to the batch being built and
// returns what the reply parser will need to know about it.
//
// Several servers: a key belongs to server shard_of_hash(hash_key(key), S),
// the same rule Shoal uses between its shards (base/hash.h). A connection
// talks to one server and draws keys from the workload's distribution until
// it gets one of that server's (about S draws per key).
// Threading: one per connection.
#pragma once

#include <cstdint>
#include <vector>

#include "loadgen/key_generator.h"
#include "loadgen/output_buffer.h"
#include "loadgen/pending_queue.h"
#include "loadgen/request_encoder.h"
#include "loadgen/workload.h"

namespace shoal::loadgen {

// The server (of `servers`) that owns key `index` spelled with `key_size` bytes.
unsigned server_of_key(uint64_t index, unsigned key_size, unsigned servers) noexcept;

class request_mix {
 public:
  // `sequential_start` is where a sequential key walk begins.
  request_mix(const workload_config& config, unsigned server, uint64_t seed,
              uint64_t sequential_start);

  // Appends the next request to `out`; the returned record has start_ns 0.
  pending_request append_next(const request_encoder& encoder, output_buffer& out);

  // Appends a set of key `index` with a value size drawn from the workload.
  void append_set(const request_encoder& encoder, output_buffer& out, uint64_t index);

 private:
  uint64_t next_key() noexcept;
  unsigned next_value_size() noexcept;

  const workload_config& config_;
  unsigned server_;
  unsigned server_count_;
  key_generator keys_;
  std::vector<uint64_t> batch_keys_;  // one multi-get's keys
};

}  // namespace shoal::loadgen
