"""Real clients against the server: pymemcache (Debian's python3-pymemcache),
including its HashClient over three instances, and libmemcached's
`memccapable -a`, which must pass every ASCII test."""

import subprocess
import unittest

from pymemcache.client.base import Client
from pymemcache.client.hash import HashClient

import harness


class PymemcacheClient:
    def setUp(self):
        super().setUp()
        self.client = Client(("127.0.0.1", self.server.port), timeout=5, connect_timeout=5)

    def tearDown(self):
        self.client.close()
        super().tearDown()

    def test_basic_operations(self):
        c = self.client
        self.assertTrue(c.set("k", b"v", noreply=False))
        self.assertEqual(c.get("k"), b"v")
        self.assertTrue(c.add("new", b"1", noreply=False))
        self.assertFalse(c.add("new", b"2", noreply=False))
        self.assertTrue(c.replace("new", b"3", noreply=False))
        self.assertTrue(c.append("new", b"4", noreply=False))
        self.assertTrue(c.prepend("new", b"2", noreply=False))
        self.assertEqual(c.get("new"), b"234")
        self.assertEqual(c.incr("new", 10), 244)
        self.assertEqual(c.decr("new", 300), 0)
        self.assertTrue(c.touch("k", 100, noreply=False))
        self.assertTrue(c.delete("k", noreply=False))
        self.assertIsNone(c.get("k"))

    def test_default_noreply_writes_are_applied(self):
        c = self.client
        for i in range(200):
            c.set(f"nr{i}", str(i).encode())  # default_noreply=True
        self.assertEqual(c.get_many([f"nr{i}" for i in range(200)]),
                         {f"nr{i}": str(i).encode() for i in range(200)})

    def test_set_many_and_get_many(self):
        c = self.client
        data = {f"key:{i}": (b"x" * (i % 50)) + str(i).encode() for i in range(500)}
        self.assertEqual(c.set_many(data, noreply=False), [])
        self.assertEqual(c.get_many(list(data)), data)
        c.delete_many(list(data)[:100], noreply=False)
        self.assertEqual(len(c.get_many(list(data))), 400)

    def test_gets_and_cas(self):
        c = self.client
        c.set("c", b"1", noreply=False)
        value, token = c.gets("c")
        self.assertEqual(value, b"1")
        self.assertTrue(c.cas("c", b"2", token, noreply=False))
        self.assertFalse(c.cas("c", b"3", token, noreply=False))
        self.assertIsNone(c.cas("missing", b"3", token, noreply=False))

    def test_stats_version_flush(self):
        c = self.client
        self.assertTrue(c.version())
        c.set("s", b"1", noreply=False)
        c.get("s")
        stats = c.stats()
        self.assertGreaterEqual(stats[b"cmd_get"], 1)
        self.assertGreaterEqual(stats[b"curr_connections"], 1)
        settings = c.stats("settings")
        self.assertIn(b"maxconns", settings)
        self.assertTrue(c.flush_all(noreply=False))
        self.assertIsNone(c.get("s"))

    def test_large_value(self):
        value = b"z" * (1000 * 1000)
        self.assertTrue(self.client.set("big", value, noreply=False))
        self.assertEqual(self.client.get("big"), value)


harness.per_shard_count(PymemcacheClient, globals())


class HashClientOverThreeInstances(unittest.TestCase):
    def test_keys_spread_and_round_trip(self):
        servers = [harness.Server(shards=n) for n in (1, 2, 3)]
        try:
            for s in servers:
                s.start()
            client = HashClient([("127.0.0.1", s.port) for s in servers], timeout=5,
                                connect_timeout=5, use_pooling=False)
            data = {f"hk{i}": str(i).encode() for i in range(1500)}
            client.set_many(data, noreply=False)
            self.assertEqual(client.get_many(list(data)), data)
            for s in servers:  # every instance got a share of the keys
                conn = s.connect()
                stats = conn.call(b"stats\r\n", b"END\r\n")
                conn.close()
                items = int(stats.split(b"STAT curr_items ")[1].split(b"\r\n")[0])
                self.assertGreater(items, 200)
            client.delete_many(list(data)[:500], noreply=False)
            self.assertEqual(len(client.get_many(list(data))), 1000)
            client.close()
        finally:
            for s in servers:
                s.stop()


class Memccapable:
    def test_memccapable_ascii_passes_every_test(self):
        out = subprocess.run(["memccapable", "-a", "-h", "127.0.0.1", "-p", str(self.server.port),
                              "-t", "10"], capture_output=True, text=True, timeout=120)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn("All tests passed", out.stdout)
        self.assertNotIn("[fail]", out.stdout)


harness.per_shard_count(Memccapable, globals())

if __name__ == "__main__":
    unittest.main(verbosity=1)
