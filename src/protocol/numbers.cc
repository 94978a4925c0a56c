// The slow path of numbers.h: tokens with whitespace, a sign, leading zeros
// or many digits. Overflow is detected before it happens, so a 40-digit token
// is refused without undefined behaviour, and leading zeros never overflow.
#include "protocol/numbers.h"

namespace shoal::protocol::numbers_detail {

namespace {

// C's isspace() in the "C" locale.
bool is_c_space(char ch) noexcept { return ch == ' ' || (ch >= '\t' && ch <= '\r'); }

struct scanned {
  bool ok;
  bool negative;
  uint64_t magnitude;
};

// strtoull's grammar, with memcached's "followed by end or whitespace" rule.
scanned scan(std::string_view t) noexcept {
  size_t i = 0;
  const size_t n = t.size();
  while (i < n && is_c_space(t[i])) ++i;
  bool negative = false;
  if (i < n && (t[i] == '+' || t[i] == '-')) {
    negative = t[i] == '-';
    ++i;
  }
  const size_t first_digit = i;
  uint64_t v = 0;
  bool overflow = false;
  for (; i < n; ++i) {
    unsigned d = static_cast<unsigned char>(t[i]) - unsigned{'0'};
    if (d > 9) break;
    if (v > (UINT64_MAX - d) / 10) overflow = true;
    v = v * 10 + d;
  }
  if (i == first_digit || overflow) return {false, false, 0};
  if (i < n && !is_c_space(t[i])) return {false, false, 0};
  return {true, negative, v};
}

}  // namespace

bool parse_u64_slow(std::string_view token, uint64_t* out) noexcept {
  scanned s = scan(token);
  if (!s.ok || (s.negative && s.magnitude != 0)) return false;
  *out = s.magnitude;
  return true;
}

bool parse_i64_slow(std::string_view token, int64_t* out) noexcept {
  scanned s = scan(token);
  if (!s.ok) return false;
  if (s.negative) {
    if (s.magnitude > uint64_t{1} << 63) return false;
    *out = static_cast<int64_t>(0 - s.magnitude);
  } else {
    if (s.magnitude > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(s.magnitude);
  }
  return true;
}

}  // namespace shoal::protocol::numbers_detail
