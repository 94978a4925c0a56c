"""The command line, end to end: each implemented flag changes what the real
binary does, exactly as the same flag does for memcached 1.6.18."""

import os
import signal
import socket
import stat
import subprocess
import tempfile
import time
import unittest

import harness


def run_binary(args, timeout=10):
    return subprocess.run([harness.server_binary()] + args, capture_output=True, timeout=timeout)


# memcached 1.6.18 reads these with atoi() and runs with 0; shoal refuses them.
STRICTER_THAN_MEMCACHED = () if harness.is_memcached() else (["-p", "abc"], ["-U", "x1"])


class StartupFlags(unittest.TestCase):
    def test_help_and_version_exit_zero(self):
        out = run_binary(["-h"])
        self.assertEqual(out.returncode, 0)
        self.assertIn(b"-p, --port", out.stdout)
        self.assertIn(b"unix-socket", out.stdout)
        out = run_binary(["-V"])
        self.assertEqual(out.returncode, 0)
        self.assertTrue(out.stdout.strip())

    def test_bad_values_refuse_to_start(self):
        for args in (["-c", "0"], ["-c", "-1"], ["-t", "0"], ["-B", "http"], ["-l", "fooble"],
                     ["-I", "1m", "-m", "1"], ["-I", "512"], ["-I", "2g"],
                     ["--no-such-flag"], ["-m", "abc"]) + STRICTER_THAN_MEMCACHED:
            with self.subTest(args=args):
                out = run_binary(args + ["-U", "0", "-u", "root"], timeout=10)
                self.assertNotEqual(out.returncode, 0, out)
                self.assertTrue(out.stderr or out.stdout)


class UnixSocket(unittest.TestCase):
    def test_unix_socket_replaces_tcp_and_applies_mask(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "mc.sock")
            server = harness.Server(shards=2, args=["-s", path, "-a", "0766"], listen=False).start()
            try:
                deadline = time.monotonic() + 10
                while not os.path.exists(path) and time.monotonic() < deadline:
                    time.sleep(0.02)
                self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o766)
                for _ in range(6):  # several connections: they may land on any shard
                    c = harness.Conn(path, family=socket.AF_UNIX)
                    self.assertEqual(c.call(b"set u 0 0 1\r\nx\r\n"), b"STORED\r\n")
                    self.assertEqual(c.call(b"get u\r\n", b"END\r\n"), b"VALUE u 0 1\r\nx\r\nEND\r\n")
                    c.close()
            finally:
                server.stop()


class Daemonize(unittest.TestCase):
    def test_daemon_writes_pidfile_and_stops_on_sigterm(self):
        with tempfile.TemporaryDirectory() as d:
            pidfile = os.path.join(d, "mc.pid")
            port = harness.free_port()
            cmd = [harness.server_binary(), "-d", "-P", pidfile, "-p", str(port), "-l", "127.0.0.1",
                   "-U", "0", "-t", "2"]
            if os.geteuid() == 0:
                cmd += ["-u", "root"]
            self.assertEqual(subprocess.run(cmd, timeout=10).returncode, 0)
            deadline = time.monotonic() + 10
            while not os.path.exists(pidfile) and time.monotonic() < deadline:
                time.sleep(0.02)
            pid = int(open(pidfile).read().strip())
            try:
                probe = harness.Server(port=port)
                probe.wait_ready()
                c = probe.connect()
                self.assertEqual(c.call(b"set d 0 0 1\r\nx\r\n"), b"STORED\r\n")
                c.close()
            finally:
                os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    os.kill(pid, 0)
                    time.sleep(0.05)
                except ProcessLookupError:
                    break
            else:
                os.kill(pid, signal.SIGKILL)
                self.fail("daemon did not stop on SIGTERM")


class Shutdown(unittest.TestCase):
    def test_shutdown_command_with_dash_a_stops_the_server(self):
        server = harness.Server(shards=2, args=["-A"]).start()
        try:
            c = server.connect()
            c.send(b"shutdown\r\n")
            self.assertTrue(c.is_closed(5))
            self.assertIsNotNone(server.proc.wait(timeout=10))
        finally:
            server.stop()

    def test_sigint_stops_the_server(self):
        server = harness.Server(shards=3).start()
        server.proc.send_signal(signal.SIGINT)
        self.assertIsNotNone(server.proc.wait(timeout=10))


class Idle(unittest.TestCase):
    def test_idle_server_uses_almost_no_cpu(self):
        server = harness.Server(shards=3).start()
        try:
            c = server.connect()
            c.call(b"set k 0 0 1\r\nx\r\n")  # a store with data, idle afterwards
            time.sleep(1.5)

            def cpu_ticks():
                fields = open(f"/proc/{server.proc.pid}/stat").read().rsplit(")", 1)[1].split()
                return int(fields[11]) + int(fields[12])  # utime + stime

            hz = os.sysconf("SC_CLK_TCK")
            before = cpu_ticks()
            time.sleep(2.0)
            used = (cpu_ticks() - before) / hz
            self.assertLess(used, 0.05, f"idle server used {used:.3f} s of CPU in 2 s")
            c.close()
        finally:
            server.stop()


