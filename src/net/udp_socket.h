// udp_socket: a bound datagram socket on the current shard (UDP, for
// memcached's UDP protocol and tools).
//
//   io_result<recv_from_result> d = co_await sock.recv_from(buffer);
//   co_await sock.send_to(d->peer, iovecs);   // one datagram
//
// Awaitables, no allocation, io_result; close() cancels a pending operation.
// One recv_from and one send_to may be pending at a time.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <coroutine>
#include <span>

#include "net/socket_address.h"
#include "runtime/io_result.h"
#include "runtime/pollable_fd.h"

namespace shoal {

struct recv_from_result {
  size_t bytes = 0;  // the datagram's size (truncated to the buffer: see MSG_TRUNC)
  socket_address peer;
};

class recv_from_awaitable {
 public:
  recv_from_awaitable(pollable_fd& fd, std::span<char> buffer) noexcept
      : iov_{buffer.data(), buffer.size()}, inner_(fd.recvmsg(msg_)) {
    msg_.msg_name = &peer_;
    msg_.msg_namelen = sizeof peer_;
    msg_.msg_iov = &iov_;
    msg_.msg_iovlen = 1;
  }
  bool await_ready() noexcept { return inner_.await_ready(); }
  void await_suspend(std::coroutine_handle<> waiter) noexcept { inner_.await_suspend(waiter); }
  io_result<recv_from_result> await_resume() noexcept {
    io_result<size_t> n = inner_.await_resume();
    if (!n.ok()) return n.error();
    return recv_from_result{
        *n, socket_address(reinterpret_cast<const sockaddr*>(&peer_), msg_.msg_namelen)};
  }

 private:
  iovec iov_;
  sockaddr_storage peer_{};
  msghdr msg_{};
  msg_awaitable inner_;
};

class send_to_awaitable {
 public:
  send_to_awaitable(pollable_fd& fd, const socket_address& peer,
                    std::span<const iovec> data) noexcept
      : peer_(peer), inner_(fd.sendmsg(msg_)) {
    msg_.msg_name = const_cast<sockaddr*>(peer_.data());
    msg_.msg_namelen = peer_.length();
    msg_.msg_iov = const_cast<iovec*>(data.data());  // sendmsg does not write it
    msg_.msg_iovlen = data.size();
  }
  bool await_ready() noexcept { return inner_.await_ready(); }
  void await_suspend(std::coroutine_handle<> waiter) noexcept { inner_.await_suspend(waiter); }
  io_result<size_t> await_resume() noexcept { return inner_.await_resume(); }

 private:
  socket_address peer_;
  msghdr msg_{};
  msg_awaitable inner_;
};

class udp_socket {
 public:
  udp_socket() noexcept = default;
  // Creates and binds a datagram socket. Throws std::system_error naming
  // the call.
  static udp_socket bind(const socket_address& address, bool reuse_port = false);

  // Receives one datagram into `buffer`.
  recv_from_awaitable recv_from(std::span<char> buffer) noexcept {
    return recv_from_awaitable(fd_, buffer);
  }
  // Sends `data` as one datagram to `peer`; returns the bytes sent.
  send_to_awaitable send_to(const socket_address& peer, std::span<const iovec> data) noexcept {
    return send_to_awaitable(fd_, peer, data);
  }

  socket_address local_address() const;
  bool is_open() const noexcept { return fd_.is_open(); }
  void close() noexcept { fd_.close(); }

 private:
  pollable_fd fd_;
};

}  // namespace shoal
