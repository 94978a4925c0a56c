// open_loop_schedule gives each request of one connection its intended send
// time in an open-loop run: `rate` requests/s over `connections`
// connections, each connection sending every connections/rate seconds, the
// connections phase-shifted by 1/rate so that together they send one request
// every 1/rate seconds, evenly.
//
// Latency in an open loop is measured from this intended time, not from when
// the request actually left: if the server (or the client) stalls, the
// requests that should have been sent meanwhile are charged the stall, which
// is what their users would have seen. Measuring from the actual send time
// instead hides the stall ("coordinated omission").
//
// Times are nanoseconds from the run's start; the caller adds its epoch.
// Threading: one per connection.
#pragma once

#include <cmath>
#include <cstdint>

#include "base/assert.h"

namespace shoal::loadgen {

class open_loop_schedule {
 public:
  // Connection `index` of `connections`, all together sending `rate` requests/s.
  open_loop_schedule(double rate, unsigned connections, unsigned index) noexcept
      : interval_ns_(1e9 * connections / rate), phase_ns_(1e9 * index / rate) {
    SHOAL_ASSERT(rate > 0.0 && index < connections);
  }

  // Intended time of this connection's request number `n` (0-based).
  uint64_t intended(uint64_t n) const noexcept {
    return static_cast<uint64_t>(std::llround(phase_ns_ + static_cast<double>(n) * interval_ns_));
  }

  // Intended time of the next request not yet taken; take() moves past it.
  uint64_t next() const noexcept { return intended(sent_); }
  uint64_t take() noexcept { return intended(sent_++); }
  uint64_t taken() const noexcept { return sent_; }

  // How many of this connection's requests are due before time `t`.
  uint64_t count_before(uint64_t t) const noexcept {
    const double since_first = static_cast<double>(t) - phase_ns_;
    if (since_first <= 0) return 0;
    uint64_t n = static_cast<uint64_t>(std::ceil(since_first / interval_ns_));
    while (n > 0 && intended(n - 1) >= t) --n;  // rounding at the boundary
    while (intended(n) < t) ++n;
    return n;
  }

  double interval_ns() const noexcept { return interval_ns_; }

 private:
  double interval_ns_;
  double phase_ns_;
  uint64_t sent_ = 0;
};

}  // namespace shoal::loadgen
