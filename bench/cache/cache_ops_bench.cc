// Operations per second on one shard's cache: get (hit, miss), set
// (overwrite, new keys with eviction), incr. One thread, keys and hashes
// precomputed (the server hashes once per request, outside the cache).
// Workload: 32-byte keys, 100-byte values, uniformly random key order.
#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include "bench_util.h"

namespace shoal::bench {
namespace {

constexpr size_t k_items = 1'000'000;
constexpr size_t k_order = 1u << 20;  // length of the random key sequence
constexpr cache_time k_now = 1000;

const key_table& keys() {
  static const key_table table(2 * k_items);  // [0, k_items) stored, the rest never
  return table;
}

const std::vector<uint32_t>& order() {
  static const std::vector<uint32_t> o = [] {
    std::vector<uint32_t> v(k_order);
    std::mt19937_64 rng(1);
    for (uint32_t& i : v) i = static_cast<uint32_t>(rng() % k_items);
    return v;
  }();
  return o;
}

const std::string& value100() {
  static const std::string v(100, 'v');
  return v;
}

cache& filled(size_t items) {
  static cache* big = nullptr;
  static cache* small = nullptr;
  cache*& c = items == k_items ? big : small;
  if (c == nullptr) {
    c = new cache(bench_config(size_t{1} << 30));
    const key_table& k = keys();
    for (size_t i = 0; i < items; ++i) {
      c->store(store_mode::set, k.key(i), k.hashes[i], value100(), 0, 0, k_now);
    }
  }
  return *c;
}

void BM_get_hit(benchmark::State& state) {
  const size_t items = static_cast<size_t>(state.range(0));
  cache& c = filled(items);
  const key_table& k = keys();
  const std::vector<uint32_t>& o = order();
  size_t i = 0;
  for (auto _ : state) {
    const uint32_t idx = o[i++ & (k_order - 1)] % items;
    auto v = c.get(k.key(idx), k.hashes[idx], k_now);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_get_hit)->Arg(10'000)->Arg(k_items);

void BM_get_miss(benchmark::State& state) {
  cache& c = filled(k_items);
  const key_table& k = keys();
  const std::vector<uint32_t>& o = order();
  size_t i = 0;
  for (auto _ : state) {
    const uint32_t idx = static_cast<uint32_t>(k_items) + o[i++ & (k_order - 1)];
    auto v = c.get(k.key(idx), k.hashes[idx], k_now);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_get_miss);

// Overwrites of existing keys: the dead copies are compacted away as the store
// reaches its limit, so this includes cleaning.
void BM_set_overwrite(benchmark::State& state) {
  cache& c = filled(k_items);
  const key_table& k = keys();
  const std::vector<uint32_t>& o = order();
  size_t i = 0;
  for (auto _ : state) {
    const uint32_t idx = o[i++ & (k_order - 1)];
    benchmark::DoNotOptimize(
        c.store(store_mode::set, k.key(idx), k.hashes[idx], value100(), 0, 0, k_now));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["compacted"] = static_cast<double>(c.stats().segments_compacted);
}
BENCHMARK(BM_set_overwrite);

// New keys into a full 64 MiB store: every set evicts.
void BM_set_evicting(benchmark::State& state) {
  cache c(bench_config(size_t{64} << 20));
  const key_table& k = keys();
  const size_t n = 2 * k_items;
  for (size_t i = 0; i < n; ++i) {
    c.store(store_mode::set, k.key(i), k.hashes[i], value100(), 0, 0, k_now);
  }
  size_t i = 0;
  for (auto _ : state) {
    const size_t idx = i++ % n;
    benchmark::DoNotOptimize(
        c.store(store_mode::set, k.key(idx), k.hashes[idx], value100(), 0, 0, k_now));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["evictions"] = static_cast<double>(c.stats().evictions);
}
BENCHMARK(BM_set_evicting);

void BM_incr(benchmark::State& state) {
  cache c(bench_config(size_t{256} << 20));
  const key_table& k = keys();
  const size_t n = 100'000;
  for (size_t i = 0; i < n; ++i) {
    c.store(store_mode::set, k.key(i), k.hashes[i], "1000000", 0, 0, k_now);
  }
  size_t i = 0;
  for (auto _ : state) {
    const size_t idx = order()[i++ & (k_order - 1)] % n;
    benchmark::DoNotOptimize(c.incr(k.key(idx), k.hashes[idx], 1, k_now));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_incr);

}  // namespace
}  // namespace shoal::bench

BENCHMARK_MAIN();
