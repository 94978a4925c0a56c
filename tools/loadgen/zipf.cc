// Rejection-inversion, as used here. With h(x) = x^-s and H its integral,
// convexity of h gives, for every rank k, H(k + 1/2) - H(k - 1/2) >= h(k):
// the strip of the curve around k holds at least k's mass. So draw u uniform
// over [H(3/2) - h(1), H(n + 1/2)], map it back with x = H^-1(u), round to
// k, and accept when u lies in the top h(k) of k's strip, i.e.
// u >= H(k + 1/2) - h(k). Accepted ranks then have probability exactly
// proportional to h(k). Rank 1's strip is cut to exactly h(1), so it is
// always accepted (for large skews most of the mass is there). The expected
// number of rounds is close to 1 for the skews benchmarks use.
//
// H(x) = (x^(1-s) - 1) / (1 - s), or log x when s = 1. Both are written as
// log(x) * expm1(t)/t with t = (1 - s) log x, which stays accurate when s is
// near 1; the inverse likewise uses log1p(t)/t.
#include "loadgen/zipf.h"

#include <algorithm>
#include <cmath>

#include "base/assert.h"

namespace shoal::loadgen {
namespace {

// expm1(t) / t, continuous at 0.
double expm1_over(double t) noexcept {
  return std::fabs(t) > 1e-8 ? std::expm1(t) / t : 1.0 + t * 0.5;
}

// log1p(t) / t, continuous at 0.
double log1p_over(double t) noexcept {
  return std::fabs(t) > 1e-8 ? std::log1p(t) / t : 1.0 - t * 0.5;
}

}  // namespace

zipf_distribution::zipf_distribution(uint64_t n, double skew) : n_(n), skew_(skew) {
  SHOAL_ASSERT(n >= 1);
  SHOAL_ASSERT(skew >= 0.0 && skew <= 20.0);
  lo_ = h_integral(1.5) - 1.0;
  hi_ = h_integral(static_cast<double>(n) + 0.5);
}

double zipf_distribution::h(double x) const noexcept { return std::exp(-skew_ * std::log(x)); }

double zipf_distribution::h_integral(double x) const noexcept {
  const double log_x = std::log(x);
  return log_x * expm1_over((1.0 - skew_) * log_x);
}

double zipf_distribution::h_integral_inverse(double y) const noexcept {
  double t = y * (1.0 - skew_);
  if (t < -1.0) t = -1.0;  // only by rounding, at the very top of the range
  return std::exp(y * log1p_over(t));
}

uint64_t zipf_distribution::sample(random_generator& rng) const noexcept {
  for (;;) {
    const double u = hi_ + rng.unit() * (lo_ - hi_);  // in (lo, hi]
    const double x = h_integral_inverse(u);
    uint64_t k = static_cast<uint64_t>(x + 0.5);
    k = std::clamp<uint64_t>(k, 1, n_);
    if (k == 1 || u >= h_integral(static_cast<double>(k) + 0.5) - h(static_cast<double>(k))) {
      return k;
    }
  }
}

}  // namespace shoal::loadgen
