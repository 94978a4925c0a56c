// Echo requests per second per reactor backend, in one process: shard 1
// serves, shard 0 runs the client connections (each with `depth` requests in
// flight). The cross-process figures and the system-call counts that chose
// the default backend come from bench/net/echo_compare.sh instead.
#include <benchmark/benchmark.h>

#include <array>
#include <string>
#include <vector>

#include "net/connected_socket.h"
#include "net/tcp_listener.h"
#include "runtime/smp.h"
#include "runtime/when_all.h"

namespace shoal {
namespace {

task<void> serve(connected_socket socket) {
  std::array<char, 16384> buffer;
  while (true) {
    io_result<size_t> n = co_await socket.recv(buffer);
    if (!n.ok() || *n == 0) co_return;
    if (!(co_await socket.send(std::span<const char>(buffer.data(), *n))).ok()) co_return;
  }
}

task<void> accept_all(std::unique_ptr<tcp_listener> listener) {
  while (true) {
    io_result<accept_result> r = co_await listener->accept();
    if (!r.ok()) co_return;
    spawn(serve(std::move(r->socket)));
  }
}

task<uint64_t> client(socket_address server, unsigned depth, uint64_t requests) {
  io_result<connected_socket> c = co_await connect(server);
  if (!c.ok()) co_return 0;
  std::string out(depth * 32, 'x');
  std::string in(out.size(), '\0');
  uint64_t done = 0;
  while (done < requests) {
    if (!(co_await c->send(std::span<const char>(out))).ok()) break;
    size_t got = 0;
    while (got < in.size()) {
      io_result<size_t> n = co_await c->recv(std::span<char>(in.data() + got, in.size() - got));
      if (!n.ok() || *n == 0) co_return done;
      got += *n;
    }
    done += depth;
  }
  co_return done;
}

// Args: backend (0 epoll, 1 io_uring), connections, depth.
void BM_Echo(benchmark::State& state) {
  const auto backend =
      state.range(0) == 0 ? reactor_backend_kind::epoll : reactor_backend_kind::io_uring;
  const unsigned connections = static_cast<unsigned>(state.range(1));
  const unsigned depth = static_cast<unsigned>(state.range(2));
  const uint64_t per_connection = 400'000 / connections;
  uint64_t total = 0;
  for (auto _ : state) {
    smp_config config;
    config.shards = 2;
    config.backend = backend;
    smp::run(config, [&]() -> task<int> {
      socket_address server = co_await submit_to(1, [] {
        auto listener =
            std::make_unique<tcp_listener>(tcp_listener::listen(socket_address::loopback(0)));
        socket_address address = listener->local_address();
        spawn(accept_all(std::move(listener)));
        return address;
      });
      std::vector<task<uint64_t>> clients;
      for (unsigned i = 0; i < connections; ++i) {
        clients.push_back(client(server, depth, per_connection));
      }
      for (uint64_t n : co_await when_all(std::move(clients))) total += n;
      co_return 0;
    });
  }
  state.SetItemsProcessed(static_cast<int64_t>(total));
  state.SetLabel(to_string(backend));
}
BENCHMARK(BM_Echo)
    ->Args({0, 50, 1})
    ->Args({1, 50, 1})
    ->Args({0, 50, 16})
    ->Args({1, 50, 16})
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace shoal

BENCHMARK_MAIN();
