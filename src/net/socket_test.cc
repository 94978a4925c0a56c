// Sockets on a running reactor, once per backend: echo round trips, many
// connections, SO_REUSEPORT spreading, cancellation on close, partial
// writes, unix sockets, fd hand-off between shards, UDP.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstring>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "net/connected_socket.h"
#include "net/socket_address.h"
#include "net/tcp_listener.h"
#include "net/udp_socket.h"
#include "runtime/reactor.h"
#include "runtime/smp.h"
#include "runtime/test_support.h"
#include "runtime/when_all.h"

namespace shoal {
namespace {

using namespace std::chrono_literals;
using testing::run_on_shards;

// Echoes until the peer closes or an error.
task<void> echo_connection(connected_socket socket) {
  std::array<char, 4096> buffer;
  while (true) {
    io_result<size_t> n = co_await socket.recv(buffer);
    if (!n.ok() || *n == 0) co_return;
    io_result<size_t> sent = co_await socket.send(std::span<const char>(buffer.data(), *n));
    if (!sent.ok()) co_return;
  }
}

task<void> accept_loop(tcp_listener* listener, std::atomic<int>* accepted = nullptr) {
  while (true) {
    io_result<accept_result> r = co_await listener->accept();
    if (!r.ok()) {
      if (r.error() == std::errc::operation_canceled) co_return;
      continue;
    }
    if (accepted) accepted->fetch_add(1);
    spawn(echo_connection(std::move(r->socket)));
  }
}

// Receives exactly `size` bytes (or fewer at end of stream).
task<std::string> recv_exactly(connected_socket& socket, size_t size) {
  std::string data(size, '\0');
  size_t got = 0;
  while (got < size) {
    io_result<size_t> n = co_await socket.recv(std::span<char>(data.data() + got, size - got));
    if (!n.ok() || *n == 0) break;
    got += *n;
  }
  data.resize(got);
  co_return data;
}

task<bool> echo_round_trips(socket_address server, int rounds) {
  io_result<connected_socket> c = co_await connect(server);
  if (!c.ok()) co_return false;
  for (int i = 0; i < rounds; ++i) {
    const std::string message = "hello " + std::to_string(i);
    if (!(co_await c->send(std::span<const char>(message))).ok()) co_return false;
    if (co_await recv_exactly(*c, message.size()) != message) co_return false;
  }
  co_return true;
}

class SocketTest : public ::testing::TestWithParam<testing::backend_variant> {};

TEST_P(SocketTest, EchoRoundTripOverTcp) {
  bool ok = false;
  run_on_shards(1, GetParam(), [&]() -> task<void> {
    tcp_listener listener = tcp_listener::listen(socket_address::loopback(0));
    spawn(accept_loop(&listener));
    ok = co_await echo_round_trips(listener.local_address(), 10);
  });
  EXPECT_TRUE(ok);
}

TEST_P(SocketTest, AThousandConcurrentConnectionsEcho) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < 4096 && limit.rlim_max >= 4096) {
    limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, 8192);
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  constexpr int connections = 1000;
  int succeeded = 0;
  std::atomic<int> accepted{0};
  run_on_shards(3, GetParam(), [&]() -> task<void> {
    // The server listens on shards 1 and 2 (SO_REUSEPORT); clients run on 0.
    const socket_address any_port = socket_address::loopback(0);
    socket_address server = co_await submit_to(1, [&] {
      auto* l = new tcp_listener(tcp_listener::listen(any_port, {.reuse_port = true}));
      spawn([](std::unique_ptr<tcp_listener> owned, std::atomic<int>* n) -> task<void> {
        co_await accept_loop(owned.get(), n);
      }(std::unique_ptr<tcp_listener>(l), &accepted));
      return l->local_address();
    });
    co_await submit_to(2, [&] {
      auto* l = new tcp_listener(tcp_listener::listen(server, {.reuse_port = true}));
      spawn([](std::unique_ptr<tcp_listener> owned, std::atomic<int>* n) -> task<void> {
        co_await accept_loop(owned.get(), n);
      }(std::unique_ptr<tcp_listener>(l), &accepted));
    });
    std::vector<task<bool>> clients;
    for (int i = 0; i < connections; ++i) clients.push_back(echo_round_trips(server, 3));
    for (bool ok : co_await when_all(std::move(clients))) succeeded += ok;
  });
  EXPECT_EQ(succeeded, connections);
  EXPECT_EQ(accepted.load(), connections);
}

