#!/bin/bash
# The first measurement of issue 5: the reply-only ceiling server against
# memcached 1.6 (Debian), one server core and one load-generator core,
# pinned, alternating A B A B A B, at pipeline depth 1 and 16. Prints each
# run and the medians; the JSON of every run is kept in OUT_DIR.
#
#   tools/loadgen/ceiling_vs_memcached.sh [BUILD_DIR] [RUNS] [SECONDS] [OUT_DIR]
#
# Workload: 50 connections, get:set 9:1, 100-byte values, 16-byte keys over
# 100k keys (uniform); memcached is prepopulated so its gets hit, the
# reply-only server answers every get with a miss. Server on CPU 0,
# shoal-bench on CPU 1. Extra shoal-bench flags can be given in BENCH_ARGS,
# extra reply-only flags in REPLY_ONLY_ARGS (e.g. --reactor-backend epoll).
set -euo pipefail

BUILD=${1:-build-lg-rel}
RUNS=${2:-3}
SECONDS_PER_RUN=${3:-10}
OUT=${4:-$(mktemp -d /tmp/shoal-ceiling.XXXXXX)}
BENCH=$BUILD/tools/loadgen/shoal-bench
REPLY_ONLY=$BUILD/tools/reply_only/shoal-reply-only
MEMCACHED=${MEMCACHED:-/usr/bin/memcached}
mkdir -p "$OUT"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 100); do
    python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "nothing listens on $1" >&2; return 1
}

RO_PORT=$(free_port)
MC_PORT=$(free_port)
USER_ARGS=()
[ "$(id -u)" = 0 ] && USER_ARGS=(-u root)
taskset -c 0 "$REPLY_ONLY" -p "$RO_PORT" -t 1 ${REPLY_ONLY_ARGS:-} > "$OUT/reply-only.log" 2>&1 &
RO_PID=$!
taskset -c 0 "$MEMCACHED" -t 1 -U 0 -l 127.0.0.1 -p "$MC_PORT" -m 1024 "${USER_ARGS[@]}" > "$OUT/memcached.log" 2>&1 &
MC_PID=$!
trap 'kill $RO_PID $MC_PID 2>/dev/null || true' EXIT
wait_port "$RO_PORT"
wait_port "$MC_PORT"

common=(-c 50 --ratio 9:1 --value-size 100 --key-space 100k --json --quiet ${BENCH_ARGS:-})
taskset -c 1 "$BENCH" -s "127.0.0.1:$MC_PORT" "${common[@]}" --prepopulate -n 1 > "$OUT/prepopulate.json"

for depth in 1 16; do
  for run in $(seq "$RUNS"); do
    for server in reply-only memcached; do
      port=$RO_PORT
      [ "$server" = memcached ] && port=$MC_PORT
      taskset -c 1 "$BENCH" -s "127.0.0.1:$port" "${common[@]}" -d "$depth" \
        --duration "$SECONDS_PER_RUN" > "$OUT/$server-d$depth-$run.json"
    done
  done
done

python3 - "$OUT" "$RUNS" <<'PY'
import json, statistics, sys
out, runs = sys.argv[1], int(sys.argv[2])
def load(server, depth, run):
    return json.load(open(f"{out}/{server}-d{depth}-{run}.json"))
print(f"results in {out}")
print(f"{'server':11} {'depth':>5} {'run':>3} {'req/s':>10} {'p50us':>7} {'p99us':>8} {'p999us':>8} {'hit':>5} {'err':>4} {'cli_cpu':>7}")
for depth in (1, 16):
    ratios = []
    med = {}
    for server in ("reply-only", "memcached"):
        rates = []
        for run in range(1, runs + 1):
            r = load(server, depth, run)
            lat = r["latency_us"]
            rates.append(r["throughput"]["requests_per_s"])
            print(f"{server:11} {depth:5} {run:3} {r['throughput']['requests_per_s']:10.0f} "
                  f"{lat['p50']:7.1f} {lat['p99']:8.1f} {lat['p999']:8.1f} "
                  f"{(r['hit_ratio'] if r['hit_ratio'] is not None else 0):5.2f} "
                  f"{r['errors']['total']:4d} {r['client_cpu']['per_thread']:7.2f}")
        med[server] = statistics.median(rates)
    for run in range(1, runs + 1):
        ratios.append(load("memcached", depth, run)["throughput"]["requests_per_s"] /
                      load("reply-only", depth, run)["throughput"]["requests_per_s"])
    print(f"depth {depth}: median req/s reply-only {med['reply-only']:.0f}, memcached "
          f"{med['memcached']:.0f}; memcached/ceiling per pair "
          f"{', '.join(f'{x:.2f}' for x in ratios)} (median {statistics.median(ratios):.2f})")
PY
