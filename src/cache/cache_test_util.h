// Test helpers for the cache's unit tests: a cache with a clock the test
// moves, and short calls that hash the key themselves.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <string_view>

#include "base/hash.h"
#include "cache/cache.h"

namespace shoal {

// Names for gtest's failure messages.
inline void PrintTo(store_result r, std::ostream* os) {
  static const char* const names[] = {"stored",    "not_stored", "exists",
                                      "not_found", "too_large",  "no_memory"};
  *os << names[static_cast<int>(r)];
}
inline void PrintTo(delete_result r, std::ostream* os) {
  *os << (r == delete_result::deleted ? "deleted" : "not_found");
}
inline void PrintTo(touch_result r, std::ostream* os) {
  *os << (r == touch_result::touched ? "touched" : "not_found");
}
inline void PrintTo(arith_status r, std::ostream* os) {
  static const char* const names[] = {"ok", "not_found", "non_numeric", "no_memory"};
  *os << names[static_cast<int>(r)];
}

}  // namespace shoal

namespace shoal::testing {

inline cache_config small_config(size_t memory_limit = 8u << 20) {
  cache_config c;
  c.memory_limit = memory_limit;
  c.clock_epoch_unix = 1'700'000'000;  // cache_time 0 is this Unix time
  c.hash_seed = 0x5eed;
  return c;
}

// A random seed for a randomized test, printed so a failure can be replayed:
// SHOAL_CACHE_SEED=<seed> makes every randomized test use that seed.
inline uint64_t random_test_seed() {
  uint64_t seed = 0;
  if (const char* env = std::getenv("SHOAL_CACHE_SEED")) {
    seed = std::strtoull(env, nullptr, 10);
  } else {
    std::random_device rd;
    seed = (uint64_t{rd()} << 32) ^ rd();
  }
  std::printf("seed %llu (SHOAL_CACHE_SEED=%llu replays it)\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed));
  return seed;
}

class cache_harness {
 public:
  explicit cache_harness(const cache_config& config = small_config()) : c(config) {}

  uint64_t h(std::string_view key) const { return hash_key(key, c.config().hash_seed); }

  store_result set(std::string_view key, std::string_view value, uint32_t flags = 0,
                   int64_t exptime = 0) {
    return c.store(store_mode::set, key, h(key), value, flags, exptime, now);
  }
  store_result store(store_mode mode, std::string_view key, std::string_view value,
                     uint32_t flags = 0, int64_t exptime = 0, uint64_t cas = 0) {
    return c.store(mode, key, h(key), value, flags, exptime, now, cas);
  }
  std::optional<item_view> get(std::string_view key) { return c.get(key, h(key), now); }
  // The value, or nullopt: copies, so it survives later calls.
  std::optional<std::string> value(std::string_view key) {
    auto v = get(key);
    if (!v) return std::nullopt;
    return std::string(v->value);
  }
  uint64_t cas_of(std::string_view key) {
    auto v = get(key);
    return v ? v->cas : 0;
  }
  std::optional<item_view> gat(std::string_view key, int64_t exptime) {
    return c.get_and_touch(key, h(key), exptime, now);
  }
  delete_result remove(std::string_view key) { return c.remove(key, h(key), now); }
  touch_result touch(std::string_view key, int64_t exptime) {
    return c.touch(key, h(key), exptime, now);
  }
  arith_result incr(std::string_view key, uint64_t delta) {
    return c.incr(key, h(key), delta, now);
  }
  arith_result decr(std::string_view key, uint64_t delta) {
    return c.decr(key, h(key), delta, now);
  }
  void flush_all(int64_t delay = 0) { c.flush_all(delay, now); }

  cache c;
  cache_time now = 100;
};

}  // namespace shoal::testing
