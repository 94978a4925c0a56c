// connected_socket: one connected stream socket (TCP or unix) on the current
// shard. Move-only; owns the fd; TCP sockets have TCP_NODELAY set.
//
//   io_result<size_t> n = co_await sock.recv(buffer);   // 0 = peer closed
//   io_result<size_t> m = co_await sock.send(reply);    // every byte, or an error
//   io_result<size_t> k = co_await sock.send(iovecs);   // scatter-gather, every byte
//
// Each operation is a plain awaitable (no allocation, see
// runtime/pollable_fd.h); results are io_result, never exceptions. close()
// or the destructor cancels pending operations: their awaiters resume with
// std::errc::operation_canceled.
//
// Moving a socket to another shard: release_fd() here (no operation may be
// pending), send the int, connected_socket::adopt(fd) there.
#pragma once

#include <sys/uio.h>

#include <span>

#include "net/socket_address.h"
#include "runtime/io_result.h"
#include "runtime/pollable_fd.h"
#include "runtime/task.h"

namespace shoal {

class connected_socket {
 public:
  connected_socket() noexcept = default;
  // Wraps a connected, registered stream socket.
  explicit connected_socket(pollable_fd fd) noexcept : fd_(std::move(fd)) {}
  // Takes ownership of a connected stream socket fd (e.g. from release_fd()
  // on another shard) and registers it with this shard. Makes it
  // non-blocking. Throws std::system_error if registration fails, after
  // closing the fd (do not close it again).
  static connected_socket adopt(int fd);

  connected_socket(connected_socket&&) noexcept = default;
  connected_socket& operator=(connected_socket&&) noexcept = default;

  bool is_open() const noexcept { return fd_.is_open(); }
  int fd() const noexcept { return fd_.fd(); }

  // Receives at most buffer.size() bytes; 0 means the peer closed its side.
  recv_awaitable recv(std::span<char> buffer) noexcept { return fd_.recv(buffer); }
  // Sends all of `data`, looping over partial writes; returns data.size().
  send_awaitable send(std::span<const char> data) noexcept { return fd_.send_all(data); }
  // Sends all bytes of every entry, in order; returns their total.
  sendv_awaitable send(std::span<const iovec> data) noexcept { return fd_.send_all(data); }

  // Half-close: the peer's recv sees end of stream; we can still receive.
  io_result<void> shutdown_write() noexcept;
  // Cancels pending operations and closes. Idempotent.
  void close() noexcept { fd_.close(); }
  // Unregisters and returns the fd without closing it. Requires: no
  // operation pending.
  int release_fd() noexcept { return fd_.release(); }

  socket_address local_address() const;
  socket_address peer_address() const;

 private:
  pollable_fd fd_;
};

// Connects to `address` (TCP or unix) from the current shard.
// The address is taken by value: the task is lazy, so a reference could
// dangle before it starts.
task<io_result<connected_socket>> connect(socket_address address);

}  // namespace shoal
