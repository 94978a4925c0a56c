// Datagram socket setup; the operations are inline awaitables in the header.
#include "net/udp_socket.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace shoal {

udp_socket udp_socket::bind(const socket_address& address, bool reuse_port) {
  const int fd = ::socket(address.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  auto fail = [&](const char* call) {
    const int error = errno;
    if (fd >= 0) ::close(fd);
    throw std::system_error(error, std::system_category(),
                            std::string(call) + " " + address.to_string());
  };
  if (fd < 0) fail("socket");
  const int one = 1;
  if (address.family() == AF_INET6 &&
      ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0) {
    fail("setsockopt(IPV6_V6ONLY)");
  }
  if (reuse_port && ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0) {
    fail("setsockopt(SO_REUSEPORT)");
  }
  if (::bind(fd, address.data(), address.length()) < 0) fail("bind");
  udp_socket socket;
  socket.fd_ = pollable_fd::adopt(fd, pollable_fd::kind::datagram);
  return socket;
}

socket_address udp_socket::local_address() const {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  if (::getsockname(fd_.fd(), reinterpret_cast<sockaddr*>(&storage), &length) < 0) {
    return socket_address();
  }
  return socket_address(reinterpret_cast<const sockaddr*>(&storage), length);
}

}  // namespace shoal
