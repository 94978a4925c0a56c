// Decimal numbers as memcached 1.6.18 reads them from a command token (its
// safe_strtoull / safe_strtoul / safe_strtol over strtoull/strtol): optional
// leading whitespace, an optional sign, at least one digit, then either the end
// of the token or a whitespace character, after which anything is ignored
// ("5\tjunk" is 5). Whitespace is C's isspace(): tab, \v, \f, \r (a token never
// holds a space or a newline).
//
// Deliberate differences from 1.6.18, listed in docs/protocol.md#numbers:
// a minus sign is accepted only before zero (1.6.18 reads "-N" as 2^64-N when
// that is below 2^63), and a value out of the field's range is refused rather
// than truncated to 32 bits.
//
// The common case (a short all-digit token) is inline; anything else goes to
// the out-of-line slow path.
#pragma once

#include <cstdint>
#include <string_view>

namespace shoal::protocol {

namespace numbers_detail {
bool parse_u64_slow(std::string_view token, uint64_t* out) noexcept;
bool parse_i64_slow(std::string_view token, int64_t* out) noexcept;

// Returns the value of an all-digit token of 1..max_digits digits, or -1.
inline int64_t parse_plain_digits(std::string_view token, size_t max_digits) noexcept {
  if (token.empty() || token.size() > max_digits) return -1;
  uint64_t v = 0;
  for (char ch : token) {
    unsigned d = static_cast<unsigned char>(ch) - unsigned{'0'};
    if (d > 9) return -1;
    v = v * 10 + d;
  }
  return static_cast<int64_t>(v);
}
}  // namespace numbers_detail

// 0 .. 2^64-1 (memcached's safe_strtoull: cas unique, incr/decr delta).
inline bool parse_u64(std::string_view token, uint64_t* out) noexcept {
  int64_t v = numbers_detail::parse_plain_digits(token, 18);
  if (v >= 0) {
    *out = static_cast<uint64_t>(v);
    return true;
  }
  return numbers_detail::parse_u64_slow(token, out);
}

// 0 .. 2^32-1 (safe_strtoul into a uint32_t: client flags, verbosity level,
// cache_memlimit megabytes).
inline bool parse_u32(std::string_view token, uint32_t* out) noexcept {
  uint64_t v;
  if (!parse_u64(token, &v) || v > UINT32_MAX) return false;
  *out = static_cast<uint32_t>(v);
  return true;
}

// -2^31 .. 2^31-1 (safe_strtol into an int32_t: exptime, <bytes>).
inline bool parse_i32(std::string_view token, int32_t* out) noexcept {
  int64_t v = numbers_detail::parse_plain_digits(token, 9);
  if (v < 0 && !numbers_detail::parse_i64_slow(token, &v)) return false;
  if (v < INT32_MIN || v > INT32_MAX) return false;
  *out = static_cast<int32_t>(v);
  return true;
}

}  // namespace shoal::protocol
