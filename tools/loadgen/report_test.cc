#include "loadgen/report.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace shoal::loadgen {
namespace {

run_report sample_report() {
  run_report r;
  r.config.threads = 2;
  r.elapsed_s = 2.0;
  run_counters& n = r.stats.counters;
  n.requests = 1000;
  n.gets = 900;
  n.sets = 100;
  n.keys_requested = 900;
  n.hits = 450;
  n.error_replies = 3;
  for (int i = 1; i <= 1000; ++i) r.stats.latency.record(static_cast<uint64_t>(i) * 1000);
  r.cpu.user_s = 1.0;
  r.cpu.sys_s = 2.0;
  return r;
}

// The number after `"name": ` in `json`, searching from the latency object.
double field(const std::string& json, const std::string& name) {
  const size_t at = json.find("\"" + name + "\": ", json.find("latency_us"));
  if (at == std::string::npos) return -1;
  return std::strtod(json.c_str() + at + name.size() + 4, nullptr);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ReportTest, JsonCarriesThroughputLatencyErrorsAndClientCpu) {
  const std::string json = format_json(sample_report());
  EXPECT_TRUE(contains(json, "\"format_version\": 1")) << json;
  EXPECT_TRUE(contains(json, "\"requests_per_s\": 500,")) << json;
  EXPECT_TRUE(contains(json, "\"hit_ratio\": 0.5,")) << json;
  EXPECT_TRUE(contains(json, "\"errors\": {\"total\": 3,")) << json;
  // Percentiles in microseconds, within the histogram's 0.1% bound above the exact ones.
  EXPECT_GE(field(json, "p50"), 500.0) << json;
  EXPECT_LE(field(json, "p50"), 500.5) << json;
  EXPECT_GE(field(json, "p99"), 990.0) << json;
  EXPECT_LE(field(json, "p99"), 991.0) << json;
  EXPECT_EQ(field(json, "min"), 1.0) << json;
  EXPECT_EQ(field(json, "max"), 1000.0) << json;
  // 3 s of CPU over 2 s on 2 threads: 1.5 cores, 75% each.
  EXPECT_TRUE(contains(json, "\"cores_used\": 1.5, \"per_thread\": 0.75, \"saturated\": false"))
      << json;
  EXPECT_TRUE(contains(json, "\"mode\": \"closed\"")) << json;
  EXPECT_TRUE(contains(json, "\"prepopulate\": null")) << json;
}

TEST(ReportTest, JsonBracesBalanceAndNoTrailingCommas) {
  run_report r = sample_report();
  r.prepopulate = prepopulate_report{100, 0.5, 0};
  const std::string json = format_json(r);
  int depth = 0;
  for (char c : json) {
    depth += (c == '{' || c == '[') - (c == '}' || c == ']');
    ASSERT_GE(depth, 0);
  }
  EXPECT_EQ(depth, 0);
  EXPECT_FALSE(contains(json, ",\n}")) << json;
  EXPECT_FALSE(contains(json, ", }")) << json;
}

TEST(ReportTest, UnsentOpenLoopRequestsAreReported) {
  run_report r = sample_report();
  EXPECT_TRUE(contains(format_json(r), "\"unsent\": 0}"));
  EXPECT_FALSE(contains(format_summary(r), "unsent"));
  r.stats.counters.unsent = 12;
  EXPECT_TRUE(contains(format_json(r), "\"unsent\": 12}"));
  EXPECT_TRUE(contains(format_summary(r), "12 requests due before the deadline were never sent"));
}

TEST(ReportTest, HitRatioIsNullWithoutGets) {
  run_report r = sample_report();
  r.stats.counters.keys_requested = 0;
  EXPECT_TRUE(contains(format_json(r), "\"hit_ratio\": null,"));
}

TEST(ReportTest, SummaryFlagsASaturatedClient) {
  run_report r = sample_report();
  r.cpu.sys_s = 2.8;  // 3.8 s over 2 s on 2 threads: 95% each
  EXPECT_TRUE(contains(format_summary(r), "the client may be the bottleneck"));
  EXPECT_TRUE(contains(format_json(r), "\"saturated\": true"));
  EXPECT_FALSE(contains(format_summary(sample_report()), "bottleneck"));
}

TEST(ReportTest, SummaryGroupsThousands) {
  run_report r = sample_report();
  r.stats.counters.requests = 1'523'456;
  EXPECT_TRUE(contains(format_summary(r), "1,523,456 requests"));
}

TEST(ReportTest, ProgressLineShowsRateAndErrors) {
  run_counters total;
  total.requests = 12345;
  total.bad_replies = 2;
  EXPECT_EQ(format_progress(3, 152345.7, total),
            "[    3 s]     152,345 req/s, 12,345 requests, 2 errors");
}

}  // namespace
}  // namespace shoal::loadgen
