// The limits memcached 1.6 puts on one item, shared by the protocol layer (which
// must refuse a too-large value before buffering it) and the cache (which must
// never hold one). Keeping the rule in one place keeps the two in agreement.
#pragma once

#include <cstddef>
#include <cstdint>

namespace shoal {

// memcached's KEY_MAX_LENGTH: 250 bytes; 251 gets CLIENT_ERROR.
inline constexpr size_t max_key_length = 250;

// memcached's -I default (1 MiB) and its bounds (1 KiB .. 1 GiB).
inline constexpr size_t default_max_item_size = 1024 * 1024;
inline constexpr size_t min_max_item_size = 1024;
inline constexpr size_t max_max_item_size = 1024 * 1024 * 1024;

// memcached counts its item header (with CAS), the key and its terminator,
// the " <flags> <bytes>" suffix and the value with its "\r\n" against -I.
// Probing 1.6.18 (CAS on) shows the largest storable value is
// max_item_size - 59 - key length for every key length, so that is the rule:
// with the default -I, a 1,047,552-byte value is stored and 1,049,600 is
// refused, as memcached's t/getset.t requires.
inline constexpr size_t item_size_accounting_overhead = 59;

// True when an item with this key and value length may be stored under -I.
inline constexpr bool item_size_ok(size_t key_length, size_t value_length,
                                   size_t max_item_size) {
  return value_length <= max_item_size &&
         key_length + value_length + item_size_accounting_overhead <= max_item_size;
}

}  // namespace shoal
