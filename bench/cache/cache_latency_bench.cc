// Set latency while the store grows from 1,000 to 10 million items (the index
// splits one bucket at a time, segments are mapped as needed: no operation
// should pay for a whole-table rehash), and while a full store evicts.
// Each set is timed alone twice over: with the wall clock (steady_clock), and
// with this thread's CPU clock, which leaves out the time the thread was not
// running. On a shared, loaded machine the wall-clock tail is mostly
// preemption; the CPU-clock tail is the work the set itself did (page faults
// included). Both include their clock's own cost (`clock_ns`, `cpu_clock_ns`).
// A std::unordered_map run shows what a stop-the-world rehash looks like.
#include <benchmark/benchmark.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench_util.h"

namespace shoal::bench {
namespace {

using clock_type = std::chrono::steady_clock;

uint32_t elapsed_ns(clock_type::time_point a, clock_type::time_point b) {
  return static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count());
}

// This thread's CPU time in ns (CLOCK_THREAD_CPUTIME_ID).
uint64_t cpu_now_ns() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

double cpu_clock_overhead_ns() {
  std::vector<uint32_t> v(100000);
  for (uint32_t& x : v) {
    const uint64_t a = cpu_now_ns();
    x = static_cast<uint32_t>(cpu_now_ns() - a);
  }
  return percentile(v, 50);
}

double clock_overhead_ns() {
  std::vector<uint32_t> v(100000);
  for (uint32_t& x : v) {
    const auto a = clock_type::now();
    x = elapsed_ns(a, clock_type::now());
  }
  return percentile(v, 50);
}

// Prints p50/p99/p99.9/p99.99/max of latencies[from, to) and sets counters for
// the whole range.
void report(const char* name, std::vector<uint32_t>& ns, size_t from, size_t to) {
  std::vector<uint32_t> w(ns.begin() + static_cast<ptrdiff_t>(from),
                          ns.begin() + static_cast<ptrdiff_t>(to));
  std::sort(w.begin(), w.end());
  std::printf("  %-22s %10zu sets  p50 %6u  p99 %6u  p99.9 %7u  p99.99 %8u  max %9u ns\n", name,
              w.size(), percentile(w, 50, true), percentile(w, 99, true), percentile(w, 99.9, true),
              percentile(w, 99.99, true), w.back());
}

void BM_set_latency_growth(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const std::string value(100, 'v');
  for (auto _ : state) {
    cache c(bench_config(size_t{4} << 30));
    std::vector<uint32_t> ns(n);
    std::vector<uint32_t> cpu_ns(n);
    uint64_t max_splits = 0;  // index buckets added by one set: work independent of load
    char key[k_key_length + 1];
    for (size_t i = 0; i < n; ++i) {
      const std::string_view k = key_at(i, key);
      const uint64_t h = hash_key(k);
      const uint64_t buckets = c.stats().hash_buckets;
      const uint64_t cpu = cpu_now_ns();
      const auto a = clock_type::now();
      c.store(store_mode::set, k, h, value, 0, 0, 1);
      ns[i] = elapsed_ns(a, clock_type::now());
      cpu_ns[i] = static_cast<uint32_t>(cpu_now_ns() - cpu);
      max_splits = std::max(max_splits, c.stats().hash_buckets - buckets);
    }
    std::printf("most index buckets split by one set: %llu\n",
                static_cast<unsigned long long>(max_splits));
    for (auto* series : {&ns, &cpu_ns}) {
      std::printf("set latency while growing (32-byte keys, 100-byte values), %s clock:\n",
                  series == &ns ? "wall" : "thread CPU");
      for (size_t from = 1000; from < n; from *= 10) {
        char name[64];
        std::snprintf(name, sizeof name, "items %zu..%zu", from, std::min(n, from * 10));
        report(name, *series, from, std::min(n, from * 10));
      }
      report("all", *series, 0, n);
    }
    std::sort(ns.begin(), ns.end());
    std::sort(cpu_ns.begin(), cpu_ns.end());
    state.counters["p50_ns"] = percentile(ns, 50, true);
    state.counters["p999_ns"] = percentile(ns, 99.9, true);
    state.counters["max_ns"] = ns.back();
    state.counters["cpu_p50_ns"] = percentile(cpu_ns, 50, true);
    state.counters["cpu_p999_ns"] = percentile(cpu_ns, 99.9, true);
    state.counters["cpu_max_ns"] = cpu_ns.back();
    state.counters["clock_ns"] = clock_overhead_ns();
    state.counters["cpu_clock_ns"] = cpu_clock_overhead_ns();
    state.counters["buckets"] = static_cast<double>(c.stats().hash_buckets);
  }
}
BENCHMARK(BM_set_latency_growth)->Arg(10'000'000)->Iterations(1)->Unit(benchmark::kMillisecond);

// A full 256 MiB store taking new keys: every set evicts. Arg 1: a timer
// calls do_maintenance(now, 256) every 1,000 sets (its own duration is
// reported separately, as it would run between requests).
void BM_set_latency_evicting(benchmark::State& state) {
  const bool maintenance = state.range(0) != 0;
  const size_t n = 6'000'000;
  const std::string value(100, 'v');
  for (auto _ : state) {
    cache c(bench_config(size_t{256} << 20));
    std::vector<uint32_t> ns(n);
    std::vector<uint32_t> cpu_ns(n);
    std::vector<uint32_t> maintenance_ns;
    // Items the set itself cleaned (evicted, moved or reclaimed): a count that
    // does not depend on the machine's load.
    std::vector<uint32_t> cleaned(n);
    auto cleaned_so_far = [&c] {
      const cache_stats s = c.stats();
      return s.evictions + s.items_relocated + s.reclaimed;
    };
    char key[k_key_length + 1];
    for (size_t i = 0; i < n; ++i) {
      const std::string_view k = key_at(i, key);
      const uint64_t h = hash_key(k);
      const uint64_t before = cleaned_so_far();
      const uint64_t cpu = cpu_now_ns();
      const auto a = clock_type::now();
      c.store(store_mode::set, k, h, value, 0, 0, 1);
      ns[i] = elapsed_ns(a, clock_type::now());
      cpu_ns[i] = static_cast<uint32_t>(cpu_now_ns() - cpu);
      cleaned[i] = static_cast<uint32_t>(cleaned_so_far() - before);
      if (maintenance && i % 1000 == 0) {
        const uint64_t m = cpu_now_ns();
        c.do_maintenance(1, 256);
        maintenance_ns.push_back(static_cast<uint32_t>(cpu_now_ns() - m));
      }
    }
    std::printf("set latency in a full 256 MiB store (every set evicts), maintenance %s:\n",
                maintenance ? "on" : "off");
    report("sets 3M..6M, wall", ns, 3'000'000, n);
    report("sets 3M..6M, CPU", cpu_ns, 3'000'000, n);
    if (maintenance) report("do_maintenance, CPU", maintenance_ns, 0, maintenance_ns.size());
    std::vector<uint32_t> cleaned_tail(cleaned.begin() + 3'000'000, cleaned.end());
    std::sort(cleaned_tail.begin(), cleaned_tail.end());
    std::printf("  items cleaned by one set: p50 %u  p99 %u  p99.9 %u  p99.99 %u  max %u\n",
                percentile(cleaned_tail, 50, true), percentile(cleaned_tail, 99, true),
                percentile(cleaned_tail, 99.9, true), percentile(cleaned_tail, 99.99, true),
                cleaned_tail.back());
    state.counters["max_cleaned_per_set"] = cleaned_tail.back();
    std::vector<uint32_t> cpu_tail(cpu_ns.begin() + 3'000'000, cpu_ns.end());
    std::sort(cpu_tail.begin(), cpu_tail.end());
    state.counters["cpu_p999_ns"] = percentile(cpu_tail, 99.9, true);
    state.counters["cpu_max_ns"] = cpu_tail.back();
    std::vector<uint32_t> tail(ns.begin() + 3'000'000, ns.end());
    std::sort(tail.begin(), tail.end());
    state.counters["p99_ns"] = percentile(tail, 99, true);
    state.counters["p999_ns"] = percentile(tail, 99.9, true);
    state.counters["p9999_ns"] = percentile(tail, 99.99, true);
    state.counters["max_ns"] = tail.back();
    state.counters["evictions"] = static_cast<double>(c.stats().evictions);
  }
}
BENCHMARK(BM_set_latency_evicting)->Arg(0)->Arg(1)->Iterations(1)->Unit(benchmark::kMillisecond);

// Contrast: std::unordered_map rehashes everything when it grows.
void BM_unordered_map_latency_growth(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    std::unordered_map<uint64_t, uint64_t> m;
    std::vector<uint32_t> ns(n);
    std::vector<uint32_t> cpu_ns(n);
    for (size_t i = 0; i < n; ++i) {
      const uint64_t cpu = cpu_now_ns();
      const auto a = clock_type::now();
      m.emplace(hash_key(std::string_view(reinterpret_cast<const char*>(&i), sizeof i)), i);
      ns[i] = elapsed_ns(a, clock_type::now());
      cpu_ns[i] = static_cast<uint32_t>(cpu_now_ns() - cpu);
    }
    std::printf("std::unordered_map<uint64_t, uint64_t> insert latency while growing:\n");
    report("all, wall", ns, 0, n);
    report("all, CPU", cpu_ns, 0, n);
    std::sort(cpu_ns.begin(), cpu_ns.end());
    state.counters["cpu_max_ns"] = cpu_ns.back();
    std::sort(ns.begin(), ns.end());
    state.counters["p999_ns"] = percentile(ns, 99.9, true);
    state.counters["max_ns"] = ns.back();
  }
}
BENCHMARK(BM_unordered_map_latency_growth)
    ->Arg(10'000'000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace shoal::bench

BENCHMARK_MAIN();