TEST_P(SocketTest, ReusePortSpreadsConnectionsOverShards) {
  std::array<std::atomic<int>, 3> per_shard{};
  run_on_shards(3, GetParam(), [&]() -> task<void> {
    socket_address address = socket_address::loopback(0);
    for (unsigned s = 0; s < 3; ++s) {
      address = co_await submit_to(s, [&, address] {
        auto* l = new tcp_listener(tcp_listener::listen(address, {.reuse_port = true}));
        spawn([](std::unique_ptr<tcp_listener> owned, std::atomic<int>* n) -> task<void> {
          co_await accept_loop(owned.get(), n);
        }(std::unique_ptr<tcp_listener>(l), &per_shard[this_shard_id()]));
        return l->local_address();
      });
    }
    std::vector<task<bool>> clients;
    for (int i = 0; i < 90; ++i) clients.push_back(echo_round_trips(address, 1));
    co_await when_all(std::move(clients));
  });
  int total = 0;
  int shards_used = 0;
  for (auto& n : per_shard) {
    total += n.load();
    shards_used += n.load() > 0;
  }
  EXPECT_EQ(total, 90);
  EXPECT_GE(shards_used, 2);
}

TEST_P(SocketTest, AcceptedTcpSocketsHaveNodelay) {
  int nodelay = 0;
  run_on_shards(1, GetParam(), [&]() -> task<void> {
    tcp_listener listener = tcp_listener::listen(socket_address::loopback(0));
    auto accept_one = [&]() -> task<io_result<accept_result>> {
      co_return co_await listener.accept();
    };
    auto [c, a] = co_await when_all(connect(listener.local_address()), accept_one());
    EXPECT_TRUE(c.ok());
    EXPECT_TRUE(a.ok());
    if (!a.ok()) co_return;
    socklen_t length = sizeof nodelay;
    getsockopt(a->socket.fd(), IPPROTO_TCP, TCP_NODELAY, &nodelay, &length);
  });
  EXPECT_EQ(nodelay, 1);
}

TEST_P(SocketTest, RecvReturnsZeroAfterThePeerShutsDownWriting) {
  std::string got;
  size_t last = 99;
  run_on_shards(1, GetParam(), [&]() -> task<void> {
    tcp_listener listener = tcp_listener::listen(socket_address::loopback(0));
    io_result<connected_socket> c = co_await connect(listener.local_address());
    io_result<accept_result> a = co_await listener.accept();
    (void)co_await c->send(std::span<const char>("bye", 3));
    EXPECT_TRUE(c->shutdown_write().ok());
    got = co_await recv_exactly(a->socket, 3);
    std::array<char, 16> buffer;
    last = *(co_await a->socket.recv(buffer));
  });
  EXPECT_EQ(got, "bye");
  EXPECT_EQ(last, 0u);
}

TEST_P(SocketTest, CloseCancelsAPendingRecv) {
  std::error_code error;
  run_on_shards(1, GetParam(), [&]() -> task<void> {
    tcp_listener listener = tcp_listener::listen(socket_address::loopback(0));
    io_result<connected_socket> c = co_await connect(listener.local_address());
    io_result<accept_result> a = co_await listener.accept();
    connected_socket& server_side = a->socket;
    auto reader = [&]() -> task<void> {
      std::array<char, 64> buffer;
      io_result<size_t> n = co_await server_side.recv(buffer);
      error = n.error();
    };
    auto closer = [&]() -> task<void> {
      co_await sleep_for(2ms);
      server_side.close();
    };
    co_await when_all(reader(), closer());
    (void)c;
  });
  EXPECT_EQ(error, std::errc::operation_canceled);
}

TEST_P(SocketTest, DestroyingTheSocketCancelsItsPendingOperations) {
  std::error_code recv_error;
  std::error_code send_error;
  run_on_shards(1, GetParam(), [&]() -> task<void> {
    tcp_listener listener = tcp_listener::listen(socket_address::loopback(0));
    io_result<connected_socket> c = co_await connect(listener.local_address());
    io_result<accept_result> a = co_await listener.accept();
    auto owned = std::make_unique<connected_socket>(std::move(a->socket));
    // The peer never reads: a large send fills both socket buffers and waits.
    std::string big(32 << 20, 'x');
    auto reader = [&]() -> task<void> {
      std::array<char, 64> buffer;
      recv_error = (co_await owned->recv(buffer)).error();
    };
    auto sender = [&]() -> task<void> {
      send_error = (co_await owned->send(std::span<const char>(big))).error();
    };
    auto destroyer = [&]() -> task<void> {
      co_await sleep_for(5ms);
      owned.reset();
    };
    co_await when_all(reader(), sender(), destroyer());
    (void)c;
  });
  EXPECT_EQ(recv_error, std::errc::operation_canceled);
  EXPECT_EQ(send_error, std::errc::operation_canceled);
}

