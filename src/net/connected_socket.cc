// Setup around connected sockets: adopting an fd from another shard, and
// connect(). The data path (recv/send) is inline in the header and runs in
// the reactor backends.
#include "net/connected_socket.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace shoal {

namespace {

socket_address name_of(int fd, bool peer) {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  auto* address = reinterpret_cast<sockaddr*>(&storage);
  const int rc = peer ? ::getpeername(fd, address, &length) : ::getsockname(fd, address, &length);
  if (fd < 0 || rc < 0) return socket_address();
  return socket_address(address, length);
}

}  // namespace

connected_socket connected_socket::adopt(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0 && !(flags & O_NONBLOCK)) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  return connected_socket(pollable_fd::adopt(fd, pollable_fd::kind::stream));
}

io_result<void> connected_socket::shutdown_write() noexcept {
  if (::shutdown(fd(), SHUT_WR) < 0) return io_result<void>::from_errno(errno);
  return {};
}

socket_address connected_socket::local_address() const { return name_of(fd(), false); }

socket_address connected_socket::peer_address() const { return name_of(fd(), true); }

task<io_result<connected_socket>> connect(socket_address address) {
  const int fd = ::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) co_return io_result<connected_socket>::from_errno(errno);
  if (address.is_ip()) {
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  pollable_fd socket;
  try {
    socket = pollable_fd::adopt(fd, pollable_fd::kind::stream);
  } catch (const std::system_error& e) {
    co_return e.code();
  }
  io_result<void> connected = co_await socket.connect(address.data(), address.length());
  if (!connected.ok()) co_return connected.error();
  co_return connected_socket(std::move(socket));
}

}  // namespace shoal
