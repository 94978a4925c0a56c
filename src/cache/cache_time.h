// Time as the cache sees it, and memcached's exptime rules.
//
// The cache never reads a clock: every call passes `now`, a cache_time, the
// number of whole seconds since an epoch the server chooses once (normally the
// process start) and passes in cache_config::clock_epoch_unix. Seconds are
// memcached's granularity too. `now` should not go backwards; if it does,
// items simply live a little longer.
#pragma once

#include <cstdint>
#include <limits>

namespace shoal {

// Seconds since cache_config::clock_epoch_unix.
using cache_time = uint32_t;

// The expiry of an item that never expires. An item with expiry `e` is expired
// when e <= now, so 0 means "already expired".
inline constexpr cache_time k_never = std::numeric_limits<cache_time>::max();

// memcached's REALTIME_MAXDELTA: exptimes up to 30 days are relative.
inline constexpr int64_t k_max_relative_exptime = 60 * 60 * 24 * 30;

// Converts a raw memcached exptime (as parsed, signed) into an absolute
// cache_time: 0 never expires; negative is already expired; up to 30 days is
// relative to `now`; larger is an absolute Unix time, already expired if it is
// not after the epoch. Results are capped below k_never.
inline constexpr cache_time expiry_from_exptime(int64_t exptime, cache_time now,
                                                int64_t clock_epoch_unix) {
  constexpr int64_t latest = static_cast<int64_t>(k_never) - 1;
  if (exptime == 0) return k_never;
  if (exptime < 0) return 0;
  int64_t at;
  if (exptime <= k_max_relative_exptime) {
    at = static_cast<int64_t>(now) + exptime;
  } else {
    at = exptime - clock_epoch_unix;
    if (at <= 0) return 0;
  }
  return static_cast<cache_time>(at > latest ? latest : at);
}

}  // namespace shoal
