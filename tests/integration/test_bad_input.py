"""Hostile and broken clients: random bytes, a 2 GB announced value, a 1 MB
line with no newline, 10,000 connections at once, clients that vanish
mid-value. The server must keep serving everyone else and lose no stored item."""

import os
import random
import resource
import socket
import time
import unittest

import harness

STORED_KEYS = 200


class BadInput:
    server_args = ("-c", "12000", "-m", "64")

    def setUp(self):
        super().setUp()
        self.conn.send(b"".join(b"set keep%d 0 0 %d\r\n%s\r\n" % (i, 10 + i % 7, b"v" * (10 + i % 7))
                                for i in range(STORED_KEYS)))
        self.assertEqual(self.conn.read_exact(8 * STORED_KEYS), b"STORED\r\n" * STORED_KEYS)

    def assert_everything_still_served(self):
        c = self.server.connect()
        keys = [b"keep%d" % i for i in range(STORED_KEYS)]
        reply = c.call(b"get " + b" ".join(keys) + b"\r\n", b"END\r\n")
        expected = b"".join(b"VALUE keep%d 0 %d\r\n%s\r\n" % (i, 10 + i % 7, b"v" * (10 + i % 7))
                            for i in range(STORED_KEYS)) + b"END\r\n"
        self.assertEqual(reply, expected)
        c.close()

    def test_random_bytes(self):
        rng = random.Random(1234)
        for _ in range(30):
            c = self.server.connect(timeout=2)
            junk = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 20000)))
            try:
                c.send(junk)
                c.sock.shutdown(socket.SHUT_WR)
                c.is_closed(2)
            except OSError:
                pass
            c.close()
        self.assert_everything_still_served()

    def test_random_printable_commands(self):
        rng = random.Random(99)
        words = [b"get", b"set", b"incr", b"decr", b"cas", b"delete", b"touch", b"gat", b"stats",
                 b"flush_all 100000", b"append", b"noreply", b"0", b"-1", b"99999999999", b"other1", b"\r\n",
                 b" ", b"\n", b"verbosity", b"version"]
        for _ in range(20):
            c = self.server.connect(timeout=2)
            data = b" ".join(rng.choice(words) for _ in range(2000))
            data = data.replace(b"flush_all 100000", b"version")  # keep the stored keys
            try:
                c.send(data)
                c.sock.shutdown(socket.SHUT_WR)
                c.is_closed(3)
            except OSError:
                pass
            c.close()
        self.assert_everything_still_served()

    def test_two_gigabyte_announced_value_is_refused_without_buffering(self):
        c = self.server.connect()
        reply = c.call(b"set huge 0 0 2000000000\r\n")
        self.assertEqual(reply, b"SERVER_ERROR object too large for cache\r\n")
        c.send(b"x" * (1 << 20))  # part of the swallowed block; the server discards it
        c.close()
        self.assert_everything_still_served()

    def test_megabyte_line_without_newline_closes_that_connection(self):
        c = self.server.connect()
        try:
            c.send(b"x" * (1 << 20))
        except OSError:
            pass
        self.assertTrue(c.is_closed(5))
        c.close()
        self.assert_everything_still_served()

    def test_megabyte_get_line_without_newline_is_held_then_answered(self):
        c = self.server.connect()
        c.send(b"get" + b" keep1" * 200000)  # memcached 1.6.18 answers only ~60,000 of these
        c.send(b"\r\n")
        reply = c.read_until(b"END\r\n")
        self.assertEqual(reply.count(b"VALUE keep1 "), 200000)
        c.close()

    def test_client_closing_mid_value(self):
        for i in range(50):
            c = self.server.connect()
            c.send(b"set keep%d 0 0 1000\r\n" % (i % STORED_KEYS) + b"y" * (i * 10))
            c.close()
        time.sleep(0.2)
        self.assert_everything_still_served()

    def test_ten_thousand_connections_at_once(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < 10500:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 20000), hard))
        socks = []
        try:
            for _ in range(10000):
                s = socket.socket()
                s.setblocking(False)
                s.connect_ex(("127.0.0.1", self.server.port))
                socks.append(s)
            self.assert_everything_still_served()
            # Every one of them is a working connection.
            rng = random.Random(5)
            for s in rng.sample(socks, 50):
                s.setblocking(True)
                s.settimeout(10)
                s.sendall(b"get keep3\r\n")
                data = b""
                while not data.endswith(b"END\r\n"):
                    chunk = s.recv(4096)
                    self.assertTrue(chunk)
                    data += chunk
                self.assertEqual(data, b"VALUE keep3 0 13\r\nvvvvvvvvvvvvv\r\nEND\r\n")
        finally:
            for s in socks:
                s.close()
        self.assert_everything_still_served()


harness.per_shard_count(BadInput, globals(), counts=[2])


class ConnectionLimit(harness.ServerTestCase):
    shards = 2
    server_args = ("-c", "40")

    def test_connection_past_the_limit_gets_error_and_close(self):
        conns = []
        rejected = 0
        try:
            for _ in range(60):
                c = self.server.connect()
                c.send(b"version\r\n")
                line = c.read_line()
                if line == b"ERROR Too many open connections\r\n":
                    self.assertTrue(c.is_closed())
                    rejected += 1
                    c.close()
                else:
                    self.assertTrue(line.startswith(b"VERSION"))
                    conns.append(c)
            self.assertGreater(rejected, 0)
            self.assertGreater(len(conns), 20)
        finally:
            for c in conns:
                c.close()
        time.sleep(0.3)
        c = self.server.connect()
        self.assertTrue(c.call(b"version\r\n").startswith(b"VERSION"))
        stats = c.call(b"stats\r\n", b"END\r\n")
        self.assertIn(b"STAT rejected_connections ", stats)
        c.close()


class SlowReader(harness.ServerTestCase):
    shards = 1

    def test_client_that_never_reads_does_not_grow_server_memory(self):
        self.call(b"set big 0 0 100000\r\n" + b"b" * 100000 + b"\r\n")
        pid = self.server.proc.pid

        def rss_kb():
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
            return 0

        before = rss_kb()
        c = self.server.connect()
        c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        c.sock.setblocking(False)
        sent = 0
        request = b"get big\r\n" * 1000
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and sent < 50_000_000:
            try:
                sent += c.sock.send(request)
            except BlockingIOError:
                time.sleep(0.01)
        grown = rss_kb() - before
        # Each request asks for 100 KB: 100x more than was sent. Had the server
        # kept reading, it would hold gigabytes of replies.
        self.assertLess(grown, 64 * 1024, f"RSS grew by {grown} KB after {sent} bytes of requests")
        c.close()
        other = self.server.connect()
        self.assertTrue(other.call(b"version\r\n").startswith(b"VERSION"))
        other.close()


if __name__ == "__main__":
    unittest.main(verbosity=1)