class FlagBehaviour(unittest.TestCase):
    def with_server(self, args, shards=2):
        server = harness.Server(shards=shards, args=args).start()
        self.addCleanup(server.stop)
        conn = server.connect()
        self.addCleanup(conn.close)
        return server, conn

    def test_disable_flush_all(self):
        _, c = self.with_server(["-F"])
        self.assertEqual(c.call(b"flush_all\r\n"), b"CLIENT_ERROR flush_all not allowed\r\n")

    def test_disable_cas_reports_zero(self):
        _, c = self.with_server(["-C"])
        c.call(b"set k 0 0 1\r\nx\r\n")
        self.assertEqual(c.call(b"gets k\r\n", b"END\r\n"), b"VALUE k 0 1 0\r\nx\r\nEND\r\n")

    def test_max_item_size(self):
        _, c = self.with_server(["-I", "2m", "-m", "64"])
        value = b"v" * (1500 * 1024)
        self.assertEqual(c.call(b"set big 0 0 %d\r\n%s\r\n" % (len(value), value)), b"STORED\r\n")
        _, c2 = self.with_server(["-I", "64k", "-o", "slab_chunk_max=32768"])
        value = b"v" * (70 * 1024)
        self.assertEqual(c2.call(b"set big 0 0 %d\r\n%s\r\n" % (len(value), value)),
                         b"SERVER_ERROR object too large for cache\r\n")

    def test_disable_evictions_gives_out_of_memory(self):
        _, c = self.with_server(["-M", "-m", "8"], shards=1)
        value = b"m" * 100000
        replies = set()
        for i in range(200):
            replies.add(c.call(b"set k%d 0 0 %d\r\n%s\r\n" % (i, len(value), value)))
        self.assertIn(b"SERVER_ERROR out of memory storing object\r\n", replies)
        self.assertEqual(c.call(b"get k0\r\n", b"END\r\n")[:9], b"VALUE k0 ")

    def test_evictions_keep_storing_when_full(self):
        _, c = self.with_server(["-m", "8"], shards=1)
        value = b"e" * 100000
        for i in range(200):
            self.assertEqual(c.call(b"set k%d 0 0 %d\r\n%s\r\n" % (i, len(value), value)), b"STORED\r\n")
        stats = c.call(b"stats\r\n", b"END\r\n")
        evictions = int(stats.split(b"STAT evictions ")[1].split(b"\r\n")[0])
        self.assertGreater(evictions, 0)

    def test_idle_timeout_closes_idle_connections(self):
        server, c = self.with_server(["-o", "idle_timeout=1"])
        self.assertTrue(c.call(b"version\r\n").startswith(b"VERSION"))
        self.assertTrue(c.is_closed(6))

    def test_ascii_auth_file(self):
        with tempfile.NamedTemporaryFile("w", suffix=".auth", delete=False) as f:
            f.write("alice:secret\nbob:hunter2\n")
        self.addCleanup(os.unlink, f.name)
        _, c = self.with_server(["-Y", f.name])
        self.assertEqual(c.call(b"get k\r\n"), b"CLIENT_ERROR unauthenticated\r\n")
        self.assertEqual(c.call(b"set auth 0 0 9\r\nbob wrong\r\n"), b"CLIENT_ERROR authentication failure\r\n")
        self.assertEqual(c.call(b"set auth 0 0 11\r\nbob hunter2\r\n"), b"STORED\r\n")
        self.assertEqual(c.call(b"get k\r\n"), b"END\r\n")

    def test_verbose_flags_and_ignored_flags_start(self):
        for args in (["-v"], ["-vv"], ["-f", "1.5", "-n", "64", "-o", "slab_chunk_max=16384,hashpower=20"],
                     ["-R", "5", "-b", "128", "-B", "ascii"], ["-o", "no_lru_crawler,lru_maintainer"]):
            with self.subTest(args=args):
                server = harness.Server(shards=1, args=args).start()
                try:
                    c = server.connect()
                    self.assertEqual(c.call(b"set k 0 0 1\r\nx\r\n"), b"STORED\r\n")
                    c.close()
                finally:
                    server.stop()

    def test_listen_on_ipv6_loopback(self):
        port = harness.free_port()
        server = harness.Server(shards=1, args=["-l", "[::1]", "-p", str(port)], listen=False).start(wait=False)
        self.addCleanup(server.stop)
        deadline = time.monotonic() + 10
        while True:
            try:
                c = harness.Conn(("::1", port), family=socket.AF_INET6)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.assertTrue(c.call(b"version\r\n").startswith(b"VERSION"))
        c.close()


if __name__ == "__main__":
    unittest.main(verbosity=1)
