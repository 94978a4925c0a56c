// hash_key() is the one 64-bit hash Shoal computes per key: the server routes a
// key to its owner shard with the high 32 bits and the cache indexes it with
// the low bits, so the two choices are independent whatever the shard count
// (see docs/decisions/0001-key-hash.md). It is computed once per request and
// passed down with the key.
//
// Construction: 8-byte words folded with a 64x64->128-bit multiply ("fold"),
// a widely used mixing step, then a final avalanche. Not cryptographic: keys
// come from clients, so a determined attacker could build colliding keys; the
// per-process seed makes that harder without costing anything.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace shoal {

namespace hash_detail {

inline uint64_t load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline uint64_t load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Multiplies as 128 bits and folds the halves together: every input bit
// affects many output bits, at the cost of one `mul` instruction.
__extension__ typedef unsigned __int128 uint128;  // GCC/Clang builtin

inline uint64_t fold(uint64_t a, uint64_t b) {
  const uint128 product = static_cast<uint128>(a) * b;
  return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}

inline constexpr uint64_t k_odd0 = 0x9e3779b97f4a7c15ULL;  // 2^64 / golden ratio
inline constexpr uint64_t k_odd1 = 0xd6e8feb86659fd93ULL;
inline constexpr uint64_t k_odd2 = 0xa0761d6478bd642fULL;

}  // namespace hash_detail

// Returns a well-mixed 64-bit hash of `key`. `seed` lets a process pick its own
// hash function; the same seed must be used everywhere within one process.
inline uint64_t hash_key(std::string_view key, uint64_t seed = 0) {
  using namespace hash_detail;
  const char* p = key.data();
  size_t n = key.size();
  uint64_t h = seed ^ k_odd0 ^ (static_cast<uint64_t>(n) * k_odd1);
  while (n > 16) {
    h = fold(load64(p) ^ k_odd1, load64(p + 8) ^ h);
    p += 16;
    n -= 16;
  }
  uint64_t a = 0;
  uint64_t b = 0;
  if (n >= 8) {
    a = load64(p);
    b = load64(p + n - 8);  // overlaps `a` when n < 16: cheaper than a byte loop
  } else if (n >= 4) {
    a = load32(p);
    b = load32(p + n - 4);
  } else if (n > 0) {
    a = (static_cast<uint64_t>(static_cast<unsigned char>(p[0])) << 16) |
        (static_cast<uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8) |
        static_cast<unsigned char>(p[n - 1]);
  }
  h = fold(a ^ k_odd1, b ^ h ^ k_odd2);
  return fold(h ^ k_odd0, static_cast<uint64_t>(key.size()) ^ k_odd2);
}

// The owner shard of a key: the high 32 bits of its hash, reduced into
// [0, shard_count) by a multiply-shift (no division, unbiased enough for any
// count). The cache index uses the low bits, so they stay independent.
inline unsigned shard_of_hash(uint64_t hash, unsigned shard_count) {
  return static_cast<unsigned>(((hash >> 32) * static_cast<uint64_t>(shard_count)) >> 32);
}

}  // namespace shoal
