// zipf_distribution draws ranks k in [1, n] with probability proportional to
// 1 / k^skew, in O(1) time and memory per draw for any n (no table): it uses
// rejection-inversion (W. Hörmann and G. Derflinger, "Rejection-inversion to
// generate variates from monotone discrete distributions", ACM TOMACS 1996).
// skew 0 is uniform; memcached workloads are usually described with skews
// around 0.9-1.2 (YCSB's default is 0.99).
// Threading: const after construction; the generator carries the state.
#pragma once

#include <cstdint>

#include "loadgen/random.h"

namespace shoal::loadgen {

class zipf_distribution {
 public:
  // Requires n >= 1 and 0 <= skew <= 20.
  zipf_distribution(uint64_t n, double skew);

  // A rank in [1, n]; rank 1 is the most likely.
  uint64_t sample(random_generator& rng) const noexcept;

  uint64_t n() const noexcept { return n_; }
  double skew() const noexcept { return skew_; }

 private:
  double h(double x) const noexcept;           // x^-skew, the unnormalised mass
  double h_integral(double x) const noexcept;  // H(x) = integral of h from 1 to x
  double h_integral_inverse(double y) const noexcept;

  uint64_t n_;
  double skew_;
  double lo_;  // H(3/2) - h(1): rank 1 gets exactly its own mass
  double hi_;  // H(n + 1/2)
};

}  // namespace shoal::loadgen
