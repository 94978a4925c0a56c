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
  SHOAL_DEBUG_ASSERT(key_size >= 2);
  out[0] = 'k';
  char* p = out + key_size;
  do {
    *--p = static_cast<char>('0' + index % 10);
    index /= 10;
  } while (index != 0 && p > out + 1);
  SHOAL_DEBUG_ASSERT(index == 0);
  std::memset(out + 1, '0', static_cast<size_t>(p - (out + 1)));
}

key_generator::key_generator(key_pattern pattern, uint64_t key_space, double zipf_skew,
                             uint64_t seed, uint64_t start)
    : pattern_(pattern), key_space_(key_space), cursor_(start % key_space), rng_(seed) {
  SHOAL_ASSERT(key_space >= 1);
  if (pattern == key_pattern::zipf) zipf_.emplace(key_space, zipf_skew);
}

}  // namespace shoal::loadgen
