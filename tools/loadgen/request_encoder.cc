// Encoding is a handful of memcpy's per request: the hot path of a closed
// loop at depth 16 encodes millions of requests a second on one core, so the
// only per-request work is the key digits and the value length.
#include "loadgen/request_encoder.h"

#include <charconv>
#include <cstring>

#include "base/assert.h"
#include "loadgen/key_generator.h"

namespace shoal::loadgen {

request_encoder::request_encoder(unsigned key_size, unsigned value_max)
    : key_size_(key_size), value_max_(value_max), filler_(std::make_unique<char[]>(value_max + 2)) {
  for (unsigned i = 0; i < value_max; ++i) filler_[i] = static_cast<char>('a' + i % 26);
  filler_[value_max] = '\r';
  filler_[value_max + 1] = '\n';
}

void request_encoder::append_get(output_buffer& out, std::span<const uint64_t> keys) const {
  SHOAL_DEBUG_ASSERT(!keys.empty());
  const size_t size = 3 + keys.size() * (1 + key_size_) + 2;
  char* p = out.prepare(size);
  std::memcpy(p, "get", 3);
  p += 3;
  for (uint64_t key : keys) {
    *p++ = ' ';
    format_key(key, key_size_, p);
    p += key_size_;
  }
  p[0] = '\r';
  p[1] = '\n';
  out.commit(size);
}

void request_encoder::append_set(output_buffer& out, uint64_t key, unsigned value_size) const {
  SHOAL_DEBUG_ASSERT(value_size <= value_max_);
  // "set " key " 0 0 " digits "\r\n" value "\r\n"
  const size_t worst = 4 + key_size_ + 5 + 10 + 2 + value_size + 2;
  char* const start = out.prepare(worst);
  char* p = start;
  std::memcpy(p, "set ", 4);
  p += 4;
  format_key(key, key_size_, p);
  p += key_size_;
  std::memcpy(p, " 0 0 ", 5);
  p += 5;
  p = std::to_chars(p, p + 10, value_size).ptr;
  p[0] = '\r';
  p[1] = '\n';
  p += 2;
  // The filler's tail is the value's last bytes followed by "\r\n".
  std::memcpy(p, filler_.get() + (value_max_ - value_size), value_size + 2);
  p += value_size + 2;
  out.commit(static_cast<size_t>(p - start));
}

}  // namespace shoal::loadgen
