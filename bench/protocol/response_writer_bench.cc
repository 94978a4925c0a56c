// Reply-writing cost: a get hit (VALUE block + END), a gets hit, an incr
// result and a fixed line, appended to a std::string whose capacity is
// reused, as the connection's output buffer would be.
#include <benchmark/benchmark.h>

#include <string>

#include "protocol/response_writer.h"

namespace shoal::protocol {
namespace {

void BM_WriteGetHit100(benchmark::State& state) {
  const std::string value(100, 'v');
  std::string out;
  out.reserve(4096);
  for (auto _ : state) {
    out.clear();
    write_value(out, "user:1234567890", 0, value);
    write_end(out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WriteGetHit100);

void BM_WriteGetsHit100(benchmark::State& state) {
  const std::string value(100, 'v');
  std::string out;
  out.reserve(4096);
  uint64_t cas = 123456789;
  for (auto _ : state) {
    out.clear();
    write_value(out, "user:1234567890", 42, value, ++cas);
    write_end(out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WriteGetsHit100);

void BM_WriteGetHit4K(benchmark::State& state) {
  const std::string value(4096, 'v');
  std::string out;
  out.reserve(8192);
  for (auto _ : state) {
    out.clear();
    write_value(out, "user:1234567890", 0, value);
    write_end(out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WriteGetHit4K);

void BM_WriteNumber(benchmark::State& state) {
  std::string out;
  out.reserve(64);
  uint64_t v = 9876543210;
  for (auto _ : state) {
    out.clear();
    write_number(out, ++v);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WriteNumber);

void BM_WriteStored(benchmark::State& state) {
  std::string out;
  out.reserve(64);
  for (auto _ : state) {
    out.clear();
    write_reply(out, reply::stored);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WriteStored);

}  // namespace
}  // namespace shoal::protocol
