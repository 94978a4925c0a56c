#!/usr/bin/env bash
# Alternates several echo-server configurations round by round under the
# same client load and prints rps and server CPU per request for each:
#   bench/net/echo_ablation.sh BUILD_DIR DEPTH ROUNDS SECONDS "args A" "args B" ...
# e.g. "--backend io_uring" "--backend io_uring --no-defer-taskrun".
# Env: CONNECTIONS=50, CLIENT_BACKEND=io_uring, SERVER_SHARDS=1.
set -uo pipefail
build=$1; depth=$2; rounds=$3; seconds=$4; shift 4
log=$(mktemp); pid=""
trap '[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; rm -f "$log"' EXIT
echo "# $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg) depth=$depth connections=${CONNECTIONS:-50} client=${CLIENT_BACKEND:-io_uring}"
for round in $(seq "$rounds"); do
  for cfg in "$@"; do
    # shellcheck disable=SC2086
    "$build/tools/echo/shoal_echo" -p 0 -t "${SERVER_SHARDS:-1}" $cfg >"$log" 2>&1 &
    pid=$!
    port=""
    for _ in $(seq 100); do
      port=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$log" | cut -d: -f2)
      [ -n "$port" ] && break
      sleep 0.1
    done
    before=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
    out=$("$build/tools/echo/shoal_echo_load" -a "127.0.0.1:$port" -c "${CONNECTIONS:-50}" \
            -d "$depth" --duration "$seconds" --backend "${CLIENT_BACKEND:-io_uring}")
    after=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
    kill -TERM "$pid"; wait "$pid" 2>/dev/null; pid=""
    n=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$out")
    rps=$(sed -n 's/.*rps=\([0-9]*\).*/\1/p' <<<"$out")
    echo "round=$round rps=$rps cpu_us/req=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" \
          -v n="$n" 'BEGIN { printf "%.2f", t * 1e6 / hz / n }') [$cfg]"
  done
done
