#!/usr/bin/env python3
"""memcached's resident bytes per item, for comparison with shoal_cache_memory_bench.

Starts Debian's memcached 1.6 (-m 4096 -t 1) on a free 127.0.0.1 port, stores
1,000,000 items of 32-byte keys ("key:" + 28 digits, as the Shoal benchmark)
and 100- or 1,000-byte values with pipelined `set ... noreply`, and prints the
growth of its VmRSS per item beyond key and value. Stops the server it started.

Usage: bench/cache/memcached_bytes_per_item.py [value_length ...]
"""
import socket
import subprocess
import sys
import time

ITEMS = 1_000_000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def resident_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) * 1024
    return 0


def measure(value_length):
    port = free_port()
    server = subprocess.Popen(["memcached", "-p", str(port), "-l", "127.0.0.1", "-U", "0",
                               "-m", "4096", "-t", "1", "-u", "root"])
    try:
        for _ in range(50):
            try:
                conn = socket.create_connection(("127.0.0.1", port))
                break
            except OSError:
                time.sleep(0.1)
        conn.sendall(b"version\r\n")
        conn.recv(100)
        before = resident_bytes(server.pid)
        value = b"v" * value_length
        batch = []
        for i in range(ITEMS):
            batch.append(b"set key:%028d 0 0 %d noreply\r\n%s\r\n" % (i, value_length, value))
            if len(batch) == 2000:
                conn.sendall(b"".join(batch))
                batch = []
        conn.sendall(b"".join(batch) + b"stats\r\n")
        reply = b""
        while not reply.endswith(b"END\r\n"):
            reply += conn.recv(65536)
        stats = dict(line.split()[1:3] for line in reply.decode().splitlines()
                     if line.startswith("STAT"))
        after = resident_bytes(server.pid)
        overhead = (after - before) / ITEMS - 32 - value_length
        print(f"memcached {stats['version']}, {value_length}-byte values: "
              f"curr_items {stats['curr_items']}, resident overhead {overhead:.1f} B/item")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    for length in (sys.argv[1:] or ["100", "1000"]):
        measure(int(length))
