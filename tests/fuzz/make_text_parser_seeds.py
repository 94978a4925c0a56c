#!/usr/bin/env python3
"""Writes the text_parser fuzz seed corpus: real memcached requests, one file
each, as clients send them (pipelines, errors, authentication included).
Run from anywhere; rewrites tests/fuzz/corpus/text_parser/."""
import hashlib
import os

K250 = b"k" * 250
K251 = b"k" * 251

SEEDS = [
    b"get foo\r\n",
    b"get a b c a\r\n",
    b"gets foo bar\r\n",
    b"gat 100 foo\r\n",
    b"gats -1 foo bar\r\n",
    b"bget foo\r\n",
    b"get " + K250 + b"\r\n",
    b"get a " + K251 + b"\r\n",
    b"set foo 0 0 3\r\nbar\r\n",
    b"set foo 5 100 3 noreply\r\nbar\r\n",
    b"set bin 0 0 8\r\n\x00\r\n\r\r\n\x01\xff\r\n",
    b"set lf 0 0 1\nx\r\n",
    b"add foo 0 0 1\r\nx\r\n",
    b"replace foo 0 0 1\r\nx\r\n",
    b"append foo 0 0 1\r\nx\r\n",
    b"prepend foo 0 0 1\r\nx\r\n",
    b"cas foo 0 0 1 42\r\nx\r\n",
    b"cas foo 0 0 1 18446744073709551615 noreply\r\nx\r\n",
    b"set foo 0 0 5\r\nhelloXXget foo\r\n",
    b"set " + K251 + b" 0 0 5\r\nhello\r\n",
    b"set foo 0 0 -1\r\nhello\r\n",
    b"set foo 4294967296 2147483648 4294967297\r\nx\r\n",
    b"set foo 0 0 2000000\r\n" + b"z" * 64,
    b"set foo 0 0 1\t\r\nx\r\n",
    b"delete foo\r\n",
    b"delete foo 0 noreply\r\n",
    b"delete foo 5\r\n",
    b"incr n 1\r\n",
    b"decr n 18446744073709551615 noreply\r\n",
    b"incr n -1\r\n",
    b"touch foo 10\r\n",
    b"touch foo abc noreply\r\n",
    b"flush_all\r\n",
    b"flush_all 10 noreply\r\n",
    b"flush_all abc\r\n",
    b"version\r\n",
    b"verbosity 1\r\n",
    b"verbosity noreply\r\n",
    b"quit\r\n",
    b"stats\r\n",
    b"stats settings\r\n",
    b"stats cachedump 1 10\r\n",
    b"shutdown graceful\r\n",
    b"cache_memlimit 100 noreply\r\n",
    b"\r\n",
    b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
    b"get / HTTP/1.1\r\n",
    b"mg foo v\r\n",
    b"get a\x00b\r\n",
    b"x" * 2049,
    b"get " + b"k" * 3000 + b" a\r\nversion\r\n",
    b"set x 0 0 12\r\nalice secret\r\nget a\r\n",
    b"set a 0 0 1\r\n1\r\nget a b\r\ndelete a\r\nincr n 5\r\nversion\r\n"
    b"touch b 9 noreply\r\nappend a 0 0 2\r\nxy\r\ngets a\r\nflush_all\r\nquit\r\n",
    b"".join(b"set k%d 0 0 2 noreply\r\nv%d\r\n" % (i, i % 10) for i in range(40)),
    b"get" + b"".join(b" key%d" % i for i in range(60)) + b"\r\n",
]


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "text_parser")
    os.makedirs(out, exist_ok=True)
    for name in os.listdir(out):
        os.remove(os.path.join(out, name))
    for seed in SEEDS:
        name = hashlib.sha1(seed).hexdigest()[:16]
        with open(os.path.join(out, name), "wb") as f:
            f.write(seed)
    print(f"wrote {len(SEEDS)} seeds to {out}")


if __name__ == "__main__":
    main()
