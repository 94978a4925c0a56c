#!/usr/bin/env bash
# Runs every Google Benchmark binary of a Release build (bench/<layer>/), one
# layer at a time, and says what was measured: build type, commit, machine.
# The figures each one produced are recorded in docs/benchmarks.md.
#   scripts/run_benchmarks.sh [BUILD_DIR] [extra google-benchmark flags]
set -euo pipefail
build=${1:-build-release}
shift || true
echo "commit $(git rev-parse --short HEAD), $(grep -m1 CMAKE_BUILD_TYPE: "$build/CMakeCache.txt"), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
grep -q 'SHOAL_SANITIZE:STRING=$' "$build/CMakeCache.txt" || echo "WARNING: sanitizers are on in $build; figures are not representative"
for bin in "$build"/bench/*/shoal_*_bench; do
  [ -x "$bin" ] || continue
  echo
  echo "== $(basename "$bin")"
  "$bin" --benchmark_min_time=0.2 "$@"
done
