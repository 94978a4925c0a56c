#!/usr/bin/env bash
# Installs the Debian 12 packages Shoal needs to build and test, when missing.
# Idempotent and quiet when everything is present; uses sudo when not root.
# Usage: scripts/deps.sh [extra-package...]
set -euo pipefail

packages=(
  g++ cmake make pkg-config git            # toolchain
  googletest libgtest-dev libgmock-dev      # unit tests
  libbenchmark-dev                          # micro-benchmarks
  liburing-dev libfmt-dev libcli11-dev      # runtime and server libraries
  clang libclang-rt-14-dev                  # libFuzzer targets
  python3 python3-pymemcache                # integration tests and a real client
  memcached libmemcached-tools              # differential tests, memccapable
  procps iproute2                           # ps/ss used by the tests
  "$@"
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi

had_memcached=0
dpkg-query -W -f='${Status}' memcached 2>/dev/null | grep -q '^install ok installed$' && had_memcached=1

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

# Debian starts a memcached service on 127.0.0.1:11211 when the package is
# installed. The tests only need the binary (they start it on free ports), and
# `make run` wants port 11211 for shoal, so stop the service we just started.
if [ "$had_memcached" -eq 0 ] && command -v systemctl >/dev/null 2>&1 &&
   systemctl is-active --quiet memcached 2>/dev/null; then
  echo "deps: stopping and disabling Debian's memcached service (shoal uses port 11211)"
  $sudo systemctl disable --now memcached >/dev/null 2>&1 || true
fi