TEST_P(SocketTest, CloseCancelsAPendingAccept) {
  std::error_code error;
  run_on_shards(1, GetParam(), [&]() -> task<void> {
    tcp_listener listener = tcp_listener::listen(socket_address::loopback(0));
    auto acceptor = [&]() -> task<void> { error = (co_await listener.accept()).error(); };
    auto closer = [&]() -> task<void> {
      co_await sleep_for(2ms);
      listener.close();
    };
    co_await when_all(acceptor(), closer());
  });
  EXPECT_EQ(error, std::errc::operation_canceled);
}

TEST_P(SocketTest, LargeSendsCompleteOverPartialWrites) {
  std::string received;
  const std::string payload = [] {
    std::string s(8 << 20, '\0');
    std::mt19937 rng(7);
    for (char& ch : s) ch = static_cast<char>('a' + rng() % 26);
    return s;
  }();
  size_t sent = 0;
  run_on_shards(1, GetParam(), [&]() -> task<void> {
    tcp_listener listener = tcp_listener::listen(socket_address::loopback(0));
    io_result<connected_socket> c = co_await connect(listener.local_address());
    io_result<accept_result> a = co_await listener.accept();
    auto sender = [&]() -> task<void> {
      sent = *(co_await c->send(std::span<const char>(payload)));
    };
    auto slow_reader = [&]() -> task<void> {
      std::array<char, 8192> buffer;
      while (received.size() < payload.size()) {
        io_result<size_t> n = co_await a->socket.recv(buffer);
        if (!n.ok() || *n == 0) break;
        received.append(buffer.data(), *n);
        if (received.size() % 7 == 0) co_await yield();
      }
    };
    co_await when_all(sender(), slow_reader());
  });
  EXPECT_EQ(sent, payload.size());
  EXPECT_TRUE(received == payload);
}

TEST_P(SocketTest, ScatterGatherSendDeliversEveryByteInOrder) {
  // Many entries of odd sizes (some empty), more than one sendmsg can take,
  // with a reader slow enough to force partial writes inside entries.
  std::string expected;
  std::vector<std::string> pieces;
  std::mt19937 rng(11);
  for (int i = 0; i < 3000; ++i) {
    std::string piece(rng() % 5000, static_cast<char>('A' + i % 26));
    expected += piece;
    pieces.push_back(std::move(piece));
  }
  std::vector<iovec> iov;
  for (std::string& p : pieces) iov.push_back({p.data(), p.size()});
  std::string received;
  size_t sent = 0;
  run_on_shards(1, GetParam(), [&]() -> task<void> {
    tcp_listener listener = tcp_listener::listen(socket_address::loopback(0));
    io_result<connected_socket> c = co_await connect(listener.local_address());
    io_result<accept_result> a = co_await listener.accept();
    auto sender = [&]() -> task<void> { sent = *(co_await c->send(std::span<const iovec>(iov))); };
    auto reader = [&]() -> task<void> {
      std::array<char, 3000> buffer;
      while (received.size() < expected.size()) {
        io_result<size_t> n = co_await a->socket.recv(buffer);
        if (!n.ok() || *n == 0) break;
        received.append(buffer.data(), *n);
        co_await yield();
      }
    };
    co_await when_all(sender(), reader());
  });
  EXPECT_EQ(sent, expected.size());
  EXPECT_TRUE(received == expected);
}

TEST_P(SocketTest, ConnectToAClosedPortFailsWithConnectionRefused) {
  std::error_code error;
  run_on_shards(1, GetParam(), [&]() -> task<void> {
    socket_address unused;
    {
      tcp_listener probe = tcp_listener::listen(socket_address::loopback(0));
      unused = probe.local_address();
    }
    co_await yield();  // io_uring closes at the next submission
    error = (co_await connect(unused)).error();
  });
  EXPECT_EQ(error, std::errc::connection_refused) << error.message();
}

