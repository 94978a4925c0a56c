// socket_address: an IPv4, IPv6 or unix-domain socket address, as the kernel
// takes it (sockaddr + length), with parsing and printing.
//
//   socket_address::parse("127.0.0.1:11211")   // IPv4
//   socket_address::parse("[::1]:11211")       // IPv6
//   socket_address::parse("localhost:0")       // 127.0.0.1, port 0 = any
//   socket_address::parse("/run/shoal.sock")   // unix path (also "unix:path")
//   socket_address::parse_host("0.0.0.0", 11211)  // host and port apart (-l / -p)
//
// Host names other than "localhost" are not resolved (no DNS on this path).
// A value type; cheap to copy (136 bytes).
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shoal {

class socket_address {
 public:
  // AF_UNSPEC: "no address".
  socket_address() noexcept;
  // Copies what the kernel returned (accept, getsockname, recvfrom).
  socket_address(const sockaddr* address, socklen_t length) noexcept;

  // 127.0.0.1:port.
  static socket_address loopback(uint16_t port = 0) noexcept;
  // 0.0.0.0:port.
  static socket_address any_ipv4(uint16_t port = 0) noexcept;
  // A unix-domain path; throws std::invalid_argument if it does not fit
  // sockaddr_un (107 bytes) or is empty.
  static socket_address unix_path(std::string_view path);

  // "host:port", "[v6]:port", a path starting with '/', or "unix:path".
  // host is a numeric address, "localhost", or "*" (any IPv4).
  static std::optional<socket_address> parse(std::string_view text);
  // host alone ("1.2.3.4", "::1", "[::1]", "localhost", "*") and a port.
  static std::optional<socket_address> parse_host(std::string_view host, uint16_t port);

  int family() const noexcept { return storage_.ss_family; }
  bool is_ip() const noexcept { return family() == AF_INET || family() == AF_INET6; }
  bool is_unix() const noexcept { return family() == AF_UNIX; }
  // 0 for unix and unspecified addresses.
  uint16_t port() const noexcept;
  // The path of a unix address ("" otherwise).
  std::string_view path() const noexcept;

  // "1.2.3.4:80", "[::1]:80", "unix:/path", or "unspecified".
  std::string to_string() const;

  const sockaddr* data() const noexcept { return reinterpret_cast<const sockaddr*>(&storage_); }
  socklen_t length() const noexcept { return length_; }

  friend bool operator==(const socket_address& a, const socket_address& b) noexcept;

 private:
  sockaddr_storage storage_;
  socklen_t length_;
};

}  // namespace shoal
