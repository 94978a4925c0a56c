// shoal-reply-only: the ceiling server. Every shard listens on the same
// address (SO_REUSEPORT), and each connection runs one small loop: recv,
// find the complete requests (request_scanner), answer each with a canned
// reply (a get misses, or with --hit-value-size hits; a store is STORED), and send every reply of the batch
// in one send. No cache, no cross-shard hop: what is left is the cost of the
// runtime and the kernel's network stack, which is the most any server built
// on them can reach on this machine (issue 5).
//
//   shoal-reply-only -p 11311 -t 1 --reactor-backend epoll
//
// Prints "listening on <address>" on stdout once every shard listens (with
// -p 0, the port the kernel chose), and stops on SIGINT/SIGTERM.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "net/connected_socket.h"
#include "net/socket_address.h"
#include "net/tcp_listener.h"
#include "reply_only/request_scanner.h"
#include "runtime/reactor_options.h"
#include "runtime/smp.h"
#include "runtime/task.h"

namespace shoal::reply_only {
namespace {

constexpr size_t k_buffer = 2 * request_scanner::k_max_line;
constexpr size_t k_compact_below = 8 * 1024;

// Hit mode's value (--hit-value-size); empty view = every get misses.
std::string g_hit_value;
bool g_hits = false;

task<void> serve(connected_socket socket) {
  auto in = std::make_unique_for_overwrite<char[]>(k_buffer);
  size_t begin = 0, end = 0;
  std::string out;
  out.reserve(16 * 1024);
  request_scanner scanner = g_hits ? request_scanner(g_hit_value) : request_scanner();
  for (;;) {
    const io_result<size_t> got =
        co_await socket.recv(std::span<char>(in.get() + end, k_buffer - end));
    if (!got.ok() || *got == 0) break;
    end += *got;
    const scan_result scanned = scanner.scan(std::string_view(in.get() + begin, end - begin), out);
    begin += scanned.consumed;
    if (!out.empty()) {
      const io_result<size_t> sent =
          co_await socket.send(std::span<const char>(out.data(), out.size()));
      out.clear();
      if (!sent.ok()) break;
    }
    if (scanned.close) break;
    if (begin == end) {
      begin = end = 0;
    } else if (k_buffer - end < k_compact_below) {
      std::memmove(in.get(), in.get() + begin, end - begin);
      end -= begin;
      begin = 0;
    }
  }
}

// One shard's listener; created, closed and deleted on its shard.
struct shard_listener {
  tcp_listener listener;
};

task<void> accept_loop(shard_listener* shard) {
  for (;;) {
    io_result<accept_result> accepted = co_await shard->listener.accept();
    if (!accepted.ok()) {
      // Cancelled: the listener was closed and `shard` may be gone already.
      if (accepted.error() == std::errc::operation_canceled) co_return;
      continue;  // EMFILE, ECONNABORTED...: keep accepting
    }
    spawn(serve(std::move(accepted->socket)));
  }
}

task<int> run_server(socket_address address) {
  const unsigned shards = shard_count();
  std::vector<shard_listener*> listeners(shards, nullptr);
  const listen_options options{.backlog = 1024, .reuse_port = true};
  // Shard 0 first, so that with port 0 the others join the port it got.
  listeners[0] = new shard_listener{tcp_listener::listen(address, options)};
  address = listeners[0]->listener.local_address();
  spawn(accept_loop(listeners[0]));
  for (unsigned s = 1; s < shards; ++s) {
    co_await submit_to(s, [&listeners, s, address, options] {
      listeners[s] = new shard_listener{tcp_listener::listen(address, options)};
      spawn(accept_loop(listeners[s]));
    });
  }
  std::printf("shoal-reply-only: listening on %s with %u shard%s (%s)\n",
              address.to_string().c_str(), shards, shards == 1 ? "" : "s",
              to_string(smp::backend()));
  std::fflush(stdout);

  co_await smp::wait_for_stop();
  for (unsigned s = 0; s < shards; ++s) {
    co_await submit_to(s, [&listeners, s] {
      listeners[s]->listener.close();
      delete listeners[s];
    });
  }
  co_return 0;
}

}  // namespace
}  // namespace shoal::reply_only

int main(int argc, char** argv) {
  using namespace shoal;
  CLI::App app{
      "shoal-reply-only: answers memcached text requests without storing anything (every get\n"
      "misses, every store is STORED), to measure the runtime's and the network's ceiling."};
  uint16_t port = 11211;
  std::string host = "127.0.0.1";
  unsigned shards = 1;
  std::string backend = "auto";
  app.add_option("-p,--port", port, "TCP port (0: any free port, printed on start)")
      ->capture_default_str();
  app.add_option("-l,--listen", host, "address to listen on")->capture_default_str();
  app.add_option("-t,--threads", shards, "shards (one thread each)")->capture_default_str();
  app.add_option("--reactor-backend", backend, "auto | epoll | io_uring")->capture_default_str();
  bool no_pin = false;
  app.add_flag("--no-pin", no_pin, "do not pin shards to CPUs");
  size_t hit_value_size = 0;
  app.add_option("--hit-value-size", hit_value_size,
                 "answer every get key as present, with a value of this many bytes")
      ->check(CLI::Range(size_t{0}, size_t{1} << 20));
  CLI11_PARSE(app, argc, argv);
  if (app.count("--hit-value-size") > 0) {
    reply_only::g_hits = true;
    reply_only::g_hit_value.assign(hit_value_size, 'x');
  }

  const auto address = socket_address::parse_host(host, port);
  const auto kind = parse_reactor_backend_kind(backend);
  if (!address || !kind || shards < 1) {
    std::fprintf(stderr, "shoal-reply-only: bad -l, -t or --reactor-backend (run with --help)\n");
    return 2;
  }
  smp_config config;
  config.shards = shards;
  config.backend = *kind;
  config.pin_threads = !no_pin;
  try {
    return smp::run(config, [&]() -> task<int> { return reply_only::run_server(*address); });
  } catch (const std::exception& e) {
    std::fprintf(stderr, "shoal-reply-only: %s\n", e.what());
    return 1;
  }
}
