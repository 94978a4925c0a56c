// tcp_listener: a listening stream socket (TCP, or unix-domain despite the
// name) on the current shard.
//
//   auto listener = tcp_listener::listen(*socket_address::parse("0.0.0.0:11211"),
//                                        {.reuse_port = true});
//   while (true) {
//     io_result<accept_result> r = co_await listener.accept();
//     if (!r.ok()) { if (r.error() == std::errc::operation_canceled) break; continue; }
//     spawn(serve(std::move(r->socket)));
//   }
//
// With reuse_port every shard opens its own listener on the same address
// and the kernel spreads incoming connections over them (SO_REUSEPORT). For
// unix sockets, where that does not apply, one shard accepts and hands fds
// to the others (connected_socket::release_fd / adopt).
//
// Setup throws std::system_error naming the failing call; accept() returns
// io_result (EMFILE, ECONNABORTED... are the caller's to handle). Accepted
// TCP sockets inherit TCP_NODELAY from the listener (no extra system call).
#pragma once

#include <sys/types.h>

#include <utility>

#include "net/connected_socket.h"
#include "net/socket_address.h"
#include "runtime/io_result.h"
#include "runtime/pollable_fd.h"

namespace shoal {

struct listen_options {
  int backlog = 1024;
  // SO_REUSEPORT: several sockets (one per shard) on one address.
  bool reuse_port = false;
  // Unix-domain only: the socket file's permissions (memcached's -a).
  mode_t unix_permissions = 0700;
};

struct accept_result {
  connected_socket socket;
  socket_address peer;
};

// The awaitable returned by tcp_listener::accept(): io_result<accept_result>.
class listener_accept_awaitable {
 public:
  explicit listener_accept_awaitable(pollable_fd& listener) noexcept : inner_(listener.accept()) {}
  bool await_ready() noexcept { return inner_.await_ready(); }
  void await_suspend(std::coroutine_handle<> waiter) noexcept { inner_.await_suspend(waiter); }
  io_result<accept_result> await_resume() noexcept;

 private:
  accept_awaitable inner_;
};

class tcp_listener {
 public:
  tcp_listener() noexcept = default;
  // The moved-from listener must forget the socket file, or its destructor
  // would unlink the file the new owner listens on.
  tcp_listener(tcp_listener&& other) noexcept
      : fd_(std::move(other.fd_)), unix_path_(std::exchange(other.unix_path_, socket_address())) {}
  tcp_listener& operator=(tcp_listener&&) noexcept;
  ~tcp_listener() { close(); }

  // Creates, binds and listens on the current shard. For unix paths, a stale
  // socket file left at `address` is removed first, and the permissions are
  // applied before listen(). Throws std::system_error.
  static tcp_listener listen(const socket_address& address, const listen_options& options = {});

  // The next connection: a connected_socket registered on this shard, and
  // the peer's address.
  listener_accept_awaitable accept() noexcept { return listener_accept_awaitable(fd_); }

  // The bound address (the real port when listening on port 0).
  socket_address local_address() const;
  bool is_open() const noexcept { return fd_.is_open(); }
  // Stops listening; a pending accept() completes with operation_canceled.
  // Removes the socket file of a unix listener.
  void close() noexcept;

 private:
  pollable_fd fd_;
  socket_address unix_path_;  // set when we created a socket file
};

}  // namespace shoal
