"""UDP (-U): memcached's 8-byte frame header (request id, sequence number,
datagram count, reserved), replies cut into datagrams of at most 1,400 bytes,
served on every shard."""

import socket
import struct
import unittest

import harness

MAX_DATAGRAM = 1400


class UdpClient:
    def __init__(self, port):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.settimeout(3)
        self.addr = ("127.0.0.1", port)

    def request(self, request_id, payload):
        self.sock.sendto(struct.pack(">HHHH", request_id, 0, 1, 0) + payload, self.addr)
        parts = {}
        total = None
        while total is None or len(parts) < total:
            data = self.sock.recv(65536)
            rid, seq, count, reserved = struct.unpack(">HHHH", data[:8])
            assert rid == request_id, (rid, request_id)
            assert reserved == 0
            assert len(data) <= MAX_DATAGRAM, len(data)
            total = count if total is None else total
            assert count == total, (count, total)
            parts[seq] = data[8:]
        return b"".join(parts[i] for i in range(total)), total

    def close(self):
        self.sock.close()


class Udp:
    udp = True

    def setUp(self):
        super().setUp()
        self.udp_client = UdpClient(self.server.udp_port)

    def tearDown(self):
        self.udp_client.close()
        super().tearDown()

    def test_set_and_get_over_udp(self):
        reply, count = self.udp_client.request(7, b"set u 3 0 5\r\nhello\r\n")
        self.assertEqual((reply, count), (b"STORED\r\n", 1))
        reply, count = self.udp_client.request(8, b"get u\r\n")
        self.assertEqual((reply, count), (b"VALUE u 3 5\r\nhello\r\nEND\r\n", 1))

    def test_value_stored_over_tcp_is_read_over_udp(self):
        self.call(b"set both 0 0 3\r\nabc\r\n")
        reply, _ = self.udp_client.request(1, b"get both\r\n")
        self.assertEqual(reply, b"VALUE both 0 3\r\nabc\r\nEND\r\n")

    def test_other_commands_over_udp(self):
        for request, expected in ((b"set n 0 0 1\r\n5\r\n", b"STORED\r\n"), (b"incr n 2\r\n", b"7\r\n"),
                                  (b"delete n\r\n", b"DELETED\r\n"), (b"delete n\r\n", b"NOT_FOUND\r\n"),
                                  (b"bogus\r\n", b"ERROR\r\n")):
            reply, _ = self.udp_client.request(3, request)
            self.assertEqual(reply, expected, request)
        reply, _ = self.udp_client.request(4, b"version\r\n")
        self.assertTrue(reply.startswith(b"VERSION "))

    def test_large_value_spans_datagrams_with_sequence_numbers(self):
        if harness.is_memcached():
            self.skipTest("memcached 1.6.18 frames each response object separately")
        value = bytes(range(256)) * 40  # 10,240 bytes
        self.call(b"set big 0 0 %d\r\n%s\r\n" % (len(value), value))
        reply, count = self.udp_client.request(0x1234, b"get big\r\n")
        self.assertEqual(reply, b"VALUE big 0 %d\r\n%s\r\nEND\r\n" % (len(value), value))
        self.assertGreaterEqual(count, 8)

    def test_multi_key_get_reassembles_by_total(self):
        if harness.is_memcached():
            self.skipTest("memcached 1.6.18 frames each response object separately")
        keys = [b"mk%d" % i for i in range(40)]
        for k in keys:
            self.call(b"set %s 0 0 100\r\n%s\r\n" % (k, b"x" * 100))
        reply, count = self.udp_client.request(9, b"get " + b" ".join(keys) + b"\r\n")
        expected = b"".join(b"VALUE %s 0 100\r\n%s\r\n" % (k, b"x" * 100) for k in keys) + b"END\r\n"
        self.assertEqual(reply, expected)
        self.assertGreater(count, 1)

    def test_many_requests_from_many_sockets(self):
        for i in range(50):
            c = UdpClient(self.server.udp_port)
            reply, _ = c.request(i, b"set k%d 0 0 1\r\n%d\r\n" % (i, i % 10))
            self.assertEqual(reply, b"STORED\r\n")
            c.close()
        for i in range(50):
            reply, _ = self.udp_client.request(i, b"get k%d\r\n" % i)
            self.assertEqual(reply, b"VALUE k%d 0 1\r\n%d\r\nEND\r\n" % (i, i % 10))

    def test_short_datagram_is_ignored(self):
        self.udp_client.sock.sendto(b"\x00\x01", self.udp_client.addr)
        reply, _ = self.udp_client.request(2, b"version\r\n")
        self.assertTrue(reply.startswith(b"VERSION "))


harness.per_shard_count(Udp, globals())

if __name__ == "__main__":
    unittest.main(verbosity=1)
