#include "loadgen/zipf.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace shoal::loadgen {
namespace {

// Expected probability of each rank 1..n for the given skew.
std::vector<double> zipf_pmf(uint64_t n, double skew) {
  std::vector<double> p(n + 1, 0.0);
  double total = 0;
  for (uint64_t k = 1; k <= n; ++k) total += p[k] = std::pow(static_cast<double>(k), -skew);
  for (double& x : p) x /= total;
  return p;
}

class ZipfSkewTest : public ::testing::TestWithParam<double> {};

TEST_P(ZipfSkewTest, RankFrequenciesMatchThePowerLaw) {
  const double skew = GetParam();
  const uint64_t n = 1000;
  const int draws = 1'000'000;
  zipf_distribution zipf(n, skew);
  random_generator rng(12345);
  std::vector<uint64_t> count(n + 1, 0);
  for (int i = 0; i < draws; ++i) {
    const uint64_t k = zipf.sample(rng);
    ASSERT_GE(k, 1u);
    ASSERT_LE(k, n);
    ++count[k];
  }
  const std::vector<double> p = zipf_pmf(n, skew);
  // Individual hot ranks within 5 standard deviations.
  for (uint64_t k : {1, 2, 3, 10, 100}) {
    const double expected = p[k] * draws;
    const double sigma = std::sqrt(expected * (1 - p[k]));
    EXPECT_NEAR(static_cast<double>(count[k]), expected, 5 * sigma + 1) << "rank " << k;
  }
  // Chi-square over 20 groups of 50 ranks (19 degrees of freedom: the 0.9999
  // quantile is about 50).
  double chi2 = 0;
  for (uint64_t g = 0; g < 20; ++g) {
    double observed = 0, expected = 0;
    for (uint64_t k = g * 50 + 1; k <= (g + 1) * 50; ++k) {
      observed += static_cast<double>(count[k]);
      expected += p[k] * draws;
    }
    chi2 += (observed - expected) * (observed - expected) / expected;
  }
  EXPECT_LT(chi2, 50.0);
}

INSTANTIATE_TEST_SUITE_P(Skews, ZipfSkewTest, ::testing::Values(0.0, 0.5, 0.99, 1.0, 1.2, 2.0));

TEST(ZipfTest, LogLogSlopeOfTheHotRanksIsMinusTheSkew) {
  const double skew = 0.99;
  zipf_distribution zipf(1'000'000, skew);
  random_generator rng(99);
  std::vector<uint64_t> count(33, 0);
  for (int i = 0; i < 2'000'000; ++i) {
    const uint64_t k = zipf.sample(rng);
    if (k <= 32) ++count[k];
  }
  // Least-squares slope of log(count) against log(rank) over ranks 1..32.
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const int m = 32;
  for (int k = 1; k <= m; ++k) {
    const double x = std::log(k), y = std::log(static_cast<double>(count[k]));
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const double slope = (m * sxy - sx * sy) / (m * sxx - sx * sx);
  EXPECT_NEAR(slope, -skew, 0.03);
}

TEST(ZipfTest, HugeKeySpacesNeedNoTable) {
  zipf_distribution zipf(uint64_t{1} << 40, 1.1);
  random_generator rng(5);
  uint64_t ones = 0;
  for (int i = 0; i < 100'000; ++i) {
    const uint64_t k = zipf.sample(rng);
    ASSERT_LE(k, uint64_t{1} << 40);
    ones += k == 1;
  }
  // P(1) = 1/zeta(1.1) ~ 0.095 for an effectively infinite n.
  EXPECT_NEAR(ones / 100'000.0, 0.0951, 0.005);
}

TEST(ZipfTest, ASingleKeyIsAlwaysRankOne) {
  zipf_distribution zipf(1, 0.99);
  random_generator rng(1);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(zipf.sample(rng), 1u);
}

}  // namespace
}  // namespace shoal::loadgen
