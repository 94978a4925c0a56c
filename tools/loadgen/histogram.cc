// Bucket layout (k = k_sub_bucket_bits, M = 2^k): a value v with its highest
// set bit at position e > k falls in bucket (e - k) * M + (v >> (e - k)); a
// value below 2M is its own bucket. So buckets [0, 2M) are exact, and each
// further power-of-two range [2^e, 2^(e+1)) is cut into M buckets of width
// 2^(e-k): the width over the lowest value in the range is 1/M. This is the
// same idea as HdrHistogram's sub-buckets, with no configuration: latencies
// are always nanoseconds, 40 bits of range, 10 bits of precision.
#include "loadgen/histogram.h"

#include <algorithm>
#include <cmath>

namespace shoal::loadgen {

latency_histogram::latency_histogram() : counts_(k_bucket_count, 0) {}

void latency_histogram::merge(const latency_histogram& other) noexcept {
  for (size_t i = 0; i < k_bucket_count; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void latency_histogram::reset() noexcept {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  sum_ = 0;
  min_ = UINT64_MAX;
  max_ = 0;
}

uint64_t latency_histogram::bucket_lower_bound(size_t bucket) noexcept {
  if (bucket < 2 * k_sub_buckets) return bucket;
  const uint64_t shift = bucket / k_sub_buckets - 1;
  const uint64_t mantissa = bucket - shift * k_sub_buckets;  // in [M, 2M)
  return mantissa << shift;
}

uint64_t latency_histogram::bucket_upper_bound(size_t bucket) noexcept {
  if (bucket < 2 * k_sub_buckets) return bucket;
  const uint64_t shift = bucket / k_sub_buckets - 1;
  return bucket_lower_bound(bucket) + (uint64_t{1} << shift) - 1;
}

uint64_t latency_histogram::percentile(double p) const noexcept {
  if (count_ == 0) return 0;
  p = std::clamp(p, 0.0, 100.0);
  // The rank of the sample we want, 1-based: at least p% of samples are at
  // or below it.
  uint64_t rank = static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (size_t i = 0; i < k_bucket_count; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::clamp(bucket_upper_bound(i), min(), max_);
  }
  return max_;
}

}  // namespace shoal::loadgen
