// Listening sockets. Setup is not the data path, so failures throw a
// std::system_error naming the call. SO_REUSEADDR is always set on TCP
// listeners (restart without waiting for TIME_WAIT), TCP_NODELAY is set on
// the listener so that accepted sockets inherit it.
#include "net/tcp_listener.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace shoal {

namespace {

[[noreturn]] void fail(int fd, const char* call, const socket_address& address) {
  const int error = errno;
  if (fd >= 0) ::close(fd);
  throw std::system_error(error, std::system_category(),
                          std::string(call) + " " + address.to_string());
}

}  // namespace

io_result<accept_result> listener_accept_awaitable::await_resume() noexcept {
  io_result<accepted_fd> raw = inner_.await_resume();
  if (!raw.ok()) return raw.error();
  accept_result result;
  result.peer = socket_address(reinterpret_cast<const sockaddr*>(&raw->peer), raw->peer_length);
  try {
    result.socket = connected_socket(pollable_fd::adopt(raw->fd, pollable_fd::kind::stream));
  } catch (const std::system_error& e) {
    return e.code();  // adopt closed the fd
  }
  return result;
}

tcp_listener& tcp_listener::operator=(tcp_listener&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::move(other.fd_);
    unix_path_ = std::exchange(other.unix_path_, socket_address());
  }
  return *this;
}

tcp_listener tcp_listener::listen(const socket_address& address, const listen_options& options) {
  const int fd = ::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) fail(-1, "socket", address);
  const int one = 1;
  if (address.is_ip()) {
    if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) {
      fail(fd, "setsockopt(SO_REUSEADDR)", address);
    }
    if (options.reuse_port && ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0) {
      fail(fd, "setsockopt(SO_REUSEPORT)", address);
    }
    // An IPv6 listener takes IPv6 only, as memcached's do: "-l ::" does not
    // also take IPv4, and "0.0.0.0" and "::" can both be bound on one port.
    if (address.family() == AF_INET6 &&
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0) {
      fail(fd, "setsockopt(IPV6_V6ONLY)", address);
    }
    if (::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) {
      fail(fd, "setsockopt(TCP_NODELAY)", address);
    }
  } else if (address.is_unix()) {
    const std::string path(address.path());
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) ::unlink(path.c_str());
  }
  if (::bind(fd, address.data(), address.length()) < 0) fail(fd, "bind", address);
  if (address.is_unix()) {
    const std::string path(address.path());
    if (::chmod(path.c_str(), options.unix_permissions) < 0) {
      const int error = errno;
      ::unlink(path.c_str());
      errno = error;
      fail(fd, "chmod", address);
    }
  }
  if (::listen(fd, options.backlog) < 0) {
    if (address.is_unix()) ::unlink(std::string(address.path()).c_str());
    fail(fd, "listen", address);
  }
  tcp_listener listener;
  listener.fd_ = pollable_fd::adopt(fd, pollable_fd::kind::listener);
  if (address.is_unix()) listener.unix_path_ = address;
  return listener;
}

socket_address tcp_listener::local_address() const {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  if (::getsockname(fd_.fd(), reinterpret_cast<sockaddr*>(&storage), &length) < 0) {
    return socket_address();
  }
  return socket_address(reinterpret_cast<const sockaddr*>(&storage), length);
}

void tcp_listener::close() noexcept {
  fd_.close();
  if (unix_path_.is_unix()) {
    ::unlink(std::string(unix_path_.path()).c_str());
    unix_path_ = socket_address();
  }
}

}  // namespace shoal
