"""`stats` and its sub-commands: memcached's key names, counters summed over
every shard, process fields, and connections spread across shards."""

import os
import time
import unittest

import harness

GENERAL_KEYS = [b"pid", b"uptime", b"time", b"version", b"pointer_size", b"rusage_user",
                b"rusage_system", b"curr_connections", b"total_connections",
                b"rejected_connections", b"connection_structures", b"cmd_get", b"cmd_set",
                b"cmd_flush", b"cmd_touch", b"get_hits", b"get_misses", b"get_expired",
                b"get_flushed", b"delete_misses", b"delete_hits", b"incr_misses", b"incr_hits",
                b"decr_misses", b"decr_hits", b"cas_misses", b"cas_hits", b"cas_badval",
                b"touch_hits", b"touch_misses", b"auth_cmds", b"auth_errors", b"bytes_read",
                b"bytes_written", b"limit_maxbytes", b"threads", b"conn_yields", b"bytes",
                b"curr_items", b"total_items", b"expired_unfetched", b"evicted_unfetched",
                b"evictions", b"reclaimed"]


def parse_stats(text):
    out = {}
    for line in text.split(b"\r\n"):
        if line.startswith(b"STAT "):
            _, name, value = line.split(b" ", 2)
            out[name] = value
    return out


class Stats:
    def stats(self, sub=b""):
        text = self.call(b"stats" + (b" " + sub if sub else b"") + b"\r\n", b"END\r\n")
        self.assertTrue(text.endswith(b"END\r\n"))
        return parse_stats(text)

    def test_general_stats_have_memcached_keys(self):
        s = self.stats()
        for key in GENERAL_KEYS:
            self.assertIn(key, s)
        self.assertEqual(int(s[b"threads"]), self.shards)
        self.assertEqual(int(s[b"pid"]), self.server.proc.pid)
        self.assertLess(abs(int(s[b"time"]) - time.time()), 5)
        self.assertEqual(int(s[b"limit_maxbytes"]), 64 * 1024 * 1024)

    def test_counters_follow_memcached_rules(self):
        self.call(b"stats reset\r\n")
        base = self.stats()
        self.call(b"set a 0 0 1\r\nx\r\n")
        self.call(b"set b 0 0 1\r\nx\r\n")
        self.call(b"get a b c d\r\n", b"END\r\n")          # cmd_get counts keys
        self.call(b"gets a\r\n", b"END\r\n")
        self.call(b"gat 100 a zz\r\n", b"END\r\n")         # gat counts as touch
        self.call(b"touch a 10\r\n")
        self.call(b"touch nope 10\r\n")
        self.call(b"delete b\r\n")
        self.call(b"delete b\r\n")
        self.call(b"incr nope 1\r\n")
        self.call(b"set n 0 0 1\r\n1\r\n")
        self.call(b"incr n 1\r\n")
        self.call(b"decr n 1\r\n")
        self.call(b"decr nope 1\r\n")
        self.call(b"cas nope 0 0 1 1\r\nx\r\n")
        unique = int(self.call(b"gets a\r\n", b"END\r\n").split(b"\r\n")[0].split(b" ")[4])
        self.call(b"cas a 0 0 1 %d\r\nx\r\n" % (unique + 1000))
        self.call(b"flush_all 0\r\n")
        s = self.stats()

        def delta(k):
            return int(s[k]) - int(base[k])

        expected = {b"cmd_get": 6, b"get_hits": 4, b"get_misses": 2, b"cmd_touch": 4,
                    b"touch_hits": 2, b"touch_misses": 2, b"delete_hits": 1, b"delete_misses": 1,
                    b"incr_hits": 1, b"incr_misses": 1, b"decr_hits": 1, b"decr_misses": 1,
                    b"cas_misses": 1, b"cas_badval": 1, b"cas_hits": 0, b"cmd_set": 5,
                    b"total_items": 3, b"cmd_flush": 1}
        self.assertEqual({k: delta(k) for k in expected}, expected)

    def test_items_bytes_and_connections(self):
        for i in range(10):
            self.call(b"set item%d 0 0 10\r\n0123456789\r\n" % i)
        # Items hidden by the flush_all in setUp are reclaimed in the background.
        deadline = time.monotonic() + 5
        while int(self.stats()[b"curr_items"]) != 10 and time.monotonic() < deadline:
            time.sleep(0.05)
        s = self.stats()
        self.assertEqual(int(s[b"curr_items"]), 10)
        self.assertGreaterEqual(int(s[b"bytes"]), 10 * (10 + 5))
        self.assertGreaterEqual(int(s[b"curr_connections"]), 1)
        self.assertGreater(int(s[b"bytes_read"]), 100)
        self.assertGreater(int(s[b"bytes_written"]), 50)

    def test_settings(self):
        s = self.stats(b"settings")
        for key in (b"maxbytes", b"maxconns", b"tcpport", b"udpport", b"verbosity", b"evictions",
                    b"num_threads", b"cas_enabled", b"item_size_max", b"tcp_backlog", b"idle_timeout"):
            self.assertIn(key, s)
        self.assertEqual(int(s[b"maxbytes"]), 64 * 1024 * 1024)
        self.assertEqual(int(s[b"num_threads"]), self.shards)
        self.assertEqual(int(s[b"tcpport"]), self.server.port)
        self.assertEqual(s[b"evictions"], b"on")

    def test_items_and_slabs_end_properly(self):
        self.call(b"set i 0 0 1\r\nx\r\n")
        items = self.stats(b"items")
        self.assertTrue(any(k.endswith(b":number") for k in items), items)
        slabs = self.stats(b"slabs")
        self.assertIn(b"total_malloced", slabs)

    def test_reset_clears_counters(self):
        self.call(b"get a\r\n")
        self.assertEqual(self.call(b"stats reset\r\n"), b"RESET\r\n")
        self.assertEqual(int(self.stats()[b"cmd_get"]), 0)

    def test_conns_lists_this_connection(self):
        s = self.stats(b"conns")
        self.assertTrue(any(k.endswith(b":addr") for k in s), s)
        self.assertTrue(any(v.startswith(b"tcp:127.0.0.1:") for v in s.values()), s)


harness.per_shard_count(Stats, globals())


class ConnectionSpread(harness.ServerTestCase):
    shards = 3

    def test_connections_spread_across_shards(self):
        if harness.is_memcached():
            self.skipTest("shoal reports the owning shard of each connection")
        conns = [self.server.connect() for _ in range(60)]
        try:
            deadline = time.monotonic() + 5
            while True:  # accepting may lag behind connect()
                text = self.call(b"stats conns\r\n", b"END\r\n")
                shards = {}
                for line in text.split(b"\r\n"):
                    if line.startswith(b"STAT ") and b":shard " in line:
                        shard = int(line.rsplit(b" ", 1)[1])
                        shards[shard] = shards.get(shard, 0) + 1
                if sum(shards.values()) >= 61 or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            self.assertEqual(sum(shards.values()), 61, shards)
            self.assertEqual(set(shards), {0, 1, 2}, shards)
            self.assertTrue(all(n >= 5 for n in shards.values()), shards)
        finally:
            for c in conns:
                c.close()


if __name__ == "__main__":
    unittest.main(verbosity=1)
