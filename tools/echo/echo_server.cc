// shoal_echo: a TCP echo server on the Shoal runtime, one listener per shard
// (SO_REUSEPORT). It is the runtime's demo and the workload behind the
// backend measurements (docs/decisions/0100-reactor-backend.md): the loop
// per connection is "recv whatever arrived, send it back".
//
// It also shows the shutdown pattern the server follows: on SIGINT/SIGTERM
// shard 0 stops every shard's service, which closes its listener and its
// connections (their pending recv/send complete with operation_canceled),
// waits for the connection tasks to finish, and returns.
//
//   shoal_echo --port 7000 --shards 2 --backend io_uring
#include <CLI/CLI.hpp>
#include <array>
#include <coroutine>
#include <cstdio>
#include <list>
#include <string>

#include "net/connected_socket.h"
#include "net/socket_address.h"
#include "net/tcp_listener.h"
#include "runtime/reactor.h"
#include "runtime/sharded.h"
#include "runtime/smp.h"
#include "runtime/task.h"

namespace shoal {
namespace {

// One shard's part of the server: its listener and its live connections.
class echo_service {
 public:
  explicit echo_service(socket_address address)
      : listener_(tcp_listener::listen(address, {.reuse_port = true})) {
    ++tasks_;
    spawn(accept_loop());
  }

  socket_address local_address() const { return listener_.local_address(); }

  task<void> stop() {
    listener_.close();
    for (connected_socket* c : connections_) c->close();
    co_await drained{this};
  }

 private:
  task<void> accept_loop() {
    while (true) {
      io_result<accept_result> r = co_await listener_.accept();
      if (!r.ok()) {
        if (r.error() == std::errc::operation_canceled) break;
        continue;  // EMFILE, ECONNABORTED...: keep serving the others
      }
      ++tasks_;
      spawn(serve(std::move(r->socket)));
    }
    task_done();
  }

  task<void> serve(connected_socket socket) {
    auto registration = connections_.insert(connections_.end(), &socket);
    std::array<char, 16384> buffer;
    while (true) {
      io_result<size_t> n = co_await socket.recv(buffer);
      if (!n.ok() || *n == 0) break;
      io_result<size_t> sent = co_await socket.send(std::span<const char>(buffer.data(), *n));
      if (!sent.ok()) break;
    }
    connections_.erase(registration);
    task_done();
  }

  void task_done() {
    if (--tasks_ == 0 && stop_waiter_) reactor::local().schedule(std::exchange(stop_waiter_, {}));
  }

  // Completes when the accept loop and every connection task have ended.
  struct drained {
    echo_service* self;
    bool await_ready() const noexcept { return self->tasks_ == 0; }
    void await_suspend(std::coroutine_handle<> waiter) noexcept { self->stop_waiter_ = waiter; }
    void await_resume() const noexcept {}
  };

  tcp_listener listener_;
  std::list<connected_socket*> connections_;
  size_t tasks_ = 0;
  std::coroutine_handle<> stop_waiter_;
};

}  // namespace
}  // namespace shoal

int main(int argc, char** argv) {
  CLI::App app("shoal_echo: TCP echo server on the Shoal runtime");
  std::string address = "127.0.0.1";
  uint16_t port = 7000;
  unsigned shards = 0;
  std::string backend = "auto";
  app.add_option("-l,--address", address, "address to listen on (numeric or localhost)");
  app.add_option("-p,--port", port, "TCP port (0: any; the chosen one is printed)");
  app.add_option("-t,--shards", shards, "shards (0: one per CPU)");
  app.add_option("--reactor-backend,--backend", backend, "auto, epoll or io_uring");
  // Experiment switches for docs/decisions/0100-reactor-backend.md.
  shoal::reactor_options tuning;
  bool no_defer = false;
  bool no_poll_first = false;
  bool msg_ring = false;
  bool multishot = false;
  app.add_flag("--no-defer-taskrun", no_defer, "io_uring: no IORING_SETUP_DEFER_TASKRUN");
  app.add_flag("--no-poll-first", no_poll_first, "io_uring: never IORING_RECVSEND_POLL_FIRST");
  app.add_flag("--msg-ring", msg_ring, "io_uring: wake shards with IORING_OP_MSG_RING");
  app.add_flag("--multishot-recv", multishot, "io_uring: multishot recv into provided buffers");
  CLI11_PARSE(app, argc, argv);
  tuning.uring_defer_taskrun = !no_defer;
  tuning.uring_recv_poll_first = !no_poll_first;
  tuning.uring_msg_ring_wakeup = msg_ring;
  tuning.uring_multishot_recv = multishot;

  const auto kind = shoal::parse_reactor_backend_kind(backend);
  const auto where = shoal::socket_address::parse_host(address, port);
  if (!kind || !where) {
    std::fprintf(stderr, "shoal_echo: bad %s\n", !kind ? "--backend" : "--address");
    return 2;
  }
  shoal::smp_config config;
  config.shards = shards;
  config.backend = *kind;
  config.reactor = tuning;
  try {
    return shoal::smp::run(config, [&]() -> shoal::task<int> {
      shoal::sharded<shoal::echo_service> service;
      // Shard 0 binds first so that port 0 becomes one real port for all.
      auto bound = co_await shoal::submit_to(0, [&] {
        return shoal::tcp_listener::listen(*where, {.reuse_port = true}).local_address();
      });
      co_await service.start(bound);
      std::printf("shoal_echo: listening on %s (%u shards, %s)\n", bound.to_string().c_str(),
                  shoal::shard_count(), shoal::to_string(shoal::smp::backend()));
      std::fflush(stdout);
      co_await shoal::smp::wait_for_stop();
      co_await service.stop();
      co_return 0;
    });
  } catch (const std::exception& e) {
    std::fprintf(stderr, "shoal_echo: %s\n", e.what());
    return 1;
  }
}