TEST_P(SocketTest, ListeningOnABusyAddressThrowsNamingTheCall) {
  std::string what;
  run_on_shards(1, GetParam(), [&]() -> task<void> {
    tcp_listener first = tcp_listener::listen(socket_address::loopback(0));
    try {
      tcp_listener second = tcp_listener::listen(first.local_address());
    } catch (const std::system_error& e) {
      what = e.what();
    }
    co_return;
  });
  EXPECT_NE(what.find("bind 127.0.0.1:"), std::string::npos) << what;
}

TEST_P(SocketTest, UnixSocketListenerAppliesPermissionsAndEchoes) {
  const std::string path = "/tmp/shoal-net-test-" + std::to_string(::getpid()) + "-" +
                           std::to_string(GetParam().multishot_recv) + to_string(GetParam().kind) +
                           ".sock";
  bool ok = false;
  mode_t mode = 0;
  run_on_shards(1, GetParam(), [&]() -> task<void> {
    tcp_listener listener =
        tcp_listener::listen(socket_address::unix_path(path), {.unix_permissions = 0600});
    struct stat st {};
    ::stat(path.c_str(), &st);
    mode = st.st_mode & 0777;
    spawn(accept_loop(&listener));
    ok = co_await echo_round_trips(socket_address::unix_path(path), 5);
    listener.close();
  });
  EXPECT_TRUE(ok);
  EXPECT_EQ(mode, 0600u);
  EXPECT_NE(::access(path.c_str(), F_OK), 0) << "close() removes the socket file";
}

TEST_P(SocketTest, MovingAUnixListenerKeepsItsSocketFile) {
  const std::string path = "/tmp/shoal-net-move-" + std::to_string(::getpid()) + "-" +
                           std::to_string(GetParam().multishot_recv) + to_string(GetParam().kind) +
                           ".sock";
  bool present_after_move = false;
  run_on_shards(1, GetParam(), [&]() -> task<void> {
    tcp_listener assigned;
    {
      tcp_listener original = tcp_listener::listen(socket_address::unix_path(path));
      tcp_listener constructed(std::move(original));
      assigned = std::move(constructed);
    }  // both moved-from listeners are destroyed here
    present_after_move = ::access(path.c_str(), F_OK) == 0;
    co_return;
  });
  EXPECT_TRUE(present_after_move);
  EXPECT_NE(::access(path.c_str(), F_OK), 0) << "the owner removes it when it closes";
}

TEST_P(SocketTest, AcceptedFdCanBeHandedToAnotherShard) {
  unsigned served_on = 99;
  bool ok = false;
  run_on_shards(2, GetParam(), [&]() -> task<void> {
    tcp_listener listener = tcp_listener::listen(socket_address::loopback(0));
    auto client = [&]() -> task<void> {
      ok = co_await echo_round_trips(listener.local_address(), 5);
    };
    auto server = [&]() -> task<void> {
      io_result<accept_result> a = co_await listener.accept();
      const int fd = a->socket.release_fd();
      co_await submit_to(1, [fd, &served_on] {
        served_on = this_shard_id();
        spawn(echo_connection(connected_socket::adopt(fd)));
      });
    };
    co_await when_all(client(), server());
  });
  EXPECT_TRUE(ok);
  EXPECT_EQ(served_on, 1u);
}

TEST_P(SocketTest, UdpDatagramsCarryTheirPeerAddress) {
  std::string got;
  socket_address seen_peer;
  socket_address client_address;
  size_t reply = 0;
  run_on_shards(1, GetParam(), [&]() -> task<void> {
    udp_socket server = udp_socket::bind(socket_address::loopback(0));
    udp_socket client = udp_socket::bind(socket_address::loopback(0));
    client_address = client.local_address();
    char hello[] = "ping";
    iovec out{hello, 4};
    EXPECT_EQ(*(co_await client.send_to(server.local_address(), std::span<const iovec>(&out, 1))),
              4u);
    std::array<char, 64> buffer;
    io_result<recv_from_result> d = co_await server.recv_from(buffer);
    EXPECT_TRUE(d.ok());
    got.assign(buffer.data(), d->bytes);
    seen_peer = d->peer;
    char pong[] = "pong!";
    iovec back{pong, 5};
    (void)co_await server.send_to(d->peer, std::span<const iovec>(&back, 1));
    reply = (co_await client.recv_from(buffer))->bytes;
  });
  EXPECT_EQ(got, "ping");
  EXPECT_EQ(seen_peer, client_address);
  EXPECT_EQ(reply, 5u);
}

