#!/usr/bin/env bash
# Compares the reactor backends on the echo workload, server and client in
# separate processes (tools/echo), alternating backends round by round:
#   rps          requests/s seen by the client (noisy on a shared machine)
#   cpu_us/req   server CPU time (user+sys from /proc/PID/stat) per request
#   syscalls/req server system calls per request under a fixed load (strace -c -f)
#   instr/req    server user-space instructions per request (callgrind, CALLGRIND=1)
#
# Usage: bench/net/echo_compare.sh BUILD_DIR [rounds] [seconds] [connections]
# Env: DEPTHS="1 16", SERVER_SHARDS=1, CLIENT_SHARDS=1, FIXED_REQUESTS=100000,
#      SERVER_ARGS="" (extra server flags), CLIENT_BACKEND=epoll, CALLGRIND=0.
# The client uses CLIENT_BACKEND (default epoll) whatever the server runs.
set -uo pipefail
build=${1:?build dir}
rounds=${2:-3}
seconds=${3:-3}
conns=${4:-50}
server=$build/tools/echo/shoal_echo
load=$build/tools/echo/shoal_echo_load
depths=${DEPTHS:-1 16}
server_shards=${SERVER_SHARDS:-1}
client_shards=${CLIENT_SHARDS:-1}
fixed=${FIXED_REQUESTS:-100000}
log=$(mktemp)
pid=""
trap 'stop_server; rm -f "$log" "$log".*' EXIT

start_server() {  # backend [wrapper...]: sets pid and port
  local backend=$1; shift
  "$@" "$server" -p 0 -t "$server_shards" --backend "$backend" ${SERVER_ARGS:-} >"$log" 2>&1 &
  pid=$!
  port=""
  for _ in $(seq 100); do
    port=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$log" | cut -d: -f2)
    [ -n "$port" ] && return 0
    sleep 0.1
  done
  echo "server did not start:" >&2; cat "$log" >&2; exit 1
}
stop_server() {
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=""
}
run_load() {  # depth args...
  local depth=$1; shift
  "$load" -a "127.0.0.1:$port" -c "$conns" -d "$depth" -t "$client_shards" --backend "${CLIENT_BACKEND:-epoll}" "$@"
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

echo "# $(date -u +%FT%TZ) $(uname -r) $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# server shards=$server_shards client shards=$client_shards client backend=${CLIENT_BACKEND:-epoll} connections=$conns server args=${SERVER_ARGS:-}"
for depth in $depths; do
  for round in $(seq "$rounds"); do
    for backend in epoll io_uring; do
      start_server "$backend"
      before=$(cpu_ticks "$pid")
      out=$(run_load "$depth" --duration "$seconds")
      after=$(cpu_ticks "$pid")
      stop_server
      requests=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$out")
      rps=$(sed -n 's/.*rps=\([0-9]*\).*/\1/p' <<<"$out")
      cpu=$(awk -v t=$((after - before)) -v hz="$hz" -v n="${requests:-0}" \
              'BEGIN { if (n > 0) printf "%.2f", t * 1e6 / hz / n; else print "-" }')
      echo "depth=$depth round=$round backend=$backend rps=${rps:-0} cpu_us/req=$cpu"
    done
  done
  if command -v strace >/dev/null; then
    for backend in epoll io_uring; do
      start_server "$backend"
      strace -c -f -o "$log.strace" -p "$pid" 2>/dev/null &
      spid=$!
      sleep 0.5
      run_load "$depth" -n "$fixed" >/dev/null
      kill -INT "$spid"; wait "$spid" 2>/dev/null
      stop_server
      calls=$(awk '$NF == "total" { print $4 }' "$log.strace")
      detail=$(awk '$1 ~ /^[0-9.]+$/ && $NF != "total" { printf "%s=%s ", $NF, $4 }' "$log.strace")
      echo "depth=$depth backend=$backend syscalls/req=$(awk -v c="$calls" -v n="$fixed" \
             'BEGIN { printf "%.3f", c / n }') ($detail)"
    done
  fi
  if [ "${CALLGRIND:-0}" = 1 ] && command -v valgrind >/dev/null; then
    for backend in epoll io_uring; do
      start_server "$backend" valgrind --tool=callgrind --callgrind-out-file="$log.cg"
      run_load "$depth" -n 1000 >/dev/null     # warm up
      callgrind_control -z "$pid" >/dev/null
      run_load "$depth" -n "$fixed" >/dev/null
      callgrind_control -d "$pid" >/dev/null
      stop_server
      instr=$(grep -h '^summary:' "$log".cg* | tail -1 | awk '{ print $2 }')
      echo "depth=$depth backend=$backend instr/req=$(awk -v i="$instr" -v n="$fixed" \
             'BEGIN { printf "%.0f", i / n }') (callgrind, user space)"
      rm -f "$log".cg*
    done
  fi
done
