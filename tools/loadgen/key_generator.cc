// Key choice and spelling. Keys are padded decimal rather than random bytes so
// that a run can be checked by hand (`get k00042` in telnet) and so that the
// key bytes need no table: formatting is one division per digit.
#include "loadgen/key_generator.h"

#include <cstring>

#include "base/assert.h"

namespace shoal::loadgen {

std::string_view to_string(key_pattern pattern) noexcept {
  switch (pattern) {
    case key_pattern::sequential:
      return "sequential";
    case key_pattern::uniform:
      return "uniform";
    case key_pattern::zipf:
      return "zipf";
  }
  return "?";
}

std::optional<key_pattern> parse_key_pattern(std::string_view name) noexcept {
  if (name == "sequential") return key_pattern::sequential;
  if (name == "uniform") return key_pattern::uniform;
  if (name == "zipf") return key_pattern::zipf;
  return std::nullopt;
}

size_t min_key_size(uint64_t key_space) noexcept {
  uint64_t largest = key_space > 0 ? key_space - 1 : 0;
  size_t digits = 1;
  while (largest >= 10) {
    largest /= 10;
    ++digits;
  }
  return 1 + digits;  // the "k" prefix
}

void format_key(uint64_t index, size_t key_size, char* out) noexcept {
  // Two digits per division, from a table; the padding zeros are written 8
  // bytes at a time. This runs once per key of every request.
  static constexpr char k_pairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  SHOAL_DEBUG_ASSERT(key_size >= 2);
  out[0] = 'k';
  // Padding first, in fixed-size stores (a loop here becomes a memset call).
  char* zeros = out + 1;
  size_t n = key_size - 1;
  for (; n >= 8; n -= 8, zeros += 8) std::memcpy(zeros, "00000000", 8);
  if (n >= 4) {
    std::memcpy(zeros, "0000", 4);
    std::memcpy(zeros + n - 4, "0000", 4);
  } else {
    for (size_t i = 0; i < n; ++i) zeros[i] = '0';
  }
  char* p = out + key_size;
  while (index >= 100 && p > out + 2) {
    p -= 2;
    std::memcpy(p, k_pairs + 2 * (index % 100), 2);
    index /= 100;
  }
  if (index >= 10 && p > out + 2) {
    p -= 2;
    std::memcpy(p, k_pairs + 2 * index, 2);
    index = 0;
  } else if (index > 0 && p > out + 1) {
    *--p = static_cast<char>('0' + index);
    index = 0;
  }
  SHOAL_DEBUG_ASSERT(index == 0);
}

key_generator::key_generator(key_pattern pattern, uint64_t key_space, double zipf_skew,
                             uint64_t seed, uint64_t start)
    : pattern_(pattern), key_space_(key_space), cursor_(start % key_space), rng_(seed) {
  SHOAL_ASSERT(key_space >= 1);
  if (pattern == key_pattern::zipf) zipf_.emplace(key_space, zipf_skew);
}

}  // namespace shoal::loadgen
