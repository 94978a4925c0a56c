// run_stats is what one shard counts during a run; the shards' stats are
// merged on shard 0 at the end (and the counters, without the histogram,
// every second for the progress line). One histogram record per completed
// request, nothing else per request beyond a few increments.
// Threading: one instance per shard; merge() on the collecting shard.
#pragma once

#include <cstdint>

#include "loadgen/histogram.h"

namespace shoal::loadgen {

struct run_counters {
  uint64_t requests = 0;  // completed requests (gets + sets)
  uint64_t gets = 0;
  uint64_t sets = 0;
  uint64_t keys_requested = 0;     // keys asked for by completed gets
  uint64_t hits = 0;               // VALUE blocks received
  uint64_t error_replies = 0;      // ERROR / CLIENT_ERROR / SERVER_ERROR / NOT_STORED ...
  uint64_t bad_replies = 0;        // unparseable replies (the connection is then closed)
  uint64_t connection_errors = 0;  // connect, send or recv failures, and early EOF
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  // Open loop: requests due before the deadline that were never sent because
  // the client fell behind (window full or stalled). Not errors, but a sign
  // that the offered rate was not offered.
  uint64_t unsent = 0;

  uint64_t errors() const noexcept { return error_replies + bad_replies + connection_errors; }

  void merge(const run_counters& o) noexcept {
    requests += o.requests;
    gets += o.gets;
    sets += o.sets;
    keys_requested += o.keys_requested;
    hits += o.hits;
    error_replies += o.error_replies;
    bad_replies += o.bad_replies;
    connection_errors += o.connection_errors;
    bytes_sent += o.bytes_sent;
    bytes_received += o.bytes_received;
    unsent += o.unsent;
  }
};

struct run_stats {
  run_counters counters;
  latency_histogram latency;  // nanoseconds, per request

  void merge(const run_stats& o) noexcept {
    counters.merge(o.counters);
    latency.merge(o.latency);
  }
};

}  // namespace shoal::loadgen
