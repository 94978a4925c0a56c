// Parsing and printing socket addresses. Numeric only (inet_pton), so
// parsing never blocks on a resolver; "localhost" is the one name allowed.
#include "net/socket_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <charconv>
#include <cstring>
#include <stdexcept>

namespace shoal {

namespace {

std::optional<uint16_t> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value > 65535) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(value);
}

}  // namespace

socket_address::socket_address() noexcept : storage_{}, length_(sizeof(sa_family_t)) {
  storage_.ss_family = AF_UNSPEC;
}

socket_address::socket_address(const sockaddr* address, socklen_t length) noexcept
    : storage_{}, length_(length) {
  if (length_ > sizeof storage_) length_ = sizeof storage_;
  std::memcpy(&storage_, address, length_);
}

socket_address socket_address::loopback(uint16_t port) noexcept {
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_port = htons(port);
  in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return socket_address(reinterpret_cast<const sockaddr*>(&in), sizeof in);
}

socket_address socket_address::any_ipv4(uint16_t port) noexcept {
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_port = htons(port);
  in.sin_addr.s_addr = htonl(INADDR_ANY);
  return socket_address(reinterpret_cast<const sockaddr*>(&in), sizeof in);
}

socket_address socket_address::unix_path(std::string_view path) {
  sockaddr_un un{};
  if (path.empty() || path.size() >= sizeof un.sun_path) {
    throw std::invalid_argument("unix socket path is empty or longer than 107 bytes");
  }
  un.sun_family = AF_UNIX;
  std::memcpy(un.sun_path, path.data(), path.size());
  return socket_address(reinterpret_cast<const sockaddr*>(&un),
                        static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1));
}

std::optional<socket_address> socket_address::parse_host(std::string_view host, uint16_t port) {
  if (host == "localhost") return loopback(port);
  if (host == "*" || host.empty()) return any_ipv4(port);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  char text[INET6_ADDRSTRLEN + 1];
  if (host.size() >= sizeof text) return std::nullopt;
  std::memcpy(text, host.data(), host.size());
  text[host.size()] = '\0';
  sockaddr_in in{};
  if (inet_pton(AF_INET, text, &in.sin_addr) == 1) {
    in.sin_family = AF_INET;
    in.sin_port = htons(port);
    return socket_address(reinterpret_cast<const sockaddr*>(&in), sizeof in);
  }
  sockaddr_in6 in6{};
  if (inet_pton(AF_INET6, text, &in6.sin6_addr) == 1) {
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(port);
    return socket_address(reinterpret_cast<const sockaddr*>(&in6), sizeof in6);
  }
  return std::nullopt;
}

std::optional<socket_address> socket_address::parse(std::string_view text) {
  if (text.starts_with("unix:"))
    text.remove_prefix(5);
  else if (!text.starts_with("/")) {
    std::string_view host;
    std::string_view port;
    if (text.starts_with("[")) {
      const size_t close = text.find("]:");
      if (close == std::string_view::npos) return std::nullopt;
      host = text.substr(0, close + 1);
      port = text.substr(close + 2);
    } else {
      const size_t colon = text.rfind(':');
      if (colon == std::string_view::npos) return std::nullopt;
      host = text.substr(0, colon);
      if (host.find(':') != std::string_view::npos) return std::nullopt;  // bare IPv6
      port = text.substr(colon + 1);
    }
    const std::optional<uint16_t> number = parse_port(port);
    if (!number) return std::nullopt;
    return parse_host(host, *number);
  }
  sockaddr_un un{};
  if (text.empty() || text.size() >= sizeof un.sun_path) return std::nullopt;
  return unix_path(text);
}

uint16_t socket_address::port() const noexcept {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  if (family() == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  }
  return 0;
}

std::string_view socket_address::path() const noexcept {
  if (!is_unix() || length_ <= offsetof(sockaddr_un, sun_path)) return {};
  const auto* un = reinterpret_cast<const sockaddr_un*>(&storage_);
  const size_t max = length_ - offsetof(sockaddr_un, sun_path);
  return std::string_view(un->sun_path, strnlen(un->sun_path, max));
}

std::string socket_address::to_string() const {
  char text[INET6_ADDRSTRLEN];
  switch (family()) {
    case AF_INET:
      inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, text,
                sizeof text);
      return std::string(text) + ":" + std::to_string(port());
    case AF_INET6:
      inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, text,
                sizeof text);
      return "[" + std::string(text) + "]:" + std::to_string(port());
    case AF_UNIX:
      return "unix:" + std::string(path());
    default:
      return "unspecified";
  }
}

bool operator==(const socket_address& a, const socket_address& b) noexcept {
  if (a.family() != b.family()) return false;
  switch (a.family()) {
    case AF_INET: {
      const auto* x = reinterpret_cast<const sockaddr_in*>(&a.storage_);
      const auto* y = reinterpret_cast<const sockaddr_in*>(&b.storage_);
      return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    case AF_INET6: {
      const auto* x = reinterpret_cast<const sockaddr_in6*>(&a.storage_);
      const auto* y = reinterpret_cast<const sockaddr_in6*>(&b.storage_);
      return x->sin6_port == y->sin6_port &&
             std::memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
    }
    case AF_UNIX:
      return a.path() == b.path();
    default:
      return true;
  }
}

}  // namespace shoal
