#!/usr/bin/env python3
"""Send raw bytes to a memcached-protocol server and print the raw reply.

Used to check the protocol layer's edge cases against the real memcached
1.6.18 (see docs/protocol.md, "Verified against memcached 1.6.18").

  mc_probe.py [--port P] [--start [--mc-args '-A -F']] [--udp] CHUNK [CHUNK...]

Each CHUNK is a Python-escaped byte string ('get a\\r\\n', '\\x00'); chunks are
sent as separate writes with a short pause between them, so a request can be
split at a chosen byte. A chunk of the form '@N*X' sends the byte X N times.
The reply is printed with repr(); '<EOF>' marks that the server closed the
connection. With --start, a memcached is started on a free loopback port and
stopped afterwards. With --udp, each CHUNK is one datagram (8-byte header
included, so write it yourself) and each reply datagram is printed.
"""
import argparse
import codecs
import os
import socket
import subprocess
import sys
import time


def decode_chunk(text):
    if text.startswith("@") and "*" in text:
        count, byte = text[1:].split("*", 1)
        return codecs.escape_decode(byte.encode())[0] * int(count)
    return codecs.escape_decode(text.encode())[0]


def free_port(kind):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_memcached(extra, udp):
    port = free_port(socket.SOCK_STREAM)
    uport = free_port(socket.SOCK_DGRAM) if udp else 0
    args = ["memcached", "-p", str(port), "-U", str(uport), "-l", "127.0.0.1"]
    if os.geteuid() == 0:
        args += ["-u", "root"]
    args += extra.split()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    return proc, port, uport


def read_reply(sock, quiet):
    sock.settimeout(quiet)
    data = b""
    while True:
        try:
            part = sock.recv(1 << 20)
        except socket.timeout:
            return data, False
        except ConnectionResetError:
            return data, True
        if not part:
            return data, True
        data += part


def probe_tcp(port, chunks, pause, quiet):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for i, chunk in enumerate(chunks):
        try:
            sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            break
        if i + 1 < len(chunks):
            time.sleep(pause)
    data, eof = read_reply(sock, quiet)
    sock.close()
    print(repr(data) + (" <EOF>" if eof else ""))


def probe_udp(port, chunks, quiet):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(quiet)
    for chunk in chunks:
        sock.sendto(chunk, ("127.0.0.1", port))
    while True:
        try:
            data = sock.recv(65536)
        except socket.timeout:
            break
        print(len(data), repr(data[:8]), repr(data[8:80]) + ("..." if len(data) > 80 else ""))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=11211)
    ap.add_argument("--start", action="store_true")
    ap.add_argument("--mc-args", default="")
    ap.add_argument("--udp", action="store_true")
    ap.add_argument("--pause", type=float, default=0.1)
    ap.add_argument("--quiet", type=float, default=0.4)
    ap.add_argument("chunks", nargs="+")
    opts = ap.parse_args()
    chunks = [decode_chunk(c) for c in opts.chunks]
    proc = None
    port, uport = opts.port, opts.port
    if opts.start:
        proc, port, uport = start_memcached(opts.mc_args, opts.udp)
    try:
        if opts.udp:
            probe_udp(uport, chunks, opts.quiet)
        else:
            probe_tcp(port, chunks, opts.pause, opts.quiet)
    finally:
        if proc:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    sys.exit(main())
