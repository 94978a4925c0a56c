"""Every text-protocol command and error, byte for byte as memcached 1.6.18
answers, at 1, 2 and 3 shards."""

import re
import time
import unittest

import harness


def cas_of(reply):
    m = re.match(rb"VALUE \S+ \d+ \d+ (\d+)\r\n", reply)
    assert m, reply
    return int(m.group(1))


class Commands:
    # --- storage -------------------------------------------------------------
    def test_set_then_get_returns_value_and_flags(self):
        self.assertEqual(self.call(b"set k 5 0 3\r\nabc\r\n"), b"STORED\r\n")
        self.assertEqual(self.call(b"get k\r\n", b"END\r\n"), b"VALUE k 5 3\r\nabc\r\nEND\r\n")

    def test_get_miss_is_just_end(self):
        self.assertEqual(self.call(b"get nothing\r\n"), b"END\r\n")

    def test_set_accepts_bare_newline_and_extra_spaces(self):
        self.assertEqual(self.call(b"set  lf   0 0 1  \nx\r\n"), b"STORED\r\n")
        self.assertEqual(self.call(b"get lf\n", b"END\r\n"), b"VALUE lf 0 1\r\nx\r\nEND\r\n")

    def test_values_are_binary_safe(self):
        value = b"mumble\0\0\0\0\r\rblarg\r\n\n"
        self.assertEqual(self.call(b"set bin 0 0 %d\r\n%s\r\n" % (len(value), value)), b"STORED\r\n")
        self.assertEqual(self.call(b"get bin\r\n", b"\r\nEND\r\n"),
                         b"VALUE bin 0 %d\r\n%s\r\nEND\r\n" % (len(value), value))

    def test_empty_value(self):
        self.assertEqual(self.call(b"set e 0 0 0\r\n\r\n"), b"STORED\r\n")
        self.assertEqual(self.call(b"get e\r\n", b"END\r\n"), b"VALUE e 0 0\r\n\r\nEND\r\n")

    def test_max_flags_round_trip(self):
        self.assertEqual(self.call(b"set f 4294967295 0 1\r\nx\r\n"), b"STORED\r\n")
        self.assertEqual(self.call(b"get f\r\n", b"END\r\n"), b"VALUE f 4294967295 1\r\nx\r\nEND\r\n")

    def test_negative_flags_are_refused(self):
        self.assertEqual(self.call(b"set f -1 0 1\r\nx\r\n", b"ERROR\r\n"),
                         b"CLIENT_ERROR bad command line format\r\nERROR\r\n")

    def test_flags_of_2_to_the_32_are_refused(self):
        if harness.is_memcached():
            self.skipTest("memcached 1.6.18 truncates them (docs/protocol.md)")
        self.assertEqual(self.call(b"set f 4294967296 0 1\r\nx\r\n", b"ERROR\r\n"),
                         b"CLIENT_ERROR bad command line format\r\nERROR\r\n")

    def test_add_only_stores_a_new_key(self):
        self.assertEqual(self.call(b"add a 0 0 1\r\n1\r\n"), b"STORED\r\n")
        self.assertEqual(self.call(b"add a 0 0 1\r\n2\r\n"), b"NOT_STORED\r\n")
        self.assertEqual(self.call(b"get a\r\n", b"END\r\n"), b"VALUE a 0 1\r\n1\r\nEND\r\n")

    def test_replace_only_stores_an_existing_key(self):
        self.assertEqual(self.call(b"replace r 0 0 1\r\n1\r\n"), b"NOT_STORED\r\n")
        self.call(b"set r 0 0 1\r\n1\r\n")
        self.assertEqual(self.call(b"replace r 3 0 1\r\n2\r\n"), b"STORED\r\n")
        self.assertEqual(self.call(b"get r\r\n", b"END\r\n"), b"VALUE r 3 1\r\n2\r\nEND\r\n")

    def test_append_and_prepend_keep_flags(self):
        self.assertEqual(self.call(b"append ap 0 0 1\r\nx\r\n"), b"NOT_STORED\r\n")
        self.assertEqual(self.call(b"prepend ap 0 0 1\r\nx\r\n"), b"NOT_STORED\r\n")
        self.call(b"set ap 5 0 3\r\nmid\r\n")
        self.assertEqual(self.call(b"append ap 9 0 3\r\nend\r\n"), b"STORED\r\n")
        self.assertEqual(self.call(b"prepend ap 9 0 5\r\nstart\r\n"), b"STORED\r\n")
        self.assertEqual(self.call(b"get ap\r\n", b"END\r\n"), b"VALUE ap 5 11\r\nstartmidend\r\nEND\r\n")

    def test_cas_outcomes(self):
        self.assertEqual(self.call(b"cas c 0 0 1 1\r\nx\r\n"), b"NOT_FOUND\r\n")
        self.call(b"set c 0 0 1\r\nx\r\n")
        unique = cas_of(self.call(b"gets c\r\n", b"END\r\n"))
        self.assertEqual(self.call(b"cas c 0 0 1 %d\r\ny\r\n" % (unique + 1000)), b"EXISTS\r\n")
        self.assertEqual(self.call(b"cas c 0 0 1 %d\r\ny\r\n" % unique), b"STORED\r\n")
        self.assertEqual(self.call(b"cas c 0 0 1 %d\r\nz\r\n" % unique), b"EXISTS\r\n")
        reply = self.call(b"gets c\r\n", b"END\r\n")
        self.assertTrue(reply.startswith(b"VALUE c 0 1 "), reply)
        self.assertNotEqual(cas_of(reply), unique)
        self.assertTrue(reply.endswith(b"\r\ny\r\nEND\r\n"))

    def test_cas_zero_on_existing_key_is_exists(self):
        self.call(b"set c0 0 0 1\r\nx\r\n")
        self.assertEqual(self.call(b"cas c0 0 0 1 0\r\ny\r\n"), b"EXISTS\r\n")

    def test_every_store_gets_a_new_cas(self):
        self.call(b"set u 0 0 1\r\nx\r\n")
        first = cas_of(self.call(b"gets u\r\n", b"END\r\n"))
        self.call(b"set u 0 0 1\r\nx\r\n")
        second = cas_of(self.call(b"gets u\r\n", b"END\r\n"))
        self.assertNotEqual(first, second)

    def test_cas_values_are_unique_across_keys(self):
        seen = set()
        for i in range(30):
            self.call(b"set uk%d 0 0 1\r\nx\r\n" % i)
            seen.add(cas_of(self.call(b"gets uk%d\r\n" % i, b"END\r\n")))
        self.assertEqual(len(seen), 30)

    # --- retrieval -------------------------------------------------------------
    def test_multi_get_answers_in_key_order_with_repeats(self):
        keys = [b"m%d" % i for i in range(12)]
        for i, k in enumerate(keys):
            if i % 3:
                self.call(b"set %s %d 0 %d\r\n%s\r\n" % (k, i, len(k), k))
        request = keys + [keys[1], keys[1]]
        expected = b"".join(b"VALUE %s %d %d\r\n%s\r\n" % (k, keys.index(k), len(k), k)
                            for k in request if keys.index(k) % 3) + b"END\r\n"
        self.assertEqual(self.call(b"get " + b" ".join(request) + b"\r\n", b"END\r\n"), expected)

    def test_gets_reports_cas(self):
        self.call(b"set g 1 0 2\r\nhi\r\n")
        reply = self.call(b"gets g\r\n", b"END\r\n")
        self.assertRegex(reply, rb"^VALUE g 1 2 \d+\r\nhi\r\nEND\r\n$")

    def test_get_with_no_key_is_error(self):
        self.assertEqual(self.call(b"get\r\n"), b"ERROR\r\n")
        self.assertEqual(self.call(b"gets\r\n"), b"ERROR\r\n")

    def test_key_of_250_bytes_works_and_251_is_refused(self):
        k250, k251 = b"k" * 250, b"k" * 251
        self.assertEqual(self.call(b"set %s 0 0 1\r\nx\r\n" % k250), b"STORED\r\n")
        self.assertEqual(self.call(b"get %s\r\n" % k250, b"END\r\n"), b"VALUE %s 0 1\r\nx\r\nEND\r\n" % k250)
        self.assertEqual(self.call(b"set %s 0 0 1\r\nx\r\n" % k251, b"ERROR\r\n"),
                         b"CLIENT_ERROR bad command line format\r\nERROR\r\n")
        self.assertEqual(self.call(b"get %s\r\n" % k251), b"CLIENT_ERROR bad command line format\r\n")

    def test_long_key_in_multi_get_replaces_whole_reply(self):
        self.call(b"set a 0 0 1\r\nx\r\n")
        self.assertEqual(self.call(b"get a %s a\r\n" % (b"k" * 251)),
                         b"CLIENT_ERROR bad command line format\r\n")
        self.assertEqual(self.call(b"version\r\n")[:8], b"VERSION ")

    def test_control_characters_in_keys_are_accepted(self):
        self.assertEqual(self.call(b"set a\x01b 0 0 1\r\nx\r\n"), b"STORED\r\n")
        self.assertEqual(self.call(b"get a\x01b\r\n", b"END\r\n"), b"VALUE a\x01b 0 1\r\nx\r\nEND\r\n")

    def test_tab_is_not_a_separator(self):
        self.assertEqual(self.call(b"get\ta\r\n"), b"ERROR\r\n")

    def test_commands_are_lower_case(self):
        self.assertEqual(self.call(b"GET a\r\n"), b"ERROR\r\n")

    def test_huge_multi_get_line_is_allowed(self):
        self.call(b"set big 0 0 2\r\nok\r\n")
        count = 18725
        reply = self.call(b"get" + b" big" * count + b"\r\n", b"END\r\n")
        self.assertEqual(reply, b"VALUE big 0 2\r\nok\r\n" * count + b"END\r\n")

    # --- delete, incr/decr, touch, gat --------------------------------------
    def test_delete(self):
        self.assertEqual(self.call(b"delete d\r\n"), b"NOT_FOUND\r\n")
        self.call(b"set d 0 0 1\r\nx\r\n")
        self.assertEqual(self.call(b"delete d 0\r\n"), b"DELETED\r\n")
        self.assertEqual(self.call(b"get d\r\n"), b"END\r\n")

    def test_delete_with_time_is_usage_error(self):
        self.assertEqual(self.call(b"delete d 5\r\n"),
                         b"CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n")

    def test_incr_and_decr(self):
        self.assertEqual(self.call(b"incr n 1\r\n"), b"NOT_FOUND\r\n")
        self.call(b"set n 7 0 1\r\n9\r\n")
        self.assertEqual(self.call(b"incr n 1\r\n"), b"10\r\n")
        self.assertEqual(self.call(b"get n\r\n", b"END\r\n"), b"VALUE n 7 2\r\n10\r\nEND\r\n")
        self.assertEqual(self.call(b"decr n 3\r\n"), b"7\r\n")
        self.assertEqual(self.call(b"get n\r\n", b"END\r\n"), b"VALUE n 7 2\r\n7 \r\nEND\r\n")
        self.assertEqual(self.call(b"decr n 100\r\n"), b"0\r\n")

    def test_decr_pads_shorter_number_with_spaces(self):
        self.call(b"set p 0 0 3\r\n100\r\n")
        self.assertEqual(self.call(b"decr p 1\r\n"), b"99\r\n")
        self.assertEqual(self.call(b"get p\r\n", b"END\r\n"), b"VALUE p 0 3\r\n99 \r\nEND\r\n")

    def test_incr_wraps_at_2_to_the_64(self):
        self.call(b"set w 0 0 20\r\n18446744073709551615\r\n")
        self.assertEqual(self.call(b"incr w 2\r\n"), b"1\r\n")

    def test_incr_accepts_leading_spaces(self):
        self.call(b"set s 0 0 2\r\n 5\r\n")
        self.assertEqual(self.call(b"incr s 1\r\n"), b"6\r\n")

    def test_incr_on_non_number_is_client_error(self):
        for value in (b"hi", b"-1", b"0x1", b"18446744073709551616"):
            self.call(b"set nn 0 0 %d\r\n%s\r\n" % (len(value), value))
            self.assertEqual(self.call(b"incr nn 1\r\n"),
                             b"CLIENT_ERROR cannot increment or decrement non-numeric value\r\n", value)

    def test_incr_with_bad_delta(self):
        self.call(b"set d 0 0 1\r\n1\r\n")
        self.assertEqual(self.call(b"incr d -1\r\n"), b"CLIENT_ERROR invalid numeric delta argument\r\n")
        self.assertEqual(self.call(b"incr d abc\r\n"), b"CLIENT_ERROR invalid numeric delta argument\r\n")

    def test_incr_keeps_flags_and_changes_cas(self):
        self.call(b"set i 42 0 1\r\n1\r\n")
        before = cas_of(self.call(b"gets i\r\n", b"END\r\n"))
        self.call(b"incr i 1\r\n")
        after = self.call(b"gets i\r\n", b"END\r\n")
        self.assertTrue(after.startswith(b"VALUE i 42 1 "))
        self.assertNotEqual(cas_of(after), before)

    def test_touch(self):
        self.assertEqual(self.call(b"touch t 10\r\n"), b"NOT_FOUND\r\n")
        self.call(b"set t 0 0 1\r\nx\r\n")
        before = cas_of(self.call(b"gets t\r\n", b"END\r\n"))
        self.assertEqual(self.call(b"touch t 10\r\n"), b"TOUCHED\r\n")
        self.assertEqual(cas_of(self.call(b"gets t\r\n", b"END\r\n")), before)
        self.assertEqual(self.call(b"touch t abc\r\n"), b"CLIENT_ERROR invalid exptime argument\r\n")

    def test_touch_with_negative_time_expires(self):
        self.call(b"set t 0 0 1\r\nx\r\n")
        self.assertEqual(self.call(b"touch t -1\r\n"), b"TOUCHED\r\n")
        self.assertEqual(self.call(b"get t\r\n"), b"END\r\n")

    def test_gat_and_gats(self):
        self.call(b"set ga 3 0 2\r\nhi\r\n")
        before = cas_of(self.call(b"gets ga\r\n", b"END\r\n"))
        self.assertEqual(self.call(b"gat 100 ga miss\r\n", b"END\r\n"), b"VALUE ga 3 2\r\nhi\r\nEND\r\n")
        reply = self.call(b"gats 100 ga\r\n", b"END\r\n")
        self.assertEqual(reply, b"VALUE ga 3 2 %d\r\nhi\r\nEND\r\n" % before)
        self.assertEqual(self.call(b"gat abc ga\r\n"), b"CLIENT_ERROR invalid exptime argument\r\n")
        self.assertEqual(self.call(b"gat 10\r\n"), b"END\r\n")  # memcached 1.6.18: no keys, empty reply
        self.assertEqual(self.call(b"gat -1 ga\r\n", b"END\r\n"), b"VALUE ga 3 2\r\nhi\r\nEND\r\n")
        self.assertEqual(self.call(b"get ga\r\n"), b"END\r\n")

    # --- expiry --------------------------------------------------------------
    def test_negative_exptime_expires_at_once(self):
        self.assertEqual(self.call(b"set neg 0 -1 1\r\nx\r\n"), b"STORED\r\n")
        self.assertEqual(self.call(b"get neg\r\n"), b"END\r\n")

    def test_absolute_exptime_in_the_past_expires(self):
        self.assertEqual(self.call(b"set abs 0 1000000000 1\r\nx\r\n"), b"STORED\r\n")
        self.assertEqual(self.call(b"get abs\r\n"), b"END\r\n")

    def test_absolute_exptime_in_the_future_is_kept(self):
        future = int(time.time()) + 3600
        self.assertEqual(self.call(b"set fut 0 %d 1\r\nx\r\n" % future), b"STORED\r\n")
        self.assertEqual(self.call(b"get fut\r\n", b"END\r\n"), b"VALUE fut 0 1\r\nx\r\nEND\r\n")

    def test_relative_exptime_expires(self):
        self.call(b"set ttl 0 1 1\r\nx\r\n")
        time.sleep(2.1)
        self.assertEqual(self.call(b"get ttl\r\n"), b"END\r\n")

    # --- flush_all -------------------------------------------------------------
    def test_flush_all_hides_everything(self):
        for i in range(20):
            self.call(b"set f%d 0 0 1\r\nx\r\n" % i)
        self.assertEqual(self.call(b"flush_all\r\n"), b"OK\r\n")
        for i in range(20):
            self.assertEqual(self.call(b"get f%d\r\n" % i), b"END\r\n")
        self.assertEqual(self.call(b"set after 0 0 1\r\nx\r\n"), b"STORED\r\n")
        self.assertEqual(self.call(b"get after\r\n", b"END\r\n"), b"VALUE after 0 1\r\nx\r\nEND\r\n")

    def test_flush_all_arguments(self):
        self.assertEqual(self.call(b"flush_all 0\r\n"), b"OK\r\n")
        self.assertEqual(self.call(b"flush_all -1\r\n"), b"OK\r\n")
        self.assertEqual(self.call(b"flush_all abc\r\n"), b"CLIENT_ERROR invalid exptime argument\r\n")
        self.conn.send(b"flush_all noreply\r\nflush_all 0 noreply\r\n")
        self.assertEqual(self.call(b"version\r\n")[:8], b"VERSION ")

    def test_delayed_flush_hides_items_stored_before_its_deadline(self):
        self.call(b"set early 0 0 1\r\nx\r\n")
        self.assertEqual(self.call(b"flush_all 2\r\n"), b"OK\r\n")
        self.call(b"set late 0 0 1\r\nx\r\n")
        self.assertEqual(self.call(b"get early late\r\n", b"END\r\n"),
                         b"VALUE early 0 1\r\nx\r\nVALUE late 0 1\r\nx\r\nEND\r\n")
        time.sleep(3.1)
        self.assertEqual(self.call(b"get early late\r\n"), b"END\r\n")

    # --- noreply -------------------------------------------------------------
    def test_noreply_suppresses_replies_and_errors(self):
        self.conn.send(b"set q 0 0 1 noreply\r\nx\r\n"
                       b"add q 0 0 1 noreply\r\ny\r\n"
                       b"append q 0 0 1 noreply\r\nz\r\n"
                       b"incr q 1 noreply\r\n"
                       b"touch q 10 noreply\r\n"
                       b"delete missing noreply\r\n"
                       b"verbosity x noreply\r\n"
                       b"verbosity 1 noreply\r\n"
                       b"flush_all 0 noreply\r\n"
                       b"set q2 0 0 1 noreply\r\nv\r\n")
        self.assertEqual(self.call(b"get q q2\r\n", b"END\r\n"), b"VALUE q2 0 1\r\nv\r\nEND\r\n")

    def test_noreply_key_in_get_is_a_key(self):
        self.call(b"set noreply 0 0 1\r\nx\r\n")
        self.assertEqual(self.call(b"get noreply\r\n", b"END\r\n"), b"VALUE noreply 0 1\r\nx\r\nEND\r\n")

    # --- errors and the data block -------------------------------------------
    def test_unknown_command_and_blank_line(self):
        self.assertEqual(self.call(b"bogus\r\n"), b"ERROR\r\n")
        self.assertEqual(self.call(b"\r\n"), b"ERROR\r\n")

    def test_wrong_token_counts_are_errors(self):
        for line in (b"set a 0 0\r\n", b"incr a\r\n", b"touch a\r\n", b"delete\r\n",
                     b"verbosity\r\n", b"cas a 0 0 1\r\n"):
            self.assertEqual(self.call(line), b"ERROR\r\n", line)

    def test_bad_data_chunk_consumes_bytes_plus_two(self):
        self.conn.send(b"set k 0 0 5\r\nhello!\r\n")
        self.assertEqual(self.conn.read_line(), b"CLIENT_ERROR bad data chunk\r\n")
        self.assertEqual(self.conn.read_line(), b"ERROR\r\n")
        self.assertEqual(self.call(b"get k\r\n"), b"END\r\n")

    def test_malformed_storage_line_does_not_swallow_data(self):
        self.assertEqual(self.call(b"set k 0 0 abc\r\nhello\r\n", b"ERROR\r\n"),
                         b"CLIENT_ERROR bad command line format\r\nERROR\r\n")
        self.assertEqual(self.call(b"set k 0 0 -1\r\nhello\r\n", b"ERROR\r\n"),
                         b"CLIENT_ERROR bad command line format\r\nERROR\r\n")

    def test_too_large_value_is_swallowed_and_removes_old_value(self):
        self.call(b"set big 0 0 2\r\nok\r\n")
        size = 2 * 1024 * 1024
        self.conn.send(b"set big 0 0 %d\r\n" % size)
        self.conn.send(b"x" * size + b"\r\n")
        self.assertEqual(self.conn.read_line(), b"SERVER_ERROR object too large for cache\r\n")
        self.assertEqual(self.call(b"get big\r\n"), b"END\r\n")

    def test_largest_value_memcached_accepts_is_accepted(self):
        ok, too_big = 1047552, 1049600
        self.assertEqual(self.call(b"set l 0 0 %d\r\n%s\r\n" % (ok, b"v" * ok)), b"STORED\r\n")
        self.assertEqual(self.call(b"set l 0 0 %d\r\n%s\r\n" % (too_big, b"v" * too_big)),
                         b"SERVER_ERROR object too large for cache\r\n")

    def test_bytes_out_of_range(self):
        for n in (b"4294967295", b"2147483647"):
            self.assertEqual(self.call(b"set k 0 0 %s\r\n" % n),
                             b"CLIENT_ERROR bad command line format\r\n", n)

    # --- misc commands -------------------------------------------------------
    def test_version_ignores_extra_tokens(self):
        self.assertRegex(self.call(b"version\r\n"), rb"^VERSION \S+\r\n$")
        self.assertRegex(self.call(b"version foo bar\r\n"), rb"^VERSION \S+\r\n$")

    def test_verbosity(self):
        self.assertEqual(self.call(b"verbosity 1\r\n"), b"OK\r\n")
        self.assertEqual(self.call(b"verbosity x\r\n"), b"CLIENT_ERROR bad command line format\r\n")

    def test_quit_closes_after_pending_replies(self):
        self.conn.send(b"set qq 0 0 1\r\nx\r\nget qq\r\nquit\r\nget qq\r\n")
        self.assertEqual(self.conn.read_until(b"END\r\n"), b"STORED\r\nVALUE qq 0 1\r\nx\r\nEND\r\n")
        self.assertTrue(self.conn.is_closed())
        self.assertEqual(self.conn.buf, b"")

    def test_http_request_closes_silently(self):
        self.conn.send(b"GET / HTTP/1.1\r\n")
        self.assertTrue(self.conn.is_closed())
        self.assertEqual(self.conn.buf, b"")

    def test_lowercase_get_with_http_token_is_a_get(self):
        self.assertEqual(self.call(b"get / HTTP/1.0\r\n"), b"END\r\n")

    def test_long_line_without_newline_closes(self):
        self.conn.send(b"set " + b"k" * 3000)
        self.assertTrue(self.conn.is_closed())

    def test_shutdown_is_refused_without_dash_a(self):
        self.assertEqual(self.call(b"shutdown\r\n"), b"ERROR: shutdown not enabled\r\n")

    def test_unknown_stats_subcommand_is_error(self):
        self.assertEqual(self.call(b"stats bogus\r\n"), b"ERROR\r\n")

    def test_stats_reset(self):
        self.assertEqual(self.call(b"stats reset\r\n"), b"RESET\r\n")

    def test_partial_command_then_eof_gets_no_reply(self):
        self.conn.send(b"get")
        self.conn.sock.shutdown(1)
        self.assertTrue(self.conn.is_closed())
        self.assertEqual(self.conn.buf, b"")


harness.per_shard_count(Commands, globals())

if __name__ == "__main__":
    unittest.main(verbosity=1)
