"""Test harness for wire-level tests: starts a real server on a free loopback
port, speaks raw bytes to it, and stops it even when a test fails.

The server under test is shoal (SHOAL_BIN) unless SHOAL_TEST_SERVER=memcached,
which runs the same tests against Debian's memcached 1.6.18: that is how the
expectations in these tests were checked, and how they stay honest.
"""

import os
import signal
import socket
import subprocess
import tempfile
import time
import unittest

MEMCACHED_BIN = os.environ.get("MEMCACHED_BIN", "/usr/bin/memcached")
SHOAL_BIN = os.environ.get("SHOAL_BIN", "")
TARGET = os.environ.get("SHOAL_TEST_SERVER", "shoal")
SHARD_COUNTS = [int(n) for n in os.environ.get("SHOAL_TEST_SHARDS", "1,2,3").split(",")]


def free_port(kind=socket.SOCK_STREAM):
    """A port that is free for both TCP and UDP on 127.0.0.1 right now."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, kind) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        other = socket.SOCK_DGRAM if kind == socket.SOCK_STREAM else socket.SOCK_STREAM
        try:
            with socket.socket(socket.AF_INET, other) as s:
                s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
    raise RuntimeError("no free port")


def server_binary(target=None):
    target = target or TARGET
    if target == "memcached":
        return MEMCACHED_BIN
    if not SHOAL_BIN:
        raise RuntimeError("SHOAL_BIN is not set")
    return SHOAL_BIN


class Server:
    """One server process. Use as a context manager or call start()/stop()."""

    def __init__(self, shards=1, args=(), target=None, udp=False, port=None, listen=True):
        self.target = target or TARGET
        self.shards = shards
        self.port = port if port is not None else free_port()
        self.udp_port = free_port(socket.SOCK_DGRAM) if udp else 0
        self.extra = list(args)
        self.listen = listen
        self.proc = None

    def command(self):
        cmd = [server_binary(self.target), "-t", str(self.shards), "-U", str(self.udp_port)]
        if self.listen:
            cmd += ["-l", "127.0.0.1", "-p", str(self.port)]
        if os.geteuid() == 0:
            cmd += ["-u", "root"]
        return cmd + self.extra

    def start(self, wait=True):
        # Output goes to a file, not a pipe: a verbose server writing to a pipe
        # nobody reads would block once the pipe fills.
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(self.command(), stdout=self.log, stderr=subprocess.STDOUT)
        if wait and self.listen:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=10.0):
        """Waits until the server answers on its TCP port (any reply counts:
        with -Y the reply is an authentication error)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.output()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"version\r\n")
                    if s.recv(100):
                        return
            except OSError:
                pass
            time.sleep(0.02)
        raise RuntimeError("server did not become ready")

    def stop(self):
        """Stops the server with SIGTERM. Raises if a sanitizer reported
        anything, or if shoal did not exit cleanly (status 0)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise RuntimeError("server did not stop within 20 s of SIGTERM")
        output = self.output()
        for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                       "WARNING: ThreadSanitizer"):
            if marker in output:
                raise RuntimeError(f"sanitizer report from the server:\n{output[-4000:]}")
        if self.target == "shoal" and self.proc.returncode not in (0, -signal.SIGTERM):
            raise RuntimeError(f"server exited with status {self.proc.returncode}:\n{output[-2000:]}")

    def output(self):
        """What the server printed so far (stdout and stderr)."""
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def connect(self, timeout=5.0):
        return Conn(("127.0.0.1", self.port), timeout)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class Conn:
    """A raw protocol connection with helpers to read exact replies."""

    def __init__(self, addr, timeout=5.0, family=socket.AF_INET):
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(addr)
        self.buf = b""

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise EOFError("connection closed by server")
        self.buf += chunk

    def read_exact(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_until(self, terminator):
        while terminator not in self.buf:
            self._fill()
        i = self.buf.index(terminator) + len(terminator)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def read_line(self):
        return self.read_until(b"\r\n")

    def read_all_available(self, idle=0.15):
        """Everything the server sends until it is quiet for `idle` seconds."""
        old = self.sock.gettimeout()
        self.sock.settimeout(idle)
        try:
            while True:
                try:
                    self._fill()
                except socket.timeout:
                    break
                except EOFError:
                    break
        finally:
            self.sock.settimeout(old)
        out, self.buf = self.buf, b""
        return out

    def call(self, request, terminator=b"\r\n"):
        """Send a request and read one reply ending in `terminator`."""
        self.send(request)
        return self.read_until(terminator)

    def is_closed(self, timeout=2.0):
        """True when the server has closed the connection (EOF) within timeout."""
        self.sock.settimeout(timeout)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
                self.buf += chunk
        except (socket.timeout, TimeoutError):
            return False
        except ConnectionResetError:
            return True


class ServerTestCase(unittest.TestCase):
    """Starts one server per class; every test gets a fresh connection and an
    empty cache. Subclasses set `shards` and may set `server_args`."""

    shards = 1
    server_args = ()
    udp = False

    @classmethod
    def setUpClass(cls):
        cls.server = Server(shards=cls.shards, args=cls.server_args, udp=cls.udp).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.conn = self.server.connect()
        self.conn.send(b"flush_all\r\n")
        self.assertEqual(self.conn.read_line(), b"OK\r\n")

    def tearDown(self):
        self.conn.close()

    def call(self, request, terminator=b"\r\n"):
        return self.conn.call(request, terminator)


def per_shard_count(base, namespace, counts=None):
    """Defines one concrete TestCase per shard count from a mixin `base`."""
    for n in counts or SHARD_COUNTS:
        name = f"{base.__name__}_{n}shard"
        namespace[name] = type(name, (base, ServerTestCase), {"shards": n})


def is_memcached():
    return TARGET == "memcached"
