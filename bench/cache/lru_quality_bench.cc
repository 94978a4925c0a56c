// How close Shoal's eviction (CLOCK over a FIFO of segments, with compaction)
// comes to exact LRU. A cache-aside trace over 1M keys drawn from a Zipf
// distribution (get; on a miss, set a 100-byte value) runs against the cache
// and against simulated policies holding the same number of items: exact LRU,
// item-level CLOCK and FIFO. Hit ratios are measured over the second half of
// the trace, after warm-up. The policies' capacity is the cache's mean item
// count over that half, so the comparison is of policy, not of overhead.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <list>
#include <random>
#include <string>
#include <vector>

#include "bench_util.h"

namespace shoal::bench {
namespace {

constexpr size_t k_keys = 1'000'000;
constexpr size_t k_requests = 10'000'000;

const key_table& keys() {
  static const key_table t(k_keys);
  return t;
}

// Key ids drawn from a Zipf(alpha) over k_keys ranks; ranks map to ids through
// a random permutation.
std::vector<uint32_t> zipf_trace(double alpha, uint64_t seed) {
  std::vector<double> cdf(k_keys);
  double sum = 0;
  for (size_t i = 0; i < k_keys; ++i) {
    sum += 1.0 / std::pow(static_cast<double>(i + 1), alpha);
    cdf[i] = sum;
  }
  for (double& c : cdf) c /= sum;
  std::vector<uint32_t> id(k_keys);
  for (size_t i = 0; i < k_keys; ++i) id[i] = static_cast<uint32_t>(i);
  std::mt19937_64 rng(seed);
  std::shuffle(id.begin(), id.end(), rng);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<uint32_t> trace(k_requests);
  for (uint32_t& r : trace) {
    const size_t rank =
        static_cast<size_t>(std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin());
    r = id[std::min(rank, k_keys - 1)];
  }
  return trace;
}

struct shoal_result {
  double hit_ratio;
  size_t mean_items;
};

shoal_result run_shoal(const std::vector<uint32_t>& trace, size_t memory_limit) {
  cache c(bench_config(memory_limit));
  const key_table& k = keys();
  const std::string value(100, 'v');
  size_t hits = 0;
  size_t counted = 0;
  double items_sum = 0;
  size_t samples = 0;
  for (size_t i = 0; i < trace.size(); ++i) {
    const uint32_t id = trace[i];
    const bool hit = c.get(k.key(id), k.hashes[id], 1).has_value();
    if (!hit) c.store(store_mode::set, k.key(id), k.hashes[id], value, 0, 0, 1);
    if (i >= trace.size() / 2) {
      hits += hit;
      ++counted;
      if (i % 10000 == 0) {
        items_sum += static_cast<double>(c.stats().curr_items);
        ++samples;
      }
    }
  }
  return {static_cast<double>(hits) / static_cast<double>(counted),
          static_cast<size_t>(items_sum / static_cast<double>(samples))};
}

double run_lru(const std::vector<uint32_t>& trace, size_t capacity) {
  std::list<uint32_t> order;
  std::vector<std::list<uint32_t>::iterator> where(k_keys);
  std::vector<bool> present(k_keys);
  size_t hits = 0;
  for (size_t i = 0; i < trace.size(); ++i) {
    const uint32_t id = trace[i];
    if (present[id]) {
      order.splice(order.begin(), order, where[id]);
      if (i >= trace.size() / 2) ++hits;
      continue;
    }
    order.push_front(id);
    where[id] = order.begin();
    present[id] = true;
    if (order.size() > capacity) {
      present[order.back()] = false;
      order.pop_back();
    }
  }
  return static_cast<double>(hits) / static_cast<double>(trace.size() - trace.size() / 2);
}

// Item-level CLOCK (clock == true) or FIFO over `capacity` slots.
double run_ring(const std::vector<uint32_t>& trace, size_t capacity, bool clock) {
  std::vector<uint32_t> slot_id(capacity, UINT32_MAX);
  std::vector<uint8_t> referenced(capacity);
  std::vector<uint32_t> slot_of(k_keys, UINT32_MAX);
  size_t hand = 0;
  size_t hits = 0;
  for (size_t i = 0; i < trace.size(); ++i) {
    const uint32_t id = trace[i];
    if (slot_of[id] != UINT32_MAX) {
      referenced[slot_of[id]] = 1;
      if (i >= trace.size() / 2) ++hits;
      continue;
    }
    while (clock && slot_id[hand] != UINT32_MAX && referenced[hand]) {
      referenced[hand] = 0;
      hand = (hand + 1) % capacity;
    }
    if (slot_id[hand] != UINT32_MAX) slot_of[slot_id[hand]] = UINT32_MAX;
    slot_id[hand] = id;
    referenced[hand] = 0;
    slot_of[id] = static_cast<uint32_t>(hand);
    hand = (hand + 1) % capacity;
  }
  return static_cast<double>(hits) / static_cast<double>(trace.size() - trace.size() / 2);
}

void BM_lru_quality(benchmark::State& state) {
  const double alpha = static_cast<double>(state.range(0)) / 100.0;
  const size_t memory_limit = static_cast<size_t>(state.range(1)) << 20;
  for (auto _ : state) {
    const std::vector<uint32_t> trace = zipf_trace(alpha, 42);
    const shoal_result s = run_shoal(trace, memory_limit);
    const double lru = run_lru(trace, s.mean_items);
    const double clock = run_ring(trace, s.mean_items, true);
    const double fifo = run_ring(trace, s.mean_items, false);
    std::printf(
        "zipf %.2f, %3zu MiB (%zu items, %.1f%% of keys): shoal %.4f  lru %.4f  clock %.4f  fifo "
        "%.4f\n",
        alpha, memory_limit >> 20, s.mean_items, 100.0 * static_cast<double>(s.mean_items) / k_keys,
        s.hit_ratio, lru, clock, fifo);
    state.counters["items"] = static_cast<double>(s.mean_items);
    state.counters["shoal"] = s.hit_ratio;
    state.counters["lru"] = lru;
    state.counters["clock"] = clock;
    state.counters["fifo"] = fifo;
  }
}
BENCHMARK(BM_lru_quality)
    ->Args({80, 8})
    ->Args({80, 32})
    ->Args({99, 8})
    ->Args({99, 32})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace shoal::bench

BENCHMARK_MAIN();
