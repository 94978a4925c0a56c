// Parse throughput of text_parser on the requests that carry most traffic:
// a single-key get, a set with a 100-byte value, a 10-key multi-get, and a
// pipelined burst. Each iteration parses one command from a buffer that
// stays in cache, so the figure is the parser's own cost, not memory's.
#include <benchmark/benchmark.h>

#include <string>

#include "protocol/command.h"
#include "protocol/text_parser.h"

namespace shoal::protocol {
namespace {

void parse_repeatedly(benchmark::State& state, const std::string& input) {
  text_parser parser;
  command cmd;
  size_t used = 0;
  for (auto _ : state) {
    parse_status status = parser.parse(input, &used, &cmd);
    benchmark::DoNotOptimize(status);
    benchmark::DoNotOptimize(cmd.keys.data());
  }
  if (used != input.size()) state.SkipWithError("did not parse the whole command");
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(input.size()));
}

void BM_ParseGet(benchmark::State& state) { parse_repeatedly(state, "get user:1234567890\r\n"); }
BENCHMARK(BM_ParseGet);

void BM_ParseSet100(benchmark::State& state) {
  parse_repeatedly(state, "set user:1234567890 0 0 100\r\n" + std::string(100, 'v') + "\r\n");
}
BENCHMARK(BM_ParseSet100);

void BM_ParseMultiGet10(benchmark::State& state) {
  std::string line = "get";
  for (int i = 0; i < 10; ++i) line += " user:123456789" + std::to_string(i);
  parse_repeatedly(state, line + "\r\n");
}
BENCHMARK(BM_ParseMultiGet10);

void BM_ParseDelete(benchmark::State& state) {
  parse_repeatedly(state, "delete user:1234567890 noreply\r\n");
}
BENCHMARK(BM_ParseDelete);

void BM_ParseIncr(benchmark::State& state) { parse_repeatedly(state, "incr counter:1 1\r\n"); }
BENCHMARK(BM_ParseIncr);

// A connection's view: 100 pipelined get/set pairs parsed front to back.
void BM_ParsePipeline(benchmark::State& state) {
  std::string burst;
  for (int i = 0; i < 100; ++i) {
    const std::string key = "user:" + std::to_string(1000000000 + i);
    burst += "set " + key + " 0 0 32\r\n" + std::string(32, 'v') + "\r\nget " + key + "\r\n";
  }
  text_parser parser;
  command cmd;
  int64_t commands = 0;
  for (auto _ : state) {
    std::string_view in = burst;
    size_t used;
    while (parser.parse(in, &used, &cmd) == parse_status::complete) {
      in.remove_prefix(used);
      ++commands;
    }
    benchmark::DoNotOptimize(in.data());
  }
  state.SetItemsProcessed(commands);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(burst.size()));
}
BENCHMARK(BM_ParsePipeline);

// The 190 KB multi-get of memcached's t/getset.t, split across 64 KiB reads.
void BM_ParseHugeMultiGetInReads(benchmark::State& state) {
  std::string line = "get";
  for (int i = 0; i < 18725; ++i) line += " foo_bar_1";
  line += "\r\n";
  text_parser parser;
  command cmd;
  for (auto _ : state) {
    size_t used;
    for (size_t have = 65536; have < line.size(); have += 65536) {
      benchmark::DoNotOptimize(parser.parse(std::string_view(line).substr(0, have), &used, &cmd));
    }
    benchmark::DoNotOptimize(parser.parse(line, &used, &cmd));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(line.size()));
}
BENCHMARK(BM_ParseHugeMultiGetInReads);

}  // namespace
}  // namespace shoal::protocol

BENCHMARK_MAIN();
