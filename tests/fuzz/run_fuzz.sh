#!/usr/bin/env bash
# Builds one libFuzzer target with clang and fuzzes it for a bounded time,
# starting from its checked-in seed corpus (tests/fuzz/corpus/<name>/) and
# dictionary (tests/fuzz/<name>.dict, if any). CTest runs it with label
# `fuzz`. Fails, never skips, when clang or libFuzzer is missing:
# scripts/deps.sh installs them (packages clang, libclang-rt-14-dev).
#
# Usage: run_fuzz.sh <name> <seconds> <source-root> <build-dir> <source.cc>...
# The binary is rebuilt only when a file under src/ or tests/fuzz/ is newer.
# New corpus entries go to <build-dir>/<name>-corpus, crashes to
# <build-dir>/<name>-crash-*; reproduce one with: <build-dir>/<name> <file>.
set -euo pipefail

if [ $# -lt 5 ]; then
  echo "usage: $0 <name> <seconds> <source-root> <build-dir> <source.cc>..." >&2
  exit 2
fi
name=$1 seconds=$2 root=$3 build=$4
shift 4

clang=$(command -v clang++-14 || command -v clang++ || true)
if [ -z "$clang" ]; then
  echo "run_fuzz: clang++ not found; run scripts/deps.sh (packages clang, libclang-rt-14-dev)" >&2
  exit 1
fi

mkdir -p "$build"
bin=$build/$name
if [ ! -x "$bin" ] ||
   [ -n "$(find "$root/src" "$root/tests/fuzz" -newer "$bin" \( -name '*.h' -o -name '*.cc' \) -print -quit)" ]; then
  echo "run_fuzz: building $bin with $clang"
  "$clang" -std=c++20 -O1 -g -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -Wall -Wextra -I "$root/src" -o "$bin.tmp" "$@"
  mv "$bin.tmp" "$bin"
fi

corpus=$build/$name-corpus
seeds=$root/tests/fuzz/corpus/$name
mkdir -p "$corpus"
args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192
      -print_final_stats=1 -artifact_prefix="$build/$name-")
[ -f "$root/tests/fuzz/$name.dict" ] && args+=(-dict="$root/tests/fuzz/$name.dict")

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
echo "run_fuzz: fuzzing $name for ${seconds}s"
exec "$bin" "${args[@]}" "$corpus" "$seeds"
