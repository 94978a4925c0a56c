"""Integration test of shoal-bench against real servers: shoal-reply-only
(started on a free port) and Debian's memcached. Each run is ~1-2 s; the
checks are that requests flow, nothing errs, request counts are exact,
an open loop holds its rate, and a prepopulated key space is all hits.

Run by CTest (tools/loadgen/CMakeLists.txt) with SHOAL_BENCH and
SHOAL_REPLY_ONLY pointing at the binaries.
"""

import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import unittest

BENCH = os.environ.get("SHOAL_BENCH", "")
REPLY_ONLY = os.environ.get("SHOAL_REPLY_ONLY", "")
MEMCACHED = os.environ.get("MEMCACHED_BIN", "/usr/bin/memcached")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited with %s" % proc.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not listen on %d" % port)


class ServerProcess:
    """Starts a server; stops it (SIGTERM, then SIGKILL) even if a test fails."""

    def __init__(self, argv, port=None):
        self.argv = argv
        self.port = port
        self.proc = None

    def __enter__(self):
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=self.log)
        if self.port is None:
            # shoal-reply-only -p 0 prints the port it got.
            line = self.proc.stdout.readline().decode()
            match = re.search(r"listening on [^ ]*:(\d+)", line)
            if not match:
                self.__exit__(None, None, None)
                raise RuntimeError("no port in %r" % line)
            self.port = int(match.group(1))
        wait_listening(self.port, self.proc)
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.log.close()
        return False


def reply_only():
    return ServerProcess([REPLY_ONLY, "-p", "0", "-l", "127.0.0.1", "-t", "1"])


def memcached():
    port = free_port()
    argv = [MEMCACHED, "-t", "1", "-U", "0", "-l", "127.0.0.1", "-p", str(port), "-m", "64"]
    if os.geteuid() == 0:
        argv += ["-u", "root"]
    return ServerProcess(argv, port)


def bench(port, *args):
    """Runs shoal-bench --json against 127.0.0.1:port; returns the parsed report."""
    argv = [BENCH, "-s", "127.0.0.1:%d" % port, "--json", "--quiet"] + list(args)
    done = subprocess.run(argv, capture_output=True, timeout=60)
    if done.returncode != 0:
        raise AssertionError("shoal-bench failed (%d): %s" % (done.returncode, done.stderr.decode()))
    return json.loads(done.stdout)


class ReplyOnlyTest(unittest.TestCase):
    def test_closed_loop_runs_without_errors(self):
        with reply_only() as server:
            r = bench(server.port, "--duration", "2", "-c", "20", "-d", "4")
        self.assertGreater(r["requests"]["total"], 100)
        self.assertGreater(r["throughput"]["requests_per_s"], 0)
        self.assertEqual(r["errors"]["total"], 0, r["errors"])
        self.assertEqual(r["hit_ratio"], 0.0)  # every get misses by design
        self.assertGreaterEqual(r["elapsed_s"], 2.0)
        # Replies still due at the deadline are awaited for at most 5 s; a
        # loaded machine can take seconds to deliver them.
        self.assertLess(r["elapsed_s"], 8.0)
        self.assertEqual(r["latency_us"]["samples"], r["requests"]["total"])
        lat = r["latency_us"]
        self.assertTrue(0 < lat["min"] <= lat["p50"] <= lat["p90"] <= lat["p99"] <= lat["p999"] <= lat["max"])
        self.assertGreater(r["client_cpu"]["user_s"] + r["client_cpu"]["sys_s"], 0)

    def test_request_count_is_exact_over_threads_and_connections(self):
        with reply_only() as server:
            r = bench(server.port, "-n", "12345", "-t", "2", "-c", "7", "-d", "3",
                      "--ratio", "1:1", "--multiget", "3")
        self.assertEqual(r["requests"]["total"], 12345)
        self.assertEqual(r["requests"]["gets"] + r["requests"]["sets"], 12345)
        self.assertEqual(r["keys_requested"], 3 * r["requests"]["gets"])
        self.assertEqual(r["errors"]["total"], 0, r["errors"])

    def test_open_loop_holds_its_rate(self):
        with reply_only() as server:
            r = bench(server.port, "--rate", "4000", "--duration", "1.5", "-c", "8")
        self.assertEqual(r["config"]["mode"], "open")
        # 6000 requests are due before the deadline: each is either answered
        # or, if a loaded machine stalled the client, reported as unsent.
        self.assertEqual(r["requests"]["total"] + r["requests"]["unsent"], 6000)
        self.assertGreater(r["requests"]["total"], 0)
        self.assertEqual(r["errors"]["total"], 0, r["errors"])


class MemcachedTest(unittest.TestCase):
    def test_prepopulated_key_space_is_all_hits(self):
        with memcached() as server:
            r = bench(server.port, "--prepopulate", "--key-space", "20000", "--duration", "1.5",
                      "-c", "10", "-d", "4", "--multiget", "2", "--value-size", "10-300")
        self.assertEqual(r["prepopulate"]["keys"], 20000)
        self.assertEqual(r["prepopulate"]["errors"], 0, r["prepopulate"])
        self.assertEqual(r["hit_ratio"], 1.0)
        self.assertEqual(r["errors"]["total"], 0, r["errors"])
        self.assertGreater(r["requests"]["total"], 100)

    def test_zipf_gets_and_sets_run_clean(self):
        with memcached() as server:
            r = bench(server.port, "--key-pattern", "zipf", "--zipf-skew", "1.1",
                      "--duration", "1", "-c", "5", "-d", "8", "--ratio", "1:1")
        self.assertEqual(r["errors"]["total"], 0, r["errors"])
        self.assertGreater(r["hits"], 0)  # sets of hot keys make later gets hit

    def test_unreachable_server_is_a_clear_failure(self):
        port = free_port()  # nothing listens there
        done = subprocess.run([BENCH, "-s", "127.0.0.1:%d" % port, "--duration", "1", "-q"],
                              capture_output=True, timeout=30)
        self.assertEqual(done.returncode, 1)
        self.assertIn(b"cannot connect", done.stderr)


if __name__ == "__main__":
    if not BENCH or not REPLY_ONLY:
        raise SystemExit("set SHOAL_BENCH and SHOAL_REPLY_ONLY")
    unittest.main(verbosity=2)
