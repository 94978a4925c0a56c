// request_encoder writes memcached text-protocol requests into a batch:
//   get <key> [<key>...]\r\n
//   set <key> 0 0 <bytes>\r\n<value>\r\n
// Keys are spelled by format_key(); values are a fixed filler pattern cut to
// the requested size (the server stores bytes; their content does not matter
// for its speed). No allocation once the output buffer has grown to a batch.
// Threading: one per connection (or shared read-only within one shard).
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "loadgen/output_buffer.h"

namespace shoal::loadgen {

enum class request_kind : uint8_t { get, set };

class request_encoder {
 public:
  // Requires key_size >= min_key_size(key_space) (see key_generator.h).
  request_encoder(unsigned key_size, unsigned value_max);

  // Appends "get k1 k2 ...\r\n". Requires !keys.empty().
  void append_get(output_buffer& out, std::span<const uint64_t> keys) const;
  // Appends "set k 0 0 <value_size>\r\n<value>\r\n". Requires value_size <= value_max.
  void append_set(output_buffer& out, uint64_t key, unsigned value_size) const;

  unsigned key_size() const noexcept { return key_size_; }

 private:
  unsigned key_size_;
  unsigned value_max_;
  std::unique_ptr<char[]> filler_;  // value_max_ filler bytes followed by "\r\n"
};

}  // namespace shoal::loadgen
