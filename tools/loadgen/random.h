// A small, fast pseudo-random generator for the load generator's hot path
// (key choice, get/set choice, value sizes): xoshiro256** seeded through
// splitmix64, both public-domain algorithms by Blackman and Vigna, written
// here from their published definitions. Deterministic for a given seed, so
// a run's request sequence can be reproduced. Not for anything secret.
// Threading: one generator per connection (or per shard); not synchronised.
#pragma once

#include <cstdint>

namespace shoal::loadgen {

// splitmix64: turns any 64-bit seed (even 0) into well-spread state words.
inline uint64_t splitmix64(uint64_t& state) noexcept {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

class random_generator {
 public:
  explicit random_generator(uint64_t seed = 1) noexcept {
    for (uint64_t& word : s_) word = splitmix64(seed);
  }

  uint64_t next() noexcept {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, bound), bound > 0: the high half of a 64x64 multiply
  // (bias below 2^-64 * bound, negligible for any key space).
  uint64_t below(uint64_t bound) noexcept {
    __extension__ using uint128 = unsigned __int128;
    return static_cast<uint64_t>((static_cast<uint128>(next()) * bound) >> 64);
  }

  // Uniform in [0, 1), 53 bits.
  double unit() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  static uint64_t rotl(uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace shoal::loadgen
