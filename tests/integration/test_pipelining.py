"""Pipelining: many requests in one write, one request split across writes at
every byte, replies in request order whichever shard owns each key."""

import socket
import time
import unittest

import harness

BURST = (b"set a 1 0 1\r\nA\r\n"
         b"set b 2 0 2\r\nBB\r\n"
         b"get a b c\r\n"
         b"incr n 1\r\n"
         b"set n 0 0 1\r\n5\r\n"
         b"incr n 10\r\n"
         b"delete a\r\n"
         b"get a\r\n"
         b"bogus\r\n"
         b"append b 0 0 1\r\n!\r\n"
         b"gets x\r\n"
         b"version\r\n")

EXPECTED_PREFIX = (b"STORED\r\n"
                   b"STORED\r\n"
                   b"VALUE a 1 1\r\nA\r\nVALUE b 2 2\r\nBB\r\nEND\r\n"
                   b"NOT_FOUND\r\n"
                   b"STORED\r\n"
                   b"15\r\n"
                   b"DELETED\r\n"
                   b"END\r\n"
                   b"ERROR\r\n"
                   b"STORED\r\n"
                   b"END\r\n"
                   b"VERSION ")


class Pipelining:
    def test_burst_in_one_write_answers_in_order(self):
        self.conn.send(BURST)
        reply = self.conn.read_until(b"VERSION ")
        self.assertEqual(reply, EXPECTED_PREFIX)
        self.conn.read_line()

    def test_request_split_at_every_byte(self):
        self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        request = b"set split 3 0 5\r\nhello\r\nget split\r\n"
        expected = b"STORED\r\nVALUE split 3 5\r\nhello\r\nEND\r\n"
        for cut in range(1, len(request)):
            self.conn.send(request[:cut])
            time.sleep(0.002)
            self.conn.send(request[cut:])
            self.assertEqual(self.conn.read_until(b"END\r\n"), expected, cut)

    def test_byte_by_byte_burst(self):
        self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(len(BURST)):
            self.conn.send(BURST[i:i + 1])
        self.assertEqual(self.conn.read_until(b"VERSION "), EXPECTED_PREFIX)
        self.conn.read_line()

    def test_thousands_of_pipelined_requests_over_many_keys(self):
        n = 3000
        request = b"".join(b"set key%d 0 0 %d\r\n%d\r\n" % (i, len(b"%d" % i), i) for i in range(n))
        request += b"".join(b"get key%d\r\n" % i for i in range(n))
        self.conn.send(request)
        self.assertEqual(self.conn.read_exact(len(b"STORED\r\n") * n), b"STORED\r\n" * n)
        for i in range(n):
            v = b"%d" % i
            self.assertEqual(self.conn.read_until(b"END\r\n"),
                             b"VALUE key%d 0 %d\r\n%s\r\nEND\r\n" % (i, len(v), v))

    def test_multi_get_spanning_shards_keeps_key_order(self):
        keys = [b"order%d" % i for i in range(200)]
        self.conn.send(b"".join(b"set %s 0 0 %d\r\n%s\r\n" % (k, len(k), k) for k in keys))
        self.conn.read_exact(len(b"STORED\r\n") * len(keys))
        reply = self.call(b"get " + b" ".join(keys) + b"\r\n", b"END\r\n")
        expected = b"".join(b"VALUE %s 0 %d\r\n%s\r\n" % (k, len(k), k) for k in keys) + b"END\r\n"
        self.assertEqual(reply, expected)

    def test_flush_all_in_a_pipeline_is_ordered(self):
        keys = [b"fk%d" % i for i in range(30)]
        request = b"".join(b"set %s 0 0 1\r\nx\r\n" % k for k in keys)
        request += b"flush_all\r\n" + b"".join(b"get %s\r\n" % k for k in keys)
        request += b"set fk0 0 0 1\r\ny\r\nget fk0\r\n"
        self.conn.send(request)
        expected = b"STORED\r\n" * 30 + b"OK\r\n" + b"END\r\n" * 30 + b"STORED\r\nVALUE fk0 0 1\r\ny\r\nEND\r\n"
        self.assertEqual(self.conn.read_exact(len(expected)), expected)

    def test_large_value_split_across_many_writes(self):
        value = bytes(range(256)) * 2000
        self.conn.send(b"set lv 0 0 %d\r\n" % len(value))
        for i in range(0, len(value), 7001):
            self.conn.send(value[i:i + 7001])
        self.conn.send(b"\r\n")
        self.assertEqual(self.conn.read_line(), b"STORED\r\n")
        self.assertEqual(self.call(b"get lv\r\n", b"\r\nEND\r\n"),
                         b"VALUE lv 0 %d\r\n%s\r\nEND\r\n" % (len(value), value))


harness.per_shard_count(Pipelining, globals())

if __name__ == "__main__":
    unittest.main(verbosity=1)
