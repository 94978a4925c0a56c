// Helpers shared by the cache benchmarks: fixed-width keys, resident memory,
// percentiles, and the cache configuration they run with.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <vector>

#include "base/hash.h"
#include "cache/cache.h"

namespace shoal::bench {

inline constexpr size_t k_key_length = 32;

// Writes the 32-byte key of item `i` ("key:" and 28 decimal digits) to `out`.
inline std::string_view key_at(uint64_t i, char* out) {
  std::memcpy(out, "key:", 4);
  for (size_t d = k_key_length; d > 4; --d) {
    out[d - 1] = static_cast<char>('0' + i % 10);
    i /= 10;
  }
  return {out, k_key_length};
}

// Keys 0..n-1 laid out flat, with their hashes: no allocation per key.
struct key_table {
  explicit key_table(size_t n) : bytes(n * k_key_length + 1), hashes(n) {
    for (size_t i = 0; i < n; ++i) {
      const std::string_view k = key_at(i, &bytes[i * k_key_length]);
      hashes[i] = hash_key(k);
    }
  }
  std::string_view key(size_t i) const { return {&bytes[i * k_key_length], k_key_length}; }
  std::vector<char> bytes;
  std::vector<uint64_t> hashes;
};

// Resident set size of this process, from /proc/self/statm.
inline size_t resident_bytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long pages = 0;
  unsigned long resident = 0;
  const int n = std::fscanf(f, "%lu %lu", &pages, &resident);
  std::fclose(f);
  return n == 2 ? resident * static_cast<size_t>(::sysconf(_SC_PAGESIZE)) : 0;
}

// The p-th percentile (0..100) of `v`, which this sorts.
template <class T>
T percentile(std::vector<T>& v, double p, bool sorted = false) {
  if (v.empty()) return T{};
  if (!sorted) std::sort(v.begin(), v.end());
  const size_t i =
      std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())));
  return v[i];
}

inline cache_config bench_config(size_t memory_limit) {
  cache_config c;
  c.memory_limit = memory_limit;
  c.max_item_size = default_max_item_size;
  return c;
}

}  // namespace shoal::bench
