// The number inside a value that incr/decr operate on, read and written the
// way memcached 1.6 does it (see docs/cache.md#semantics).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace shoal::cache_detail {

// Reads a value as memcached's safe_strtoull() reads item data: optional
// leading white space, an optional sign, decimal digits, then the end of the
// value, a NUL or a white-space byte. Out of range (> 2^64-1) fails. A minus
// sign negates modulo 2^64 as strtoull() does, and the result is refused when
// it is negative as a signed number ("-1" fails, "-0" reads as 0). Returns
// false for anything else, which is memcached's non-numeric value error.
bool parse_counter(std::string_view value, uint64_t* out);

// Writes `v` in decimal into `out` (at least 20 bytes), returns the length.
size_t format_counter(uint64_t v, char* out);

// The largest number of digits format_counter() writes.
inline constexpr size_t k_max_counter_digits = 20;

}  // namespace shoal::cache_detail
