// shoal_echo_load: a closed-loop load generator for echo servers, on the
// Shoal runtime. Each connection sends `depth` messages of `size` bytes in
// one write, reads the echo of all of them, and repeats: depth 1 is one
// request in flight per connection, depth > 1 is pipelining.
//
// It stops after --requests in total (a fixed load: what `strace -c` on the
// server divides by) or after --duration seconds, and prints one line:
//   requests=N seconds=S rps=R connections=C depth=D size=B
//
//   shoal_echo_load --address 127.0.0.1:7000 --connections 50 --depth 1 --requests 200000
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "net/connected_socket.h"
#include "net/socket_address.h"
#include "runtime/reactor.h"
#include "runtime/smp.h"
#include "runtime/task.h"
#include "runtime/when_all.h"

namespace shoal {
namespace {

struct load_config {
  socket_address server;
  unsigned connections = 50;
  unsigned depth = 1;
  unsigned size = 32;
  uint64_t requests = 0;  // per connection when > 0
  std::chrono::steady_clock::time_point until;
};

// Runs one connection; returns the requests it completed (0 on failure).
task<uint64_t> run_connection(const load_config& config) {
  io_result<connected_socket> c = co_await connect(config.server);
  if (!c.ok()) {
    std::fprintf(stderr, "connect: %s\n", c.error().message().c_str());
    co_return 0;
  }
  std::string out(static_cast<size_t>(config.depth) * config.size, 'x');
  std::string in(out.size(), '\0');
  uint64_t done = 0;
  while ((config.requests == 0 || done < config.requests) &&
         (config.requests != 0 || reactor::now() < config.until)) {
    if (!(co_await c->send(std::span<const char>(out))).ok()) break;
    size_t got = 0;
    while (got < in.size()) {
      io_result<size_t> n = co_await c->recv(std::span<char>(in.data() + got, in.size() - got));
      if (!n.ok() || *n == 0) co_return done;
      got += *n;
    }
    done += config.depth;
  }
  co_return done;
}

}  // namespace
}  // namespace shoal

int main(int argc, char** argv) {
  CLI::App app("shoal_echo_load: closed-loop echo load generator");
  std::string address = "127.0.0.1:7000";
  unsigned shards = 1;
  std::string backend = "epoll";
  double duration = 5;
  uint64_t total_requests = 0;
  shoal::load_config config;
  app.add_option("-a,--address", address, "server host:port");
  app.add_option("-c,--connections", config.connections, "connections (split over shards)");
  app.add_option("-d,--depth", config.depth, "requests in flight per connection (pipelining)");
  app.add_option("-s,--size", config.size, "bytes per request");
  app.add_option("-n,--requests", total_requests, "stop after this many requests in total");
  app.add_option("--duration", duration, "seconds to run when --requests is not given");
  app.add_option("-t,--shards", shards, "client shards");
  app.add_option("--reactor-backend,--backend", backend, "auto, epoll or io_uring");
  CLI11_PARSE(app, argc, argv);

  const auto kind = shoal::parse_reactor_backend_kind(backend);
  const auto server = shoal::socket_address::parse(address);
  if (!kind || !server || config.connections == 0 || config.depth == 0 || shards == 0) {
    std::fprintf(stderr, "shoal_echo_load: bad arguments\n");
    return 2;
  }
  config.server = *server;
  if (total_requests > 0) {
    config.requests = (total_requests + config.connections - 1) / config.connections;
  }
  shoal::smp_config smp;
  smp.shards = shards;
  smp.backend = *kind;
  return shoal::smp::run(smp, [&]() -> shoal::task<int> {
    const auto start = std::chrono::steady_clock::now();
    config.until = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                               std::chrono::duration<double>(duration));
    std::vector<shoal::task<uint64_t>> per_shard;
    for (unsigned s = 0; s < shards; ++s) {
      const unsigned mine = config.connections / shards + (s < config.connections % shards);
      per_shard.push_back(shoal::submit_to(s, [&config, mine]() -> shoal::task<uint64_t> {
        std::vector<shoal::task<uint64_t>> conns;
        for (unsigned i = 0; i < mine; ++i) conns.push_back(shoal::run_connection(config));
        uint64_t sum = 0;
        for (uint64_t n : co_await shoal::when_all(std::move(conns))) sum += n;
        co_return sum;
      }));
    }
    uint64_t requests = 0;
    for (uint64_t n : co_await shoal::when_all(std::move(per_shard))) requests += n;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("requests=%llu seconds=%.3f rps=%.0f connections=%u depth=%u size=%u\n",
                static_cast<unsigned long long>(requests), seconds,
                static_cast<double>(requests) / seconds, config.connections, config.depth,
                config.size);
    co_return requests > 0 ? 0 : 1;
  });
}
