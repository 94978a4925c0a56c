// The -l option: which local addresses the server listens on. memcached's
// rules, reproduced here (docs/protocol.md#command-line):
//   -l takes a comma-separated list and may be repeated; the lists add up.
//   An entry is "host", "host:port", "[ipv6]" or "[ipv6]:port"; an IPv6
//   address without brackets takes no port ("::1" is a host, "::1:80" is not
//   an address). The host may be a name ("localhost"); it is resolved once.
//   An entry's port overrides -p for TCP and -U for UDP; -p 0 still turns TCP
//   off, and -U 0 UDP, whatever the entries say. Port 0 in an entry means an
//   ephemeral port, as in memcached.
//   No -l at all means every interface, IPv4 and IPv6.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/startup_error.h"

namespace shoal::server {

// One entry of -l, as parsed (not yet resolved).
struct listen_spec {
  std::string text;              // as written: "[::1]:11211"
  std::string host;              // brackets removed: "::1"
  std::optional<uint16_t> port;  // empty: use -p (TCP) or -U (UDP)

  friend bool operator==(const listen_spec&, const listen_spec&) = default;
};

// A resolved local address to bind, IPv4 or IPv6.
struct socket_endpoint {
  sockaddr_storage address{};
  socklen_t length = 0;

  int family() const { return address.ss_family; }
  uint16_t port() const;
  // "127.0.0.1:11211" or "[::1]:11211".
  std::string to_string() const;

  friend bool operator==(const socket_endpoint& a, const socket_endpoint& b);
};

enum class transport : uint8_t { tcp, udp };

// Splits one -l argument at its commas and parses each entry, appending to
// *out. Empty entries (",a" or "a,") are skipped, as memcached's strtok does;
// an entry already in *out is not added twice. On a malformed entry returns
// memcached's message with exit status 71 (memcached finds these when it
// binds, and exits with EX_OSERR).
std::optional<startup_error> parse_listen_argument(std::string_view argument,
                                                   std::vector<listen_spec>* out);

// Resolves the entries for one transport with getaddrinfo(AI_PASSIVE): each
// entry's port or else default_port; no entries means every interface.
// Appends to *out, skipping duplicates. An unknown host fails with
// memcached's message and status 71. Blocks on DNS for names.
std::optional<startup_error> resolve_listen_endpoints(std::span<const listen_spec> specs,
                                                      uint16_t default_port, transport kind,
                                                      std::vector<socket_endpoint>* out);

}  // namespace shoal::server
