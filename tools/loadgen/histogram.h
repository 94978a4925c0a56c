// latency_histogram counts latencies (in nanoseconds) in log-linear buckets,
// the HdrHistogram idea written for Shoal: every power-of-two range is split
// into 2^k_sub_bucket_bits equal sub-buckets, so memory is fixed (about 250
// KB, allocated once) whatever the number of samples, and a bucket is never
// wider than 1/1024 of the values it holds (HdrHistogram's "3 significant
// digits"): 0.5 us of resolution at 500 us. Recording is a few instructions and no
// allocation; histograms of different threads merge by adding counts.
//
//   latency_histogram h;
//   h.record(elapsed_ns);            // once per request
//   total.merge(h);                  // across shards, after the run
//   uint64_t p99 = total.percentile(99.0);
//
// Accuracy contract: percentile() returns the upper bound of the bucket that
// holds the requested rank (clipped to the exact maximum), so it never
// under-reports and over-reports by less than 1/1024 (0.1%) of the value;
// values below 2048 ns are exact. min() and max() are exact. Values above
// k_max_value (about 18 minutes) are counted in the top bucket.
//
// Threading: not synchronised; one histogram per shard, merged on one shard.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace shoal::loadgen {

class latency_histogram {
 public:
  static constexpr unsigned k_sub_bucket_bits = 10;
  static constexpr uint64_t k_sub_buckets = uint64_t{1} << k_sub_bucket_bits;
  static constexpr unsigned k_max_value_bits = 40;
  static constexpr uint64_t k_max_value = (uint64_t{1} << k_max_value_bits) - 1;
  static constexpr size_t k_bucket_count =
      (k_max_value_bits - k_sub_bucket_bits) * k_sub_buckets + k_sub_buckets;

  latency_histogram();

  // Counts one sample of `value` (nanoseconds).
  void record(uint64_t value) noexcept { record_n(value, 1); }
  void record_n(uint64_t value, uint64_t count) noexcept {
    if (value > k_max_value) value = k_max_value;
    counts_[bucket_of(value)] += count;
    count_ += count;
    sum_ += value * count;
    if (value < min_) min_ = value;
    if (value > max_) max_ = value;
  }

  // Adds every sample of `other` to this histogram.
  void merge(const latency_histogram& other) noexcept;
  void reset() noexcept;

  uint64_t count() const noexcept { return count_; }
  // Exact extremes; 0 when empty.
  uint64_t min() const noexcept { return count_ ? min_ : 0; }
  uint64_t max() const noexcept { return max_; }
  double mean() const noexcept { return count_ ? static_cast<double>(sum_) / count_ : 0.0; }

  // The smallest bucket bound v such that at least `p` percent of the samples
  // are <= v (see the accuracy contract above). `p` in [0, 100]; 0 when empty.
  uint64_t percentile(double p) const noexcept;

  // Bucket arithmetic, public for tests.
  static size_t bucket_of(uint64_t value) noexcept {
    // shift = how many low bits this value's bucket ignores (0 below 2^(k+1)).
    const unsigned top_bit = 63 - static_cast<unsigned>(__builtin_clzll(value | 1));
    const unsigned shift = top_bit > k_sub_bucket_bits ? top_bit - k_sub_bucket_bits : 0;
    return static_cast<size_t>(shift) * k_sub_buckets + static_cast<size_t>(value >> shift);
  }
  static uint64_t bucket_lower_bound(size_t bucket) noexcept;
  static uint64_t bucket_upper_bound(size_t bucket) noexcept;  // inclusive

 private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
};

}  // namespace shoal::loadgen
