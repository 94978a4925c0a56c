#include "loadgen/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "loadgen/random.h"

namespace shoal::loadgen {
namespace {

using H = latency_histogram;

TEST(HistogramTest, ValuesBelowTwiceTheSubBucketCountAreExact) {
  for (uint64_t v = 0; v < 2 * H::k_sub_buckets; ++v) {
    EXPECT_EQ(H::bucket_of(v), v);
    EXPECT_EQ(H::bucket_lower_bound(v), v);
    EXPECT_EQ(H::bucket_upper_bound(v), v);
  }
}

TEST(HistogramTest, BucketsTileTheRangeWithBoundedRelativeWidth) {
  uint64_t expected_lower = 0;
  for (size_t b = 0; b < H::k_bucket_count; ++b) {
    const uint64_t lo = H::bucket_lower_bound(b);
    const uint64_t hi = H::bucket_upper_bound(b);
    ASSERT_EQ(lo, expected_lower) << "gap or overlap before bucket " << b;
    ASSERT_LE(lo, hi);
    ASSERT_EQ(H::bucket_of(lo), b);
    ASSERT_EQ(H::bucket_of(hi), b);
    // Reporting the upper bound overstates any value held by less than 1/M.
    if (lo > 0) {
      ASSERT_LT(static_cast<double>(hi - lo) / lo, 1.0 / H::k_sub_buckets);
    }
    expected_lower = hi + 1;
  }
  EXPECT_EQ(expected_lower, H::k_max_value + 1);
}

TEST(HistogramTest, EmptyHistogramReportsZeros) {
  H h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.percentile(99), 0u);
  EXPECT_EQ(h.mean(), 0.0);
}

TEST(HistogramTest, PercentilesStayWithinTheErrorBoundOfExactOnes) {
  // Log-uniform latencies from 1 us to 100 ms: every bucket width is exercised.
  random_generator rng(42);
  std::vector<uint64_t> samples;
  H h;
  for (int i = 0; i < 200'000; ++i) {
    const uint64_t v = static_cast<uint64_t>(std::exp(std::log(1e3) + rng.unit() * std::log(1e5)));
    samples.push_back(v);
    h.record(v);
  }
  std::sort(samples.begin(), samples.end());
  for (double p : {1.0, 10.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    const size_t rank =
        std::max<size_t>(1, static_cast<size_t>(std::ceil(p / 100 * samples.size())));
    const uint64_t exact = samples[rank - 1];
    const uint64_t reported = h.percentile(p);
    EXPECT_GE(reported, exact) << "p" << p << " under-reported";
    EXPECT_LE(static_cast<double>(reported - exact) / exact, 1.0 / H::k_sub_buckets) << "p" << p;
  }
  EXPECT_EQ(h.min(), samples.front());
  EXPECT_EQ(h.max(), samples.back());
  EXPECT_EQ(h.percentile(100), samples.back());
}

TEST(HistogramTest, MicrosecondLatenciesAreResolvedToTheMicrosecond) {
  H h;
  h.record(1'000);    // 1 us
  h.record(2'000);    // 2 us
  h.record(250'000);  // 250 us
  h.record(251'000);  // 251 us
  EXPECT_EQ(h.percentile(25) / 1000, 1u);
  EXPECT_EQ(h.percentile(50) / 1000, 2u);
  EXPECT_LT(h.percentile(75), h.percentile(100));
  EXPECT_EQ(h.percentile(100), 251'000u);
}

TEST(HistogramTest, MergeEqualsRecordingEverythingInOne) {
  random_generator rng(7);
  H a, b, both;
  for (int i = 0; i < 50'000; ++i) {
    const uint64_t v = rng.below(5'000'000);
    ((i % 3 == 0) ? a : b).record(v);
    both.record(v);
  }
  H merged;
  merged.merge(a);
  merged.merge(b);
  EXPECT_EQ(merged.count(), both.count());
  EXPECT_EQ(merged.min(), both.min());
  EXPECT_EQ(merged.max(), both.max());
  EXPECT_DOUBLE_EQ(merged.mean(), both.mean());
  for (double p : {0.0, 50.0, 90.0, 99.0, 99.9, 100.0}) {
    EXPECT_EQ(merged.percentile(p), both.percentile(p)) << "p" << p;
  }
}

TEST(HistogramTest, MergingAnEmptyHistogramChangesNothing) {
  H a, empty;
  a.record(500);
  a.record(700);
  a.merge(empty);
  EXPECT_EQ(a.count(), 2u);
  EXPECT_EQ(a.min(), 500u);
  EXPECT_EQ(a.max(), 700u);
}

TEST(HistogramTest, ValuesBeyondTheRangeLandInTheTopBucket) {
  H h;
  h.record(UINT64_MAX);
  EXPECT_EQ(h.count(), 1u);
  EXPECT_EQ(h.max(), H::k_max_value);
  EXPECT_EQ(h.percentile(50), H::k_max_value);
}

TEST(HistogramTest, ResetForgetsEverySample) {
  H h;
  h.record_n(1234, 10);
  h.reset();
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.percentile(50), 0u);
  h.record(99);
  EXPECT_EQ(h.min(), 99u);
}

}  // namespace
}  // namespace shoal::loadgen