// A tiny provided-buffer pool runs dry under a fast sender and a slow
// reader: the multishot receive ends with ENOBUFS, receives fall back to
// plain entries and re-arm later, and no byte is lost or reordered.
TEST(UringMultishotTest, ExhaustedBufferPoolFallsBackWithoutLosingData) {
  if (!smp::backend_available(reactor_backend_kind::io_uring)) GTEST_SKIP() << "no io_uring";
  std::string payload(1 << 20, '\0');
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i * 7 % 251);
  std::string received;
  smp_config config;
  config.shards = 1;
  config.backend = reactor_backend_kind::io_uring;
  config.reactor.uring_multishot_recv = true;
  config.reactor.uring_recv_buffers = 4;
  config.reactor.uring_recv_buffer_size = 512;
  smp::run(config, [&]() -> task<int> {
    tcp_listener listener = tcp_listener::listen(socket_address::loopback(0));
    io_result<connected_socket> c = co_await connect(listener.local_address());
    io_result<accept_result> a = co_await listener.accept();
    auto sender = [&]() -> task<void> { (void)co_await c->send(std::span<const char>(payload)); };
    auto reader = [&]() -> task<void> {
      std::array<char, 700> buffer;  // not a multiple of the buffer size
      while (received.size() < payload.size()) {
        io_result<size_t> n = co_await a->socket.recv(buffer);
        if (!n.ok() || *n == 0) break;
        received.append(buffer.data(), *n);
        if (received.size() % 3 == 0) co_await yield();
      }
    };
    co_await when_all(sender(), reader());
    co_return 0;
  });
  EXPECT_EQ(received.size(), payload.size());
  EXPECT_TRUE(received == payload);
}

// One connection holds every provided buffer (it does not read); another,
// already waiting in recv, must still get its data via a plain receive.
TEST(UringMultishotTest, WaitingReceiveFallsBackWhenOthersHoldEveryBuffer) {
  if (!smp::backend_available(reactor_backend_kind::io_uring)) GTEST_SKIP() << "no io_uring";
  std::string got_b;
  std::string got_a;
  smp_config config;
  config.shards = 1;
  config.backend = reactor_backend_kind::io_uring;
  config.reactor.uring_multishot_recv = true;
  config.reactor.uring_recv_buffers = 2;
  config.reactor.uring_recv_buffer_size = 256;
  smp::run(config, [&]() -> task<int> {
    tcp_listener listener = tcp_listener::listen(socket_address::loopback(0));
    io_result<connected_socket> ca = co_await connect(listener.local_address());
    io_result<accept_result> a = co_await listener.accept();
    io_result<connected_socket> cb = co_await connect(listener.local_address());
    io_result<accept_result> b = co_await listener.accept();
    // Arm A's multishot with a first read, then let 4 KiB pile up unread.
    (void)co_await ca->send(std::span<const char>("a", 1));
    std::array<char, 1> one;
    (void)co_await a->socket.recv(one);
    const std::string bulk(4096, 'A');
    (void)co_await ca->send(std::span<const char>(bulk));
    co_await sleep_for(std::chrono::milliseconds(5));  // A's multishot takes both buffers
    auto reader_b = [&]() -> task<void> {
      std::array<char, 64> buffer;
      io_result<size_t> n = co_await b->socket.recv(buffer);
      if (n.ok()) got_b.assign(buffer.data(), *n);
    };
    auto writer_b = [&]() -> task<void> {
      co_await sleep_for(std::chrono::milliseconds(2));
      (void)co_await cb->send(std::span<const char>("hello b", 7));
    };
    co_await when_all(reader_b(), writer_b());
    got_a = co_await recv_exactly(a->socket, bulk.size());
    co_return 0;
  });
  EXPECT_EQ(got_b, "hello b");
  EXPECT_EQ(got_a, std::string(4096, 'A'));
}

INSTANTIATE_TEST_SUITE_P(Backends, SocketTest, ::testing::ValuesIn(testing::io_backend_variants()),
                         testing::variant_name);

}  // namespace
}  // namespace shoal
