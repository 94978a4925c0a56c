// key_generator picks which key of the key space each request touches, and
// format_key() spells a key index as the bytes sent on the wire.
//
// Patterns: sequential (each generator walks the key space from its own
// starting offset, wrapping), uniform, and zipf (rank 1 = key 0 is the
// hottest; see zipf.h). Keys are "k" followed by the zero-padded decimal index,
// exactly `key_size` bytes: k0000000042 for index 42 and key_size 11.
// Threading: one generator per connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "loadgen/random.h"
#include "loadgen/zipf.h"

namespace shoal::loadgen {

enum class key_pattern { sequential, uniform, zipf };

std::string_view to_string(key_pattern pattern) noexcept;
std::optional<key_pattern> parse_key_pattern(std::string_view name) noexcept;

// The smallest key_size that can spell every index below key_space.
size_t min_key_size(uint64_t key_space) noexcept;

// Writes key `index` into out[0, key_size). Requires key_size >= min_key_size.
void format_key(uint64_t index, size_t key_size, char* out) noexcept;

class key_generator {
 public:
  // `start` is the first index of a sequential walk (taken modulo key_space).
  key_generator(key_pattern pattern, uint64_t key_space, double zipf_skew, uint64_t seed,
                uint64_t start = 0);

  // The next key index, in [0, key_space).
  uint64_t next() noexcept {
    switch (pattern_) {
      case key_pattern::sequential: {
        const uint64_t index = cursor_;
        if (++cursor_ == key_space_) cursor_ = 0;
        return index;
      }
      case key_pattern::uniform:
        return rng_.below(key_space_);
      case key_pattern::zipf:
        return zipf_->sample(rng_) - 1;
    }
    return 0;
  }

  random_generator& rng() noexcept { return rng_; }

 private:
  key_pattern pattern_;
  uint64_t key_space_;
  uint64_t cursor_;
  random_generator rng_;
  std::optional<zipf_distribution> zipf_;
};

}  // namespace shoal::loadgen
