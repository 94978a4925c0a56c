// The layout of one item inside a segment, and the small helpers that read it.
// Internal to src/cache: the public view of an item is `item_view` (cache.h).
// See docs/cache.md#items for why each field earns its bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "cache/cache_time.h"

namespace shoal::cache_detail {

// An item occupies one 8-byte aligned run of a segment:
//
//   item_header (28 B) | key (1..250 B) | value bytes, or an external_value (16 B) | pad to 8
//
// The header is 28 bytes, not 32: the 64-bit CAS is kept as two 32-bit halves so
// that the struct is 4-aligned and has no tail padding. At 32-byte keys and
// 100-byte values an item takes exactly 160 bytes.
struct item_header {
  uint32_t cas_lo;        // CAS, low half. 8 bytes in all: unique across shards and
  uint32_t cas_hi;        //   also orders items against flush_all (cache.cc#flush)
  uint32_t next;          // ref of the next item in this index chain, 0 = end: chaining
                          //   through the items costs 4 bytes here and keeps the
                          //   index at 4 bytes per bucket
  uint32_t expiry;        // cache_time at which the item expires (k_never = never)
  uint32_t last_access;   // cache_time of the last read or store (meta `l`, `me la=`)
  uint32_t client_flags;  // the client's opaque 32-bit flags
  uint32_t bits;          // key length (8 bits) | state (6 bits) | inline value length (18 bits)
};
static_assert(sizeof(item_header) == 28, "see docs/cache.md#items before growing the header");
static_assert(alignof(item_header) == 4);

// A value too large to sit inline (see cache_geometry::inline_item_limit) lives in
// its own mapping; the item then holds this descriptor where the value would be.
struct external_value {
  char* data;
  uint64_t size;
};

// State bits (6 available, 4 used).
inline constexpr uint32_t k_dead = 1u << 8;       // unlinked; the bytes wait for the cleaner
inline constexpr uint32_t k_accessed = 1u << 9;   // read since written or since its last second
                                                  //   chance: the CLOCK bit eviction looks at
inline constexpr uint32_t k_fetched = 1u << 10;   // ever read (memcached's ITEM_FETCHED)
inline constexpr uint32_t k_external = 1u << 11;  // value is an external_value

inline constexpr uint32_t k_key_bits = 8;
inline constexpr uint32_t k_value_shift = 14;
inline constexpr uint32_t k_max_inline_value = (1u << (32 - k_value_shift)) - 1;  // 262,143

inline constexpr size_t k_item_align = 8;

inline constexpr size_t align_item(size_t n) {
  return (n + k_item_align - 1) & ~(k_item_align - 1);
}

// Bytes an item takes in its segment. `stored_value` is the inline value length,
// or sizeof(external_value) for an external one.
inline constexpr size_t item_footprint(size_t key_len, size_t stored_value) {
  return align_item(sizeof(item_header) + key_len + stored_value);
}

inline item_header* header_at(char* p) { return reinterpret_cast<item_header*>(p); }

inline uint64_t item_cas(const item_header* h) {
  return (static_cast<uint64_t>(h->cas_hi) << 32) | h->cas_lo;
}
inline void set_item_cas(item_header* h, uint64_t cas) {
  h->cas_lo = static_cast<uint32_t>(cas);
  h->cas_hi = static_cast<uint32_t>(cas >> 32);
}

inline size_t key_length(const item_header* h) { return h->bits & 0xffu; }
inline bool is_external(const item_header* h) { return (h->bits & k_external) != 0; }
inline bool is_dead(const item_header* h) { return (h->bits & k_dead) != 0; }

inline std::string_view item_key(const item_header* h) {
  return {reinterpret_cast<const char*>(h + 1), key_length(h)};
}

inline external_value item_external(const item_header* h) {
  external_value ext;
  std::memcpy(&ext, reinterpret_cast<const char*>(h + 1) + key_length(h), sizeof ext);
  return ext;
}

inline std::string_view item_value(const item_header* h) {
  if (is_external(h)) {
    const external_value ext = item_external(h);
    return {ext.data, static_cast<size_t>(ext.size)};
  }
  return {reinterpret_cast<const char*>(h + 1) + key_length(h), h->bits >> k_value_shift};
}

// Writable start of an inline value.
inline char* inline_value_data(item_header* h) {
  return reinterpret_cast<char*>(h + 1) + key_length(h);
}

inline size_t item_footprint(const item_header* h) {
  return item_footprint(key_length(h),
                        is_external(h) ? sizeof(external_value) : (h->bits >> k_value_shift));
}

inline uint32_t make_bits(size_t key_len, uint32_t state, size_t inline_value_len) {
  return static_cast<uint32_t>(key_len) | state |
         (static_cast<uint32_t>(inline_value_len) << k_value_shift);
}

}  // namespace shoal::cache_detail
