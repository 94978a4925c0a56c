// incr/decr number handling. memcached runs strtoull() over the item's bytes,
// which are followed by "\r\n" in its memory; here the value ends at its
// length, and the end counts as a terminator just as the '\r' does there.
#include "cache/counter.h"

#include <cstring>

namespace shoal::cache_detail {

namespace {

// C's isspace() in the "C" locale.
bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

}  // namespace

bool parse_counter(std::string_view value, uint64_t* out) {
  size_t i = 0;
  const size_t n = value.size();
  while (i < n && is_space(value[i])) ++i;
  bool negative = false;
  if (i < n && (value[i] == '+' || value[i] == '-')) {
    negative = value[i] == '-';
    ++i;
  }
  const size_t first_digit = i;
  uint64_t v = 0;
  bool overflow = false;
  while (i < n && value[i] >= '0' && value[i] <= '9') {
    const uint64_t digit = static_cast<uint64_t>(value[i] - '0');
    overflow |= __builtin_mul_overflow(v, uint64_t{10}, &v);
    overflow |= __builtin_add_overflow(v, digit, &v);
    ++i;
  }
  if (i == first_digit || overflow) return false;
  if (i < n && value[i] != '\0' && !is_space(value[i])) return false;
  // strtoull() negates the magnitude modulo 2^64 when there is a minus sign;
  // memcached then rejects the result only if it looks negative as a signed
  // number. So "-1" fails while "-18446744073709551615" reads as 1 (probed on
  // memcached 1.6.18).
  if (negative) {
    v = 0 - v;
    if (static_cast<int64_t>(v) < 0) return false;
  }
  *out = v;
  return true;
}

size_t format_counter(uint64_t v, char* out) {
  char tmp[k_max_counter_digits];
  char* p = tmp + k_max_counter_digits;
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  const size_t n = static_cast<size_t>(tmp + k_max_counter_digits - p);
  std::memcpy(out, p, n);
  return n;
}

}  // namespace shoal::cache_detail
