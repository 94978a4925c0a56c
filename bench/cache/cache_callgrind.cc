// Deterministic driver for instruction counts: runs one workload N times on a
// prepared cache. Under callgrind, (Ir(2N) - Ir(N)) / N is the cost of one
// operation with set-up cancelled out:
//   valgrind --tool=callgrind --callgrind-out-file=/dev/null
//       shoal_cache_callgrind <workload> <N>
// Workloads: get_hit, get_miss, set_overwrite, set_evicting, set_new, incr;
// N <= 400,000.
// 32-byte keys, 100-byte values, 100,000 stored items, keys in random order.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include "bench_util.h"

using namespace shoal;
using namespace shoal::bench;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s get_hit|get_miss|set_overwrite|set_evicting|set_new|incr N\n",
                 argv[0]);
    return 2;
  }
  const std::string workload = argv[1];
  const size_t n = std::strtoull(argv[2], nullptr, 10);
  const size_t items = 100'000;
  const size_t max_n = 400'000;  // set-up must not depend on n
  if (n > max_n) return 2;
  const key_table keys(items + max_n);
  std::vector<uint32_t> order(max_n);
  std::mt19937_64 rng(1);
  for (uint32_t& i : order) i = static_cast<uint32_t>(rng() % items);
  const std::string value(100, 'v');
  const bool small = workload == "set_evicting";
  cache c(bench_config(small ? size_t{8} << 20 : size_t{256} << 20));
  for (size_t i = 0; i < items; ++i) {
    c.store(store_mode::set, keys.key(i), keys.hashes[i], workload == "incr" ? "1000" : value, 0, 0,
            1);
  }
  enum class op { get_hit, get_miss, set_overwrite, set_new, incr };
  op kind;
  if (workload == "get_hit") {
    kind = op::get_hit;
  } else if (workload == "get_miss") {
    kind = op::get_miss;
  } else if (workload == "set_overwrite") {
    kind = op::set_overwrite;
  } else if (workload == "set_evicting" || workload == "set_new") {
    kind = op::set_new;
  } else if (workload == "incr") {
    kind = op::incr;
  } else {
    std::fprintf(stderr, "unknown workload %s\n", workload.c_str());
    return 2;
  }
  uint64_t sink = 0;
  for (size_t j = 0; j < n; ++j) {
    const uint32_t i = order[j];
    const size_t m = items + j;  // a key never stored before
    switch (kind) {
      case op::get_hit:
        sink += c.get(keys.key(i), keys.hashes[i], 1).has_value();
        break;
      case op::get_miss:
        sink += c.get(keys.key(m), keys.hashes[m], 1).has_value();
        break;
      case op::set_overwrite:
        sink += static_cast<uint64_t>(
            c.store(store_mode::set, keys.key(i), keys.hashes[i], value, 0, 0, 1));
        break;
      case op::set_new:
        sink += static_cast<uint64_t>(
            c.store(store_mode::set, keys.key(m), keys.hashes[m], value, 0, 0, 1));
        break;
      case op::incr:
        sink += c.incr(keys.key(i), keys.hashes[i], 1, 1).value;
        break;
    }
  }
  std::printf("%s x %zu: sink %llu, evictions %llu\n", workload.c_str(), n,
              static_cast<unsigned long long>(sink),
              static_cast<unsigned long long>(c.stats().evictions));
  return 0;
}
